"""Admin home, accounts and the audit log."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from quizengine.core.access import ROLE_LABELS
from quizengine.extensions import db
from quizengine.models import User
from quizengine.services import audit
from quizengine.services.accounts import AccountError, create_user, list_users, set_active
from quizengine.services.roster import all_groups
from quizengine.views.access import requires
from quizengine.views.forms import ActionForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@requires("bank.view")
def dashboard():
    """What the signed-in user can do from here."""
    return render_template("admin/dashboard.html", role_label=ROLE_LABELS[current_user.role])


@bp.route("/users", methods=["GET", "POST"])
@requires("users.manage")
def users():
    """List accounts and create one; a generated password is shown once."""
    form = UserForm()
    groups = all_groups()
    form.groups.choices = [SelectChoice(g.key, g.name) for g in groups]
    form.center.choices = [SelectChoice("", "（无）")] + [
        SelectChoice(c.name, f"{c.name}（{g.name}）") for g in groups for c in g.centers
    ]
    new_password = None
    if form.validate_on_submit():
        try:
            user, new_password = create_user(
                form.username.data.strip(),
                None,
                form.role.data,
                display_name=form.display_name.data or "",
                group_keys=form.groups.data if form.role.data == "organizer" else (),
                center_name=form.center.data or "",
                bureau=form.bureau.data or "",
                actor=current_user,
            )
            flash(f"已创建账号 {user.username}", "ok")
        except AccountError as exc:
            form.username.errors.append(str(exc))
    return render_template(
        "admin/users.html",
        form=form,
        users=list_users(),
        new_password=new_password,
        role_labels=ROLE_LABELS,
        action_form=ActionForm(),
    )


@bp.post("/users/<int:user_id>/active")
@requires("users.manage")
def user_active(user_id: int):
    """Disable or re-enable an account."""
    form = ActionForm()
    user = db.get_or_404(User, user_id)
    if form.validate_on_submit():
        try:
            set_active(user, request.form.get("active") == "1", current_user)
            flash(f"账号 {user.username} 已{'启用' if user.active else '停用'}", "ok")
        except AccountError as exc:
            flash(str(exc), "error")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@requires("audit.view")
def audit_log():
    """The newest organizer actions."""
    action = request.args.get("action") or None
    return render_template("admin/audit.html", events=audit.recent_events(action=action), action=action)


@bp.get("/audit.csv")
@requires("audit.view")
def audit_export():
    """The whole audit log as CSV."""
    return Response(
        audit.export_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )
