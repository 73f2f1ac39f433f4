"""Times as they are shown: on the wire (ISO 8601, UTC offset) and in the organizers' time zone (QUIZ_TIMEZONE)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    """The configured time zone of the running app."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_text(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware datetime in the configured time zone, e.g. 2026-08-15 09:00 ("" for None)."""
    return moment.astimezone(local_zone()).strftime(fmt) if moment is not None else ""


def iso(moment: datetime | None) -> str | None:
    """An aware datetime as the protocol's ISO 8601 string, to the millisecond (None for None)."""
    return moment.isoformat(timespec="milliseconds") if moment else None
