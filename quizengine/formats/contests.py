"""Contest definition files (YAML) -> plain specs, with `file:line:col` problems.

The format is documented in docs/contests.md. Question ids and draws are
resolved against the stored banks by `services.contests.import_contest`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from quizengine.core.paper import COUNTING, LAYOUTS, RESULTS
from quizengine.core.ranking import CENTER_RULES
from quizengine.core.scoring import ROUND_KINDS, SCORING_RULES
from quizengine.formats.judged import JudgingSpec, read_judging
from quizengine.formats.yamlread import NodeReader, Problem, read_yaml_file

_CODE = re.compile(r"[A-Z0-9]{4,12}")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})")
DEFAULT_TIMEZONE = "Asia/Shanghai"


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
class SectionSpec:
    """One section of a self-paced paper: `count` questions drawn per person from the filtered pool."""

    title: str
    count: int
    points: int | None
    banks: tuple[str, ...]
    tags: tuple[str, ...]
    kinds: tuple[str, ...]
    difficulty: tuple[int, int]
    line: int


@dataclass(frozen=True)
class PaperSpec:
    """The settings of a self-paced contest (see docs/contests.md)."""

    opens_at: datetime
    closes_at: datetime
    time_limit: int  # minutes
    attempts: int
    counting: str
    layout: str
    results: str
    partial: bool
    shuffle_options: bool
    seed: int
    sections: tuple[SectionSpec, ...]

    def settings(self) -> dict:
        """What the contest row keeps of the paper (the window has its own columns)."""
        return {
            "time_limit": self.time_limit,
            "attempts": self.attempts,
            "counting": self.counting,
            "layout": self.layout,
            "results": self.results,
            "partial": self.partial,
            "shuffle_options": self.shuffle_options,
            "seed": self.seed,
        }


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
    paper: PaperSpec | None = None
    # (line, column) of what the database check may refuse: "groups", "group:KEY", "code".
    lines: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)
    close_early: bool = True  # a live question closes once every joined player has answered
    max_score: float | None = None  # offline: the full score, for normalising in a selection
    ready_seconds: int = 3  # a live question's "get ready" screen before its options and countdown
    judging: JudgingSpec | None = None  # judged (岗位比武): entrants, rubric, combination, judges


def read_contest(
    path: str | Path, *, max_bytes: int = 1024 * 1024, partial: bool = False
) -> tuple[ContestSpec | None, list[Problem]]:
    """Parse a contest file; the spec is None whenever any error was found.

    With `partial`, the spec comes back even with errors, so that an import
    can also resolve its groups, questions and draws and report every problem
    at once. Such a spec is for checking only: a field with an error keeps a
    default (or None in its paper), and draws and sections with an error are
    left out.
    """
    reader, _, root = read_yaml_file(path, max_bytes, "文件是空的；竞赛文件需要 contest 和 rounds（或 paper）两部分")
    if root is None:
        return None, reader.problems
    spec = _parse(reader, root, partial)
    return (None if reader.failed and not partial else spec), reader.problems


def _position(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _parse(r: NodeReader, root, partial: bool = False) -> ContestSpec | None:
    top = r.mapping(root, required=("contest",), optional=("rounds", "paper", "judging"), what="竞赛文件")
    if not top or "contest" not in top:
        return None
    head = r.mapping(
        top["contest"][1],
        required=("title", "groups"),
        optional=("mode", "code", "centers", "top_n", "close_early", "max_score", "ready_seconds"),
        what="竞赛 contest",
    )
    if head is None:
        return None
    value = {k: v for k, (_, v) in head.items()}
    title = r.text(value["title"], "竞赛名称 title") if "title" in value else None
    group_items = (r.text_list(value["groups"], "参赛组 groups") or []) if "groups" in value else []
    groups = tuple(g for _, g in group_items)
    lines = {f"group:{g}": _position(item) for item, g in group_items}
    lines.update({key: _position(value[key]) for key in ("groups", "code") if key in value})
    mode = _choice(r, value.get("mode"), ("live", "self_paced", "offline", "judged"), "live", "模式 mode")
    code = r.text(value["code"], "参赛码 code").upper() if "code" in value else None
    if code and not _CODE.fullmatch(code):
        r.report(value["code"], "value", "参赛码应为 4–12 位大写字母或数字")
    center_rule = _choice(r, value.get("centers"), CENTER_RULES, "mean", "中心计分规则 centers")
    top_n = r.integer(value["top_n"], "top_n", 1, 100) if "top_n" in value else 3
    close_early = r.boolean(value["close_early"], "close_early") if "close_early" in value else True
    ready = r.integer(value["ready_seconds"], "准备时间 ready_seconds", 0, 10) if "ready_seconds" in value else 3
    rounds = []
    paper = None
    judging = None
    if "judging" in top and mode != "judged":
        r.report(top["judging"][0], "unknown-key", "judging 只用于岗位比武；请在 contest 中写 mode: judged")
    max_score = r.number(value["max_score"], "满分 max_score", 0.01, 1_000_000) if "max_score" in value else None
    if "max_score" in value and mode != "offline":
        r.report(head["max_score"][0], "unknown-key", "max_score 只用于线下竞赛（mode: offline）；满分按题目分值计算")
    if mode == "offline":
        if "max_score" not in value:
            r.report(top["contest"][1], "missing-key", "线下竞赛（offline）需要 max_score（满分），评选时按它折算")
        for key in ("rounds", "paper"):
            if key in top:
                r.report(top[key][0], "unknown-key", f"线下竞赛（offline）的成绩从成绩表导入，不用 {key}")
    elif mode == "self_paced":
        if "rounds" in top:
            r.report(top["rounds"][0], "unknown-key", "自定进度竞赛（self_paced）用 paper 定义试卷，不用 rounds")
        if "paper" not in top:
            r.report(root, "missing-key", "自定进度竞赛（self_paced）需要 paper（开放时间、限时、抽题结构）")
        else:
            paper = _paper(r, top["paper"][1], partial)
    elif mode == "judged":
        for key in ("rounds", "paper"):
            if key in top:
                r.report(top[key][0], "unknown-key", f"岗位比武（judged）由评委按评分表打分，不用 {key}")
        if "judging" not in top:
            r.report(root, "missing-key", "岗位比武（judged）需要 judging（参赛对象、评分表、评委）")
        else:
            judging = read_judging(r, top["judging"][1])
    elif mode == "live":
        if "paper" in top:
            r.report(top["paper"][0], "unknown-key", "paper 只用于自定进度竞赛；请在 contest 中写 mode: self_paced")
        if "rounds" not in top:
            r.report(root, "missing-key", "现场竞赛需要 rounds（轮次）")
        items = r.sequence(top["rounds"][1], "rounds") if "rounds" in top else None
        for item in items or []:
            spec = _round(r, item)
            if spec:
                rounds.append(spec)
        if items is not None and not items:
            r.report(top["rounds"][1], "value", "rounds 中没有轮次")
    return ContestSpec(
        r.path,
        title or "",
        groups,
        mode or "live",
        code,
        center_rule or "mean",
        top_n or 3,
        tuple(rounds),
        paper,
        lines,
        close_early is not False,
        max_score,
        3 if ready is None else ready,
        judging,
    )


def _paper(r: NodeReader, node, partial: bool = False) -> PaperSpec | None:
    entries = r.mapping(
        node,
        required=("opens", "closes", "time_limit", "sections"),
        optional=("timezone", "attempts", "counting", "layout", "results", "multiple", "shuffle_options", "seed"),
        what="试卷 paper",
    )
    if entries is None:
        return None
    value = {k: v for k, (_, v) in entries.items()}
    zone = _timezone(r, value.get("timezone"))
    opens = _moment(r, value.get("opens"), zone, "开放时间 opens") if "opens" in value else None
    closes = _moment(r, value.get("closes"), zone, "截止时间 closes") if "closes" in value else None
    if opens and closes and closes <= opens:
        r.report(value["closes"], "value", "截止时间 closes 应晚于开放时间 opens")
    time_limit = r.integer(value["time_limit"], "个人限时 time_limit", 1, 600) if "time_limit" in value else None
    attempts = r.integer(value["attempts"], "作答次数 attempts", 1, 20) if "attempts" in value else 1
    counting = _choice(r, value.get("counting"), COUNTING, "best", "多次作答计分 counting")
    layout = _choice(r, value.get("layout"), LAYOUTS, "single", "版式 layout")
    results = _choice(r, value.get("results"), RESULTS, "after_submit", "公布成绩 results")
    multiple = _choice(r, value.get("multiple"), ("all_or_nothing", "partial"), "all_or_nothing", "多选计分 multiple")
    shuffle = r.boolean(value["shuffle_options"], "选项乱序 shuffle_options") if "shuffle_options" in value else True
    seed = r.integer(value["seed"], "随机种子 seed", 0, 2**31) if "seed" in value else 0
    sections = []
    items = r.sequence(value["sections"], "sections") if "sections" in value else None
    for item in items or []:
        section = _section(r, item)
        if section:
            sections.append(section)
    if items is not None and not items:
        r.report(value["sections"], "value", "sections 中没有题型部分")
    if (
        None in (opens, closes, time_limit, attempts, counting, layout, results, multiple, shuffle, seed)
        and not partial
    ):
        return None
    return PaperSpec(
        opens,
        closes,
        time_limit,
        attempts,
        counting,
        layout,
        results,
        multiple == "partial",
        shuffle,
        seed,
        tuple(sections),
    )


def _section(r: NodeReader, node) -> SectionSpec | None:
    entries = r.mapping(
        node, required=("count",), optional=("title", "points", "banks", "tags", "types", "difficulty"), what="试卷部分"
    )
    if not entries or "count" not in entries:
        return None
    value = {k: v for k, (_, v) in entries.items()}
    before = len(r.problems)
    section = SectionSpec(
        title=(r.text(value["title"], "部分名称 title") or "") if "title" in value else "",
        count=r.integer(value["count"], "题数 count", 1, 200) or 0,
        points=r.integer(value["points"], "每题分值 points", 1, 1000) if "points" in value else None,
        banks=_texts(r, value.get("banks"), "题库 banks"),
        tags=_texts(r, value.get("tags"), "标签 tags"),
        kinds=_texts(r, value.get("types"), "题型 types"),
        difficulty=_difficulty(r, value.get("difficulty")),
        line=node.start_mark.line + 1,
    )
    return section if len(r.problems) == before else None


def _timezone(r: NodeReader, node) -> ZoneInfo | None:
    name = r.text(node, "时区 timezone") if node is not None else DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        r.report(node, "value", f"未知的时区 {name!r}，如 Asia/Shanghai")
        return None


def _moment(r: NodeReader, node, zone: ZoneInfo | None, what: str) -> datetime | None:
    """A local date and time written as YYYY-MM-DD HH:MM, in the paper's timezone."""
    raw = r.text(node, what)
    match = _MOMENT.fullmatch(raw.strip()) if raw else None
    if raw is not None and match is None:
        r.report(node, "value", f"{what} 应写成 YYYY-MM-DD HH:MM（当地时间），写的是 {raw!r}")
        return None
    if match is None or zone is None:
        return None
    try:
        return datetime(*(int(part) for part in match.groups()), tzinfo=zone)
    except ValueError:
        r.report(node, "value", f"{what} 不是有效的日期时间：{raw!r}")
        return None


def _difficulty(r: NodeReader, node) -> tuple[int, int]:
    if node is None:
        return (1, 5)
    levels = [r.integer(n, "难度", 1, 5) for n, _ in (r.text_list(node, "难度") or [])]
    if len(levels) == 2 and None not in levels:
        return (min(levels), max(levels))
    r.report(node, "value", "难度范围应写成 [最低, 最高]，如 [1, 3]")
    return (1, 5)


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
    written = list(_draws(r, value["draw"])) if "draw" in value else []
    draws = tuple(d for d in written if d is not None)
    if not ids and not written:
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
        before = len(r.problems)
        low_high = _difficulty(r, value.get("difficulty"))
        request = DrawRequest(
            count=r.integer(value["count"], "抽题数量 count", 1, 200) or 0,
            seed=r.integer(value["seed"], "随机种子 seed", 0, 2**31) or 0,
            banks=_texts(r, value.get("banks"), "题库 banks"),
            tags=_texts(r, value.get("tags"), "标签 tags"),
            kinds=_texts(r, value.get("types"), "题型 types"),
            difficulty=low_high,
            line=item.start_mark.line + 1,
        )
        # A draw with an error is None: drawn with its defaults, it would mislead.
        yield request if len(r.problems) == before else None


def _texts(r: NodeReader, node, what: str) -> tuple[str, ...]:
    return tuple(text for _, text in (r.text_list(node, what) or [])) if node is not None else ()
