"""A center contact's pages (中心联络员, phone-friendly): what their center owes, handing in, editing, attachments.

Everything here is scoped to the signed-in contact's own center
(`User.center_id`): another center's submission or attachment is a 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from quizengine.core.submissions import REQUIREMENT_KINDS, standing, time_left
from quizengine.extensions import db
from quizengine.formats.attachments import MEDIA_TYPES
from quizengine.models import Attachment, Requirement
from quizengine.models.types import utcnow
from quizengine.services import submissions
from quizengine.services.errors import Refused
from quizengine.services.requirements import requirements_of_center
from quizengine.services.review_results import released_scores
from quizengine.views.access import requires
from quizengine.views.forms import ActionForm
from quizengine.views.submission_forms import AttachmentForm, SubmissionForm

bp = Blueprint("center", __name__, url_prefix="/center")


def _center():
    """The signed-in contact's center (404 for an account without one, such as an admin)."""
    if current_user.center is None:
        abort(404)
    return current_user.center


def _requirement(requirement_id: int) -> Requirement:
    requirement = db.session.get(Requirement, requirement_id)
    if requirement is None or _center().group_id not in {g.id for g in requirement.groups}:
        abort(404)
    return requirement


def _submission(submission_id: int):
    submission = submissions.center_submission(_center(), submission_id)
    if submission is None:
        abort(404)
    return submission


def _address() -> str:
    return request.remote_addr or ""


@bp.get("/")
@requires("submission.own")
def index():
    """Every requirement of the center's group: its state, deadline, time left and the center's submissions."""
    center, now = _center(), utcnow()
    items = []
    for requirement in requirements_of_center(center):
        handed = submissions.live_submissions(center, requirement)
        items.append(
            {
                "requirement": requirement,
                "standing": standing(requirement.due_at, [s.submitted_at for s in handed], now),
                "time_left": time_left(requirement.due_at, now),
                "submissions": handed,
            }
        )
    return render_template(
        "center/index.html",
        center=center,
        items=items,
        kinds=REQUIREMENT_KINDS,
        released_scores=released_scores(center.id),
    )


def _form_for(requirement: Requirement, obj=None) -> SubmissionForm:
    form = SubmissionForm(obj=obj)
    people = submissions.center_staff(_center())
    choices = [SelectChoice(p.id, f"{p.name}（{p.staff_no}）") for p in people]
    form.staff_id.choices = [SelectChoice(0, "（请选择）"), *choices]
    if requirement.kind != "deed":
        form.staff_id.data = form.staff_id.data or 0
    return form


@bp.route("/requirements/<int:requirement_id>/new", methods=["GET", "POST"])
@requires("submission.own")
def new(requirement_id: int):
    """Hand in a submission for a requirement (after the deadline too: it is then marked late)."""
    requirement = _requirement(requirement_id)
    form = _form_for(requirement)
    if form.validate_on_submit():
        try:
            submission = submissions.submit(
                requirement,
                _center(),
                title=form.title.data,
                category=form.category.data,
                text=form.text.data or "",
                staff_id=form.staff_id.data,
                actor=current_user,
                address=_address(),
            )
        except Refused as refused:
            form.title.errors.append(refused.message)
        else:
            late = submission.submitted_at > requirement.due_at
            flash("已报送（逾期报送）" if late else "已报送", "warning" if late else "ok")
            _attach(submission, form.file.data)
            return redirect(url_for("center.show", submission_id=submission.id))
    status = 422 if form.errors else 200
    return render_template("center/edit.html", form=form, requirement=requirement, submission=None), status


def _attach(submission, storage) -> bool:
    """Store an uploaded file on the submission; a refusal is flashed (the submission itself stays)."""
    if not storage or not getattr(storage, "filename", ""):
        return True
    try:
        # One byte over the limit is enough for the service to refuse it as too large.
        data = storage.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1)
        submissions.add_attachment(submission, storage.filename, data, actor=current_user, address=_address())
    except Refused as refused:
        flash(f"附件 {storage.filename}：{refused.message}", "error")
        return False
    flash(f"已上传附件 {storage.filename}", "ok")
    return True


@bp.route("/submissions/<int:submission_id>", methods=["GET", "POST"])
@requires("submission.own")
def show(submission_id: int):
    """A submission of the center: edit it, add or remove attachments, withdraw it."""
    submission = _submission(submission_id)
    requirement = submission.requirement
    form = _form_for(requirement, obj=submission)
    if request.method == "GET" and submission.staff_id is None:
        form.staff_id.data = 0
    if submission.withdrawn_at is None and form.validate_on_submit():
        try:
            submissions.update(
                submission,
                title=form.title.data,
                category=form.category.data,
                text=form.text.data or "",
                staff_id=form.staff_id.data,
                actor=current_user,
                address=_address(),
            )
        except Refused as refused:
            form.title.errors.append(refused.message)
        else:
            flash("已保存", "ok")
            _attach(submission, form.file.data)
            return redirect(url_for("center.show", submission_id=submission.id))
    page = render_template(
        "center/edit.html",
        form=form,
        requirement=requirement,
        submission=submission,
        attachment_form=AttachmentForm(),
        action_form=ActionForm(),
    )
    return page, (422 if form.errors else 200)


@bp.post("/submissions/<int:submission_id>/attachments")
@requires("submission.own")
def add_attachment(submission_id: int):
    """Add one attachment; its type is checked by content, a refusal says why and stores nothing."""
    submission = _submission(submission_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        _attach(submission, form.file.data)
    else:
        for error in form.file.errors:
            flash(error, "error")
    return redirect(url_for("center.show", submission_id=submission.id))


@bp.post("/attachments/<int:attachment_id>/delete")
@requires("submission.own")
def remove_attachment(attachment_id: int):
    """Remove an attachment of the center's submission."""
    attachment = _attachment(attachment_id)
    if ActionForm().validate_on_submit():
        try:
            submissions.remove_attachment(attachment, actor=current_user, address=_address())
            flash(f"已删除附件 {attachment.filename}", "ok")
        except Refused as refused:
            flash(refused.message, "error")
    return redirect(url_for("center.show", submission_id=attachment.submission_id))


@bp.post("/submissions/<int:submission_id>/withdraw")
@requires("submission.own")
def withdraw(submission_id: int):
    """Withdraw a submission: it no longer counts."""
    submission = _submission(submission_id)
    if ActionForm().validate_on_submit():
        try:
            submissions.withdraw(submission, actor=current_user, address=_address())
            flash(f"已撤回「{submission.title}」", "ok")
        except Refused as refused:
            flash(refused.message, "error")
    return redirect(url_for("center.index"))


def _attachment(attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.submission.center_id != _center().id:
        abort(404)
    return attachment


@bp.get("/attachments/<int:attachment_id>")
@requires("submission.own")
def download(attachment_id: int):
    """An attachment of the center's own submission, as a download."""
    return send_attachment(_attachment(attachment_id))


def send_attachment(attachment: Attachment):
    """The stored file as a download: the checked kind's media type, a safe file name (RFC 6266), never inline."""
    path = submissions.attachment_path(attachment.sha256)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=MEDIA_TYPES[attachment.kind],
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
