"""Apply a parsed roster to the database: idempotent, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from quizengine.core.groups import DEFAULT_GROUPS
from quizengine.core.identity import fold_staff_no
from quizengine.extensions import db
from quizengine.formats.roster import RosterData
from quizengine.formats.yamlread import Problem
from quizengine.models import Center, Group, Staff
from quizengine.services import audit


@dataclass(frozen=True)
class RosterReport:
    """What an import did (or, with problems, refused to do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    centers_created: int = 0
    groups_created: int = 0
    problems: tuple[Problem, ...] = ()


def ensure_default_groups() -> int:
    """Create the three default groups when no group exists yet; return how many were made."""
    if db.session.scalar(select(Group.id).limit(1)) is not None:
        return 0
    for position, spec in enumerate(DEFAULT_GROUPS, 1):
        db.session.add(Group(key=spec.key, name=spec.name, lead_unit=spec.lead_unit, position=position))
    db.session.commit()
    return len(DEFAULT_GROUPS)


def import_roster(
    roster: RosterData, progress=None, *, allowed_groups=None, actor=None, address: str = "", file_problems=()
) -> RosterReport:
    """Upsert groups, centers and staff (by staff id); change nothing if any row is wrong.

    `allowed_groups` (group keys) limits an organizer to the centers of their
    own groups; None allows every group. `file_problems` are those of reading
    the file (`read_roster(..., partial=True)`): with any error among them
    nothing is changed either, but the rows are still checked against the
    database, so that every problem of the file comes back at once, in row order.
    """
    groups_created = ensure_default_groups()
    importer = _Importer(roster, allowed_groups)
    try:
        importer.run(progress)
        if importer.problems or any(p.is_error for p in file_problems):
            db.session.rollback()
            problems = sorted([*file_problems, *importer.problems], key=lambda p: (p.line, p.column))
            return RosterReport(problems=tuple(problems))
        counts = importer.counts
        audit.record(
            actor,
            "roster.import",
            roster.path.rsplit("/", 1)[-1],
            address,
            created=counts["created"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    counts = importer.counts
    return RosterReport(
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        centers_created=counts["centers"],
        groups_created=groups_created + counts["groups"],
    )


class _Importer:
    def __init__(self, roster: RosterData, allowed_groups):
        self.roster = roster
        self.allowed_groups = None if allowed_groups is None else set(allowed_groups)
        self.problems: list[Problem] = []
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "centers": 0, "groups": 0}
        self.groups: dict[str, Group] = {}
        self.centers = {c.name: c for c in db.session.scalars(select(Center))}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.roster.path, line, 1, "value", message))

    def run(self, progress) -> None:
        if self.roster.groups and self.allowed_groups is not None:
            self.problem(self.roster.groups[0].line, "只有管理员可以在名单中定义组")
            return
        for row in self.roster.groups:
            group = db.session.scalar(select(Group).where(Group.key == row.key))
            if group is None:
                group = Group(key=row.key, position=100 + row.line)
                db.session.add(group)
                self.counts["groups"] += 1
            group.name, group.lead_unit = row.name, row.lead_unit
        db.session.flush()
        for group in db.session.scalars(select(Group)):
            self.groups[group.key] = self.groups[group.name] = group
        for row in self.roster.centers:
            self.center(row.name, row.group, row.line)
        existing = {fold_staff_no(s.staff_no): s for s in db.session.scalars(select(Staff))}
        for done, row in enumerate(self.roster.staff, 1):
            center = self.center(row.center, row.group, row.line)
            if center is not None:
                self.staff(existing.get(row.staff_no), row, center)
            if progress:
                progress(done, len(self.roster.staff))
        for row in self.roster.rejected:  # rows with errors of their own: their centers are still checked
            if row.center:
                self.center(row.center, row.group, row.line)

    def center(self, name: str, group_ref: str, line: int) -> Center | None:
        group = self.groups.get(group_ref) if group_ref else None
        if group_ref and group is None:
            known = "、".join(sorted(g.key for g in self.groups.values()))
            self.problem(line, f"未知的组 {group_ref}；可用的组编号：{known}")
            return None
        center = self.centers.get(name)
        if center is None:
            if group is None:
                self.problem(line, f"中心 {name} 尚未登记；请在“组”列写明它属于哪个组")
                return None
            center = Center(name=name, group=group)
            db.session.add(center)
            self.centers[name] = center
            self.counts["centers"] += 1
        elif group is not None and center.group is not group:
            self.problem(line, f"中心 {name} 属于 {center.group.name}，本行写的是 {group.name}")
            return None
        if self.allowed_groups is not None and center.group.key not in self.allowed_groups:
            self.problem(line, f"中心 {name} 属于 {center.group.name}，不在您负责的组内")
            return None
        return center

    def staff(self, person: Staff | None, row, center: Center) -> None:
        if (
            person is not None
            and self.allowed_groups is not None
            and person.center.group.key not in self.allowed_groups
        ):
            # An organizer's import may touch only the staff of their own groups: moving someone in is not theirs to do.
            self.problem(row.line, f"工号 {row.staff_no} 已登记在您负责的组以外；调整请联系管理员")
            return
        fields = {
            "name": row.name,
            "center": center,
            "window_since": row.window_since,
            "window_until": row.window_until,
            "at_window": row.at_window,
        }
        if person is None:
            db.session.add(Staff(staff_no=row.staff_no, **fields))
            self.counts["created"] += 1
            return
        changed = [key for key, value in fields.items() if getattr(person, key) != value]
        for key in changed:
            setattr(person, key, fields[key])
        self.counts["updated" if changed else "unchanged"] += 1


def staff_page(query: str = "", group_keys=None, limit: int = 200) -> list[Staff]:
    """Staff matching a search on id, name or center, within some groups (None: all)."""
    statement = select(Staff).join(Center).join(Group).order_by(Group.position, Center.name, Staff.staff_no)
    if group_keys is not None:
        statement = statement.where(Group.key.in_(list(group_keys)))
    if query:
        like = f"%{query.strip()}%"
        statement = statement.where(Staff.staff_no.ilike(like) | Staff.name.ilike(like) | Center.name.ilike(like))
    return list(db.session.scalars(statement.limit(limit)))


def centers_in(group_keys=None) -> list[Center]:
    """Centers, by group then name, within some groups (None: all)."""
    statement = select(Center).join(Group).order_by(Group.position, Center.name)
    if group_keys is not None:
        statement = statement.where(Group.key.in_(list(group_keys)))
    return list(db.session.scalars(statement))


def update_staff(
    person: Staff,
    *,
    name: str,
    center: Center,
    window_since,
    at_window: bool,
    actor,
    address: str = "",
    window_until=None,
) -> None:
    """Edit one staff member and record what changed."""
    changes = {}
    for field, value in (
        ("name", name),
        ("center", center),
        ("window_since", window_since),
        ("window_until", window_until),
        ("at_window", at_window),
    ):
        old = getattr(person, field)
        if old != value:
            changes[field] = f"{_shown(old)} → {_shown(value)}"
            setattr(person, field, value)
    if changes:
        audit.record(actor, "staff.edit", person.staff_no, address, **changes)
    db.session.commit()


def _shown(value) -> str:
    return value.name if isinstance(value, Center) else str(value)


def update_group(group: Group, *, name: str, lead_unit: str, actor, address: str = "") -> None:
    """Rename a group or change its lead unit, recording the change."""
    changes = {
        k: f"{getattr(group, k)} → {v}" for k, v in (("name", name), ("lead_unit", lead_unit)) if getattr(group, k) != v
    }
    group.name, group.lead_unit = name, lead_unit
    if changes:
        audit.record(actor, "group.edit", group.key, address, **changes)
    db.session.commit()


def update_center(
    center: Center, *, name: str, group: Group, actor, address: str = "", bureau: str | None = None
) -> str | None:
    """Rename a center, move it to another group or change its bureau (主管单位); an error message when refused."""
    clash = db.session.scalar(select(Center.id).where(Center.name == name, Center.id != center.id))
    if clash is not None:
        return f"已有名为 {name} 的中心"
    changes = {}
    if center.name != name:
        changes["name"] = f"{center.name} → {name}"
    if center.group_id != group.id:
        changes["group"] = f"{center.group.key} → {group.key}"
    if bureau is not None and center.bureau != bureau:
        changes["bureau"] = f"{center.bureau} → {bureau}"
        center.bureau = bureau
    center.name, center.group = name, group
    if changes:
        audit.record(actor, "center.edit", name, address, **changes)
    db.session.commit()
    return None


def all_groups() -> list[Group]:
    """Every group, in display order."""
    return list(db.session.scalars(select(Group).order_by(Group.position, Group.id)))


def first_staff() -> Staff | None:
    """The roster's first staff member by staff id (the demo names one to sign in with)."""
    return db.session.scalar(select(Staff).order_by(Staff.staff_no))
