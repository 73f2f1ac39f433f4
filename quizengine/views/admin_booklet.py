"""The booklet (汇编成册) in the web admin: choose the cases and deeds, download the DOCX or print the HTML."""

from __future__ import annotations

import io
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from quizengine.core.submissions import clean_text
from quizengine.extensions import db
from quizengine.models import Selection
from quizengine.models.types import utcnow
from quizengine.services import audit
from quizengine.services.booklet import (
    DEFAULT_TITLE,
    ISSUER,
    case_submissions,
    chapters,
    deed_submissions,
    frozen_selections,
    parts,
    pick,
    preselected_cases,
)
from quizengine.timezone import local_zone
from quizengine.views.access import requires, user_group_keys
from quizengine.views.forms import ActionForm

bp = Blueprint("admin_booklet", __name__, url_prefix="/admin/booklet")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _scope() -> set[str] | None:
    return None if current_user.role == "admin" else user_group_keys()


def _selection(raw: str | None) -> Selection | None:
    """The chosen frozen selection in scope; None for none; 404 for an id that is not one of them."""
    if not raw:
        return None
    if not raw.isdigit():
        abort(404)
    selection = next((s for s in frozen_selections(_scope()) if s.id == int(raw)), None)
    if selection is None:
        abort(404)
    return selection


@bp.get("/")
@requires("judging.manage")
def index():
    """Checkbox lists of the cases and the deeds (of a frozen selection's awarded people, if one is chosen)."""
    scope = _scope()
    selection = _selection(request.args.get("selection"))
    return render_template(
        "admin/booklet.html",
        cases=case_submissions(scope),
        deeds=deed_submissions(scope, selection),
        preselected=set(preselected_cases()),
        selections=frozen_selections(scope),
        selection=selection,
        default_title=DEFAULT_TITLE,
        action_form=ActionForm(),
    )


def _ids(name: str) -> list[int]:
    raw = request.form.getlist(name)
    if not all(value.isdigit() and len(value) < 10 for value in raw):
        abort(400)
    return [int(value) for value in raw]


@bp.post("/")
@requires("judging.manage")
def build():
    """The booklet of the chosen cases and deeds: a DOCX download, or the printable page."""
    if not ActionForm().validate_on_submit():
        abort(400)
    scope = _scope()
    selection = _selection(request.form.get("selection"))
    back = url_for("admin_booklet.index", selection=selection.id if selection else None)
    cases = pick(case_submissions(scope), _ids("case"))
    deeds = pick(deed_submissions(scope, selection), _ids("deed"))
    if cases is None or deeds is None:
        flash("所选的材料不存在、已撤回或不在您负责的组，请重新选择", "error")
        return redirect(back)
    if not cases and not deeds:
        flash("请至少选择一篇案例或事迹", "error")
        return redirect(back)
    title = clean_text(request.form.get("title") or "").replace("\n", " ").strip()[:100] or DEFAULT_TITLE
    made = chapters(cases, deeds)
    today = utcnow().astimezone(local_zone()).date()
    audit.record(current_user, "booklet.build", title, request.remote_addr or "", cases=len(cases), deeds=len(deeds))
    db.session.commit()
    if request.form.get("format") == "html":
        return render_template("admin/booklet_print.html", title=title, parts=parts(made), issuer=ISSUER, today=today)
    # python-docx (with lxml) costs a server ~18 MB; it is loaded when a booklet is written, not for the live hall.
    from quizengine.services.booklet_docx import booklet_docx

    data = booklet_docx(title, made, today)
    filename = re.sub(r'[\\/:*?"<>|\t]', "", title) or "汇编"
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=f"{filename}.docx")
