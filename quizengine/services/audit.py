"""The audit log: every organizer action, recorded in the action's own transaction."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from quizengine.extensions import db
from quizengine.models import AuditEvent, User
from quizengine.sheets import csv_row


def record(actor: User | None, action: str, target: str = "", address: str = "", **detail) -> None:
    """Add an audit event to the current session; the caller's commit stores it."""
    db.session.add(
        AuditEvent(
            user_id=actor.id if actor else None,
            username=actor.username if actor else "system",
            action=action,
            target=target,
            detail=detail,
            address=address,
        )
    )


def recent_events(limit: int = 200, action: str | None = None) -> list[AuditEvent]:
    """The newest audit events first, optionally of one action."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def export_csv() -> str:
    """The whole audit log as CSV text (UTF-8 with BOM, so Excel reads Chinese; no field is a formula)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["时间(UTC)", "账号", "操作", "对象", "详情", "地址"])
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        detail = "; ".join(f"{k}={v}" for k, v in sorted(event.detail.items()))
        writer.writerow(
            csv_row(
                [
                    event.at.isoformat(timespec="seconds"),
                    event.username,
                    event.action,
                    event.target,
                    detail,
                    event.address,
                ]
            )
        )
    return out.getvalue()
