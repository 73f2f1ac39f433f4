"""A paper's question pools, read once per process, and the seeded draw of one person's paper from them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from quizengine.core.paper import PaperError, Section, draw_paper
from quizengine.core.questions import Question as CoreQuestion
from quizengine.extensions import db
from quizengine.models import Attempt, Contest, Question, RoundQuestion
from quizengine.models.mapping import to_core
from quizengine.services.errors import Refused


@dataclass(frozen=True)
class Pools:
    """A paper's sections with their pools, as plain data: what every draw starts from."""

    sections: tuple[Section, ...]
    round_ids: tuple[int, ...]
    questions: dict[str, CoreQuestion]
    row_ids: dict[str, int]


# A paper's pools never change after import, so they are read once per process. The key holds
# the contest's creation time too, so another database reusing the id never gets these.
_pool_cache: dict[tuple[int, datetime], Pools] = {}
POOL_CACHE_SIZE = 32


def pools(contest: Contest) -> Pools:
    """The contest's sections and their pools (read once per process)."""
    key = (contest.id, contest.created_at)
    if key in _pool_cache:
        return _pool_cache[key]
    found = db.session.execute(
        select(RoundQuestion.round_id, Question)
        .join(Question, RoundQuestion.question_id == Question.id)
        .where(RoundQuestion.round_id.in_([r.id for r in contest.rounds]))
        .order_by(RoundQuestion.round_id, RoundQuestion.position)
    ).all()
    questions, row_ids, by_round = {}, {}, defaultdict(list)
    for round_id, row in found:
        questions[row.key], row_ids[row.key] = to_core(row), row.id
        by_round[round_id].append(row.key)
    sections = tuple(
        Section(r.title, r.scoring["count"], tuple(by_round[r.id]), r.scoring.get("points")) for r in contest.rounds
    )
    found_pools = Pools(sections, tuple(r.id for r in contest.rounds), questions, row_ids)
    if len(_pool_cache) >= POOL_CACHE_SIZE:
        _pool_cache.pop(next(iter(_pool_cache)))
    _pool_cache[key] = found_pools
    return found_pools


def draw(contest: Contest, pools: Pools, seed: int):
    """One paper drawn from the contest's stored pools."""
    shuffle = contest.settings.get("shuffle_options", True)
    try:
        return draw_paper(list(pools.sections), pools.questions, seed, shuffle_options=shuffle)
    except PaperError as exc:  # checked at import; only a changed pool gets here
        raise Refused("paper_error", str(exc)) from exc


def replay(contest: Contest, attempt: Attempt) -> list[tuple[str, tuple[str, ...]]]:
    """Draw an attempt's paper again from its seed: (question id, option order) per position, for disputes."""
    items = draw(contest, pools(contest), attempt.seed)
    return [(item.question_id, item.option_order) for item in items]
