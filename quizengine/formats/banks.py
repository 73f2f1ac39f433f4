"""YAML question banks -> core `Question`s, with exact `file:line:col` problems.

The file format is documented in docs/banks.md. `load_bank` reads one file;
`check_paths` reads files and directories together, so that question ids are
checked for uniqueness across every bank given. A file with any error yields
no bank at all: nothing is ever half-loaded.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from quizengine.core.questions import (
    Question,
)
from quizengine.formats import question_fields as fields
from quizengine.formats.yamlread import NodeReader, Problem, read_yaml_file

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
BANK_SUFFIXES = (".yaml", ".yml")

_BANK_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_QUESTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

_HEADER_REQUIRED = ("id", "title", "version", "tags")
_HEADER_OPTIONAL = ("sample", "active", "groups", "description", "defaults")
_QUESTION_REQUIRED = ("id", "type", "stem", "answer")
_QUESTION_OPTIONAL = (
    "options",
    "explanation",
    "source",
    "tags",
    "difficulty",
    "points",
    "time_limit",
    "effective",
    "expires",
)


@dataclass(frozen=True)
class BankFile:
    """A validated bank file."""

    path: str
    id: str
    title: str
    version: str
    tags: dict[str, str]
    questions: tuple[Question, ...]
    content_hash: str
    sample: bool = False
    active: bool = True
    groups: tuple[str, ...] = ()
    description: str = ""
    lines: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class _Defaults:
    points: int = 10
    time_limit: int = 20
    difficulty: int = 3


def load_bank(
    path: str | Path, *, today: date, max_bytes: int = DEFAULT_MAX_BYTES, partial: bool = False
) -> tuple[BankFile | None, list[Problem]]:
    """Validate one bank file; the bank is None whenever any error was found.

    With `partial`, the bank (its good questions) comes back even with errors,
    so that an import can also check it against the stored banks and report
    every problem at once; such a bank is for checking only.
    """
    reader, data, root = read_yaml_file(path, max_bytes, "文件是空的；题库需要 bank 和 questions 两部分")
    bank = None
    if root is not None:
        bank = _BankParser(reader, today).parse(root, hashlib.sha256(data).hexdigest())
    return (None if reader.failed and not partial else bank), reader.problems


def find_bank_files(paths) -> list[Path]:
    """Expand files and directories into a sorted list of bank files."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in BANK_SUFFIXES))
        else:
            found.append(path)
    return found


def check_paths(paths, *, today: date, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[BankFile], list[Problem]]:
    """Validate several banks together, including question ids across files."""
    banks: list[BankFile] = []
    problems: list[Problem] = []
    for path in find_bank_files(paths):
        bank, found = load_bank(path, today=today, max_bytes=max_bytes)
        problems.extend(found)
        if bank is not None:
            banks.append(bank)
    problems.extend(_cross_file_problems(banks))
    if any(p.is_error for p in problems):
        return [], problems
    return banks, problems


def _cross_file_problems(banks: list[BankFile]) -> list[Problem]:
    problems = []
    seen_banks: dict[str, str] = {}
    seen_questions: dict[str, tuple[str, int]] = {}
    for bank in banks:
        if bank.id in seen_banks:
            problems.append(
                Problem(bank.path, 1, 1, "duplicate-id", f"题库编号 {bank.id} 与 {seen_banks[bank.id]} 重复")
            )
        seen_banks.setdefault(bank.id, bank.path)
        for question in bank.questions:
            line, column = bank.lines[question.id]
            if question.id in seen_questions:
                other_path, other_line = seen_questions[question.id]
                message = f"题目编号 {question.id} 已在 {other_path}:{other_line} 使用"
                problems.append(Problem(bank.path, line, column, "duplicate-id", message))
            else:
                seen_questions[question.id] = (bank.path, line)
    return problems


class _BankParser:
    """Walks one bank's node tree; every check reports through the reader."""

    def __init__(self, reader: NodeReader, today: date):
        self.r = reader
        self.today = today
        self.tags: dict[str, str] = {}
        self.defaults = _Defaults()
        self.lines: dict[str, tuple[int, int]] = {}

    def parse(self, root, content_hash: str) -> BankFile | None:
        top = self.r.mapping(root, required=("bank", "questions"), optional=(), what="题库文件")
        if top is None or "bank" not in top:
            return None
        header = self._header(top["bank"][1])
        if header is None:
            return None
        questions = self._questions(top["questions"][1], header["active"]) if "questions" in top else []
        return BankFile(
            path=self.r.path,
            questions=tuple(questions),
            content_hash=content_hash,
            tags=self.tags,
            lines=self.lines,
            **header,
        )

    def _header(self, node) -> dict | None:
        r = self.r
        entries = r.mapping(node, required=_HEADER_REQUIRED, optional=_HEADER_OPTIONAL, what="题库头 bank")
        if entries is None:
            return None
        value = {key: value_node for key, (_, value_node) in entries.items()}
        header = {
            "id": self._pattern(value.get("id"), _BANK_ID, "题库编号 id", "小写字母、数字、- 和 _"),
            "title": r.text(value["title"], "题库名称 title") if "title" in value else None,
            "version": r.text(value["version"], "版本 version") if "version" in value else None,
            "sample": r.boolean(value["sample"], "sample") if "sample" in value else False,
            "active": r.boolean(value["active"], "active") if "active" in value else True,
            "description": r.text(value["description"], "说明", allow_empty=True) if "description" in value else "",
            "groups": self._keys(value.get("groups"), "适用组 groups"),
        }
        if "tags" in value:
            self._tag_vocabulary(value["tags"])
        if "defaults" in value:
            self._defaults(value["defaults"])
        return header

    def _pattern(self, node, pattern: re.Pattern, what: str, hint: str) -> str | None:
        if node is None:
            return None
        raw = self.r.text(node, what)
        if raw is not None and not pattern.fullmatch(raw):
            self.r.report(node, "value", f"{what} {raw!r} 不合格式：只能用{hint}")
            return None
        return raw

    def _keys(self, node, what: str) -> tuple[str, ...]:
        if node is None:
            return ()
        items = self.r.text_list(node, what) or []
        return tuple(key for item, _ in items if (key := self._pattern(item, _KEY, what, "字母、数字、- 和 _")))

    def _tag_vocabulary(self, node) -> None:
        if not isinstance(node, yaml.MappingNode):
            self.r.report(node, "type", "标签表 tags 应为“编号: 名称”的映射")
            return
        for key_node, label_node in node.value:
            key = self._pattern(key_node, _KEY, "标签编号", "字母、数字、- 和 _")
            label = self.r.text(label_node, f"标签 {key} 的名称")
            if key is None or label is None:
                continue
            if key in self.tags:
                self.r.report(key_node, "duplicate-key", f"标签 {key} 重复")
            self.tags[key] = label

    def _defaults(self, node) -> None:
        entries = self.r.mapping(
            node, required=(), optional=("points", "time_limit", "difficulty"), what="默认值 defaults"
        )
        if entries is None:
            return
        values = {}
        for key, (_, value_node) in entries.items():
            values[key] = self._number(key, value_node)
        self.defaults = _Defaults(**{k: v for k, v in values.items() if v is not None})

    def _number(self, key: str, node) -> int | None:
        low, high, what = _NUMBER_RANGES[key]
        return self.r.integer(node, what, low, high)

    def _questions(self, node, active: bool | None) -> list[Question]:
        items = self.r.sequence(node, "questions")
        if items is None:
            return []
        if not items:
            self.r.report(node, "value", "questions 中没有题目")
        questions = []
        for item in items:
            question = self._question(item)
            if question is None:
                continue
            if active and question.is_expired(self.today):
                self.r.report(
                    item,
                    "expired",
                    f"题目 {question.id} 已于 {question.expires} 失效，但所在题库仍是启用状态",
                    severity="warning",
                )
            questions.append(question)
        return questions

    def _question(self, node) -> Question | None:
        r = self.r
        entries = r.mapping(node, required=_QUESTION_REQUIRED, optional=_QUESTION_OPTIONAL, what="题目")
        if entries is None:
            return None
        value = {key: value_node for key, (_, value_node) in entries.items()}
        qid = self._pattern(value.get("id"), _QUESTION_ID, "题目编号 id", "字母、数字、-、_ 和 .")
        if qid is not None:
            if qid in self.lines:
                message = f"题目编号 {qid} 重复（第 {self.lines[qid][0]} 行已使用）"
                r.report(value["id"], "duplicate-id", message)
            else:
                mark = value["id"].start_mark
                self.lines[qid] = (mark.line + 1, mark.column + 1)
        kind = fields.read_kind(r, value.get("type"))
        stem = fields.read_stem(r, value.get("stem"))
        options = fields.read_options(r, value.get("options"), kind, node)
        answer = fields.read_answer(r, value.get("answer"), kind, options)
        numbers = {
            key: self._number(key, value[key]) if key in value else getattr(self.defaults, key)
            for key in ("points", "time_limit", "difficulty")
        }
        effective = r.date(value["effective"], "生效日期 effective") if "effective" in value else None
        expires = r.date(value["expires"], "失效日期 expires") if "expires" in value else None
        if effective and expires and expires < effective:
            r.report(value["expires"], "dates", f"失效日期 {expires} 早于生效日期 {effective}")
        explanation = (
            r.text(value["explanation"], "解析 explanation", allow_empty=True) if "explanation" in value else ""
        )
        source = fields.read_source(r, value["source"]) if "source" in value else None
        tags = self._question_tags(value.get("tags"))
        if None in (qid, kind, stem, answer, options) or None in numbers.values():
            return None
        return Question(
            id=qid,
            kind=kind,
            stem=stem,
            answer=answer,
            options=options,
            explanation=explanation or "",
            source=source,
            tags=tags,
            effective=effective,
            expires=expires,
            **numbers,
        )

    def _question_tags(self, node) -> tuple[str, ...]:
        if node is None:
            return ()
        tags = []
        for item, tag in self.r.text_list(node, "标签 tags") or []:
            if tag not in self.tags:
                known = "、".join(self.tags) or "（题库头未定义标签）"
                self.r.report(item, "unknown-tag", f"标签 {tag} 不在题库头 tags 中；可用：{known}")
                continue
            tags.append(tag)
        return tuple(tags)


_NUMBER_RANGES = {
    "points": (1, 1000, "分值 points"),
    "time_limit": (5, 600, "限时 time_limit（秒）"),
    "difficulty": (1, 5, "难度 difficulty"),
}
