"""A JSON request body read within bounds: its size, its nesting depth, no NaN or Infinity.

`request.get_json(silent=True)` turns a malformed body into None, but a body
nested thousands deep (`[[[[...]]]]`) raises RecursionError inside the JSON
decoder, which Flask answers with a 500. Here the depth is measured before
decoding, without recursion, and every refusal is the API's `invalid_payload`.
"""

from __future__ import annotations

import json

from flask import request

from quizengine.services.errors import Refused

MAX_BYTES = 16 * 1024  # one answer of a paper: a few hundred bytes
MAX_DEPTH = 8  # {"response": ["A", "C"]} is 2 deep


def json_body(max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH):
    """The request's decoded JSON body, None when there is none; refuses one too large, too deep or malformed."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise Refused("invalid_payload", "请求内容太大")
    data = request.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Refused("invalid_payload", "请求内容太大")
    if not data.strip():
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("invalid_payload", "请求内容不是 UTF-8 编码") from None
    if nesting_depth(text) > max_depth:
        raise Refused("invalid_payload", "请求内容嵌套过深")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except ValueError:  # also an integer of more than 4,300 digits
        raise Refused("invalid_payload", "请求内容不是有效的 JSON") from None


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in JSON `text` (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")
