"""What each field of a bank question may be (type, stem, options, answer key, source), reported where wrong."""

from __future__ import annotations

import unicodedata

import yaml

from quizengine.core.questions import FALSE_WORDS, TRUE_WORDS, QuestionKind, Source, normalize_fill, parse_judge_word
from quizengine.formats.yamlread import NodeReader

_OPTION_KEYS = "ABCDEFGH"


def read_kind(r: NodeReader, node) -> QuestionKind | None:
    """The question type (题型) a node names."""
    if node is None:
        return None
    raw = r.text(node, "题型 type")
    try:
        return QuestionKind(raw)
    except ValueError:
        choices = "、".join(f"{k.value}（{k.label}）" for k in QuestionKind)
        r.report(node, "value", f"未知题型 {raw!r}；可用：{choices}")
        return None


def read_stem(r: NodeReader, node) -> str | None:
    """The stem (题干): required, not blank."""
    if node is None:
        return None
    if r.is_empty(node) or (isinstance(node, yaml.ScalarNode) and not node.value.strip()):
        r.report(node, "empty-stem", "题干 stem 不能为空")
        return None
    return r.text(node, "题干 stem")


def read_options(r: NodeReader, node, kind, question_node) -> tuple[tuple[str, str], ...] | None:
    """Options A, B, C... in order, at least 2, no two alike; none for judge and fill."""
    needs = kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    if node is None:
        if needs:
            r.report(question_node, "missing-key", f"{kind.label}题缺少选项 options")
            return None
        return ()
    if not needs:
        if kind is not None:
            r.report(node, "options", f"{kind.label}题不需要选项 options")
        return None
    if not isinstance(node, yaml.MappingNode):
        r.report(node, "type", "选项 options 应为“A: 选项文字”的映射")
        return None
    options: list[tuple[str, str]] = []
    seen_text: dict[str, str] = {}
    for position, (key_node, text_node) in enumerate(node.value):
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        expected = _OPTION_KEYS[position] if position < len(_OPTION_KEYS) else None
        if expected is None:
            r.report(key_node, "options", "选项最多 8 个（A–H）")
            return None
        if key != expected:
            r.report(key_node, "options", f"选项键应从 A 起连续，这里应为 {expected}，写的是 {key!r}")
            return None
        text = r.text(text_node, f"选项 {key}")
        if text is None:
            return None
        folded = unicodedata.normalize("NFKC", text).strip()
        if folded in seen_text:
            r.report(text_node, "duplicate-option", f"选项 {key} 与选项 {seen_text[folded]} 文字相同")
            return None
        seen_text[folded] = key
        options.append((key, text))
    if len(options) < 2:
        r.report(node, "options", "至少需要 2 个选项")
        return None
    return tuple(options)


def read_answer(r: NodeReader, node, kind, options) -> tuple[str, ...] | None:
    """The answer key in its stored form: option keys, ("true",)/("false",), or accepted fill texts."""
    if node is None or kind is None:
        return None
    if kind is QuestionKind.JUDGE:
        return _judge_answer(r, node)
    if kind is QuestionKind.FILL:
        accepted = r.text_list(node, "填空答案 answer")
        if accepted is None:
            return None
        for item, text in accepted:
            if not normalize_fill(text):
                r.report(item, "fill-answer", f"填空答案 {text!r} 去掉空白和标点后为空")
                return None
        if not accepted:
            r.report(node, "fill-answer", "填空题至少需要一个可接受的答案")
            return None
        return tuple(text for _, text in accepted)
    return _choice_answer(r, node, kind, options)


def _judge_answer(r: NodeReader, node) -> tuple[str, ...] | None:
    raw = r.text(node, "判断题答案 answer")
    if raw is None:
        return None
    value = parse_judge_word(raw)
    if value is None:
        words = "、".join(sorted(TRUE_WORDS)) + " / " + "、".join(sorted(FALSE_WORDS))
        r.report(node, "judge-answer", f"判断题答案 {raw!r} 无法识别；请写 对 或 错（可用：{words}）")
        return None
    return ("true",) if value else ("false",)


def _choice_answer(r: NodeReader, node, kind, options) -> tuple[str, ...] | None:
    if isinstance(node, yaml.ScalarNode):
        raw = r.text(node, "答案 answer")
        if raw is None:
            return None
        keys = [ch for ch in raw.upper() if ch not in " ,，、"]
        items = [(node, key) for key in keys]
    else:
        listed = r.text_list(node, "答案 answer")
        if listed is None:
            return None
        items = [(item, text.upper()) for item, text in listed]
    if kind is QuestionKind.SINGLE and len(items) > 1:
        r.report(node, "single-multiple-answers", "单选题只能有一个答案；多个正确答案请用 multiple")
        return None
    if kind is QuestionKind.MULTIPLE and len({key for _, key in items}) < 2:
        r.report(node, "multiple-answers", "多选题至少要有两个正确选项；只有一个请用 single")
        return None
    if options is None:
        return None
    known = {key for key, _ in options}
    for item, key in items:
        if key not in known:
            r.report(item, "answer-not-in-options", f"答案 {key} 不在选项 {'、'.join(sorted(known))} 中")
            return None
    keys = sorted({key for _, key in items})
    if len(keys) != len(items):
        r.report(node, "value", "答案中有重复的选项")
        return None
    return tuple(keys)


def read_source(r: NodeReader, node) -> Source | None:
    """The policy source (出处): a document, optionally with its section."""
    if isinstance(node, yaml.ScalarNode):
        document = r.text(node, "出处 source")
        return Source(document) if document else None
    entries = r.mapping(node, required=("document",), optional=("section",), what="出处 source")
    if not entries or "document" not in entries:
        return None
    document = r.text(entries["document"][1], "出处文件 document")
    section = r.text(entries["section"][1], "条款 section", allow_empty=True) if "section" in entries else ""
    return Source(document, section or "") if document else None
