"""Jinja filters and globals shared by the pages."""

from __future__ import annotations

from quizengine.timezone import local_text
from quizengine.views.access import can
from quizengine.views.links import public_url


def register(app) -> None:
    """Add to an app's Jinja environment: `localtime` shows a time in QUIZ_TIMEZONE; `can(permission)`
    says whether the signed-in user holds a permission (the navigation shows only the links one may open);
    `public_url(endpoint, ...)` is a page's address as phones open it (views.links)."""
    app.add_template_filter(local_text, "localtime")
    app.add_template_global(can, "can")
    app.add_template_global(public_url, "public_url")
