"""Person and center standings, and their one tie-break rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import mean

# The center rules and how they are named to users (the one label table; N is the contest's top_n).
CENTER_RULE_LABELS = {
    "mean": "参赛者平均分",
    "sum": "总分",
    "top_n_mean": "前 N 名平均分",
    "participation_weighted": "平均分 × 参与率",
}
CENTER_RULES = tuple(CENTER_RULE_LABELS)


def center_rule_label(rule: str, top_n: int = 3) -> str:
    """A center rule in words, e.g. 前 3 名平均分."""
    return CENTER_RULE_LABELS.get(rule, rule).replace("N", str(top_n))


@dataclass(frozen=True)
class Standing:
    """One player's totals in a contest."""

    player_id: int
    name: str
    center: str
    score: float = 0  # whole points when scored here; an offline score sheet may give 87.5
    correct: int = 0
    answered: int = 0
    total_time_ms: int = 0
    last_answer_at: datetime | None = None

    @property
    def accuracy(self) -> float | None:
        """Correct answers / answered questions; None (shown blank, not 0%) when none answered."""
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class Ranked:
    """A standing with its rank (1 = best; equal standings share a rank)."""

    rank: int
    standing: Standing


def rank_people(standings: list[Standing]) -> list[Ranked]:
    """Rank players. Tie-break, in order: higher score, more correct answers,
    less total answer time, earlier last answer. Players equal on all four
    share a rank (the next rank is skipped, 1, 1, 3)."""
    far_future = datetime.max

    def key(s: Standing):
        last = s.last_answer_at.replace(tzinfo=None) if s.last_answer_at else far_future
        return (-s.score, -s.correct, s.total_time_ms, last)

    ordered = sorted(((key(s), s.player_id, s) for s in standings), key=lambda keyed: keyed[:2])
    ranked: list[Ranked] = []
    previous = None
    for position, (this, _, standing) in enumerate(ordered, 1):
        ranked.append(Ranked(ranked[-1].rank if ranked and this == previous else position, standing))
        previous = this
    return ranked


@dataclass(frozen=True)
class CenterStanding:
    """A center's figure under the contest's rule, with its participation rate.

    `rank` is None for a center nobody joined from: it takes part in no ranking.
    """

    rank: int | None
    center: str
    score: float
    joined: int
    roster: int

    @property
    def participation(self) -> float:
        """Joined / on roster."""
        return self.joined / self.roster if self.roster else 0.0


def rank_centers(
    standings: list[Standing], roster_sizes: dict[str, int], rule: str = "mean", top_n: int = 3
) -> list[CenterStanding]:
    """Aggregate players into centers and rank them.

    Centers with at least one player are ranked, by higher figure, then name;
    equal figures share a rank. Centers nobody joined from follow them, by
    name, without a rank (None): their 0 must neither beat a center whose
    players went negative in buzzer or risk rounds nor tie for 第1名 when
    nobody of a group took part.

    - `mean`: the average score of the center's players who joined.
    - `sum`: the total of their scores.
    - `top_n_mean`: the average of the center's best `top_n` scores (fewer if fewer joined).
    - `participation_weighted`: mean x participation rate, so a center that sent
      few of its staff cannot win on a handful of strong players.
    Every center on the roster appears, with 0 and no rank when nobody joined.
    """
    if rule not in CENTER_RULES:
        raise ValueError(f"unknown center rule {rule!r}")
    scores: dict[str, list[int]] = {center: [] for center in roster_sizes}
    for standing in standings:
        scores.setdefault(standing.center, []).append(standing.score)
    figures = []
    for center, values in scores.items():
        roster = roster_sizes.get(center, len(values))
        figures.append((center, _figure(values, roster, rule, top_n), len(values), roster))
    figures.sort(key=lambda item: (item[2] == 0, -item[1], item[0]))
    result: list[CenterStanding] = []
    for position, (center, figure, joined, roster) in enumerate(figures, 1):
        previous = result[-1] if result else None
        if not joined:
            rank = None
        elif previous is not None and previous.score == figure:
            rank = previous.rank
        else:
            rank = position
        result.append(CenterStanding(rank, center, figure, joined, roster))
    return result


# --- the podium (前三名) ---------------------------------------------------------------------

PODIUM_PLACES = 3


def podium_people(ranked: list[Ranked], places: int = PODIUM_PLACES) -> list[Ranked]:
    """The people on the podium: the first `places` of the ranking whose score is above 0.

    A total of 0 or less (nothing right, or buzzer and risk deductions) is
    shown with its real value in the standings, but wins no place: the
    podium then has fewer than three entries.
    """
    return [r for r in ranked if r.standing.score > 0][:places]


def podium_centers(centers: list[CenterStanding], places: int = PODIUM_PLACES) -> list[CenterStanding]:
    """The centers on the podium: the first `places` ranked centers (someone joined) with a figure above 0."""
    return [c for c in centers if c.rank is not None and c.score > 0][:places]


def _figure(values: list[int], roster: int, rule: str, top_n: int) -> float:
    if not values:
        return 0.0
    if rule == "sum":
        return float(sum(values))
    if rule == "top_n_mean":
        return round(mean(sorted(values, reverse=True)[:top_n]), 2)
    average = mean(values)
    if rule == "participation_weighted":
        return round(average * (len(values) / roster if roster else 0.0), 2)
    return round(average, 2)
