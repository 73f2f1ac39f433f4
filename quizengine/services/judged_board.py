"""What the projector shows of a judged contest (岗位比武): the ranking as judges finish, and each entrant's count.

Built on services.results.rank_contest (the one ranking path), so the board,
the results pages and the selection agree. Judges' individual scores are
never shown, only the combined score and how many judges have scored.
"""

from __future__ import annotations

from quizengine.core.judged import in_conflict
from quizengine.models import Contest
from quizengine.services.judged_results import combined, entrant_kind, entrants, maximum, review_of
from quizengine.services.results import rank_contest


def board_state(contest: Contest) -> dict:
    """The board's JSON: status, rule, maximum and the ranked entrants with their judges' counts."""
    review = review_of(contest)
    judges = list(review.judges) if review else []
    scores = combined(contest)
    people, centers = rank_contest(contest)
    by_key = {(e.kind, e.id): e for e in entrants(contest)}
    kind = entrant_kind(contest)
    if kind == "centers":
        ids = {e.name: e.id for e in by_key.values()}
        ranked = [(c.rank, ("centers", ids[c.center])) for c in centers if c.center in ids]
    else:
        scored = {key for key, figure in scores.items() if figure.score is not None}
        ranked = [
            (r.rank if ("people", r.standing.player_id) in scored else None, ("people", r.standing.player_id))
            for r in people
        ]
    rows = []
    for rank, key in ranked:
        entrant, figure = by_key.get(key), scores.get(key)
        if entrant is None:
            continue
        possible = sum(1 for j in judges if not in_conflict(j.center_id, j.bureau, entrant.center_id, entrant.bureau))
        rows.append(
            {
                "rank": rank,
                "name": entrant.name,
                "center": entrant.center if kind == "people" else "",
                "score": figure.score if figure else None,
                "judges": figure.judges if figure else 0,
                "possible": possible,
                "too_few": bool(figure and figure.too_few),
            }
        )
    return {
        "title": contest.title,
        "status": contest.status,
        "entrants": kind,
        "combine": review.combine if review else "mean",
        "min_judges": review.min_judges if review else 0,
        "maximum": maximum(contest),
        "rows": rows,
    }
