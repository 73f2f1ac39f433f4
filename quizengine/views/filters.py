"""Jinja filters shared by the pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app


def localtime(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware datetime in the configured time zone (QUIZ_TIMEZONE), e.g. 2026-08-15 09:00."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime(fmt)


def register(app) -> None:
    """Add the filters to an app's Jinja environment."""
    app.add_template_filter(localtime)
