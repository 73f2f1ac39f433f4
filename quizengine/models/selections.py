"""Stored selections (评选) of the web admin, frozen results, the announcement (公示) and its appeals (异议)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizengine.extensions import db
from quizengine.models.types import UTCDateTime, utcnow


class Selection(db.Model):
    """A selection file kept in the database; once frozen, its result document never moves.

    `groups` are the group keys the selection covers (its file's, else its
    contests'), kept for scope: an organizer sees it only when all are theirs.
    `tie_mode` is the web form's choice (None: the file's). `snapshot` holds
    the inputs as they were at the freeze, for "what changed since".
    """

    __tablename__ = "selections"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    tie_mode: Mapped[str | None] = mapped_column(String(16))
    groups: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    frozen_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    document: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    snapshot: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    appeal_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    creator = relationship("User", foreign_keys=[created_by])
    freezer = relationship("User", foreign_keys=[frozen_by])
    appeals: Mapped[list[SelectionAppeal]] = relationship(
        back_populates="selection", order_by="SelectionAppeal.id", cascade="all, delete-orphan"
    )


class SelectionAppeal(db.Model):
    """One staff member's appeal (异议) against a published selection, and the organizer's reply."""

    __tablename__ = "selection_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply: Mapped[str] = mapped_column(Text, default="")

    selection: Mapped[Selection] = relationship(back_populates="appeals")
    staff = relationship("Staff")
    handler = relationship("User")
