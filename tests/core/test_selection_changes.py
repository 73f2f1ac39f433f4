"""What changed since a freeze: result rows and inputs compared field by field."""

from __future__ import annotations

import copy

from quizengine.core.selection_changes import compare


def row(staff_id, total, rank, award, eligible=True, reason="", scope=None):
    return {
        "staff_id": staff_id,
        "name": f"姓名{staff_id}",
        "scope": scope,
        "total": total,
        "rank": rank,
        "eligible": eligible,
        "reason": reason,
        "award": award,
        "recommended": award,
    }


DOCUMENT = {"people": [row("P1", 90.0, 1, True), row("P2", 80.0, 2, False)], "centers": []}
INPUTS = {
    "contests": {"A1": {"maximum": 100, "scores": {"P1": {"score": 90, "correct": 9, "time_ms": 1000}}}},
    "roster": {"P1": {"name": "姓名P1", "center": "甲中心", "window_since": "2018-01-01", "window_until": None}},
    "centers": {"甲中心": 5},
}


def test_the_same_result_and_inputs_are_no_change():
    assert compare(DOCUMENT, copy.deepcopy(DOCUMENT), INPUTS, copy.deepcopy(INPUTS)).nothing


def test_changed_rows_list_each_field_and_entrants_who_came_in_or_left():
    now = {"people": [row("P1", 70.0, 2, False, False, "已离开窗口"), row("P3", 75.0, 1, True)], "centers": []}
    changes = compare(DOCUMENT, now, INPUTS, INPUTS)
    found = {(r.key, r.status): [(c.label, c.old, c.new) for c in r.changes] for r in changes.rows}
    assert found == {
        ("P1", "changed"): [
            ("总分", 90.0, 70.0),
            ("名次", 1, 2),
            ("符合条件", True, False),
            ("不符合条件的原因", "", "已离开窗口"),
            ("获奖", True, False),
            ("推荐", True, False),
        ],
        ("P2", "removed"): [],
        ("P3", "added"): [],
    }
    assert not changes.inputs


def test_a_score_is_compared_as_a_number_whatever_else_stayed_the_same():
    now = copy.deepcopy(INPUTS)
    now["contests"]["A1"]["scores"]["P1"]["score"] = 85  # a re-scored question: same count of answers
    now["contests"]["A1"]["scores"]["P2"] = {"score": 10, "correct": 1, "time_ms": 0}
    now["roster"]["P1"]["window_until"] = "2021-09-01"
    now["centers"]["甲中心"] = 6
    changes = compare(DOCUMENT, DOCUMENT, INPUTS, now)
    found = [(i.kind, i.where, i.key, i.status, [(c.label, c.old, c.new) for c in i.changes]) for i in changes.inputs]
    assert found == [
        ("score", "A1", "P1", "changed", [("成绩", 90, 85)]),
        ("score", "A1", "P2", "added", [("成绩", None, 10)]),
        ("roster", "", "P1", "changed", [("离开窗口日期", None, "2021-09-01")]),
        ("center", "", "甲中心", "changed", [("名单人数", 5, 6)]),
    ]
    assert not changes.rows and not changes.nothing
