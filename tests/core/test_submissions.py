"""Deadlines of requirements: on time, late, missing; the time left; the contest plan's defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quizengine.core.submissions import plan_requirements, standing, time_left

DUE = datetime(2021, 9, 30, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai


def test_a_submission_by_the_deadline_is_on_time():
    result = standing(DUE, [DUE - timedelta(days=2)], now=DUE + timedelta(days=5))
    assert (result.state, result.label, result.submitted_at, result.count) == (
        "on_time",
        "已报送",
        DUE - timedelta(days=2),
        1,
    )


def test_a_submission_at_the_very_deadline_is_on_time():
    assert standing(DUE, [DUE], now=DUE).state == "on_time"


def test_a_submission_after_the_deadline_is_late_with_its_time():
    late = DUE + timedelta(minutes=1)
    result = standing(DUE, [late], now=late)
    assert (result.state, result.label, result.submitted_at) == ("late", "逾期报送", late)


def test_the_first_of_several_cases_decides_and_all_are_counted():
    result = standing(DUE, [DUE + timedelta(days=1), DUE - timedelta(days=1)], now=DUE + timedelta(days=2))
    assert (result.state, result.count) == ("on_time", 2)


def test_nothing_handed_in_is_missing_and_overdue_only_after_the_deadline():
    before, after = standing(DUE, [], now=DUE - timedelta(hours=1)), standing(DUE, [], now=DUE + timedelta(hours=1))
    assert (before.state, before.label, before.overdue) == ("missing", "未报送", False)
    assert (after.state, after.overdue) == ("missing", True)


def test_time_left_is_said_in_days_hours_or_minutes():
    assert time_left(DUE, DUE - timedelta(days=3, hours=4, minutes=5)) == "剩余 3 天 4 小时"
    assert time_left(DUE, DUE - timedelta(hours=2, minutes=30)) == "剩余 2 小时 30 分钟"
    assert time_left(DUE, DUE - timedelta(seconds=20)) == "剩余 1 分钟"
    assert time_left(DUE, DUE) == "已截止"


def test_the_plan_asks_for_study_by_august_30_and_skills_and_cases_by_september_30():
    planned = [(p.kind, p.title, p.due_local.isoformat(), p.multiple) for p in plan_requirements(2021)]
    assert planned == [
        ("study_plan", "2021年学习方案", "2021-08-30T23:59:00", False),
        ("study_results", "2021年学习实施结果", "2021-08-30T23:59:00", False),
        ("skill_plan", "2021年技能比拼实施方案", "2021-09-30T23:59:00", False),
        ("skill_results", "2021年技能比拼落实情况", "2021-09-30T23:59:00", False),
        ("case", "2021年工作案例", "2021-09-30T23:59:00", True),
    ]


def test_text_loses_the_control_characters_a_word_document_cannot_hold():
    from quizengine.core.submissions import clean_text

    assert clean_text("第一段\r\n第二\x0b段\x00\t完") == "第一段\n第二段\t完"
