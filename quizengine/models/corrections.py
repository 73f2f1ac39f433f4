"""Corrections after a dispute (复核): a question voided or its key corrected for one contest.

Every correction is kept; the newest of a question is the `active` one (a
later correction of the same question supersedes it), so the history of a
dispute stays readable. The bank's stored question is never modified: the
corrected key applies to this contest only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizengine.extensions import db
from quizengine.models.types import UTCDateTime, utcnow


class ContestCorrection(db.Model):
    """One correction of one question of a contest: `void` (counts for nobody) or `rekey` (a new key).

    A live contest's question is its round question (the same bank question may
    be asked twice); a paper's is the bank question itself (`round_question_id`
    None), since every person's draw differs.
    """

    __tablename__ = "contest_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    round_question_id: Mapped[int | None] = mapped_column(ForeignKey("round_questions.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    kind: Mapped[str] = mapped_column(String(8))  # void, rekey
    answer: Mapped[list | None] = mapped_column(JSON(none_as_null=True))  # rekey: the bank's answer format
    reason: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    question = relationship("Question")
