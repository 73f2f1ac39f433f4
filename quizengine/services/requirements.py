"""Requirements (应报材料): what each center of some groups owes, by when; and the dashboard of who handed in what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from quizengine.core.submissions import REQUIREMENT_KINDS, Standing, plan_requirements, standing
from quizengine.extensions import db
from quizengine.models import Center, Group, Requirement, RequirementGroup, Submission
from quizengine.services import audit
from quizengine.services.errors import Refused


def list_requirements(scope: set[str] | None) -> list[Requirement]:
    """Requirements by deadline; with `scope` (an organizer's group keys) those owed by any of their groups.

    An organizer sees (and watches in the dashboard) a requirement that also
    concerns other groups, for their own centers; changing it takes all its
    groups (views: `ensure_scope`).
    """
    requirements = db.session.scalars(select(Requirement).order_by(Requirement.due_at, Requirement.id)).all()
    if scope is None:
        return list(requirements)
    return [r for r in requirements if {g.key for g in r.groups} & scope]


def requirements_of_center(center: Center) -> list[Requirement]:
    """The requirements a center owes (those of its group), by deadline."""
    query = (
        select(Requirement)
        .join(RequirementGroup, RequirementGroup.requirement_id == Requirement.id)
        .where(RequirementGroup.group_id == center.group_id)
        .order_by(Requirement.due_at, Requirement.id)
    )
    return list(db.session.scalars(query))


def save_requirement(
    requirement: Requirement | None,
    *,
    title: str,
    kind: str,
    description: str,
    due_at: datetime,
    group_keys,
    multiple: bool,
    allowed_groups: set[str] | None,
    actor=None,
    address: str = "",
) -> Requirement:
    """Create (requirement None) or change a requirement; groups must lie within `allowed_groups` (None: any)."""
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise Refused("requirement_invalid", "请填写名称（不超过 200 字）")
    if kind not in REQUIREMENT_KINDS:
        raise Refused("requirement_invalid", f"未知的材料类别 {kind}")
    keys = set(group_keys or ())
    if not keys:
        raise Refused("requirement_invalid", "请至少选择一个组")
    if allowed_groups is not None and not keys <= allowed_groups:
        raise Refused("requirement_invalid", "只能为自己负责的组设置应报材料")
    groups = list(db.session.scalars(select(Group).where(Group.key.in_(keys))))
    if len(groups) != len(keys):
        raise Refused("requirement_invalid", "未知的组")
    created = requirement is None
    if created:
        requirement = Requirement(created_by=actor.id if actor else None)
        db.session.add(requirement)
    requirement.title, requirement.kind, requirement.description = title, kind, (description or "").strip()
    requirement.due_at, requirement.multiple, requirement.groups = due_at, bool(multiple), groups
    db.session.flush()
    audit.record(
        actor,
        "requirement.create" if created else "requirement.edit",
        title,
        address,
        requirement=requirement.id,
        kind=kind,
        due_at=due_at.isoformat(timespec="minutes"),
        groups=",".join(sorted(keys)),
    )
    db.session.commit()
    return requirement


def create_plan_requirements(year: int, zone, group_keys, *, actor=None, address: str = "") -> list[Requirement]:
    """Create the contest plan's requirements for `year` (8/30 and 9/30, 23:59 local time) for the given groups."""
    if not 2000 <= year <= 2100:
        raise Refused("requirement_invalid", "年份应在 2000 到 2100 之间")
    made = []
    for planned in plan_requirements(year):
        made.append(
            save_requirement(
                None,
                title=planned.title,
                kind=planned.kind,
                description="按活动方案（普府办〔2021〕31号）报区府办",
                due_at=planned.due_local.replace(tzinfo=zone),
                group_keys=group_keys,
                multiple=planned.multiple,
                allowed_groups=None,
                actor=actor,
                address=address,
            )
        )
    return made


@dataclass
class Cell:
    """One center's standing on one requirement in the dashboard, with its counting submissions."""

    standing: Standing
    submissions: list[Submission]


@dataclass
class Dashboard:
    """The center × requirement table: rows of (center, cells), a cell None where the center owes nothing."""

    requirements: list[Requirement]
    rows: list[tuple[Center, list[Cell | None]]]
    counts: dict[int, dict[str, int]]


def dashboard(scope: set[str] | None, now: datetime) -> Dashboard:
    """Every center that owes something in scope against every requirement in scope: on time, late or missing."""
    requirements = list_requirements(scope)
    query = select(Center).join(Group, Center.group_id == Group.id).order_by(Group.position, Center.name)
    owing = {g.id for r in requirements for g in r.groups if scope is None or g.key in scope}
    centers = [c for c in db.session.scalars(query) if c.group_id in owing]
    live = db.session.scalars(
        select(Submission)
        .where(Submission.requirement_id.in_([r.id for r in requirements]), Submission.withdrawn_at.is_(None))
        .order_by(Submission.submitted_at)
    ).all()
    by_cell: dict[tuple[int, int], list[Submission]] = {}
    for submission in live:
        by_cell.setdefault((submission.center_id, submission.requirement_id), []).append(submission)
    counts = {r.id: {"on_time": 0, "late": 0, "missing": 0} for r in requirements}
    rows = []
    for center in centers:
        cells: list[Cell | None] = []
        for requirement in requirements:
            if center.group_id not in {g.id for g in requirement.groups}:
                cells.append(None)
                continue
            handed = by_cell.get((center.id, requirement.id), [])
            cell = Cell(standing(requirement.due_at, [s.submitted_at for s in handed], now), handed)
            counts[requirement.id][cell.standing.state] += 1
            cells.append(cell)
        rows.append((center, cells))
    return Dashboard(requirements, rows, counts)
