"""What a judge may see and score (回避), and their scores: every judge read and write goes through `visible`.

Conflicts of interest are enforced here, in the query, not in the pages: a
judge never gets a submission of their own center (`User.center_id`) nor of a
center of their bureau (`User.bureau`, when set, equal to `Center.bureau`),
never a withdrawn one, never one of a review they do not judge, and, when the
review assigns (it has any `JudgeAssignment`), only the ones assigned to
them. Asking for any other is `Refused("not_found")` (a 404, as if it did not
exist), and no `JudgeScore` can be written for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Select, exists, false, func, select
from sqlalchemy.exc import IntegrityError

from quizengine.core.judging import RubricError, categories_from, rubric_total
from quizengine.extensions import db
from quizengine.models import Center, JudgeAssignment, JudgeScore, Review, ReviewJudge, Submission, User
from quizengine.services.errors import Refused

MAX_COMMENT = 2000


def judges_review(review: Review, judge: User):
    """SQL condition: `judge` is one of the review's judges."""
    return exists().where(ReviewJudge.review_id == review.id, ReviewJudge.user_id == judge.id)


def review_assigns(review: Review) -> bool:
    """Whether the review gives each judge their own submissions (any assignment) rather than all to all."""
    return db.session.scalar(select(exists().where(JudgeAssignment.review_id == review.id))) or False


def visible(review: Review, judge: User, *, assigned_only: bool = True) -> Select:
    """The one query of the submissions `judge` may see and score in `review` (module docstring), by id.

    `assigned_only=False` leaves out the assignment rule only (the organizer
    assigning checks the conflicts with it); the conflicts always apply.
    """
    query = (
        select(Submission)
        .join(Center, Center.id == Submission.center_id)
        .where(Submission.requirement_id == review.requirement_id, Submission.withdrawn_at.is_(None))
        .where(judges_review(review, judge))
        .order_by(Submission.id)
    )
    if review.requirement_id is None:
        return query.where(false())
    if judge.center_id is not None:
        query = query.where(Submission.center_id != judge.center_id)
    bureau = (judge.bureau or "").strip()
    if bureau:
        query = query.where(func.trim(Center.bureau) != bureau)
    if assigned_only:
        assigned = select(JudgeAssignment.submission_id).where(
            JudgeAssignment.review_id == review.id, JudgeAssignment.judge_id == judge.id
        )
        any_assignment = exists().where(JudgeAssignment.review_id == review.id)
        query = query.where(~any_assignment | Submission.id.in_(assigned))
    return query


def judge_reviews(judge: User) -> list[Review]:
    """The opened reviews of submissions that `judge` takes part in, newest first."""
    query = (
        select(Review)
        .join(ReviewJudge, ReviewJudge.review_id == Review.id)
        .where(ReviewJudge.user_id == judge.id, Review.opened_at.is_not(None), Review.requirement_id.is_not(None))
        .order_by(Review.id.desc())
    )
    return list(db.session.scalars(query))


def review_for_judge(review_id: int, judge: User) -> Review:
    """A review `judge` takes part in and that has opened; Refused("not_found") otherwise."""
    review = db.session.get(Review, review_id)
    if review is None or review.opened_at is None or review.requirement_id is None:
        raise _not_found()
    if not db.session.scalar(select(judges_review(review, judge))):
        raise _not_found()
    return review


def submissions_for_judge(review: Review, judge: User) -> list[Submission]:
    """The submissions `judge` scores in `review`, in the order they came in."""
    return list(db.session.scalars(visible(review, judge)))


def submission_for_judge(review: Review, judge: User, submission_id: int) -> Submission:
    """One submission `judge` may see; Refused("not_found") for any other (回避 included)."""
    found = db.session.scalar(visible(review, judge).where(Submission.id == submission_id))
    if found is None:
        raise _not_found()
    return found


def my_scores(review: Review, judge: User) -> dict[int, JudgeScore]:
    """The judge's own scores in a review, by submission id (only of submissions they may still see)."""
    ids = visible(review, judge).with_only_columns(Submission.id)
    rows = db.session.scalars(
        select(JudgeScore).where(
            JudgeScore.review_id == review.id, JudgeScore.judge_id == judge.id, JudgeScore.submission_id.in_(ids)
        )
    )
    return {row.submission_id: row for row in rows}


def save_score(
    review: Review, judge: User, submission_id: int, scores: Mapping[str, object], comment: str, now: datetime
) -> JudgeScore:
    """Store (or change) a judge's score of a submission while the review is open; nothing stored when refused.

    Refused: `not_found` (not theirs to see), `review_not_open`, `invalid_score` (with what is wrong).
    """
    submission = submission_for_judge(review, judge, submission_id)
    if review.opened_at is None or review.opened_at > now or review.closed_at is not None:
        raise Refused("review_not_open")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise Refused("invalid_score", f"评语不能超过 {MAX_COMMENT} 字")
    try:
        categories = categories_from(review.rubric.categories)
        total = rubric_total(categories, scores)
    except RubricError as error:
        raise Refused("invalid_score", str(error)) from None
    given = {c.key: float(scores[c.key]) for c in categories}
    row = db.session.scalar(
        select(JudgeScore).where(
            JudgeScore.review_id == review.id,
            JudgeScore.judge_id == judge.id,
            JudgeScore.submission_id == submission.id,
        )
    )
    if row is None:
        row = JudgeScore(review_id=review.id, judge_id=judge.id, submission_id=submission.id, total=total)
        db.session.add(row)
    row.scores, row.total, row.comment, row.submitted_at = given, total, comment, now
    try:
        db.session.commit()
    except IntegrityError:  # the same judge saving twice at once (two tabs): the other save won
        db.session.rollback()
        raise Refused("not_saved") from None
    return row


def _not_found() -> Refused:
    return Refused("not_found")
