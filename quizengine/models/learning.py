"""Practice (学习): every practice answer, and each person's wrong-answer book (错题本)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizengine.extensions import db
from quizengine.models.types import UTCDateTime


class PracticeAnswer(db.Model):
    """One practice answer; `nonce` is the question page's, so a resubmitted form is stored once."""

    __tablename__ = "practice_answers"
    __table_args__ = (UniqueConstraint("staff_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    nonce: Mapped[str] = mapped_column(String(64))
    from_book: Mapped[bool] = mapped_column(default=False)
    response: Mapped[list | str | bool | None] = mapped_column(JSON(none_as_null=True))
    correct: Mapped[bool]
    # the question's wrong-answer book entry right after this answer (services.learning.note_answer)
    book: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    question = relationship("Question")


class Mistake(db.Model):
    """A question in a person's wrong-answer book, by its stable id (it survives bank edits)."""

    __tablename__ = "mistakes"
    __table_args__ = (UniqueConstraint("staff_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    question_key: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))  # where it was last answered wrongly
    wrong_count: Mapped[int] = mapped_column(default=0)
    streak: Mapped[int] = mapped_column(default=0)
    cleared: Mapped[bool] = mapped_column(default=False)
    last_wrong_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    question = relationship("Question")
