"""Stored selections: scope, freezing against later edits, what changed since, reopening, publishing, appeals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizengine.formats.selection import read_selection
from quizengine.models import AuditEvent, Selection, SelectionAppeal
from quizengine.services import announcements, selections
from quizengine.services.contests import contest_by_code
from quizengine.services.errors import Refused
from tests.services.test_selection import SELECTION, setup_contests, store

NOW = datetime(2021, 10, 8, 9, 0, tzinfo=UTC)


def spec_of(tmp_path, text=SELECTION):
    path = tmp_path / "selection.yaml"
    path.write_text(text, encoding="utf-8")
    spec, problems = read_selection(path)
    assert problems == []
    return spec


def saved(tmp_path, text=SELECTION, tie_mode=None, scope=None):
    selection, problems = selections.save_selection(None, text, spec_of(tmp_path, text), tie_mode, scope=scope)
    assert problems == []
    return selection


def test_an_organizer_cannot_keep_a_selection_that_covers_another_groups_people(loaded, tmp_path):
    setup_contests(loaded, tmp_path)
    selection, problems = selections.save_selection(None, SELECTION, spec_of(tmp_path), None, scope={"community"})
    assert selection is None
    outside = "评选包括不由您负责的组：第二组：各街镇市场监督管理所"
    assert [(p.code, p.message) for p in problems] == [("scope", outside)]
    assert loaded.session.scalar(select(func.count(Selection.id))) == 0
    kept = saved(tmp_path, scope={"community", "market"})
    assert kept.groups == ["community", "market"]


def test_a_frozen_selection_keeps_its_result_and_lists_what_changed_since(loaded, tmp_path):
    a, b, c, d, _ = setup_contests(loaded, tmp_path)
    selection = saved(tmp_path)
    spec = spec_of(tmp_path)
    assert selections.freeze(selection, spec, NOW) == []
    frozen = selection.document
    assert [r["staff_id"] for r in frozen["people"] if r["award"]] == [a.staff_no, c.staff_no]
    changes, problems = selections.changes_since(selection, spec)
    assert problems == [] and changes.nothing
    # a leaves the window before the reference date; the BIWU01 sheet is imported again with c's score changed.
    a.window_until, a.at_window = date(2021, 9, 1), False
    loaded.session.commit()
    rows = [[p.staff_no, p.name, s, None, None] for p, s in ((a, 50), (b, 90), (c, 70), (d, 80))]
    store(contest_by_code("BIWU01"), tmp_path, rows)
    loaded.session.expire_all()
    assert loaded.session.get(Selection, selection.id).document == frozen
    changes, _ = selections.changes_since(selection, spec)
    inputs = {(i.kind, i.where, i.key): [(ch.label, ch.old, ch.new) for ch in i.changes] for i in changes.inputs}
    assert inputs[("score", "BIWU01", c.staff_no)] == [("成绩", 60, 70)]
    assert inputs[("roster", "", a.staff_no)] == [
        ("离开窗口日期", None, "2021-09-01"),
        ("目前在窗口工作", True, False),
    ]
    people = {r.key: {ch.label: (ch.old, ch.new) for ch in r.changes} for r in changes.rows if r.kind == "people"}
    assert people[a.staff_no]["符合条件"] == (True, False) and people[a.staff_no]["获奖"] == (True, False)
    assert people[c.staff_no]["总分"] == (64.0, 70.0)
    with pytest.raises(Refused) as refused:
        selections.save_selection(selection, SELECTION, spec, None, scope=None)
    assert refused.value.code == "selection_frozen"


def test_reopening_needs_a_reason_withdraws_the_publication_and_is_audited(loaded, tmp_path):
    setup_contests(loaded, tmp_path)
    selection = saved(tmp_path)
    selections.freeze(selection, spec_of(tmp_path), NOW)
    announcements.publish(selection, NOW + timedelta(days=5), NOW)
    with pytest.raises(Refused) as refused:
        selections.reopen(selection, "  ")
    assert refused.value.code == "reason_required"
    selections.reopen(selection, "名单有误，重新核对")
    assert (selection.frozen_at, selection.document, selection.published_at) == (None, None, None)
    event = loaded.session.scalar(select(AuditEvent).where(AuditEvent.action == "selection.reopen"))
    assert event.detail["reason"] == "名单有误，重新核对" and event.detail["was_published"] is True


def test_appeals_are_taken_once_at_a_time_within_the_window_only(loaded, tmp_path):
    a, b, *_ = setup_contests(loaded, tmp_path)
    selection = saved(tmp_path)
    with pytest.raises(Refused):
        announcements.publish(selection, NOW + timedelta(days=5), NOW)  # not frozen yet
    selections.freeze(selection, spec_of(tmp_path), NOW)
    with pytest.raises(Refused) as refused:
        announcements.publish(selection, NOW - timedelta(minutes=1), NOW)
    assert refused.value.code == "deadline_passed"
    deadline = NOW + timedelta(days=5)
    announcements.publish(selection, deadline, NOW)
    assert announcements.published_for(a) == [selection]
    first = announcements.submit_appeal(selection, b, "  我的工作起始日期应为 2020 年 9 月 1 日  ", NOW)
    assert first.text == "我的工作起始日期应为 2020 年 9 月 1 日"
    for text, code in (("再提一条", "appeal_pending"), ("", "appeal_empty"), ("长" * 1001, "appeal_too_long")):
        with pytest.raises(Refused) as refused:
            announcements.submit_appeal(selection, a if code != "appeal_pending" else b, text, NOW)
        assert refused.value.code == code
    announcements.handle_appeal(first, "已核对名单，起始日期无误", NOW)
    announcements.submit_appeal(selection, b, "再次申请复核", deadline)  # handled: a new one may follow
    with pytest.raises(Refused) as refused:
        announcements.submit_appeal(selection, a, "截止以后", deadline + timedelta(seconds=1))
    assert refused.value.code == "appeal_closed"
    assert loaded.session.scalar(select(func.count(SelectionAppeal.id))) == 2


def test_the_announcement_lists_the_awarded_without_anyones_reasons(loaded, tmp_path):
    a, _, c, *_ = setup_contests(loaded, tmp_path)
    selection = saved(tmp_path)
    selections.freeze(selection, spec_of(tmp_path), NOW)
    people, centers = announcements.announcement(selection.document)
    assert people["title"] == "第一组、第二组 优秀个人"  # the selection covers two of the three groups
    assert [(r["name"], r["recommended"]) for r in people["rows"]] == [(a.name, True), (c.name, True)]
    assert all(set(r) == {"rank", "name", "center", "total", "recommended"} for r in people["rows"] + centers["rows"])
