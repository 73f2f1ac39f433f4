"""The announcement (公示) of selections on staff phones (/learn/selections), and appeals (异议)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for

from quizengine.models.types import utcnow
from quizengine.services import announcements
from quizengine.services.errors import Refused
from quizengine.views.forms import ActionForm, AppealForm
from quizengine.views.learn import current_staff, staff_required

bp = Blueprint("learn_selections", __name__, url_prefix="/learn/selections")


def _published(selection_id: int):
    """A published selection of the person's group, or 404."""
    selection = announcements.published_selection(selection_id, current_staff())
    if selection is None:
        abort(404)
    return selection


def _page(selection, form, error: str | None = None):
    staff = current_staff()
    return render_template(
        "learn/selection.html",
        staff=staff,
        selection=selection,
        sections=announcements.announcement(selection.document),
        appeals=announcements.appeals_of(selection, staff),
        form=form,
        error=error,
        open=selection.appeal_until is not None and utcnow() <= selection.appeal_until,
        action_form=ActionForm(),
    )


@bp.get("/<int:selection_id>")
@staff_required
def show(selection_id: int):
    """Who is awarded and recommended (name, center, total), the appeal deadline, one's own appeals."""
    return _page(_published(selection_id), AppealForm())


@bp.post("/<int:selection_id>/appeal")
@staff_required
def appeal(selection_id: int):
    """Submit an appeal: before the deadline, at most 1,000 characters, one open appeal at a time."""
    selection = _published(selection_id)
    form = AppealForm()
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()))[0] if form.errors else Refused("invalid_payload").message
        return _page(selection, form, message), 422
    try:
        announcements.submit_appeal(selection, current_staff(), form.text.data, utcnow())
    except Refused as refused:
        status = 409 if refused.code in ("appeal_closed", "appeal_pending") else 422
        return _page(selection, form, refused.message), status
    return redirect(url_for("learn_selections.show", selection_id=selection.id))
