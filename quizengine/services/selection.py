"""Run a selection (评选) from the database: contests' standings + the roster -> core.selection.

Each part's contests are ranked by services.results (the one code path of
every ranking); people are keyed by staff id, centers by name. Eligibility
uses the roster as it is now (window_since / window_until / at_window) on the
selection's reference date. The result's `as_json` is the documented
interface of `quizengine selection run --json` (docs/results.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from quizengine.core.selection import (
    Entrant,
    Outcome,
    Part,
    PartScore,
    Placement,
    Rules,
    combine,
    person_reasons,
)
from quizengine.extensions import db
from quizengine.formats.selection import SelectionSpec
from quizengine.formats.yamlread import Problem
from quizengine.models import Center, Contest, Group, Player, Staff
from quizengine.services import selection_cases
from quizengine.services.judged_results import review_maximum
from quizengine.services.results import maximum_score, rank_contest

JSON_VERSION = 1
ACROSS_ALL = "全区"


@dataclass(frozen=True)
class ResolvedPart:
    """A part with its contests found: (code, title, maximum score) each."""

    key: str
    title: str
    weight: float
    normalise: str
    contests: tuple[tuple[str, str, float | None], ...]
    review: tuple[int, str, float] | None = None  # a case review's (id, title, maximum): scores units only


@dataclass
class SelectionResult:
    """The rankings and awards of a selection, per scope (one outcome, or one per group)."""

    spec: SelectionSpec
    parts: list[ResolvedPart]
    groups: dict[str, str]  # key -> name, in display order
    people: list[Outcome]
    centers: list[Outcome]
    across_name: str = ACROSS_ALL  # what one ranking over all its groups is called
    cases: tuple[dict, list[dict]] | None = None  # the 优秀工作案例 award: (quota, rows), see selection_cases

    def as_json(self) -> dict:
        """The `--json` document (docs/results.md, “评选结果 JSON”)."""
        spec = self.spec
        return {
            "version": JSON_VERSION,
            "title": spec.title,
            "reference_date": spec.reference_date.isoformat(),
            "scope": spec.scope,
            "scope_name": self.across_name,
            "tie_mode": spec.tie_mode,
            "parts": [
                {
                    "key": p.key,
                    "title": p.title,
                    "weight": p.weight,
                    "normalise": p.normalise,
                    "contests": [{"code": c, "title": t, "maximum": m} for c, t, m in p.contests],
                    "review": {"id": p.review[0], "title": p.review[1], "maximum": p.review[2]} if p.review else None,
                    "units_only": p.review is not None,
                }
                for p in self.parts
            ],
            "quotas": [_quota_json("people", o, self.groups, self.across_name) for o in self.people]
            + [_quota_json("centers", o, self.groups, self.across_name) for o in self.centers],
            "people": [_row_json(p, o, self.groups, person=True) for o in self.people for p in o.placements],
            "centers": [_row_json(p, o, self.groups, person=False) for o in self.centers for p in o.placements],
            "cases_quota": self.cases[0] if self.cases else None,
            "cases": self.cases[1] if self.cases else [],
        }


def run_selection(spec: SelectionSpec) -> tuple[SelectionResult | None, list[Problem]]:
    """Compute a selection; None with problems (at file:line:col) when its contests or groups cannot be resolved."""
    problems: list[Problem] = []

    def problem(where: tuple[int, int], message: str, code: str = "value") -> None:
        problems.append(Problem(spec.path, where[0], where[1], code, message))

    contests: dict[str, Contest] = {}
    resolved: list[ResolvedPart] = []
    reviews: dict[int, object] = {}
    for part in spec.parts:
        if part.review is not None:
            review, wrong = selection_cases.case_review(part.review)
            if wrong:
                problem(part.review_line, wrong, "unknown-review")
                continue
            reviews[review.id] = review
            found_review = (review.id, review.title, review_maximum(review))
            resolved.append(ResolvedPart(part.key, part.title, part.weight, part.normalise, (), found_review))
            continue
        owners: dict[str, str] = {}
        found = []
        for code in part.contests:
            contest = db.session.scalar(select(Contest).where(Contest.code == code))
            if contest is None:
                problem(part.code_lines[code], f"没有代码为 {code} 的竞赛", "unknown-contest")
                continue
            for group in contest.groups:
                if group.key in owners:
                    message = f"竞赛 {code} 和 {owners[group.key]} 都有 {group.name}：同一项中每组只能有一场竞赛"
                    problem(part.code_lines[code], message)
                owners[group.key] = code
            maximum = maximum_score(contest)
            if part.normalise == "share_of_max" and not maximum:
                problem(part.code_lines[code], f"竞赛 {code} 的满分无法确定，不能按占满分的比例折算")
            contests[code] = contest
            found.append((code, contest.title, maximum))
        resolved.append(ResolvedPart(part.key, part.title, part.weight, part.normalise, tuple(found)))
    cases_review = None
    if spec.cases is not None:
        cases_review, wrong = selection_cases.case_review(spec.cases.review)
        if wrong:
            problem(spec.cases.line, wrong, "unknown-review")
    extra = {key for review in reviews.values() for key in selection_cases.review_group_keys(review)}
    groups = _groups(spec, contests.values(), problem, extra)
    if problems:
        return None, problems
    people_scores, center_scores = _part_scores(resolved, contests, reviews)
    parts = [Part(p.key, p.title, p.weight, None, p.normalise) for p in resolved]
    people_parts = [part for part, p in zip(parts, resolved, strict=True) if p.review is None]
    people = _people(spec, groups, people_scores)
    centers = [
        Entrant(c.name, c.name, c.name, g.key)
        for c, g in db.session.execute(
            select(Center, Group).join(Group).where(Group.key.in_(list(groups))).order_by(Group.position, Center.name)
        ).all()
    ]
    result = SelectionResult(spec, resolved, groups, [], [], _across_name(groups))
    if cases_review is not None:
        outcome = selection_cases.rank_cases(cases_review, spec.cases.award)
        result.cases = selection_cases.cases_json(outcome, cases_review, groups)
    scopes: list[str | None] = list(groups) if spec.scope == "per_group" else [None]
    for scope in scopes:
        for entrants, scores, quota, into, used in (
            (people, people_scores, spec.people, result.people, people_parts),
            (centers, center_scores, spec.centers, result.centers, parts),
        ):
            award, recommend = quota.for_group(scope)
            mine = [e for e in entrants if scope is None or e.group == scope]
            outcome = combine(mine, used, scores, Rules(award, recommend, spec.tie_mode))
            outcome.group = scope
            into.append(outcome)
    return result, []


def _groups(spec: SelectionSpec, contests, problem, extra: set[str] = frozenset()) -> dict[str, str]:
    """The selection's groups: those named, else those of its contests and case reviews (`extra`), in order."""
    rows = list(db.session.scalars(select(Group).order_by(Group.position, Group.id)))
    if spec.groups:
        known = {g.key for g in rows}
        for key in spec.groups:
            if key not in known:
                problem(spec.lines.get("groups", (1, 1)), f"未知的组：{key}", "unknown-group")
        wanted = set(spec.groups)
    else:
        wanted = {g.key for contest in contests for g in contest.groups} | set(extra)
    return {g.key: g.name for g in rows if g.key in wanted}


def _across_name(groups: dict[str, str]) -> str:
    """全区 when the selection covers every group, else its groups' short names (第一组、第二组)."""
    every = set(db.session.scalars(select(Group.key)))
    if set(groups) >= every:
        return ACROSS_ALL
    return "、".join(name.split("：", 1)[0].split(":", 1)[0] for name in groups.values())


def _part_scores(parts: list[ResolvedPart], contests: dict[str, Contest], reviews: dict | None = None):
    """{part key: {staff id: PartScore}} and {part key: {center name: PartScore}} from each contest's ranking
    (a case review's part: each center's best case, services.selection_cases)."""
    people: dict[str, dict[str, PartScore]] = {}
    centers: dict[str, dict[str, PartScore]] = {}
    for part in parts:
        people[part.key], centers[part.key] = {}, {}
        if part.review is not None:
            centers[part.key] = selection_cases.center_case_scores(reviews[part.review[0]])
            continue
        for code, _, maximum in part.contests:
            contest = contests[code]
            ranked, center_standings = rank_contest(contest)
            numbers = dict(
                db.session.execute(
                    select(Player.id, Staff.staff_no)
                    .join(Staff, Player.staff_id == Staff.id)
                    .where(Player.contest_id == contest.id)
                ).all()
            )
            for r in ranked:
                s = r.standing
                people[part.key][numbers[s.player_id]] = PartScore(
                    s.score, s.correct, s.total_time_ms, maximum=maximum, source=code
                )
            per_roster = contest.settings.get("center_rule", "mean") == "sum"
            for c in center_standings:
                if c.rank is None:  # nobody of the center took part: absent
                    continue
                ceiling = maximum * c.roster if per_roster and maximum else maximum
                centers[part.key][c.center] = PartScore(c.score, maximum=ceiling, source=code)
    return people, centers


def _people(spec: SelectionSpec, groups: dict[str, str], scores) -> list[Entrant]:
    """Everyone of the selection's groups who took part in at least one of its contests, with their reasons."""
    taking_part = {staff_no for part in scores.values() for staff_no in part}
    rows = db.session.execute(
        select(Staff, Center.name, Group.key)
        .join(Center, Staff.center_id == Center.id)
        .join(Group, Center.group_id == Group.id)
        .where(Group.key.in_(list(groups)), Staff.staff_no.in_(list(taking_part)))
        .order_by(Staff.staff_no)
    ).all()
    return [
        Entrant(
            staff.staff_no,
            staff.name,
            center,
            group,
            person_reasons(staff.window_since, staff.window_until, staff.at_window, spec.reference_date),
        )
        for staff, center, group in rows
    ]


def _quota_json(kind: str, outcome: Outcome, groups: dict[str, str], across_name: str) -> dict:
    group_name = groups.get(outcome.group) if outcome.group else None
    return {
        "kind": kind,
        "group": outcome.group,
        "group_name": group_name,
        "scope_name": group_name or across_name,
        "award": outcome.award_quota,
        "recommend": outcome.recommend_quota,
        "awarded": outcome.awarded,
        "recommended": outcome.recommended,
        "award_exceeded": outcome.award_exceeded,
        "recommend_exceeded": outcome.recommend_exceeded,
        "warnings": list(outcome.warnings),
    }


def _row_json(p: Placement, outcome: Outcome, groups: dict[str, str], *, person: bool) -> dict:
    row = {"staff_id": p.entrant.key, "name": p.entrant.name} if person else {"name": p.entrant.name}
    row.update(
        {
            "center": p.entrant.center,
            "group": p.entrant.group,
            "group_name": groups.get(p.entrant.group, p.entrant.group),
            "scope": outcome.group,
            "parts": [
                {
                    "key": part.key,
                    "contest": part.source or None,
                    "score": part.score,
                    "normalised": round(part.normalised, 6),
                    "weighted": round(part.weighted, 6),
                    "absent": part.absent,
                }
                for part in p.parts
            ],
            "total": round(p.total, 6),
            "rank": p.rank,
            "eligible": p.eligible,
            "reasons": [{"code": r.code, "text": r.text} for r in p.reasons],
            "reason": "；".join(r.text for r in p.reasons),
            "award": p.award,
            "recommended": p.recommended,
            "tied": p.tied,
            "tied_at_cutoff": p.tied_at_cutoff,
        }
    )
    return row
