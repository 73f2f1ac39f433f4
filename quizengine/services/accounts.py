"""Accounts: create, authenticate, change password, disable."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from quizengine.core.access import ROLES
from quizengine.extensions import db
from quizengine.models import Center, Group, User, UserSession
from quizengine.services import audit

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{1,63}")
# Compared against when the username is unknown, so timing does not reveal it.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """A refused account change, with a message for the user."""


def hash_password(password: str) -> str:
    """Hash with Werkzeug's default (scrypt)."""
    return generate_password_hash(password)


def check_new_password(password: str) -> None:
    """Refuse passwords that are too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符")


def create_user(
    username: str,
    password: str | None,
    role: str,
    *,
    display_name: str = "",
    group_keys=(),
    center_name: str = "",
    bureau: str = "",
    actor: User | None = None,
) -> tuple[User, str]:
    """Create an account; returns it and its password (generated when None).

    A center contact (`center_contact`) needs their center; a judge may have a
    center and a bureau (主管单位), whose submissions they never judge (回避).
    """
    if not _USERNAME.fullmatch(username or ""):
        raise AccountError("用户名须为 2–64 个字母、数字、. _ -，以字母或数字开头")
    if role not in ROLES:
        raise AccountError(f"未知角色 {role}")
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"用户名 {username} 已存在")
    password = password or secrets.token_urlsafe(12)
    check_new_password(password)
    groups = _groups(group_keys)
    if role == "organizer" and not groups:
        raise AccountError("组织者至少要负责一个组")
    center = _center(center_name) if role in ("center_contact", "judge") else None
    if role == "center_contact" and center is None:
        raise AccountError("中心联络员必须指定所在中心")
    bureau = (bureau or "").strip()[:100] if role == "judge" else ""
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
        groups=groups if role == "organizer" else [],
        center_id=center.id if center else None,
        bureau=bureau,
    )
    db.session.add(user)
    db.session.flush()
    extra = {"center": center.name} if center else {}
    if bureau:
        extra["bureau"] = bureau
    audit.record(actor, "user.create", username, role=role, groups=",".join(g.key for g in groups), **extra)
    db.session.commit()
    return user, password


def _groups(keys) -> list[Group]:
    keys = list(keys)
    groups = list(db.session.scalars(select(Group).where(Group.key.in_(keys)))) if keys else []
    missing = set(keys) - {g.key for g in groups}
    if missing:
        raise AccountError(f"未知的组：{'、'.join(sorted(missing))}")
    return groups


def _center(name: str) -> Center | None:
    name = (name or "").strip()
    if not name:
        return None
    center = db.session.scalar(select(Center).where(Center.name == name))
    if center is None:
        raise AccountError(f"名单中没有名为 {name} 的中心")
    return center


def home_path(user: User) -> str:
    """Where a user lands after sign-in: a center contact on their center's page, a judge on the judge home."""
    return {"center_contact": "/center/", "judge": "/judge/"}.get(user.role, "/admin/")


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = datetime.now(UTC)
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password; other sessions of the account end."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("当前密码不正确")
    check_new_password(new)
    user.password_hash = hash_password(new)
    user.session_version += 1
    _end_sessions(user, keep=getattr(user, "session_token", ""))
    audit.record(user, "user.password", user.username)
    db.session.commit()


def set_active(user: User, active: bool, actor: User) -> None:
    """Disable or re-enable an account; disabling ends its sessions."""
    if user.id == actor.id and not active:
        raise AccountError("不能停用自己的账号")
    user.active = active
    user.session_version += 1
    if not active:
        _end_sessions(user)
    audit.record(actor, "user.enable" if active else "user.disable", user.username)
    db.session.commit()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _session_cutoff() -> datetime:
    """Sessions begun before this have expired (Flask refuses their cookies anyway)."""
    return datetime.now(UTC) - current_app.permanent_session_lifetime


def start_session(user: User, address: str = "") -> None:
    """Record a new sign-in of `user`; `user.get_id()` then carries its random token.

    Call just before `login_user(user)`. Expired sign-ins of every account are
    deleted on the way, so the table holds only sessions that may still be used.
    """
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(UserSession).where(UserSession.created_at < _session_cutoff()))
    db.session.add(UserSession(user_id=user.id, token_hash=_token_hash(token), address=address[:64]))
    db.session.commit()
    user.session_token = token


def end_session(user: User) -> None:
    """Sign out this one session: its token stops working at once, wherever its cookie was copied."""
    token = getattr(user, "session_token", "")
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))
        db.session.commit()


def _end_sessions(user: User, keep: str = "") -> None:
    """Delete the account's sign-ins (but the one with token `keep`), in the caller's transaction."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.token_hash != _token_hash(keep))
    db.session.execute(query)


def load_session_user(session_id: str) -> User | None:
    """Resolve a Flask-Login session id ("id:version:token") to a live account and a live sign-in."""
    parts = session_id.split(":")
    if len(parts) != 3:  # also a cookie of before sign-ins had tokens: signed in again
        return None
    user_id, version, token = parts
    if not (user_id.isdigit() and version.isdigit() and token) or len(user_id) > 9 or len(version) > 9:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    signed_in = db.session.scalar(
        select(UserSession.id).where(
            UserSession.token_hash == _token_hash(token),
            UserSession.user_id == user.id,
            UserSession.created_at >= _session_cutoff(),
        )
    )
    if signed_in is None:
        return None
    user.session_token = token
    return user


def list_users() -> list[User]:
    """Every account, by username."""
    return list(db.session.scalars(select(User).order_by(User.username)))
