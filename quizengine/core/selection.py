"""The final selection (评选): contests combined with weights, eligibility, quotas and ties at the cut-off.

Plain numbers in, placements out; the service (services/selection.py) brings
the contests' standings and the roster. The rules, as docs/results.md states them:

- **Combination.** Each part (a contest) is normalised, then weighted:
  total = sum(weight x normalised score). Normalisation `share_of_max` (the
  default) divides by the contest's maximum score, `share_of_top` by the best
  score anyone reached in it, `raw` keeps the score. A part may be made of
  several contests that no one takes together (each group's own live contest):
  each score is normalised within the contest it came from. Someone absent from a part
  gets 0 there and the part is marked absent. With weights adding up to 100
  and `share_of_max`, the total is out of 100.
- **Eligibility of people** on the reference date (`person_reasons`): at a
  window for at least one year (the anniversary itself counts; a start on
  29 February reaches a year on 28 February) and still at a window (a left
  date before the reference date disqualifies, one on or after it does not).
  An unknown start date, or "not at a window" without a left date, disqualifies
  with its own reason. Whoever took part in no contest of the selection wins nothing.
- **Ranking.** By total, higher first; equal totals share a rank. Ineligible
  entrants stay in the ranking with their reasons; awards skip them.
- **Quotas** (`award`, then `recommend` among the awarded) are filled from the
  eligible entrants in rank order. Ties at the cut-off are never broken
  silently: in the default mode `include`, everyone tied with the last place
  is awarded and the outcome says the quota is exceeded. In the mode
  `tie_break` the documented chain decides (`TIE_BREAK_CHAIN`): higher total,
  then the higher normalised score in each part by descending weight, then
  more correct answers over all parts, then less total answer time; whoever is
  still equal after the chain is included as in `include` and flagged.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

NORMALISATIONS = {
    "share_of_max": "占该竞赛满分的比例",
    "share_of_top": "占该竞赛最高得分的比例",
    "raw": "原始得分",
}
TIE_MODES = {
    "include": "并列者全部入选，并提示超出名额",
    "tie_break": "按规定的顺序决出名次（总分、权重高的竞赛得分、答对题数、用时）",
}
TIE_BREAK_CHAIN = ("total", "parts_by_weight", "correct", "time")
DEFAULT_AWARD_PEOPLE, DEFAULT_RECOMMEND_PEOPLE = 10, 8
DEFAULT_AWARD_CENTERS, DEFAULT_RECOMMEND_CENTERS = 4, 2
# Totals are sums of float shares: equal totals must compare equal, not differ in the 15th digit.
_PLACES = 9

REASON_TEXT = {
    "start_unknown": "窗口工作起始日期不详",
    "under_one_year": "截至 {reference} 在窗口工作不满一年（{since} 起）",
    "left_window": "已于 {until} 离开窗口工作",
    "left_window_date_unknown": "已不在窗口工作（离开日期不详）",
    "no_part": "未参加本次评选的任何一项竞赛",
}


@dataclass(frozen=True)
class Reason:
    """Why an entrant cannot be awarded: a stable code and its Chinese text."""

    code: str
    text: str


def reason(code: str, **values) -> Reason:
    """A reason from the one text table, with its dates filled in."""
    return Reason(code, REASON_TEXT[code].format(**values))


@dataclass(frozen=True)
class Part:
    """One contest of the selection: its weight and how its scores are normalised."""

    key: str
    title: str
    weight: float
    maximum: float | None = None  # the contest's maximum score (share_of_max)
    normalise: str = "share_of_max"


@dataclass(frozen=True)
class PartScore:
    """An entrant's figure in one part, from the contest `source`.

    `maximum` overrides the part's (each contest of a part has its own; a
    center's sum: per roster size); `share_of_top` compares with the best of the same source.
    """

    score: float
    correct: int = 0
    time_ms: int = 0
    maximum: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Entrant:
    """A person or a center, with the reasons it cannot be awarded (none: eligible)."""

    key: str
    name: str
    center: str
    group: str
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class PartResult:
    """One part of a placement: the raw score, its normalised share and weighted contribution."""

    key: str
    score: float | None  # None: absent
    normalised: float
    weighted: float
    source: str = ""  # the contest the score came from

    @property
    def absent(self) -> bool:
        """Whether the entrant took no part in this contest (counted 0)."""
        return self.score is None


@dataclass(frozen=True)
class Placement:
    """An entrant's line in the selection."""

    entrant: Entrant
    parts: tuple[PartResult, ...]
    total: float
    rank: int
    reasons: tuple[Reason, ...]
    award: bool = False
    recommended: bool = False
    tied: bool = False  # shares its rank with another entrant
    tied_at_cutoff: bool = False  # tied at the last place of a quota, so the quota is exceeded

    @property
    def eligible(self) -> bool:
        """Whether the entrant may be awarded."""
        return not self.reasons


@dataclass(frozen=True)
class Rules:
    """How a selection ranks and cuts."""

    award: int
    recommend: int
    tie_mode: str = "include"


@dataclass
class Outcome:
    """A ranking with its awards, for one group (scope `per_group`) or all groups together (None)."""

    group: str | None
    placements: list[Placement]
    award_quota: int
    recommend_quota: int
    award_exceeded: bool = False
    recommend_exceeded: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def awarded(self) -> int:
        """How many were awarded (above the quota when ties were included)."""
        return sum(p.award for p in self.placements)

    @property
    def recommended(self) -> int:
        """How many were recommended to the city."""
        return sum(p.recommended for p in self.placements)


def one_year_after(day: date) -> date:
    """The first day a window start of `day` counts as a full year (29 February -> 28 February)."""
    year = day.year + 1
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def person_reasons(
    window_since: date | None, window_until: date | None, at_window: bool, reference: date
) -> tuple[Reason, ...]:
    """Why a person is not eligible on `reference` (see the module docstring); () when eligible."""
    reasons = []
    if window_since is None:
        reasons.append(reason("start_unknown"))
    elif reference < one_year_after(window_since):
        reasons.append(reason("under_one_year", reference=reference.isoformat(), since=window_since.isoformat()))
    if window_until is not None:
        if window_until < reference:
            reasons.append(reason("left_window", until=window_until.isoformat()))
    elif not at_window:
        reasons.append(reason("left_window_date_unknown"))
    return tuple(reasons)


def normalised_score(part: Part, score: PartScore, top: float | None) -> float:
    """A part's score on the selection's scale (see NORMALISATIONS)."""
    if part.normalise == "raw":
        return float(score.score)
    if part.normalise == "share_of_top":
        return score.score / top if top and top > 0 else 0.0
    if part.normalise != "share_of_max":
        raise ValueError(f"unknown normalisation {part.normalise!r}")
    maximum = score.maximum if score.maximum is not None else part.maximum
    if not maximum or maximum <= 0:
        raise ValueError(f"part {part.key!r} needs a maximum score above 0")
    return score.score / maximum


def combine(
    entrants: Sequence[Entrant], parts: Sequence[Part], scores: Mapping[str, Mapping[str, PartScore]], rules: Rules
) -> Outcome:
    """Rank entrants by their weighted total and award the quotas (see the module docstring).

    `scores[part.key][entrant.key]` is an entrant's figure in a part; a missing one is an absence.
    """
    if rules.tie_mode not in TIE_MODES:
        raise ValueError(f"unknown tie mode {rules.tie_mode!r}")
    tops: dict[tuple[str, str], float] = {}
    for part in parts:
        for got in scores.get(part.key, {}).values():
            place = (part.key, got.source)
            tops[place] = max(tops.get(place, got.score), got.score)
    rows = []
    for entrant in entrants:
        results, correct, time_ms = [], 0, 0
        for part in parts:
            got = scores.get(part.key, {}).get(entrant.key)
            if got is None:
                results.append(PartResult(part.key, None, 0.0, 0.0))
                continue
            share = normalised_score(part, got, tops[(part.key, got.source)])
            results.append(PartResult(part.key, got.score, share, share * part.weight, got.source))
            correct, time_ms = correct + got.correct, time_ms + got.time_ms
        total = round(sum(r.weighted for r in results), _PLACES)
        reasons = entrant.reasons
        if all(r.absent for r in results):
            reasons = (*reasons, reason("no_part"))
        rows.append(_Row(entrant, tuple(results), total, reasons, correct, time_ms))
    by_weight = sorted(range(len(parts)), key=lambda i: -parts[i].weight)

    def key(row: _Row) -> tuple:
        if rules.tie_mode == "include":
            return (-row.total,)
        shares = tuple(-round(row.parts[i].normalised, _PLACES) for i in by_weight)
        return (-row.total, *shares, -row.correct, row.time_ms)

    rows.sort(key=lambda row: (key(row), row.entrant.key))
    ranks = _ranks([key(row) for row in rows])
    eligible = [row for row in rows if not row.reasons]
    award, award_exceeded, award_line = _cut(eligible, rules.award, key)
    finalists = [row for row in eligible if row.entrant.key in award]
    recommend, recommend_exceeded, recommend_line = _cut(finalists, rules.recommend, key)
    counts: dict[tuple, int] = {}
    for row in rows:
        counts[key(row)] = counts.get(key(row), 0) + 1
    placements = []
    for row, rank in zip(rows, ranks, strict=True):
        k = key(row)
        at_line = (award_exceeded and k == award_line) or (recommend_exceeded and k == recommend_line)
        placements.append(
            Placement(
                entrant=row.entrant,
                parts=row.parts,
                total=row.total,
                rank=rank,
                reasons=row.reasons,
                award=row.entrant.key in award,
                recommended=row.entrant.key in recommend,
                tied=counts[k] > 1,
                tied_at_cutoff=at_line and not row.reasons,
            )
        )
    outcome = Outcome(None, placements, rules.award, rules.recommend, award_exceeded, recommend_exceeded)
    if award_exceeded:
        outcome.warnings.append(f"名额 {rules.award} 个，因末位并列评出 {outcome.awarded} 个，超出名额")
    if recommend_exceeded:
        outcome.warnings.append(f"推荐名额 {rules.recommend} 个，因末位并列推荐 {outcome.recommended} 个，超出名额")
    if len(eligible) < rules.award:
        outcome.warnings.append(f"符合条件的只有 {len(eligible)} 个，不足名额 {rules.award} 个")
    return outcome


def combine_by_group(
    entrants: Sequence[Entrant],
    parts: Sequence[Part],
    scores: Mapping[str, Mapping[str, PartScore]],
    rules: Rules | Mapping[str, Rules],
    groups: Iterable[str],
) -> list[Outcome]:
    """`combine` within each group (scope `per_group`); `rules` may differ per group."""
    outcomes = []
    for group in groups:
        mine = [e for e in entrants if e.group == group]
        outcome = combine(mine, parts, scores, rules[group] if isinstance(rules, Mapping) else rules)
        outcome.group = group
        outcomes.append(outcome)
    return outcomes


@dataclass(frozen=True)
class _Row:
    entrant: Entrant
    parts: tuple[PartResult, ...]
    total: float
    reasons: tuple[Reason, ...]
    correct: int
    time_ms: int


def _ranks(keys: list[tuple]) -> list[int]:
    """1, 1, 3: equal keys share a rank and the next is skipped."""
    ranks: list[int] = []
    for position, k in enumerate(keys, 1):
        ranks.append(ranks[-1] if ranks and keys[position - 2] == k else position)
    return ranks


def _cut(ordered: list[_Row], quota: int, key) -> tuple[set[str], bool, tuple | None]:
    """The entrants within a quota, whether ties at the last place pushed past it, and that place's key."""
    if quota <= 0 or not ordered:
        return set(), False, None
    if len(ordered) <= quota:
        return {row.entrant.key for row in ordered}, False, None
    line = key(ordered[quota - 1])
    chosen = {row.entrant.key for row in ordered if key(row) <= line}
    return chosen, len(chosen) > quota, line
