"""Contest definition files (YAML) -> plain specs, with `file:line:col` problems.

The format is documented in docs/contests.md. Question ids and draws are
resolved against the stored banks by `services.contests.import_contest`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from quizengine.core.ranking import CENTER_RULES
from quizengine.core.scoring import ROUND_KINDS, SCORING_RULES
from quizengine.yamlread import NodeReader, Problem, read_yaml_file

_CODE = re.compile(r"[A-Z0-9]{4,12}")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class DrawRequest:
    """A draw as written: filters, count and seed, and the line it came from."""

    count: int
    seed: int
    banks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    difficulty: tuple[int, int] = (1, 5)
    line: int = 0


@dataclass(frozen=True)
class RoundSpec:
    """One round as written."""

    title: str
    kind: str
    scoring: str
    partial: bool
    time_limit: int | None
    points: int | None
    stakes: tuple[int, ...]
    question_ids: tuple[tuple[str, int], ...]  # (id, line)
    draws: tuple[DrawRequest, ...]
    line: int


@dataclass(frozen=True)
class ContestSpec:
    """A whole contest file."""

    path: str
    title: str
    groups: tuple[str, ...]
    mode: str
    code: str | None
    center_rule: str
    top_n: int
    rounds: tuple[RoundSpec, ...] = field(default_factory=tuple)


def read_contest(path: str | Path, *, max_bytes: int = 1024 * 1024) -> tuple[ContestSpec | None, list[Problem]]:
    """Parse a contest file; the spec is None whenever any error was found."""
    reader, _, root = read_yaml_file(path, max_bytes, "文件是空的；竞赛文件需要 contest 和 rounds 两部分")
    if root is None:
        return None, reader.problems
    spec = _parse(reader, root)
    return (None if reader.failed else spec), reader.problems


def _parse(r: NodeReader, root) -> ContestSpec | None:
    top = r.mapping(root, required=("contest", "rounds"), optional=(), what="竞赛文件")
    if not top or "contest" not in top:
        return None
    head = r.mapping(
        top["contest"][1],
        required=("title", "groups"),
        optional=("mode", "code", "centers", "top_n"),
        what="竞赛 contest",
    )
    if head is None:
        return None
    value = {k: v for k, (_, v) in head.items()}
    title = r.text(value["title"], "竞赛名称 title") if "title" in value else None
    groups = tuple(g for _, g in (r.text_list(value["groups"], "参赛组 groups") or [])) if "groups" in value else ()
    mode = _choice(r, value.get("mode"), ("live",), "live", "模式 mode（自定进度竞赛见后续版本）")
    code = r.text(value["code"], "参赛码 code").upper() if "code" in value else None
    if code and not _CODE.fullmatch(code):
        r.report(value["code"], "value", "参赛码应为 4–12 位大写字母或数字")
    center_rule = _choice(r, value.get("centers"), CENTER_RULES, "mean", "中心计分规则 centers")
    top_n = r.integer(value["top_n"], "top_n", 1, 100) if "top_n" in value else 3
    rounds = []
    items = r.sequence(top["rounds"][1], "rounds") if "rounds" in top else None
    for item in items or []:
        spec = _round(r, item)
        if spec:
            rounds.append(spec)
    if items is not None and not items:
        r.report(top["rounds"][1], "value", "rounds 中没有轮次")
    return ContestSpec(
        r.path, title or "", groups, mode or "live", code, center_rule or "mean", top_n or 3, tuple(rounds)
    )


def _choice(r: NodeReader, node, choices, default, what):
    if node is None:
        return default
    raw = r.text(node, what)
    if raw not in choices:
        r.report(node, "value", f"{what} 应为 {' / '.join(choices)} 之一，写的是 {raw!r}")
        return None
    return raw


def _round(r: NodeReader, node) -> RoundSpec | None:
    entries = r.mapping(
        node,
        required=("title", "kind"),
        optional=("scoring", "multiple", "time_limit", "points", "stakes", "questions", "draw"),
        what="轮次",
    )
    if entries is None:
        return None
    value = {k: v for k, (_, v) in entries.items()}
    kind = _choice(r, value.get("kind"), ROUND_KINDS, "mandatory", "轮次类型 kind")
    scoring = _choice(r, value.get("scoring"), SCORING_RULES, "speed", "计分规则 scoring")
    multiple = _choice(r, value.get("multiple"), ("all_or_nothing", "partial"), "all_or_nothing", "多选计分 multiple")
    stakes = (
        tuple(
            s
            for item, _ in (r.text_list(value["stakes"], "赌注 stakes") or [])
            if (s := r.integer(item, "赌注", 1, 1000))
        )
        if "stakes" in value
        else ()
    )
    if kind == "risk" and not stakes:
        r.report(node, "missing-key", "风险题轮次需要 stakes（可选的赌注分值列表）")
    ids = (
        tuple((qid, item.start_mark.line + 1) for item, qid in (r.text_list(value["questions"], "题目编号") or []))
        if "questions" in value
        else ()
    )
    draws = tuple(_draws(r, value["draw"])) if "draw" in value else ()
    if not ids and not draws:
        r.report(node, "missing-key", "轮次需要 questions（题目编号）或 draw（抽题）")
    return RoundSpec(
        title=r.text(value["title"], "轮次名称") or "" if "title" in value else "",
        kind=kind or "mandatory",
        scoring=scoring or "speed",
        partial=multiple == "partial",
        time_limit=r.integer(value["time_limit"], "限时 time_limit", 5, 600) if "time_limit" in value else None,
        points=r.integer(value["points"], "分值 points", 1, 1000) if "points" in value else None,
        stakes=stakes,
        question_ids=ids,
        draws=draws,
        line=node.start_mark.line + 1,
    )


def _draws(r: NodeReader, node):
    import yaml

    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for item in items:
        entries = r.mapping(
            item, required=("count", "seed"), optional=("banks", "tags", "types", "difficulty"), what="抽题 draw"
        )
        if not entries or not {"count", "seed"} <= entries.keys():
            continue
        value = {k: v for k, (_, v) in entries.items()}
        low_high = (1, 5)
        if "difficulty" in value:
            levels = [r.integer(n, "难度", 1, 5) for n, _ in (r.text_list(value["difficulty"], "难度") or [])]
            if len(levels) == 2 and None not in levels:
                low_high = (min(levels), max(levels))
            else:
                r.report(value["difficulty"], "value", "难度范围应写成 [最低, 最高]，如 [1, 3]")
        yield DrawRequest(
            count=r.integer(value["count"], "抽题数量 count", 1, 200) or 0,
            seed=r.integer(value["seed"], "随机种子 seed", 0, 2**31) or 0,
            banks=_texts(r, value.get("banks"), "题库 banks"),
            tags=_texts(r, value.get("tags"), "标签 tags"),
            kinds=_texts(r, value.get("types"), "题型 types"),
            difficulty=low_high,
            line=item.start_mark.line + 1,
        )


def _texts(r: NodeReader, node, what: str) -> tuple[str, ...]:
    return tuple(text for _, text in (r.text_list(node, what) or [])) if node is not None else ()
