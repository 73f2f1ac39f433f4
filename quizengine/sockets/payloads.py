"""Payload checks shared by the namespaces: a wrong shape is refused before any service runs."""

from __future__ import annotations

from quizengine.services.errors import Refused

# Every integer of a payload is an id or a stake stored in an INTEGER column,
# 32-bit on PostgreSQL (64-bit on SQLite): a larger one would reach the driver
# and fail there (OverflowError, DataError) instead of being refused here.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def field(
    data,
    name: str,
    kind: type | tuple[type, ...],
    *,
    required: bool = True,
    max_length: int = 200,
    minimum: int = INT_MIN,
    maximum: int = INT_MAX,
):
    """Return `data[name]` if it has the right type (strings capped at `max_length`, ints within the columns' range)."""
    if not isinstance(data, dict):
        raise Refused("invalid_payload")
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise Refused("invalid_payload", f"{name} 类型不正确")
    if not isinstance(value, kind):
        raise Refused("invalid_payload", f"缺少 {name} 或类型不正确")
    if isinstance(value, str) and len(value) > max_length:
        raise Refused("invalid_payload", f"{name} 过长")
    if isinstance(value, int) and not isinstance(value, bool) and not minimum <= value <= maximum:
        raise Refused("invalid_payload", f"{name} 超出范围")
    return value


def response_value(data):
    """An answer's `response`: a string, a list of short strings, or a bool."""
    value = data.get("response") if isinstance(data, dict) else None
    if isinstance(value, bool) or (isinstance(value, str) and len(value) <= 200):
        return value
    if isinstance(value, list) and len(value) <= 8 and all(isinstance(v, str) and len(v) <= 4 for v in value):
        return value
    raise Refused("invalid_payload", "response 类型不正确")
