"""Apply a parsed roster to the database: idempotent, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from quizengine.core.groups import DEFAULT_GROUPS
from quizengine.extensions import db
from quizengine.models import Center, Group, Staff
from quizengine.roster import RosterData
from quizengine.yamlread import Problem


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


def import_roster(roster: RosterData, progress=None) -> RosterReport:
    """Upsert groups, centers and staff (by staff id); change nothing if any row is wrong."""
    groups_created = ensure_default_groups()
    importer = _Importer(roster)
    try:
        importer.run(progress)
        if importer.problems:
            db.session.rollback()
            return RosterReport(problems=tuple(importer.problems))
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
    def __init__(self, roster: RosterData):
        self.roster = roster
        self.problems: list[Problem] = []
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "centers": 0, "groups": 0}
        self.groups: dict[str, Group] = {}
        self.centers = {c.name: c for c in db.session.scalars(select(Center))}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.roster.path, line, 1, "value", message))

    def run(self, progress) -> None:
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
        existing = {s.staff_no: s for s in db.session.scalars(select(Staff))}
        for done, row in enumerate(self.roster.staff, 1):
            center = self.center(row.center, row.group, row.line)
            if center is not None:
                self.staff(existing.get(row.staff_no), row, center)
            if progress:
                progress(done, len(self.roster.staff))

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
        return center

    def staff(self, person: Staff | None, row, center: Center) -> None:
        fields = {
            "name": row.name,
            "center": center,
            "window_since": row.window_since,
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
