"""Read untrusted YAML into plain values with `file:line:col` problems.

Banks, rosters and contest files are written by people, in text editors, and
are untrusted. This module never lets PyYAML construct objects: it composes
the node tree with the safe loader and reads every value from its node, as
text the author wrote. A field's schema, not YAML 1.1's implicit typing,
decides what a scalar means, so `answer: no` or `A: on` never turn into
booleans behind the author's back (the "Norway problem").

Bounds, checked before anything is built (see "untrusted input" in
docs/banks.md): the file's size from `stat` and a bounded read; the nesting
depth (`MAX_DEPTH`) from the scanner and the event stream, before the
recursive composer goes deeper; anchors, aliases and custom tags are refused
as they stream by, and never expanded, so one of them does not hide the
file's other problems; at most `MAX_PROBLEMS` problems are kept per file.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from datetime import date

import yaml

# Explicit tags that only restate a plain type; `!!python/...` and local
# tags are refused before anything is constructed.
_PLAIN_TAGS = frozenset(
    ["!"] + [f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")]
)
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Collections open at once, flow ([ {) and block alike. The deepest real file
# (a contest's round -> draw -> difficulty) needs 6; PyYAML's composer recurses
# per level and its scanner slows quadratically with flow depth, so 30 KB of
# `[[[[...` would otherwise hold the process for half a minute and end in a
# RecursionError.
MAX_DEPTH = 50
# Problems kept per file: enough to fix a file in one go, few enough that the
# report page of a pathological file (a million aliases) stays small.
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One finding in a file: where it is, its code, and what to do about it."""

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: {self.message}"

    @property
    def is_error(self) -> bool:
        """True for errors, False for warnings."""
        return self.severity == "error"


class NodeReader:
    """Collects problems while reading values out of one file's node tree."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []
        # Where a refused alias or tag stood: its problem is reported, and
        # whatever else would be said about the value there is not.
        self._refused: set[tuple[int, int]] = set()
        self._dropped_error = False

    def report(self, where, code: str, message: str, severity: str = "error") -> None:
        """Record a problem at a node, a mark, or (line, column) 1-based."""
        if isinstance(where, tuple):
            line, column = where
        else:
            mark = getattr(where, "start_mark", where)
            line, column = mark.line + 1, mark.column + 1
        if (line, column) in self._refused:
            return
        if len(self.problems) >= MAX_PROBLEMS:
            self._dropped_error = self._dropped_error or severity == "error"
            if len(self.problems) == MAX_PROBLEMS:
                note = f"问题过多，只列出前 {MAX_PROBLEMS} 个；请先改正这些再检查"
                self.problems.append(Problem(self.path, line, column, "too-many-problems", note, "warning"))
            return
        self.problems.append(Problem(self.path, line, column, code, message, severity))

    @property
    def failed(self) -> bool:
        """True once any error (not warning) was recorded."""
        return self._dropped_error or any(p.is_error for p in self.problems)

    def parse(self, text: str) -> yaml.Node | None:
        """Compose `text` into nodes, refusing deep nesting, anchors, aliases and custom tags.

        Anchors, aliases and custom tags are reported and their values left
        empty, so the rest of the file is still checked; nesting deeper than
        `MAX_DEPTH` stops the reading at the line where it happens.
        """
        loader = _Loader(text, self)
        try:
            return loader.get_single_node()
        except _TooDeep as exc:
            message = f"嵌套超过 {MAX_DEPTH} 层，文件无法读取；请检查是否多写了括号 [ 或 {{，或缩进层次过多"
            self.report(exc.mark, "too-deep", message)
        except yaml.MarkedYAMLError as exc:
            self._syntax_error(exc, text)
        except yaml.YAMLError as exc:
            self.report((1, 1), "yaml-syntax", f"YAML 语法错误：{exc}")
        finally:
            loader.dispose()
        return None

    def refused(self, mark) -> None:
        """Silence further problems at `mark`, where a refused alias or tag was reported."""
        self._refused.add((mark.line + 1, mark.column + 1))

    def _syntax_error(self, exc: yaml.MarkedYAMLError, text: str) -> None:
        mark = exc.problem_mark or exc.context_mark
        # "Unexpected end of stream" points past the last line; the place to
        # fix is where the unclosed construct began.
        if exc.context_mark and mark and mark.line >= len(text.splitlines()):
            mark = exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = " ".join(filter(None, [exc.context, exc.problem]))
        if exc.context_mark and exc.context_mark is not mark:
            detail += f"（相关位置：第 {exc.context_mark.line + 1} 行）"
        self.report(where, "yaml-syntax", f"YAML 语法错误：{detail}")

    def _check_event(self, event) -> None:
        if isinstance(event, yaml.AliasEvent):
            self.report(event, "alias", f"不允许使用 YAML 别名（*{event.anchor}）；请直接写出内容")
            return
        anchor = getattr(event, "anchor", None)
        if anchor:
            self.report(event, "alias", f"不允许使用 YAML 锚点（&{anchor}）；请直接写出内容")
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _PLAIN_TAGS:
            self.report(event, "tag", f"不允许使用自定义 YAML 标签 {tag}")

    # --- structure -------------------------------------------------------

    def mapping(
        self, node, *, required: tuple[str, ...], optional: tuple[str, ...], what: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """Read a mapping's entries by key, reporting duplicate, unknown and missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.report(node, "type", f"{what}应为“键: 值”的映射")
            return None
        allowed = required + optional
        entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                self.report(key_node, "type", f"{what}的键应为文字")
                continue
            if key in entries:
                first = entries[key][0].start_mark.line + 1
                self.report(key_node, "duplicate-key", f"键 {key} 重复（第 {first} 行已出现）")
                continue
            if key not in allowed:
                self.report(key_node, "unknown-key", f"{what}中有未知的键 {key}{_suggest(key, allowed)}")
                continue
            entries[key] = (key_node, value_node)
        for key in required:
            if key not in entries:
                self.report(node, "missing-key", f"{what}缺少必填的键 {key}")
        return entries

    def sequence(self, node, what: str) -> list[yaml.Node] | None:
        """Read a list's item nodes."""
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, "type", f"{what}应为列表")
            return None
        return list(node.value)

    # --- scalars ---------------------------------------------------------

    @staticmethod
    def is_empty(node) -> bool:
        """True for a missing value: `key:`, `~` or `null` written plain."""
        return isinstance(node, yaml.ScalarNode) and node.style is None and node.value in _NULL_WORDS

    def text(self, node, what: str, *, allow_empty: bool = False) -> str | None:
        """Read a scalar as the text the author wrote (never YAML-typed)."""
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, "type", f"{what}应为文字")
            return None
        value = "" if self.is_empty(node) else node.value.strip()
        if not value and not allow_empty:
            self.report(node, "value", f"{what}不能为空")
            return None
        return value

    def text_list(self, node, what: str) -> list[tuple[yaml.Node, str]] | None:
        """Read one text or a list of texts, keeping each item's node."""
        items = [node] if isinstance(node, yaml.ScalarNode) else self.sequence(node, what)
        if items is None:
            return None
        result = []
        for item in items:
            value = self.text(item, what)
            if value is not None:
                result.append((item, value))
        return result

    def integer(self, node, what: str, low: int, high: int) -> int | None:
        """Read a whole number within [low, high]."""
        raw = self.text(node, what)
        if raw is None:
            return None
        if not re.fullmatch(r"[+-]?\d+", raw):
            self.report(node, "value", f"{what}应为整数，写的是 {raw!r}")
            return None
        value = int(raw)
        if not low <= value <= high:
            self.report(node, "value", f"{what}应在 {low}–{high} 之间，写的是 {value}")
            return None
        return value

    def number(self, node, what: str, low: float, high: float) -> float | None:
        """Read a decimal number (such as 40 or 87.5) within [low, high]."""
        raw = self.text(node, what)
        if raw is None:
            return None
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
            self.report(node, "value", f"{what}应为数字，写的是 {raw!r}")
            return None
        value = float(raw)
        if not low <= value <= high:
            self.report(node, "value", f"{what}应在 {low:g}–{high:g} 之间，写的是 {raw}")
            return None
        return value

    def boolean(self, node, what: str) -> bool | None:
        """Read true/false (also yes/no, 是/否) for a setting."""
        raw = self.text(node, what)
        if raw is None:
            return None
        word = raw.lower()
        if word in {"true", "yes", "是"}:
            return True
        if word in {"false", "no", "否"}:
            return False
        self.report(node, "value", f"{what}应为 true 或 false，写的是 {raw!r}")
        return None

    def date(self, node, what: str) -> date | None:
        """Read a calendar date written as YYYY-MM-DD."""
        raw = self.text(node, what)
        if raw is None:
            return None
        try:
            if not _DATE.fullmatch(raw):
                raise ValueError(raw)
            return date.fromisoformat(raw)
        except ValueError:
            self.report(node, "value", f"{what}应为 YYYY-MM-DD 格式的日期，写的是 {raw!r}")
            return None


def read_yaml_file(path, max_bytes: int, empty_message: str) -> tuple[NodeReader, bytes, yaml.Node | None]:
    """Read, size-check, decode and compose a YAML file; problems are on the returned reader."""
    reader = NodeReader(str(path))
    data = read_bounded(reader, path, max_bytes)
    if data is None:
        return reader, b"", None
    text = decode_source(reader, data, max_bytes)
    root = reader.parse(text) if text is not None else None
    if root is None and not reader.problems:
        reader.report((1, 1), "missing-key", empty_message)
    return reader, data, root


def read_bounded(reader: NodeReader, path, max_bytes: int) -> bytes | None:
    """A file's bytes, or None with a problem when it cannot be read or is over `max_bytes`.

    The size is taken from `stat` before reading, and the read itself stops
    one byte past the cap, so an oversized (or growing) file is never read whole.
    """
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            data = file.read(size + 1) if size <= max_bytes else b""
            if len(data) > size:  # a growing or special file, whose size `stat` does not tell
                data += file.read(max_bytes + 1 - len(data))
    except OSError as exc:
        reader.report((1, 1), "io", f"无法读取文件：{exc.strerror}")
        return None
    if size > max_bytes or len(data) > max_bytes:
        reader.report((1, 1), "too-large", f"文件有 {max(size, len(data))} 字节，超过上限 {max_bytes} 字节")
        return None
    return data


def decode_source(reader: NodeReader, data: bytes, max_bytes: int) -> str | None:
    """Check size and UTF-8 encoding of raw file bytes, returning the text."""
    if len(data) > max_bytes:
        reader.report((1, 1), "too-large", f"文件有 {len(data)} 字节，超过上限 {max_bytes} 字节")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        reader.report((line, column), "encoding", "文件不是 UTF-8 编码；请另存为 UTF-8")
        return None


class _TooDeep(Exception):
    def __init__(self, mark):
        super().__init__("nesting too deep")
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """The safe loader, bounded: depth checked as tokens and events stream by, aliases never expanded."""

    def __init__(self, text: str, reader: NodeReader):
        super().__init__(text)
        self.reader = reader
        self.depth = 0

    def fetch_flow_collection_start(self, TokenClass):
        # The scanner looks ahead while `[` may still start a key, with a cost
        # that grows with the flow level: stop at the bracket, before that.
        if self.flow_level >= MAX_DEPTH:
            raise _TooDeep(self.get_mark())
        super().fetch_flow_collection_start(TokenClass)

    def get_event(self):
        event = super().get_event()
        if isinstance(event, yaml.CollectionStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _TooDeep(event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            self.depth -= 1
        if event is not None:
            self.reader._check_event(event)
        return event

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            return self._refused_value(event.start_mark)
        event = self.peek_event()
        refused = event.tag is not None and event.tag not in _PLAIN_TAGS
        # Anchors are reported, never recorded: nothing can refer to them.
        self.anchors = {}
        node = super().compose_node(parent, index)
        self.anchors = {}
        return self._refused_value(node.start_mark) if refused else node

    def _refused_value(self, mark) -> yaml.ScalarNode:
        self.reader.refused(mark)
        return yaml.ScalarNode("tag:yaml.org,2002:null", "", mark, mark)


def _suggest(key: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"；是不是 {close[0]}？"
    return f"；可用的键：{', '.join(allowed)}"
