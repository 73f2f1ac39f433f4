"""The overview page and the entry pages of the host, projector and phones."""

from __future__ import annotations

from flask import Blueprint, render_template

from quizengine.services.banks import list_banks
from quizengine.services.overview import roster_overview

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """Overview: groups, centers, staff and the loaded banks."""
    return render_template("index.html", groups=roster_overview(), banks=list_banks())
