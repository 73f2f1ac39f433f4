"""What the overview page shows: groups with their centers and staff counts."""

from __future__ import annotations

from sqlalchemy import func, select

from quizengine.extensions import db
from quizengine.models import Center, Group, Staff


def roster_overview() -> list[dict]:
    """Each group with its centers and how many staff each has on the roster."""
    counts = dict(db.session.execute(select(Staff.center_id, func.count(Staff.id)).group_by(Staff.center_id)).all())
    groups = db.session.scalars(select(Group).order_by(Group.position, Group.id)).all()
    return [
        {
            "key": group.key,
            "name": group.name,
            "lead_unit": group.lead_unit,
            "centers": [{"name": c.name, "staff": counts.get(c.id, 0)} for c in group.centers],
            "staff": sum(counts.get(c.id, 0) for c in group.centers),
        }
        for group in groups
    ]


def center_count() -> int:
    """How many centers are on the roster."""
    return db.session.scalar(select(func.count(Center.id))) or 0
