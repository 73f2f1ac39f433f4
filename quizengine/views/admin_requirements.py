"""Requirements (应报材料) in the web admin: define what centers owe, the dashboard of who handed in what, exports.

Admins see every group; an organizer (`judging.manage`) only requirements
all of whose groups are theirs, and only their groups' centers and
submissions (another group's is a 404).
"""

from __future__ import annotations

import io
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from quizengine.core.submissions import REQUIREMENT_KINDS
from quizengine.extensions import db
from quizengine.models import Attachment, Requirement, Submission
from quizengine.models.types import utcnow
from quizengine.services.errors import Refused
from quizengine.services.requirements import create_plan_requirements, dashboard, list_requirements, save_requirement
from quizengine.services.roster import all_groups
from quizengine.timezone import local_zone
from quizengine.views.access import ensure_scope, requires, user_group_keys
from quizengine.views.center import send_attachment
from quizengine.views.submission_exports import dashboard_workbook
from quizengine.views.submission_forms import PlanForm, RequirementForm

bp = Blueprint("admin_requirements", __name__, url_prefix="/admin/requirements")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope() -> set[str] | None:
    return None if current_user.role == "admin" else user_group_keys()


def _group_choices() -> list[SelectChoice]:
    scope = _scope()
    return [SelectChoice(g.key, g.name) for g in all_groups() if scope is None or g.key in scope]


def _scoped_requirement(requirement_id: int) -> Requirement:
    requirement = db.session.get(Requirement, requirement_id)
    if requirement is None:
        abort(404)
    ensure_scope("judging.manage", {g.key for g in requirement.groups})
    return requirement


def _local_naive(moment: datetime) -> datetime:
    return moment.astimezone(local_zone()).replace(tzinfo=None)


@bp.get("/")
@requires("judging.manage")
def index():
    """One's requirements, a form to add one, and the contest plan's defaults in one click."""
    form, plan = RequirementForm(), PlanForm(year=utcnow().astimezone(local_zone()).year)
    form.groups.choices = plan.groups.choices = _group_choices()
    return _index_page(form, plan)


def _index_page(form, plan, status: int = 200):
    page = render_template(
        "admin/requirements.html",
        requirements=list_requirements(_scope()),
        form=form,
        plan=plan,
        kinds=REQUIREMENT_KINDS,
    )
    return page, status


def _multiple(choice: str, kind: str) -> bool:
    return kind in ("case", "deed") if choice == "auto" else choice == "yes"


@bp.post("/")
@requires("judging.manage")
def create():
    """Add a requirement."""
    form, plan = RequirementForm(), PlanForm()
    form.groups.choices = plan.groups.choices = _group_choices()
    if form.validate_on_submit():
        try:
            requirement = _save(None, form)
        except Refused as refused:
            form.title.errors.append(refused.message)
        else:
            flash(f"已添加应报材料「{requirement.title}」", "ok")
            return redirect(url_for("admin_requirements.index"))
    return _index_page(form, plan, 422)


def _save(requirement, form) -> Requirement:
    return save_requirement(
        requirement,
        title=form.title.data,
        kind=form.kind.data,
        description=form.description.data or "",
        due_at=form.due_at.data.replace(tzinfo=local_zone()),
        group_keys=form.groups.data,
        multiple=_multiple(form.multiple.data, form.kind.data),
        allowed_groups=_scope(),
        actor=current_user,
        address=request.remote_addr or "",
    )


@bp.post("/plan")
@requires("judging.manage")
def plan():
    """Create the contest plan's requirements (8/30 study plan and results; 9/30 skill plan, results and cases)."""
    form, plan = RequirementForm(), PlanForm()
    form.groups.choices = plan.groups.choices = _group_choices()
    if plan.validate_on_submit():
        keys = set(plan.groups.data) or {c.value for c in plan.groups.choices}
        scope = _scope()
        try:
            if scope is not None and not keys <= scope:
                raise Refused("requirement_invalid", "只能为自己负责的组设置应报材料")
            made = create_plan_requirements(
                plan.year.data, local_zone(), keys, actor=current_user, address=request.remote_addr or ""
            )
        except Refused as refused:
            plan.year.errors.append(refused.message)
        else:
            flash(f"已按活动方案创建 {len(made)} 项应报材料", "ok")
            return redirect(url_for("admin_requirements.index"))
    return _index_page(form, plan, 422)


@bp.route("/<int:requirement_id>", methods=["GET", "POST"])
@requires("judging.manage")
def edit(requirement_id: int):
    """Change a requirement's title, kind, description, deadline, groups or count."""
    requirement = _scoped_requirement(requirement_id)
    form = RequirementForm(obj=requirement)
    form.groups.choices = _group_choices()
    if request.method == "GET":
        form.due_at.data = _local_naive(requirement.due_at)
        form.groups.data = [g.key for g in requirement.groups]
        form.multiple.data = "yes" if requirement.multiple else "no"
    elif form.validate_on_submit():
        try:
            _save(requirement, form)
        except Refused as refused:
            form.title.errors.append(refused.message)
        else:
            flash(f"已保存「{requirement.title}」", "ok")
            return redirect(url_for("admin_requirements.index"))
    page = render_template("admin/edit.html", form=form, title=f"修改应报材料 {requirement.title}")
    return page, (422 if form.errors else 200)


@bp.get("/dashboard")
@requires("judging.manage")
def board():
    """Per center and requirement: on time, late (with when) or missing, with the deadline and counts."""
    return render_template("admin/requirements_dashboard.html", board=dashboard(_scope(), utcnow()))


@bp.get("/dashboard.xlsx")
@requires("judging.manage")
def board_xlsx():
    """The dashboard as an xlsx workbook."""
    data = dashboard_workbook(dashboard(_scope(), utcnow()))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name="材料报送情况.xlsx")


def _scoped_submission(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        abort(404)
    ensure_scope("judging.manage", {submission.center.group.key})
    return submission


@bp.get("/submissions/<int:submission_id>")
@requires("judging.manage")
def submission(submission_id: int):
    """A center's submission as handed in: text, attachments, times."""
    return render_template("admin/submission.html", submission=_scoped_submission(submission_id))


@bp.get("/attachments/<int:attachment_id>")
@requires("judging.manage")
def attachment(attachment_id: int):
    """An attachment of a submission in one's groups, as a download."""
    found = db.session.get(Attachment, attachment_id)
    if found is None:
        abort(404)
    _scoped_submission(found.submission_id)
    return send_attachment(found)
