"""Blind judging's redaction: longest names first, centers' short forms, what is left after an edit."""

from __future__ import annotations

from quizengine.core.redaction import Piece, Redactor, center_forms, roster_names


def test_a_center_is_also_known_by_its_short_forms_of_at_least_three_characters():
    assert center_forms("长寿路街道社区事务受理服务中心") == ["长寿路街道社区事务受理服务中心", "长寿路街道", "长寿路"]
    assert center_forms("万里街道社区事务受理服务中心") == [
        "万里街道社区事务受理服务中心",
        "万里街道",
    ]  # 万里 alone is a word
    assert center_forms("长征市场监督管理所") == ["长征市场监督管理所"]


def test_the_longest_name_is_replaced_whole_before_a_shorter_one_inside_it():
    names = roster_names(["长寿路街道社区事务受理服务中心"], ["区民政局"], ["何娜刚", " "])
    redactor = Redactor(names)
    text = "长寿路街道社区事务受理服务中心的何娜刚在长寿路街道向区民政局汇报"
    assert redactor.redact(text) == "某中心的某某在某中心向某单位汇报"
    assert redactor.pieces("何娜刚好") == [Piece("某某", "何娜刚"), Piece("好")]


def test_found_lists_the_names_left_in_an_edited_text_once_each():
    redactor = Redactor(roster_names(["长寿路街道社区事务受理服务中心"], [], ["顾涛然"]))
    assert redactor.found("某中心在长寿路，顾涛然和顾涛然") == ["长寿路", "顾涛然"]
    assert redactor.found("某中心") == []
    assert Redactor({}).redact("原文不变") == "原文不变"
