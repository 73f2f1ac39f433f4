"""A review's results: the combined score per submission with its warnings, the ranking, the 5 优秀工作案例,
the judges' progress, and what centers see once the scores are released.

The entrants are the requirement's submissions that are not withdrawn. Only
the scores of the review's current judges count (a judge removed from the
review leaves with their scores). The rules are core.judging's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from quizengine.core.judging import AWARD_QUOTA, COMBINE_LABELS, Combined, categories_from, combine_totals, scale
from quizengine.core.judging import awards as award_cases
from quizengine.core.selection import Placement
from quizengine.extensions import db
from quizengine.models import JudgeScore, Review, Submission
from quizengine.services.judge_access import visible


@dataclass(frozen=True)
class ResultRow:
    """One submission's line: its combined score, its place (None: nobody scored it), its judges' totals."""

    submission: Submission
    combined: Combined
    placement: Placement | None
    totals: dict[int, float]  # judge id -> total


@dataclass
class ReviewResult:
    """A review's ranking with its warnings; rows in rank order, unscored ones last."""

    review: Review
    rows: list[ResultRow]
    scale: float
    rule: str
    warnings: list[str] = field(default_factory=list)
    award_exceeded: bool = False

    @property
    def awarded(self) -> list[ResultRow]:
        """The rows awarded 优秀工作案例 (ties at the cut-off included)."""
        return [row for row in self.rows if row.placement is not None and row.placement.award]


def entrants(review: Review) -> list[Submission]:
    """The submissions a review judges: its requirement's, not withdrawn."""
    query = select(Submission).where(
        Submission.requirement_id == review.requirement_id, Submission.withdrawn_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(Submission.id)))


def _scores(review: Review) -> list[JudgeScore]:
    judges = [j.id for j in review.judges]
    return list(
        db.session.scalars(
            select(JudgeScore).where(
                JudgeScore.review_id == review.id,
                JudgeScore.judge_id.in_(judges),
                JudgeScore.submission_id.is_not(None),
            )
        )
    )


def review_result(review: Review, quota: int = AWARD_QUOTA) -> ReviewResult:
    """Combine, rank and award a review's submissions (core.judging), with every warning."""
    submissions = entrants(review)
    totals: dict[str, dict[str, float]] = {str(s.id): {} for s in submissions}
    for score in _scores(review):
        if str(score.submission_id) in totals:
            totals[str(score.submission_id)][str(score.judge_id)] = score.total
    names = {str(j.id): j.display_name or j.username for j in review.judges}
    combination = combine_totals(totals, review.combine, review.normalise_judges, review.min_judges, names)
    outcome = award_cases({k: c.score for k, c in combination.scores.items()}, quota)
    placements = {p.entrant.key: p for p in outcome.placements}
    by_id = {str(s.id): s for s in submissions}
    rows = [
        ResultRow(
            by_id[key],
            combination.scores[key],
            placements.get(key),
            {int(j): t for j, t in totals[key].items()},
        )
        for key in [p.entrant.key for p in outcome.placements] + [k for k in totals if k not in placements]
    ]
    warnings = list(combination.warnings) + list(outcome.warnings)
    scored = sum(1 for row in rows if row.combined.score is not None)
    if scored < len(rows):
        warnings.append(f"{len(rows) - scored} 份材料还没有评委评分")
    rubric_scale = scale(categories_from(review.rubric.categories))
    return ReviewResult(review, rows, rubric_scale, COMBINE_LABELS[review.combine], warnings, outcome.award_exceeded)


@dataclass(frozen=True)
class JudgeProgress:
    """How far one judge is: what they may see at all (not 回避), what they score, what they scored."""

    judge_id: int
    name: str
    eligible: set[int]
    to_score: set[int]
    scored: set[int]


def progress(review: Review) -> list[JudgeProgress]:
    """Each judge's submissions to score and the ones they scored (回避 and assignments applied)."""
    scored: dict[int, set[int]] = {}
    for score in _scores(review):
        scored.setdefault(score.judge_id, set()).add(score.submission_id)
    out = []
    for judge in review.judges:
        mine = set(db.session.scalars(visible(review, judge).with_only_columns(Submission.id)))
        eligible = set(db.session.scalars(visible(review, judge, assigned_only=False).with_only_columns(Submission.id)))
        name = judge.display_name or judge.username
        out.append(JudgeProgress(judge.id, name, eligible, mine, scored.get(judge.id, set()) & mine))
    return out


def awarded_cases(review: Review) -> list[Submission]:
    """The submissions a review awards 优秀工作案例 (ties at the cut-off included), best first — for the booklet."""
    return [row.submission for row in review_result(review).awarded]


@dataclass(frozen=True)
class ReleasedScore:
    """What a center sees of one of its submissions after release: no judge, no single judge's score."""

    review_title: str
    submission_title: str
    score: float | None
    scale: float
    rank: int | None
    ranked: int
    awarded: bool
    tied: bool


def released_scores(center_id: int) -> list[ReleasedScore]:
    """A center's submissions' combined scores and ranks in every released review (nothing before release)."""
    reviews = db.session.scalars(
        select(Review)
        .where(Review.released_at.is_not(None), Review.requirement_id.is_not(None))
        .order_by(Review.released_at, Review.id)
    )
    out = []
    for review in reviews:
        result = review_result(review)
        ranked = sum(1 for row in result.rows if row.placement is not None)
        for row in result.rows:
            if row.submission.center_id != center_id:
                continue
            placement = row.placement
            out.append(
                ReleasedScore(
                    review.title,
                    row.submission.title,
                    row.combined.score,
                    result.scale,
                    placement.rank if placement else None,
                    ranked,
                    bool(placement and placement.award),
                    bool(placement and placement.tied),
                )
            )
    return out


def judge_score_rows(review: Review) -> list[tuple[Submission, str, JudgeScore]]:
    """Every counted judge's score of the review: (submission, judge's name, score), by submission then judge."""
    names = {j.id: j.display_name or j.username for j in review.judges}
    by_id = {s.id: s for s in entrants(review)}
    rows = [(by_id[s.submission_id], names[s.judge_id], s) for s in _scores(review) if s.submission_id in by_id]
    return sorted(rows, key=lambda row: (row[0].id, row[1]))
