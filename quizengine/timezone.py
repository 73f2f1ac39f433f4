"""The organizers' time zone (QUIZ_TIMEZONE): calendar days, paper windows and times as people read them."""

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
