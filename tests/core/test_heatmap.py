"""The center × topic heat map on plain data: cells, blanks, column order, bands."""

from __future__ import annotations

from quizengine.core.heatmap import UNTAGGED, UNTAGGED_LABEL, TopicAnswer, band, build_heatmap
from quizengine.core.learning import Tally

CENTERS = [("第一组", "甲中心"), ("第一组", "乙中心"), ("第二组", "丙中心")]
LABELS = {"law": "法规", "service": "服务规范"}


def test_cells_count_each_topic_of_an_answer_and_leave_unanswered_cells_blank():
    answers = [
        TopicAnswer("甲中心", ("law", "service"), True),
        TopicAnswer("甲中心", ("law",), False),
        TopicAnswer("丙中心", (), True),
        TopicAnswer("外组中心", ("law",), True),  # not a row: left out
    ]
    heatmap = build_heatmap(CENTERS, answers, LABELS)
    assert heatmap.columns == [("law", "法规"), ("service", "服务规范"), (UNTAGGED, UNTAGGED_LABEL)]
    assert heatmap.answers == 3
    first, second = heatmap.groups
    assert [row.center for row in first.rows] == ["甲中心", "乙中心"]
    jia, yi = first.rows
    assert jia.cells == {"law": Tally(2, 1), "service": Tally(1, 1)} and jia.total == Tally(2, 1)
    assert yi.cells == {} and yi.total.accuracy is None
    assert first.cells["law"] == Tally(2, 1)
    assert second.rows[0].cells == {UNTAGGED: Tally(1, 1)}


def test_columns_follow_the_banks_order_then_unknown_tags_by_name():
    answers = [TopicAnswer("甲中心", ("zeta", "service", "alpha", "law"), True)]
    columns = build_heatmap(CENTERS, answers, LABELS).columns
    assert columns == [("law", "法规"), ("service", "服务规范"), ("alpha", "alpha"), ("zeta", "zeta")]


def test_bands_run_from_weakest_to_strongest_and_blank_has_none():
    assert [band(a) for a in (0.0, 0.59, 0.6, 0.75, 0.8, 0.9, 1.0)] == [0, 0, 1, 2, 3, 4, 4]
    assert band(None) is None
