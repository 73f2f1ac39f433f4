"""A judged contest's (岗位比武) entrants and combined scores: standings for services.results, the board's figures.

Entrants are the contest's players (`entrants: people`, added by the
organizer by staff id) or every center of its groups (`entrants: centers`,
a team each). Each judge's `JudgeScore` is one row per entrant; the combined
score is core.judged.combine_scores over the judges' totals, under the
contest's review (its rule, normalisation and minimum of judges).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from quizengine.core.judged import Combined, categories_of, combine_scores, rubric_maximum
from quizengine.core.ranking import CenterStanding, Standing
from quizengine.extensions import db
from quizengine.models import Center, Contest, JudgeScore, Player, Review, ReviewJudge, Staff
from quizengine.services import review_results


@dataclass(frozen=True)
class Entrant:
    """Someone judges score: a player (`kind` "people", `id` the player id) or a center team (`id` the center id)."""

    kind: str
    id: int
    name: str
    center_id: int
    center: str
    bureau: str


def review_of(contest: Contest) -> Review | None:
    """The review (rubric, rule, judges) of a judged contest."""
    return db.session.scalar(select(Review).where(Review.contest_id == contest.id))


def entrant_kind(contest: Contest) -> str:
    """`people` or `centers`: who a judged contest ranks."""
    return contest.settings.get("entrants", "people")


def entrants(contest: Contest) -> list[Entrant]:
    """Every entrant of a judged contest, by center then name."""
    if entrant_kind(contest) == "centers":
        rows = db.session.scalars(
            select(Center).where(Center.group_id.in_([g.id for g in contest.groups])).order_by(Center.name)
        )
        return [Entrant("centers", c.id, c.name, c.id, c.name, c.bureau) for c in rows]
    rows = db.session.execute(
        select(Player.id, Staff.name, Center.id, Center.name, Center.bureau)
        .join(Staff, Player.staff_id == Staff.id)
        .join(Center, Staff.center_id == Center.id)
        .where(Player.contest_id == contest.id, Player.kicked_at.is_(None))
        .order_by(Center.name, Staff.staff_no)
    ).all()
    return [Entrant("people", pid, name, cid, center, bureau) for pid, name, cid, center, bureau in rows]


def judge_totals(review: Review) -> dict[tuple[str, int], dict[int, float]]:
    """{(kind, entrant id): {judge id: total}} of a review's stored scores (judges still on the review)."""
    judges = set(db.session.scalars(select(ReviewJudge.user_id).where(ReviewJudge.review_id == review.id)))
    totals: dict[tuple[str, int], dict[int, float]] = {}
    for row in db.session.scalars(select(JudgeScore).where(JudgeScore.review_id == review.id)):
        if row.judge_id not in judges:
            continue
        if row.submission_id is not None:
            key = ("submissions", row.submission_id)
        elif row.player_id is not None:
            key = ("people", row.player_id)
        else:
            key = ("centers", row.center_id)
        totals.setdefault(key, {})[row.judge_id] = row.total
    return totals


def case_scores(review: Review) -> dict[int, float]:
    """{submission id: combined score} of a case review (成果评审), under the review's rule; unscored: left out.

    The one place the selection reads combined case scores from (services.selection); they are the review's own
    results (services.review_results: withdrawn cases and removed judges left out), as its page shows them.
    """
    rows = review_results.review_result(review).rows
    return {row.submission.id: row.combined.score for row in rows if row.combined.score is not None}


def review_maximum(review: Review) -> float:
    """The highest combined score of a review: its rubric's (the sum of the weights)."""
    return rubric_maximum(categories_of(review.rubric.categories))


def combined(contest: Contest) -> dict[tuple[str, int], Combined]:
    """Every entrant's combined score under the contest's review (an entrant nobody scored: score None)."""
    review = review_of(contest)
    if review is None:
        return {}
    totals = judge_totals(review)
    for entrant in entrants(contest):
        totals.setdefault((entrant.kind, entrant.id), {})
    return combine_scores(totals, review.combine, review.normalise_judges, review.min_judges)


def maximum(contest: Contest) -> float | None:
    """The highest combined score: the rubric's (the sum of its weights)."""
    review = review_of(contest)
    return review_maximum(review) if review else None


def judged_standings(contest: Contest) -> list[Standing]:
    """People's standings: the combined score (0 until a judge scored); teams have none (see `team_centers`).

    Nothing else is counted (no answers, no time): equal combined scores share a rank.
    """
    if entrant_kind(contest) == "centers":
        return []
    scores = combined(contest)
    result = []
    for e in entrants(contest):
        figure = scores.get((e.kind, e.id))
        value = figure.score if figure and figure.score is not None else 0
        result.append(Standing(e.id, e.name, e.center, value))
    return result


def team_centers(contest: Contest, roster_sizes: dict[str, int], only: set[str] | None = None) -> list[CenterStanding]:
    """The centers of a team contest ranked by their team's combined score; a team nobody scored has no rank.

    Equal scores share a rank; `joined` is 1 for a scored team (its
    participation is not a rate: the team is the center).
    """
    scores = combined(contest)
    rows = []
    for e in entrants(contest):
        if only is not None and e.center not in only:
            continue
        figure = scores.get((e.kind, e.id))
        value = figure.score if figure and figure.score is not None else None
        rows.append((e.center, value, roster_sizes.get(e.center, 0)))
    rows.sort(key=lambda row: (row[1] is None, -(row[1] or 0), row[0]))
    result: list[CenterStanding] = []
    for position, (center, value, roster) in enumerate(rows, 1):
        previous = result[-1] if result else None
        if value is None:
            rank = None
        elif previous is not None and previous.rank is not None and previous.score == value:
            rank = previous.rank
        else:
            rank = position
        result.append(CenterStanding(rank, center, value or 0.0, 1 if value is not None else 0, roster))
    return result


def scores_version(contest: Contest) -> tuple:
    """What a judged ranking depends on: the judges' scores, the judges, the entrants and the review's rules."""
    review = review_of(contest)
    if review is None:
        return ()
    scores = db.session.execute(
        select(func.count(JudgeScore.id), func.max(JudgeScore.submitted_at), func.sum(JudgeScore.total)).where(
            JudgeScore.review_id == review.id
        )
    ).one()
    judges = tuple(db.session.scalars(select(ReviewJudge.user_id).where(ReviewJudge.review_id == review.id)))
    players = db.session.execute(
        select(func.count(Player.id), func.max(Player.id), func.count(Player.kicked_at)).where(
            Player.contest_id == contest.id
        )
    ).one()
    rules = (review.combine, review.normalise_judges, review.min_judges, entrant_kind(contest))
    return (tuple(scores), judges, tuple(players), rules)
