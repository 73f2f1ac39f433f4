"""Contests (竞赛), rounds (轮次), players and their answers (作答).

Deadlines are data: a question's `opened_at` and `closes_at` are stored when
it opens, so a restarted server can re-arm or close it. The unique constraint
on (player, round question) is what makes "one answer per player per
question" true under concurrency and retries.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizengine.extensions import db
from quizengine.models.types import UTCDateTime, utcnow


class ContestGroup(db.Model):
    """Which groups' rosters may join a contest."""

    __tablename__ = "contest_groups"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)


class Contest(db.Model):
    """One event for one group (or several): `live`, `self_paced` or `offline` (scores imported)."""

    __tablename__ = "contests"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(16), default="live")
    # draft -> open (players may join) -> finished
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # lobby, question, closed, reveal, leaderboard, finished (see docs/protocol.md)
    phase: Mapped[str] = mapped_column(String(16), default="lobby")
    current_id: Mapped[int | None] = mapped_column(ForeignKey("round_questions.id", use_alter=True))
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    board_key: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # self_paced: the window in which attempts may start and must end
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    groups = relationship("Group", secondary="contest_groups")
    rounds: Mapped[list[Round]] = relationship(back_populates="contest", order_by="Round.position")


class Round(db.Model):
    """A block of questions with one kind and one scoring rule.

    In a self-paced contest a round is a section of the paper (kind `section`):
    its questions are the pool every person's draw takes `scoring["count"]` from.
    """

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("contest_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16), default="mandatory")
    title: Mapped[str] = mapped_column(String(200), default="")
    scoring: Mapped[dict] = mapped_column(JSON, default=dict)
    time_limit: Mapped[int | None]

    contest: Mapped[Contest] = relationship(back_populates="rounds")
    questions: Mapped[list[RoundQuestion]] = relationship(back_populates="round", order_by="RoundQuestion.position")


class RoundQuestion(db.Model):
    """A question's place in a round, with its server-decided open and close times."""

    __tablename__ = "round_questions"
    __table_args__ = (UniqueConstraint("round_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    buzz_player_id: Mapped[int | None] = mapped_column(ForeignKey("players.id", use_alter=True))
    # The process watching this question's deadline, until when (services.leases).
    timer_owner: Mapped[str | None] = mapped_column(String(64))
    timer_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[Round] = relationship(back_populates="questions")
    question = relationship("Question")


class Player(db.Model):
    """A roster member taking part in a contest; resumed by a random token."""

    __tablename__ = "players"
    __table_args__ = (UniqueConstraint("contest_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kicked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    staff = relationship("Staff")


class Answer(db.Model):
    """One player's answer to one question, with the server's receive time."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("player_id", "round_question_id"),
        UniqueConstraint("player_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"), index=True)
    round_question_id: Mapped[int] = mapped_column(ForeignKey("round_questions.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    elapsed_ms: Mapped[int]
    correct: Mapped[bool]
    points: Mapped[int]
    stake: Mapped[int | None]


class Press(db.Model):
    """A buzzer press (抢答), valid or a false start, with the server's time."""

    __tablename__ = "presses"

    id: Mapped[int] = mapped_column(primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"), index=True)
    round_question_id: Mapped[int] = mapped_column(ForeignKey("round_questions.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    false_start: Mapped[bool]


class Stake(db.Model):
    """The stake a player chose for a risk-round question (风险题), before it opened."""

    __tablename__ = "stakes"
    __table_args__ = (UniqueConstraint("player_id", "round_question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"), index=True)
    round_question_id: Mapped[int] = mapped_column(ForeignKey("round_questions.id"), index=True)
    stake: Mapped[int]


class Score(db.Model):
    """A player's final standing in a contest, frozen when the contest finishes.

    Live standings are computed from answers; this row keeps the figures the
    awards were decided on, so a later bank edit or re-scoring is visible.
    """

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("contest_id", "player_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"))
    points: Mapped[int]
    correct: Mapped[int]
    answered: Mapped[int]
    total_time_ms: Mapped[int]
    rank: Mapped[int]
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Attempt(db.Model):
    """One sitting of a self-paced paper by one player, closed by submit, time-out or the organizer.

    `seed` is the one the paper was drawn with (see core.paper.person_seed);
    `deadline` is decided when the attempt starts and never moves.
    """

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("player_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"), index=True)
    number: Mapped[int]
    seed: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(16))  # submit, timeout, finish
    points: Mapped[int] = mapped_column(default=0)
    correct: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)

    player: Mapped[Player] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(back_populates="attempt", order_by="AttemptItem.position")


class AttemptItem(db.Model):
    """One question of an attempt's paper, with the option order shown and the last saved response.

    `revision` is the edit counter of the page (`client`) that saved last: a
    save from that same page with a revision not above the stored one is a
    retry or arrived out of order and changes nothing; a save from another page
    (the person's second phone, or the same phone after a reload) is newer by
    arrival and is stored.
    """

    __tablename__ = "attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    position: Mapped[int]
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    option_order: Mapped[list] = mapped_column(JSON, default=list)
    points_value: Mapped[int]
    response: Mapped[list | str | bool | None] = mapped_column(JSON(none_as_null=True))  # None: unanswered
    revision: Mapped[int] = mapped_column(default=0)
    client: Mapped[str] = mapped_column(String(64), default="")
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    correct: Mapped[bool | None]
    points: Mapped[int | None]

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    question = relationship("Question")
    round = relationship("Round")


class OfflineScore(db.Model):
    """A person's result in an offline contest (线下成绩), as imported from its score sheet.

    A new import of the sheet replaces every row of the contest; `time_ms`
    and `correct` are None when the sheet does not give them.
    """

    __tablename__ = "offline_scores"
    __table_args__ = (UniqueConstraint("contest_id", "player_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"))
    points: Mapped[float]
    correct: Mapped[int | None]
    time_ms: Mapped[int | None]
    line: Mapped[int]  # the sheet row it came from, for a dispute
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    player: Mapped[Player] = relationship()
