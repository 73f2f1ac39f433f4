"""Judged work (成果评审): what each center owes (应报材料), what it submits, and the judges' scores.

A `Requirement` says what the centers of some groups must hand in by when
(a study plan, its results, a skill-contest plan and results, work cases).
A center's contact uploads `Submission`s with `Attachment`s. A `Review`
judges either the submissions of a requirement (成果评审 of the cases) or the
people (or center teams) of a judged contest (岗位比武, `Contest.mode ==
"judged"`), on a `Rubric` of weighted categories; each judge's `JudgeScore`
is one row. Conflicts of interest (回避) are the judge's center and bureau
(`User.center_id`, `User.bureau` against `Center.bureau`); every judge query
filters on them (services/judging).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizengine.extensions import db
from quizengine.models.types import UTCDateTime, utcnow


class RequirementGroup(db.Model):
    """Which groups' centers owe a requirement."""

    __tablename__ = "requirement_groups"

    requirement_id: Mapped[int] = mapped_column(ForeignKey("requirements.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)


class Requirement(db.Model):
    """What each center of some groups must hand in to 区府办, and by when (应报材料).

    `kind`: study_plan, study_results, skill_plan, skill_results, case, deed (core.submissions.REQUIREMENT_KINDS).
    `multiple`: a center may hand in several (cases: "at least one"); otherwise its newest one counts.
    """

    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    multiple: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    groups = relationship("Group", secondary="requirement_groups", order_by="Group.position")
    submissions: Mapped[list[Submission]] = relationship(back_populates="requirement", order_by="Submission.id")


class Submission(db.Model):
    """One thing a center handed in for a requirement: a title, a category (cases), a text, attachments.

    `redacted_text` is the text as blind judges see it (names of centers,
    bureaus and staff known to the roster removed), kept once the organizer
    has checked the preview (`redaction_checked_at`).
    """

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("requirements.id"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    # The person a deed (个人事迹, kind `deed`) is about; None for everything else.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    redacted_text: Mapped[str | None] = mapped_column(Text)
    redaction_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    requirement: Mapped[Requirement] = relationship(back_populates="submissions")
    center = relationship("Center")
    staff = relationship("Staff")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="submission", order_by="Attachment.id")


class Attachment(db.Model):
    """A file of a submission, stored under the instance folder by its SHA-256; its type is checked by content.

    `text` is what could be extracted from it (PDF, DOCX) for blind judging;
    `redacted_text` that text with the roster's names removed.
    """

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # pdf, docx, png, jpeg
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    redacted_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="attachments")


class Rubric(db.Model):
    """A review form (评审表): weighted score categories.

    `categories`: [{"key": "innovation", "label": "创新性", "weight": 30, "max": 10}, ...].
    """

    __tablename__ = "rubrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    categories: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Review(db.Model):
    """A judging (成果评审 of a requirement's submissions, or 岗位比武 of a judged contest's entrants).

    `combine`: mean | trimmed_mean (core.judging); `normalise_judges`: per-judge
    z-scores first; `blind`: judges see no center, bureau or staff names.
    Scores are shown to centers only after `released_at`.
    """

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id"))
    requirement_id: Mapped[int | None] = mapped_column(ForeignKey("requirements.id"), index=True)
    contest_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id"), index=True)
    blind: Mapped[bool] = mapped_column(default=False)
    combine: Mapped[str] = mapped_column(String(16), default="mean")
    normalise_judges: Mapped[bool] = mapped_column(default=False)
    min_judges: Mapped[int] = mapped_column(default=3)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # judges may score from then
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    rubric: Mapped[Rubric] = relationship()
    requirement = relationship("Requirement")
    contest = relationship("Contest")
    judges = relationship("User", secondary="review_judges", order_by="User.username")


class ReviewJudge(db.Model):
    """A judge taking part in a review; with `submission_id` None they judge every entrant not in conflict."""

    __tablename__ = "review_judges"

    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class JudgeAssignment(db.Model):
    """A submission given to one judge of a review (when the review assigns, rather than all judge all)."""

    __tablename__ = "judge_assignments"
    __table_args__ = (UniqueConstraint("review_id", "judge_id", "submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)


class JudgeScore(db.Model):
    """One judge's score of one entrant: a submission, or a judged contest's player (or center team).

    `scores` maps each rubric category to the points given; `total` is their
    weighted sum (core.judging.rubric_total). One row per judge and entrant.
    """

    __tablename__ = "judge_scores"
    __table_args__ = (
        UniqueConstraint("review_id", "judge_id", "submission_id"),
        UniqueConstraint("review_id", "judge_id", "player_id"),
        UniqueConstraint("review_id", "judge_id", "center_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    player_id: Mapped[int | None] = mapped_column(ForeignKey("players.id"), index=True)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"), index=True)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[float]
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
