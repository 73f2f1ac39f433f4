"""The overview page and the entry pages of the host, projector and phones."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory

from quizengine.services.banks import list_banks
from quizengine.services.overview import roster_overview

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """Overview: groups, centers, staff and the loaded banks."""
    return render_template("index.html", groups=roster_overview(), banks=list_banks())


@bp.get("/favicon.ico")
def favicon():
    """The site icon where a browser looks for it without a <link rel=icon> (the pages have one too)."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )
