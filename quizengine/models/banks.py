"""Question banks as loaded into the database.

Every distinct content of a bank file is kept as its own `BankRevision`, with
the file's content hash. Contests point at `Question` rows of a revision, so a
result always keeps the exact text it was scored against, even after the
trainer edits the bank.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizengine.extensions import db
from quizengine.models.types import UTCDateTime, utcnow


class Bank(db.Model):
    """A bank by its stable id; `current_revision` is the one contests draw from."""

    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    current_revision_id: Mapped[int | None] = mapped_column(ForeignKey("bank_revisions.id", use_alter=True))

    current_revision: Mapped[BankRevision | None] = relationship(foreign_keys=[current_revision_id], post_update=True)
    revisions: Mapped[list[BankRevision]] = relationship(
        back_populates="bank", foreign_keys="BankRevision.bank_id", order_by="BankRevision.id"
    )


class BankRevision(db.Model):
    """One imported content of a bank file, identified by its SHA-256."""

    __tablename__ = "bank_revisions"
    __table_args__ = (UniqueConstraint("bank_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    version: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    sample: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    groups: Mapped[list] = mapped_column(JSON, default=list)
    tags: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    bank: Mapped[Bank] = relationship(back_populates="revisions", foreign_keys=[bank_id])
    questions: Mapped[list[Question]] = relationship(back_populates="revision", order_by="Question.position")


class Question(db.Model):
    """A question exactly as a revision of its bank stated it."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("revision_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("bank_revisions.id"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON, default=list)
    answer: Mapped[list] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text, default="")
    source_document: Mapped[str] = mapped_column(Text, default="")
    source_section: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    difficulty: Mapped[int] = mapped_column(default=3)
    points: Mapped[int] = mapped_column(default=10)
    time_limit: Mapped[int] = mapped_column(default=20)
    effective: Mapped[date | None]
    expires: Mapped[date | None]

    revision: Mapped[BankRevision] = relationship(back_populates="questions")
