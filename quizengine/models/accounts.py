"""Organizer, trainer and admin accounts, and the audit log of their actions."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizengine.extensions import db
from quizengine.models.types import UTCDateTime, utcnow


class UserGroup(db.Model):
    """The groups an organizer is responsible for."""

    __tablename__ = "user_groups"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)


class User(UserMixin, db.Model):
    """A person who signs in: `admin`, `organizer` (of some groups), `trainer`, `center_contact` (of one center)
    or `judge`."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change or disable, so old sessions stop working.
    # (Each sign-in is also a `UserSession` row; signing out deletes just that one.)
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A center contact's own center; a judge's center, which they never judge (回避).
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"))
    # A judge's bureau (主管单位): no submission of a center of that bureau either.
    bureau: Mapped[str] = mapped_column(String(100), default="")

    groups = relationship("Group", secondary="user_groups", order_by="Group.position")
    center = relationship("Center")

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses sessions of disabled accounts."""
        return self.active

    def get_id(self) -> str:
        """Session id: user id, session version and this sign-in's random token.

        The token is set by `services.accounts.start_session` (at sign-in) or
        by the user loader (for a session already signed in).
        """
        return f"{self.id}:{self.session_version}:{getattr(self, 'session_token', '')}"


class UserSession(db.Model):
    """One sign-in of an account; the session cookie carries its token, signing out deletes it.

    Only a hash of the token is stored, so a copy of the database opens no session.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    address: Mapped[str] = mapped_column(String(64), default="")


class AuditEvent(db.Model):
    """One organizer action: who did what to which object, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")
