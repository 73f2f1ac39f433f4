"""Selections kept in the web admin: save, run, freeze (签发), reopen, and what changed since the freeze.

A selection is its YAML file (formats.selection, parsed by the caller) plus
the web form's tie mode. Running it is services.selection's. Freezing stores
the result document and a snapshot of its inputs; from then on the page shows
the stored document, and `changes_since` runs the selection again and lists
what differs (core.selection_changes). Only an admin reopens a frozen one.
The announcement (公示) and its appeals are services.announcements'.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy import func, select

from quizengine.core.selection_changes import Changes, compare
from quizengine.extensions import db
from quizengine.formats.selection import SelectionSpec
from quizengine.formats.yamlread import Problem
from quizengine.models import Center, Contest, Group, Player, Selection, Staff, User
from quizengine.models.types import utcnow
from quizengine.services import audit
from quizengine.services.errors import Refused
from quizengine.services.results import standings
from quizengine.services.selection import SelectionResult, run_selection

MAX_SOURCE_CHARS = 256 * 1024


def list_selections(scope: set[str] | None) -> list[Selection]:
    """Selections newest first; with a scope (an organizer's groups), only those whose groups are all in it."""
    rows = db.session.scalars(select(Selection).order_by(Selection.id.desc()))
    return [s for s in rows if scope is None or (s.groups and set(s.groups) <= scope)]


def group_names() -> dict[str, str]:
    """Group key -> name, in display order (a selection stores its groups by key)."""
    return dict(db.session.execute(select(Group.key, Group.name).order_by(Group.position, Group.id)).all())


def get_selection(selection_id: int) -> Selection | None:
    """A selection by id, or None."""
    return db.session.get(Selection, selection_id)


def with_tie_mode(spec: SelectionSpec, tie_mode: str | None) -> SelectionSpec:
    """The spec with the web form's tie mode (None keeps the file's)."""
    return dataclasses.replace(spec, tie_mode=tie_mode) if tie_mode else spec


def compute(selection: Selection, spec: SelectionSpec) -> tuple[SelectionResult | None, list[Problem]]:
    """Run a stored selection now (its file's spec, with the form's tie mode)."""
    return run_selection(with_tie_mode(spec, selection.tie_mode))


def save_selection(
    selection: Selection | None,
    source: str,
    spec: SelectionSpec,
    tie_mode: str | None,
    *,
    scope: set[str] | None,
    actor: User | None = None,
    address: str = "",
) -> tuple[Selection | None, list[Problem]]:
    """Create (selection None) or replace a selection; nothing stored when any problem is found.

    The file must resolve against the database (its contests exist, ...), and
    an organizer (`scope`: their groups) may keep only a selection whose
    groups are all theirs.
    """
    if selection is not None and selection.frozen_at is not None:
        raise Refused("selection_frozen")
    result, problems = run_selection(with_tie_mode(spec, tie_mode))
    if result is None:
        return None, problems
    groups = list(result.groups)
    if scope is not None and not (groups and set(groups) <= scope):
        outside = "、".join(name for key, name in result.groups.items() if key not in scope) or "（没有组）"
        where = spec.lines.get("groups") or spec.lines.get("parts") or (1, 1)
        return None, [Problem(spec.path, where[0], where[1], "scope", f"评选包括不由您负责的组：{outside}")]
    created = selection is None
    if created:
        selection = Selection(created_by=actor.id if actor else None)
        db.session.add(selection)
    selection.title, selection.source, selection.tie_mode, selection.groups = spec.title, source, tie_mode, groups
    selection.updated_at = utcnow()
    db.session.flush()
    action = "selection.create" if created else "selection.update"
    audit.record(actor, action, selection.title, address, selection=selection.id, groups=groups, tie_mode=tie_mode)
    db.session.commit()
    return selection, []


def freeze(selection: Selection, spec: SelectionSpec, now: datetime, *, actor=None, address: str = "") -> list[Problem]:
    """Sign off (签发) a selection: store its result document and the snapshot of its inputs (audited).

    Returns the problems (nothing frozen) when the selection no longer runs, say a contest was deleted.
    """
    if selection.frozen_at is not None:
        raise Refused("selection_frozen")
    result, problems = compute(selection, spec)
    if result is None:
        return problems
    document = result.as_json()
    selection.document, selection.snapshot = document, input_snapshot(result)
    selection.frozen_at, selection.frozen_by = now, actor.id if actor else None
    awarded = {q["kind"] + (f":{q['group']}" if q["group"] else ""): q["awarded"] for q in document["quotas"]}
    audit.record(actor, "selection.freeze", selection.title, address, selection=selection.id, awarded=awarded)
    db.session.commit()
    return []


def reopen(selection: Selection, reason: str, *, actor=None, address: str = "") -> None:
    """Unfreeze a selection (an admin's act, with a reason, audited); a 公示 of it is withdrawn with it."""
    reason = (reason or "").strip()
    if selection.frozen_at is None:
        raise Refused("selection_not_frozen")
    if not reason:
        raise Refused("reason_required")
    was_published = selection.published_at is not None
    frozen_at = selection.frozen_at.isoformat(timespec="seconds")
    selection.frozen_at = selection.frozen_by = selection.document = selection.snapshot = None
    selection.published_at = selection.appeal_until = None
    audit.record(
        actor,
        "selection.reopen",
        selection.title,
        address,
        selection=selection.id,
        reason=reason[:500],
        frozen_at=frozen_at,
        was_published=was_published,
    )
    db.session.commit()


def changes_since(selection: Selection, spec: SelectionSpec) -> tuple[Changes | None, list[Problem]]:
    """Run a frozen selection again and compare it with what was frozen; None with problems if it cannot run."""
    result, problems = compute(selection, spec)
    if result is None:
        return None, problems
    return compare(selection.document or {}, result.as_json(), selection.snapshot or {}, input_snapshot(result)), []


def input_snapshot(result: SelectionResult) -> dict:
    """The inputs of a result: each contest's scores (compared as numbers), its people's roster fields, center sizes.

    Scores come from services.results.standings, uncached: what is stored now.
    """
    contests: dict[str, dict] = {}
    staff_ids: set[int] = set()
    for part in result.parts:
        for code, _, maximum in part.contests:
            contest = db.session.scalar(select(Contest).where(Contest.code == code))
            numbers = dict(
                db.session.execute(
                    select(Player.id, Staff.staff_no)
                    .join(Staff, Player.staff_id == Staff.id)
                    .where(Player.contest_id == contest.id)
                ).all()
            )
            staff_ids |= set(db.session.scalars(select(Player.staff_id).where(Player.contest_id == contest.id)).all())
            scores = {
                numbers[s.player_id]: {"score": s.score, "correct": s.correct, "time_ms": s.total_time_ms}
                for s in standings(contest)
            }
            contests[code] = {"maximum": maximum, "scores": scores}
    roster = {}
    for staff, center in db.session.execute(
        select(Staff, Center.name).join(Center, Staff.center_id == Center.id).where(Staff.id.in_(staff_ids))
    ).all():
        roster[staff.staff_no] = {
            "name": staff.name,
            "center": center,
            "window_since": staff.window_since.isoformat() if staff.window_since else None,
            "window_until": staff.window_until.isoformat() if staff.window_until else None,
            "at_window": staff.at_window,
        }
    sizes = db.session.execute(
        select(Center.name, func.count(Staff.id))
        .join(Group, Center.group_id == Group.id)
        .outerjoin(Staff, Staff.center_id == Center.id)
        .where(Group.key.in_(list(result.groups)))
        .group_by(Center.name)
    ).all()
    return {"contests": contests, "roster": roster, "centers": {name: int(count) for name, count in sizes}}
