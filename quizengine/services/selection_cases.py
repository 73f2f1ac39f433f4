"""Judged work in the selection (评选): a case review (成果评审) as a units' part, and the 优秀工作案例 award.

A part naming `review: <id>` scores each center by its best case: the
highest combined score among its submissions (a center owes at least one
case and may hand in several; a weaker second case must not pull it down).
The `cases` award ranks the review's submissions by combined score with
core.selection.combine (one part, raw score), so ties at the cut-off are all
awarded and flagged, as for people and units. Combined scores come from
services.judged_results.case_scores, the one place they are read.
"""

from __future__ import annotations

from sqlalchemy import select

from quizengine.core.selection import Entrant, Outcome, Part, PartScore, Rules, combine
from quizengine.extensions import db
from quizengine.models import Center, Group, Review, Submission
from quizengine.services.judged_results import case_scores, review_maximum

CASE_PART = "case"


def case_review(review_id: int) -> tuple[Review | None, str | None]:
    """The case review of that id, or None with what is wrong (no such review, or not a review of submissions)."""
    review = db.session.get(Review, review_id)
    if review is None:
        return None, f"没有编号为 {review_id} 的成果评审"
    if review.requirement_id is None:
        return None, f"评审 {review_id}（{review.title}）评的是岗位比武，不是报送的案例；岗位比武请写在 contests 中"
    return review, None


def review_group_keys(review: Review) -> set[str]:
    """The groups whose centers owe the review's requirement."""
    return {g.key for g in review.requirement.groups}


def _cases(review: Review) -> list[tuple[Submission, str, str]]:
    """The review's submissions not withdrawn, with their center's name and group key."""
    return list(
        db.session.execute(
            select(Submission, Center.name, Group.key)
            .join(Center, Submission.center_id == Center.id)
            .join(Group, Center.group_id == Group.id)
            .where(Submission.requirement_id == review.requirement_id, Submission.withdrawn_at.is_(None))
            .order_by(Submission.id)
        ).all()
    )


def center_case_scores(review: Review) -> dict[str, PartScore]:
    """{center name: its best case's combined score} for a units' part; a center with no scored case is absent."""
    scores = case_scores(review)
    maximum = review_maximum(review)
    best: dict[str, float] = {}
    for submission, center, _ in _cases(review):
        if submission.id in scores:
            best[center] = max(best.get(center, scores[submission.id]), scores[submission.id])
    return {center: PartScore(score, maximum=maximum, source=f"review:{review.id}") for center, score in best.items()}


def rank_cases(review: Review, award: int) -> Outcome:
    """The review's cases ranked by combined score, `award` of them awarded; ties at the cut-off all included.

    A case no judge scored stays listed, unranked in effect (reason `no_part`), and wins nothing.
    """
    scores = case_scores(review)
    entrants = [Entrant(str(s.id), s.title, center, group) for s, center, group in _cases(review)]
    parts = [Part(CASE_PART, review.title, 1.0, review_maximum(review), "raw")]
    figures = {CASE_PART: {str(sid): PartScore(score, source=f"review:{review.id}") for sid, score in scores.items()}}
    return combine(entrants, parts, figures, Rules(award, 0, "include"))


def cases_json(outcome: Outcome, review: Review, groups: dict[str, str]) -> tuple[dict, list[dict]]:
    """The `cases_quota` object and the `cases` rows of the selection JSON (docs/results.md)."""
    quota = {
        "review": review.id,
        "title": review.title,
        "maximum": review_maximum(review),
        "award": outcome.award_quota,
        "awarded": outcome.awarded,
        "award_exceeded": outcome.award_exceeded,
        "warnings": [w for w in outcome.warnings if "推荐" not in w],
    }
    rows = [
        {
            "submission_id": int(p.entrant.key),
            "title": p.entrant.name,
            "center": p.entrant.center,
            "group": p.entrant.group,
            "group_name": groups.get(p.entrant.group, p.entrant.group),
            "score": p.parts[0].score,
            "rank": p.rank if p.eligible else None,
            "award": p.award,
            "tied": p.tied and p.eligible,
            "tied_at_cutoff": p.tied_at_cutoff,
        }
        for p in outcome.placements
    ]
    return quota, rows
