"""Selection files (评选定义, YAML) -> a plain spec, with `file:line:col` problems.

A selection names the contests it combines (by code) with their weights and
normalisation, the reference date of eligibility, the quotas for people and
centers, the scope and the tie mode. The format is documented in
docs/results.md ("评选定义文件"); the rules it feeds are core.selection's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from quizengine.core.selection import (
    DEFAULT_AWARD_CENTERS,
    DEFAULT_AWARD_PEOPLE,
    DEFAULT_RECOMMEND_CENTERS,
    DEFAULT_RECOMMEND_PEOPLE,
    NORMALISATIONS,
    TIE_MODES,
)
from quizengine.formats.yamlread import NodeReader, Problem, read_yaml_file

SCOPES = {"across": "全区合并排名", "per_group": "每组分别排名"}


@dataclass(frozen=True)
class PartSpec:
    """One part: the contests it is made of (codes; one per group at most), weight, normalisation."""

    key: str
    title: str
    contests: tuple[str, ...]
    weight: float
    normalise: str
    line: int
    # (line, column) of each contest code, for the database check
    code_lines: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)
    # A case review (成果评审) instead of contests: its id; the part then scores units only (their best case).
    review: int | None = None
    review_line: tuple[int, int] = (1, 1)


@dataclass(frozen=True)
class CasesSpec:
    """The 优秀工作案例 award: the cases of a review ranked by combined score, `award` of them."""

    review: int
    award: int
    line: tuple[int, int] = (1, 1)


@dataclass(frozen=True)
class QuotaSpec:
    """How many to award and to recommend: one number, or one per group key (scope per_group)."""

    award: int | dict[str, int]
    recommend: int | dict[str, int]

    def for_group(self, group: str | None) -> tuple[int, int]:
        """(award, recommend) for a group (None: across groups)."""
        award = self.award.get(group, 0) if isinstance(self.award, dict) else self.award
        recommend = self.recommend.get(group, 0) if isinstance(self.recommend, dict) else self.recommend
        return award, recommend


@dataclass(frozen=True)
class SelectionSpec:
    """A whole selection file."""

    path: str
    title: str
    reference_date: date
    parts: tuple[PartSpec, ...]
    people: QuotaSpec
    centers: QuotaSpec
    scope: str = "across"
    tie_mode: str = "include"
    groups: tuple[str, ...] = ()  # group keys; empty: the groups of the parts' contests
    lines: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)
    cases: CasesSpec | None = None


def read_selection(path: str | Path, *, max_bytes: int = 256 * 1024) -> tuple[SelectionSpec | None, list[Problem]]:
    """Parse a selection file; the spec is None whenever any error was found."""
    reader, _, root = read_yaml_file(path, max_bytes, "文件是空的；评选定义需要 selection 部分")
    if root is None:
        return None, reader.problems
    spec = _parse(reader, root)
    return (None if reader.failed else spec), reader.problems


def _at(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _parse(r: NodeReader, root) -> SelectionSpec | None:
    top = r.mapping(root, required=("selection",), optional=(), what="评选定义文件")
    if not top or "selection" not in top:
        return None
    head = r.mapping(
        top["selection"][1],
        required=("title", "reference_date", "parts"),
        optional=("scope", "tie_mode", "people", "centers", "groups", "cases"),
        what="评选 selection",
    )
    if head is None:
        return None
    value = {k: v for k, (_, v) in head.items()}
    title = r.text(value["title"], "评选名称 title") if "title" in value else None
    reference = r.date(value["reference_date"], "参考日期 reference_date") if "reference_date" in value else None
    scope = _choice(r, value.get("scope"), SCOPES, "across", "范围 scope")
    tie_mode = _choice(r, value.get("tie_mode"), TIE_MODES, "include", "并列处理 tie_mode")
    groups = tuple(g for _, g in (r.text_list(value["groups"], "组 groups") or [])) if "groups" in value else ()
    parts = _parts(r, value["parts"]) if "parts" in value else []
    people = _quota(r, value.get("people"), "个人 people", DEFAULT_AWARD_PEOPLE, DEFAULT_RECOMMEND_PEOPLE, scope)
    centers = _quota(r, value.get("centers"), "单位 centers", DEFAULT_AWARD_CENTERS, DEFAULT_RECOMMEND_CENTERS, scope)
    cases = _cases(r, value["cases"]) if "cases" in value else None
    lines = {key: _at(value[key]) for key in ("groups", "parts") if key in value}
    if None in (title, reference, scope, tie_mode, people, centers) or r.failed:
        return None
    return SelectionSpec(r.path, title, reference, tuple(parts), people, centers, scope, tie_mode, groups, lines, cases)


def _cases(r: NodeReader, node) -> CasesSpec | None:
    entries = r.mapping(node, required=("review", "award"), optional=(), what="优秀工作案例 cases")
    if not entries or len(entries) < 2:
        return None
    review = r.integer(entries["review"][1], "成果评审编号 review", 1, 2**31)
    award = r.integer(entries["award"][1], "案例名额 award", 1, 1000)
    return None if None in (review, award) else CasesSpec(review, award, _at(entries["review"][1]))


def _parts(r: NodeReader, node) -> list[PartSpec]:
    items = r.sequence(node, "parts")
    if items is not None and not items:
        r.report(node, "value", "parts 中没有竞赛")
    parts: list[PartSpec] = []
    seen: dict[str, int] = {}
    for item in items or []:
        entries = r.mapping(
            item,
            required=("weight",),
            optional=("contests", "review", "key", "title", "normalise"),
            what="评选的一项 part",
        )
        if not entries or "weight" not in entries:
            continue
        line = item.start_mark.line + 1
        if ("contests" in entries) == ("review" in entries):
            r.report(item, "missing-key", "评选的一项应写 contests（竞赛代码）或 review（成果评审编号）之一")
            continue
        review = None
        if "review" in entries:
            review = r.integer(entries["review"][1], "成果评审编号 review", 1, 2**31)
            if review is None:
                continue
        codes = r.text_list(entries["contests"][1], "竞赛代码 contests") or [] if "contests" in entries else []
        code_lines = {code.upper(): _at(n) for n, code in codes}
        for n, code in codes:
            if code.upper() in seen:
                r.report(n, "duplicate-id", f"竞赛 {code.upper()} 在评选中重复出现（第 {seen[code.upper()]} 行已出现）")
            seen.setdefault(code.upper(), n.start_mark.line + 1)
        weight = r.number(entries["weight"][1], "权重 weight", 0.0001, 1_000_000)
        normalise = _choice(
            r, entries.get("normalise", (None, None))[1], NORMALISATIONS, "share_of_max", "折算 normalise"
        )
        key = r.text(entries["key"][1], "key") if "key" in entries else None
        title = r.text(entries["title"][1], "名称 title") if "title" in entries else None
        if (codes or review) and weight is not None and normalise is not None:
            key = key or f"part{len(parts) + 1}"
            if any(p.key == key for p in parts):
                r.report(entries["key"][1], "duplicate-key", f"两项的 key 都是 {key}")
            name = title or ("、".join(code_lines) if codes else f"成果评审 {review}")
            where = _at(entries["review"][1]) if review else (1, 1)
            parts.append(PartSpec(key, name, tuple(code_lines), weight, normalise, line, code_lines, review, where))
    return parts


def _quota(r: NodeReader, node, what: str, award: int, recommend: int, scope: str | None) -> QuotaSpec | None:
    if node is None:
        return QuotaSpec(award, recommend)
    entries = r.mapping(node, required=(), optional=("award", "recommend"), what=what)
    if entries is None:
        return None
    values = {}
    for key, default in (("award", award), ("recommend", recommend)):
        values[key] = _count(r, entries[key][1], f"{what} {key}", scope) if key in entries else default
    if None in values.values():
        return None
    quota = QuotaSpec(values["award"], values["recommend"])
    groups = set(values["award"]) if isinstance(values["award"], dict) else set()
    groups |= set(values["recommend"]) if isinstance(values["recommend"], dict) else set()
    for group in groups or {None}:
        got_award, got_recommend = quota.for_group(group)
        if got_recommend > got_award:
            where = entries["recommend"][1] if "recommend" in entries else node
            label = f"（{group}）" if group else ""
            r.report(
                where, "value", f"{what}{label}推荐名额 {got_recommend} 多于获奖名额 {got_award}；推荐从获奖者中产生"
            )
    return quota


def _count(r: NodeReader, node, what: str, scope: str | None) -> int | dict[str, int] | None:
    if node is not None and node.id == "mapping":
        if scope != "per_group":
            r.report(node, "value", f"{what} 按组分别给名额只用于 scope: per_group")
            return None
        entries = r.mapping(node, required=(), optional=tuple(k.value for k, _ in node.value), what=what)
        counts = {key: r.integer(n, f"{what} {key}", 0, 10_000) for key, (_, n) in (entries or {}).items()}
        return None if None in counts.values() else counts
    return r.integer(node, what, 0, 10_000)


def _choice(r: NodeReader, node, choices, default, what):
    if node is None:
        return default
    raw = r.text(node, what)
    if raw not in choices:
        r.report(node, "value", f"{what} 应为 {' / '.join(choices)} 之一，写的是 {raw!r}")
        return None
    return raw
