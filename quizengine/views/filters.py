"""Jinja filters shared by the pages."""

from __future__ import annotations

from quizengine.timezone import local_text


def register(app) -> None:
    """Add the filters to an app's Jinja environment: `localtime` shows a time in QUIZ_TIMEZONE."""
    app.add_template_filter(local_text, "localtime")
