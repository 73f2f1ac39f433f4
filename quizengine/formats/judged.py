"""The `judging` part of a judged contest file (岗位比武, `mode: judged`), with `file:line:col` problems.

The format is documented in docs/contests.md ("岗位比武"). Judges' usernames
are resolved against the accounts by `services.contests.import_contest`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizengine.core.judged import COMBINE_RULES, ENTRANT_KINDS
from quizengine.formats.yamlread import NodeReader

_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")


@dataclass(frozen=True)
class JudgingSpec:
    """How a judged contest is scored: entrants, rubric, combination rule and judges (username, line, column)."""

    entrants: str
    categories: tuple[dict, ...]
    combine: str
    normalise_judges: bool
    min_judges: int
    judges: tuple[tuple[str, int, int], ...]
    line: int

    def settings(self) -> dict:
        """What the contest row keeps of its judging (the rubric and review have their own rows)."""
        return {"entrants": self.entrants}


def read_judging(r: NodeReader, node) -> JudgingSpec | None:
    """Read the `judging` mapping of a judged contest; None when it has an error."""
    entries = r.mapping(
        node,
        required=("entrants", "rubric", "judges"),
        optional=("combine", "normalise_judges", "min_judges"),
        what="评分 judging",
    )
    if entries is None:
        return None
    before = len(r.problems)
    value = {k: v for k, (_, v) in entries.items()}
    entrants = _choice(r, value.get("entrants"), ENTRANT_KINDS, "参赛对象 entrants")
    combine = _choice(r, value.get("combine"), COMBINE_RULES, "合成规则 combine") if "combine" in value else "mean"
    normalise = r.boolean(value["normalise_judges"], "normalise_judges") if "normalise_judges" in value else False
    min_judges = r.integer(value["min_judges"], "最少评委数 min_judges", 1, 50) if "min_judges" in value else 3
    categories = _rubric(r, value["rubric"]) if "rubric" in value else ()
    judges = []
    for item, username in (r.text_list(value["judges"], "评委 judges") or []) if "judges" in value else []:
        if any(username == seen for seen, _, _ in judges):
            r.report(item, "duplicate-id", f"评委 {username} 重复出现")
        judges.append((username, item.start_mark.line + 1, item.start_mark.column + 1))
    if "judges" in value and not judges and len(r.problems) == before:
        r.report(value["judges"], "value", "judges 中没有评委")
    if len(r.problems) != before:
        return None
    return JudgingSpec(
        entrants, categories, combine, bool(normalise), min_judges, tuple(judges), node.start_mark.line + 1
    )


def _rubric(r: NodeReader, node) -> tuple[dict, ...]:
    items = r.sequence(node, "评分表 rubric")
    if items is not None and not items:
        r.report(node, "value", "rubric 中没有评分项")
    categories: list[dict] = []
    for item in items or []:
        entries = r.mapping(item, required=("key", "label", "weight", "max"), optional=(), what="评分项")
        if not entries or len(entries) < 4:
            continue
        key = r.text(entries["key"][1], "评分项 key")
        if key is not None and not _KEY.fullmatch(key):
            r.report(entries["key"][1], "value", f"评分项 key 应为字母开头的字母、数字或下划线，写的是 {key!r}")
            key = None
        elif key is not None and any(c["key"] == key for c in categories):
            r.report(entries["key"][1], "duplicate-key", f"评分项 key {key} 重复")
            key = None
        label = r.text(entries["label"][1], "评分项名称 label")
        weight = r.number(entries["weight"][1], "权重 weight", 0.01, 1000)
        maximum = r.number(entries["max"][1], "满分 max", 0.01, 1000)
        if None not in (key, label, weight, maximum):
            categories.append({"key": key, "label": label, "weight": weight, "max": maximum})
    return tuple(categories)


def _choice(r: NodeReader, node, choices, what):
    raw = r.text(node, what)
    if raw is not None and raw not in choices:
        r.report(node, "value", f"{what} 应为 {' / '.join(choices)} 之一，写的是 {raw!r}")
        return None
    return raw
