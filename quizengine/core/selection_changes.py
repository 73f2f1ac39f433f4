"""What changed since a selection was frozen: its result and its inputs, then and now.

A frozen selection keeps its result document (services.selection's JSON) and
a snapshot of its inputs. Run again today, the two are compared here, field by
field: every person's and center's total, rank, eligibility and award, who
came in or dropped out, and the inputs that moved (a score, a roster date, a
center's roster size). Scores are compared as numbers, never trusted from a
counter, so a re-import, a re-scored question or a corrected key all show.

The snapshot is plain JSON:
`{"contests": {code: {"maximum": m, "scores": {staff id: {"score", "correct", "time_ms"}}}},
"roster": {staff id: {"name", "center", "window_since", "window_until", "at_window"}},
"centers": {center: roster size}}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROW_FIELDS = {
    "total": "总分",
    "rank": "名次",
    "eligible": "符合条件",
    "reason": "不符合条件的原因",
    "award": "获奖",
    "recommended": "推荐",
}
SCORE_FIELDS = {"score": "成绩", "correct": "答对", "time_ms": "用时（毫秒）"}
ROSTER_FIELDS = {
    "name": "姓名",
    "center": "中心",
    "window_since": "窗口工作起始日期",
    "window_until": "离开窗口日期",
    "at_window": "目前在窗口工作",
}


@dataclass(frozen=True)
class Change:
    """One field that differs: its label, the value at the freeze and the value now."""

    label: str
    old: object
    new: object


@dataclass(frozen=True)
class RowChange:
    """A person or center whose row differs ("changed"), or who came in ("added") or dropped out ("removed")."""

    kind: str  # people / centers
    scope: str | None
    key: str
    name: str
    status: str
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class InputChange:
    """An input that differs: a score of a contest, a roster entry, a center's roster size, a contest's maximum."""

    kind: str  # score / roster / center / maximum
    where: str  # the contest code, or "" for the roster
    key: str
    name: str
    status: str  # added / removed / changed
    changes: tuple[Change, ...] = ()


@dataclass
class Changes:
    """Everything that differs between the frozen selection and the same selection run now."""

    rows: list[RowChange] = field(default_factory=list)
    inputs: list[InputChange] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        """True when the result and its inputs are as they were (“无变化”)."""
        return not self.rows and not self.inputs


def compare(then: dict, now: dict, inputs_then: dict, inputs_now: dict) -> Changes:
    """The differences between two result documents and their input snapshots (see the module's docstring)."""
    changes = Changes()
    for kind in ("people", "centers"):
        changes.rows += _rows(kind, then.get(kind, []), now.get(kind, []))
    changes.inputs += _maxima(inputs_then.get("contests", {}), inputs_now.get("contests", {}))
    changes.inputs += _scores(inputs_then, inputs_now)
    changes.inputs += _roster(inputs_then.get("roster", {}), inputs_now.get("roster", {}))
    sizes_then, sizes_now = inputs_then.get("centers", {}), inputs_now.get("centers", {})
    for center in sorted(set(sizes_then) | set(sizes_now)):
        old, new = sizes_then.get(center), sizes_now.get(center)
        if old != new:
            changes.inputs.append(
                InputChange("center", "", center, center, _status(old, new), (Change("名单人数", old, new),))
            )
    return changes


def _status(old, new) -> str:
    return "added" if old is None else "removed" if new is None else "changed"


def _fields(old: dict, new: dict, labels: dict[str, str]) -> tuple[Change, ...]:
    return tuple(
        Change(label, old.get(key), new.get(key)) for key, label in labels.items() if old.get(key) != new.get(key)
    )


def _rows(kind: str, then: list[dict], now: list[dict]) -> list[RowChange]:
    def keyed(rows):
        return {(r.get("scope"), r.get("staff_id") or r["name"]): r for r in rows}

    old_rows, new_rows = keyed(then), keyed(now)
    found = []
    for key in [*old_rows, *(k for k in new_rows if k not in old_rows)]:
        old, new = old_rows.get(key), new_rows.get(key)
        row = new or old
        if old is None or new is None:
            found.append(RowChange(kind, key[0], key[1], row["name"], _status(old, new)))
        elif differences := _fields(old, new, ROW_FIELDS):
            found.append(RowChange(kind, key[0], key[1], row["name"], "changed", differences))
    return found


def _maxima(then: dict, now: dict) -> list[InputChange]:
    return [
        InputChange(
            "maximum",
            code,
            code,
            code,
            "changed",
            (Change("满分", then[code].get("maximum"), now[code].get("maximum")),),
        )
        for code in then
        if code in now and then[code].get("maximum") != now[code].get("maximum")
    ]


def _scores(inputs_then: dict, inputs_now: dict) -> list[InputChange]:
    names = {**{k: v.get("name", k) for k, v in inputs_then.get("roster", {}).items()}}
    names.update({k: v.get("name", k) for k, v in inputs_now.get("roster", {}).items()})
    found = []
    then, now = inputs_then.get("contests", {}), inputs_now.get("contests", {})
    for code in [*then, *(c for c in now if c not in then)]:
        old_scores = then.get(code, {}).get("scores", {})
        new_scores = now.get(code, {}).get("scores", {})
        for staff_no in sorted(set(old_scores) | set(new_scores)):
            old, new = old_scores.get(staff_no), new_scores.get(staff_no)
            if old == new:
                continue
            if old is None or new is None:
                differences = (Change("成绩", (old or {}).get("score"), (new or {}).get("score")),)
            else:
                differences = _fields(old, new, SCORE_FIELDS)
            found.append(
                InputChange("score", code, staff_no, names.get(staff_no, staff_no), _status(old, new), differences)
            )
    return found


def _roster(then: dict, now: dict) -> list[InputChange]:
    """Roster entries of people in both snapshots that differ (who came in or left shows among the scores)."""
    found = []
    for staff_no in sorted(set(then) & set(now)):
        if differences := _fields(then[staff_no], now[staff_no], ROSTER_FIELDS):
            found.append(
                InputChange("roster", "", staff_no, now[staff_no].get("name", staff_no), "changed", differences)
            )
    return found
