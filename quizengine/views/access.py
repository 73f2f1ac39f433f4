"""Server-side permission checks for views."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from quizengine.core.access import allowed
from quizengine.services.contests import get_contest


def user_group_keys() -> set[str]:
    """Group keys of the signed-in organizer (empty for other roles)."""
    return {g.key for g in current_user.groups}


def can(permission: str, target_groups=None) -> bool:
    """Whether the signed-in user holds `permission` (for objects of `target_groups`)."""
    if not current_user.is_authenticated:
        return False
    return allowed(current_user.role, permission, user_group_keys(), target_groups)


def requires(permission: str):
    """Decorate a view: sign-in required, and `permission` in some scope (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def ensure_scope(permission: str, target_groups) -> None:
    """Stop with 404 when the object lies outside the user's groups: it is not theirs to see."""
    if not can(permission, target_groups):
        abort(404)


def scoped_contest(contest_id: int, permission: str, mode: str | None = None):
    """The contest (of `mode`, when given), or 404 when there is none or it lies outside the user's groups."""
    contest = get_contest(contest_id)
    if contest is None or (mode is not None and contest.mode != mode):
        abort(404)
    ensure_scope(permission, {g.key for g in contest.groups})
    return contest
