"""The announcement (公示) of a frozen selection to staff, and their appeals (异议) within its window.

Staff see only who is awarded and recommended (name, center, total) per
scope: never anyone's eligibility reasons. Each person may have one open
appeal per selection; after the deadline none is accepted. Organizers reply
to each appeal, which closes it (audited).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from quizengine.extensions import db
from quizengine.models import Selection, SelectionAppeal, Staff, User
from quizengine.services import audit
from quizengine.services.errors import Refused

MAX_APPEAL_CHARS = 1000
MAX_REPLY_CHARS = 2000


def publish(selection: Selection, appeal_until: datetime, now: datetime, *, actor=None, address: str = "") -> None:
    """Publish a frozen selection to its groups' staff, with the appeal deadline (audited)."""
    if selection.frozen_at is None:
        raise Refused("selection_not_frozen")
    if appeal_until <= now:
        raise Refused("deadline_passed")
    selection.published_at = selection.published_at or now
    selection.appeal_until = appeal_until
    audit.record(
        actor,
        "selection.publish",
        selection.title,
        address,
        selection=selection.id,
        appeal_until=appeal_until.isoformat(timespec="minutes"),
    )
    db.session.commit()


def published_for(staff: Staff) -> list[Selection]:
    """The published selections that cover the person's group, newest first."""
    rows = db.session.scalars(
        select(Selection).where(Selection.published_at.is_not(None)).order_by(Selection.published_at.desc())
    )
    group = staff.center.group.key
    return [s for s in rows if group in (s.groups or [])]


def published_selection(selection_id: int, staff: Staff) -> Selection | None:
    """A published selection the person may see, or None."""
    selection = db.session.get(Selection, selection_id)
    if selection is None or selection.published_at is None or selection.document is None:
        return None
    return selection if staff.center.group.key in (selection.groups or []) else None


def announcement(document: dict) -> list[dict]:
    """Per scope and kind, the awarded rows in rank order: name, center, total, rank, recommended; nothing else.

    The page shows no rank: beside the awarded only, a rank would hint at who ranked above and was not eligible.
    """
    sections = []
    for quota in document["quotas"]:
        kind = quota["kind"]
        rows = [r for r in document[kind] if r["scope"] == quota["group"] and r["award"]]
        sections.append(
            {
                "title": f"{_scope_name(quota)} {'优秀个人' if kind == 'people' else '优秀窗口单位'}",
                "kind": kind,
                "rows": [
                    {
                        "rank": r["rank"],
                        "name": r["name"],
                        "center": r["center"],
                        "total": r["total"],
                        "recommended": r["recommended"],
                    }
                    for r in rows
                ],
            }
        )
    return sections


def appeals_of(selection: Selection, staff: Staff) -> list[SelectionAppeal]:
    """The person's own appeals against a selection, oldest first."""
    return [a for a in selection.appeals if a.staff_id == staff.id]


def submit_appeal(selection: Selection, staff: Staff, text: str, now: datetime) -> SelectionAppeal:
    """Store an appeal: within the window, not empty, at most 1,000 characters, one open appeal per person."""
    text = (text or "").strip()
    if selection.published_at is None:
        raise Refused("selection_not_published")
    if selection.appeal_until is None or now > selection.appeal_until:
        raise Refused("appeal_closed")
    if not text:
        raise Refused("appeal_empty")
    if len(text) > MAX_APPEAL_CHARS:
        raise Refused("appeal_too_long")
    if any(a.handled_at is None for a in appeals_of(selection, staff)):
        raise Refused("appeal_pending")
    appeal = SelectionAppeal(selection=selection, staff_id=staff.id, text=text, created_at=now)
    db.session.add(appeal)
    db.session.commit()
    return appeal


def handle_appeal(
    appeal: SelectionAppeal, reply: str, now: datetime, *, actor: User | None = None, address: str = ""
) -> None:
    """Close an appeal with the organizer's reply (audited)."""
    reply = (reply or "").strip()
    if appeal.handled_at is not None:
        raise Refused("appeal_handled")
    if not reply:
        raise Refused("reply_required")
    appeal.reply = reply[:MAX_REPLY_CHARS]
    appeal.handled_at, appeal.handled_by = now, actor.id if actor else None
    audit.record(
        actor,
        "selection.appeal",
        appeal.selection.title,
        address,
        selection=appeal.selection_id,
        appeal=appeal.id,
        staff=appeal.staff.staff_no,
    )
    db.session.commit()


def _scope_name(quota: dict) -> str:
    """The scope's name (documents frozen before `scope_name` existed name only their groups)."""
    return quota.get("scope_name") or quota["group_name"] or "全区"
