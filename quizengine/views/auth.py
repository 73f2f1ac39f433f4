"""Sign in, sign out, change password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from quizengine.extensions import limiter
from quizengine.services.accounts import (
    AccountError,
    authenticate,
    change_password,
    end_session,
    home_path,
    start_session,
)
from quizengine.views.forms import LoginForm, PasswordForm

bp = Blueprint("auth", __name__)


def _failed(response) -> bool:
    return request.method == "POST" and response.status_code != 302


def _address_and_username() -> str:
    return f"{get_remote_address()}|{request.form.get('username', '')[:64]}"


@bp.route("/login", methods=["GET", "POST"])
# Only failed sign-ins count: per account from one address, and per address.
@limiter.limit("10 per minute", key_func=_address_and_username, deduct_when=_failed, methods=["POST"])
@limiter.limit("60 per minute", deduct_when=_failed, methods=["POST"])
def login():
    """Sign in with username and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            start_session(user, request.remote_addr or "")
            login_user(user)
            return redirect(_safe_next(request.args.get("next"), home_path(user)))
        form.password.errors.append("用户名或密码不正确，或账号已停用")
    status = 200 if request.method == "GET" or form.errors == {} else 401
    return render_template("auth/login.html", form=form), status


def _safe_next(target: str | None, home: str) -> str:
    # Only local paths: "//evil.example" or "https://..." would leave the site.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return home


@bp.post("/logout")
@login_required
def logout():
    """Sign out: this session ends on the server too, so a copy of its cookie opens nothing."""
    end_session(current_user._get_current_object())
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.new.data)
        except AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            login_user(current_user._get_current_object())  # the session id changed with the password
            flash("密码已修改", "ok")
            return redirect(home_path(current_user))
    return render_template("auth/password.html", form=form)
