"""Reviews of submissions (成果评审) kept by organizers: the review and its rubric, judges, assignments, the steps.

A review judges the submissions of one requirement on its own rubric. An
organizer sees the reviews whose requirement's groups are all theirs. The
rubric and the blind setting are fixed once the review opens (the scores
would no longer match); the combination settings may change until scores are
released. Judges may score from `opened_at` until `closed_at`; centers see
the results from `released_at` (services.review_results). Every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, select

from quizengine.core.judging import COMBINE_LABELS, RubricError, categories_from
from quizengine.extensions import db
from quizengine.models import JudgeAssignment, Requirement, Review, ReviewJudge, Rubric, Submission, User
from quizengine.services import audit
from quizengine.services.errors import Refused
from quizengine.services.judge_access import visible

MAX_JUDGES = 50


def requirement_groups(requirement: Requirement | None) -> set[str]:
    """The group keys of a requirement (what scopes a review to organizers)."""
    return {g.key for g in requirement.groups} if requirement is not None else set()


def _in_scope(requirement: Requirement | None, scope: set[str] | None) -> bool:
    groups = requirement_groups(requirement)
    return scope is None or (bool(groups) and groups <= scope)


def list_reviews(scope: set[str] | None) -> list[Review]:
    """The reviews of submissions newest first; with a scope (an organizer's groups), only theirs."""
    rows = db.session.scalars(select(Review).where(Review.requirement_id.is_not(None)).order_by(Review.id.desc()))
    return [r for r in rows if _in_scope(r.requirement, scope)]


def get_review(review_id: int) -> Review | None:
    """A review of submissions by id (a skill contest's review is not one), or None."""
    review = db.session.get(Review, review_id)
    return review if review is not None and review.requirement_id is not None else None


def requirements_in_scope(scope: set[str] | None) -> list[Requirement]:
    """The requirements whose submissions an organizer may have judged."""
    rows = db.session.scalars(select(Requirement).order_by(Requirement.due_at, Requirement.id))
    return [r for r in rows if _in_scope(r, scope)]


def judge_accounts() -> list[User]:
    """Every active judge account, by username."""
    return list(db.session.scalars(select(User).where(User.role == "judge", User.active).order_by(User.username)))


def save_review(
    review: Review | None,
    *,
    title: str,
    requirement_id: int | None,
    blind: bool,
    combine: str,
    normalise_judges: bool,
    min_judges: int,
    rubric_title: str,
    categories: Sequence[Mapping],
    scope: set[str] | None,
    actor: User | None = None,
    address: str = "",
) -> Review:
    """Create (review None) or change a review and its rubric; Refused with what is wrong, nothing stored."""
    title, rubric_title = (title or "").strip(), (rubric_title or "").strip() or "评审表"
    if not title or len(title) > 200:
        raise Refused("invalid_review", "请填写评审名称（最多 200 字）")
    if combine not in COMBINE_LABELS:
        raise Refused("invalid_review", "未知的合成方式")
    if not 1 <= min_judges <= MAX_JUDGES:
        raise Refused("invalid_review", f"最少评委人数须在 1 到 {MAX_JUDGES} 之间")
    try:
        checked = [c.as_json() for c in categories_from(categories)]
    except RubricError as error:
        raise Refused("invalid_review", str(error)) from None
    requirement = db.session.get(Requirement, requirement_id) if requirement_id else None
    if requirement is None or not _in_scope(requirement, scope):
        raise Refused("invalid_review", "请选择要评审的材料")
    if review is not None and review.released_at is not None:
        raise Refused("invalid_review", "成绩已公布，评审不能再修改")
    if review is not None and review.opened_at is not None:
        fixed = (review.rubric.categories, review.requirement_id, review.blind)
        if fixed != (checked, requirement.id, blind):
            raise Refused("review_started", "评审表、评审的材料和匿名设置在开始后不能修改")
    if review is None:
        review = Review(rubric=Rubric(title=rubric_title, categories=checked))
        db.session.add(review)
    review.title, review.requirement_id, review.blind = title, requirement.id, blind
    review.combine, review.normalise_judges, review.min_judges = combine, normalise_judges, min_judges
    review.rubric.title, review.rubric.categories = rubric_title, checked
    db.session.flush()
    audit.record(
        actor,
        "judging.review.save",
        f"review:{review.id}",
        address=address,
        title=title,
        blind=blind,
        combine=combine,
        normalise_judges=normalise_judges,
        min_judges=min_judges,
    )
    db.session.commit()
    return review


def set_judges(review: Review, user_ids: Iterable[int], *, actor: User | None = None, address: str = "") -> None:
    """Make these accounts the review's judges (each must be a judge); a removed judge's scores stop counting."""
    ids = set(user_ids)
    if len(ids) > MAX_JUDGES:
        raise Refused("invalid_review", f"评委不能超过 {MAX_JUDGES} 位")
    users = list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    if len(users) != len(ids) or any(u.role != "judge" for u in users):
        raise Refused("not_a_judge")
    db.session.execute(delete(ReviewJudge).where(ReviewJudge.review_id == review.id))
    db.session.execute(
        delete(JudgeAssignment).where(JudgeAssignment.review_id == review.id, JudgeAssignment.judge_id.not_in(ids))
    )
    db.session.add_all(ReviewJudge(review_id=review.id, user_id=u.id) for u in users)
    audit.record(
        actor,
        "judging.judges",
        f"review:{review.id}",
        address=address,
        judges=",".join(sorted(u.username for u in users)),
    )
    db.session.commit()
    db.session.refresh(review)


def set_assignments(
    review: Review, pairs: Iterable[tuple[int, int]], *, actor: User | None = None, address: str = ""
) -> None:
    """Give each judge their submissions ((judge id, submission id) pairs); none at all: every judge judges all.

    A pair that breaks a conflict (回避), or names someone who is not the
    review's judge or a submission outside the review, refuses the whole change.
    """
    pairs = set(pairs)
    judges = {j.id: j for j in review.judges}
    allowed: dict[int, set[int]] = {}
    for judge_id, submission_id in pairs:
        judge = judges.get(judge_id)
        if judge is None:
            raise Refused("not_a_judge")
        if judge_id not in allowed:
            query = visible(review, judge, assigned_only=False).with_only_columns(Submission.id)
            allowed[judge_id] = set(db.session.scalars(query))
        if submission_id not in allowed[judge_id]:
            raise Refused("judge_conflict", f"{judge.display_name or judge.username}，材料 {submission_id}")
    db.session.execute(delete(JudgeAssignment).where(JudgeAssignment.review_id == review.id))
    db.session.add_all(JudgeAssignment(review_id=review.id, judge_id=j, submission_id=s) for j, s in sorted(pairs))
    audit.record(actor, "judging.assign", f"review:{review.id}", address=address, pairs=len(pairs))
    db.session.commit()


def assignments(review: Review) -> set[tuple[int, int]]:
    """The review's (judge id, submission id) assignments."""
    rows = db.session.execute(
        select(JudgeAssignment.judge_id, JudgeAssignment.submission_id).where(JudgeAssignment.review_id == review.id)
    )
    return {(j, s) for j, s in rows}


def open_review(review: Review, now: datetime, *, actor: User | None = None, address: str = "") -> None:
    """Let the judges score (needs at least one judge); a closed review opens again until released."""
    if review.released_at is not None:
        raise Refused("invalid_review", "成绩已公布，评审不能再开始")
    if not review.judges:
        raise Refused("invalid_review", "请先选择评委")
    review.opened_at = review.opened_at or now
    review.closed_at = None
    audit.record(actor, "judging.open", f"review:{review.id}", address=address)
    db.session.commit()


def close_review(review: Review, now: datetime, *, actor: User | None = None, address: str = "") -> None:
    """End the scoring: judges' scores can no longer change."""
    if review.opened_at is None or review.closed_at is not None:
        raise Refused("review_not_open")
    review.closed_at = now
    audit.record(actor, "judging.close", f"review:{review.id}", address=address)
    db.session.commit()


def release_review(review: Review, now: datetime, *, actor: User | None = None, address: str = "") -> None:
    """Show the combined scores and ranks to the centers (after the review closed)."""
    if review.closed_at is None:
        raise Refused("review_not_closed")
    review.released_at = review.released_at or now
    audit.record(actor, "judging.release", f"review:{review.id}", address=address)
    db.session.commit()
