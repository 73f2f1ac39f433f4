"""Item analysis from the database, against small contests computed by hand (tests/services/analysis_data.py)."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizengine.extensions import db as _db
from quizengine.formats.contests import read_contest
from quizengine.models import Bank
from quizengine.services import live
from quizengine.services.contests import import_contest
from quizengine.services.item_analysis import bank_analysis, contest_analysis
from tests.services.analysis_data import (
    LIVE,
    PEOPLE,
    T0,
    import_open,
    load,
    names_by_staff_id,
    play_live,
    sit_paper,
)


@pytest.fixture
def played(db, tmp_path):
    """The live contest and the paper, over the example bank."""
    load(tmp_path)
    return play_live(tmp_path), sit_paper(tmp_path)


def by_key(result) -> dict:
    return {row.question.key: row.stats for row in result.rows}


def test_live_marks_are_right_or_wrong_and_leave_buzzer_rounds_and_unclosed_questions_out(played):
    result = contest_analysis(played[0])
    # Marks (p1..p4 by hcp-001..004): 1110, 1100, 1000, 0000 — p4 joined and answered only the buzzer question.
    stats = by_key(result)
    assert list(stats) == ["hcp-001", "hcp-002", "hcp-003", "hcp-004"]
    assert [s.facility for s in stats.values()] == [0.75, 0.5, 0.25, 0.0]
    assert all(s.people == 4 for s in stats.values())
    # hcp-001: marks 1,1,1,0 against the rest 2,1,0,0 (hand-computed in tests/core/test_itemanalysis.py).
    assert stats["hcp-001"].discrimination == pytest.approx(0.25 / math.sqrt(0.25 * 2.75 / 3))
    assert stats["hcp-004"].flags == ("too_hard",)
    # Totals 3,2,1,0 (V = 5/3); item variances 1/4, 1/3, 1/4, 0: alpha = 4/3 x (1 - (5/6) / (5/3)) = 2/3.
    test = result.analysis.test
    assert (test.people, test.mean) == (4, 1.5)
    assert test.alpha == pytest.approx(2 / 3)
    assert test.standard_error == pytest.approx(math.sqrt(1 / 3) * math.sqrt(5 / 3))
    assert result.analysis.warnings == ["只有 4 人作答（少于 30 人），以下统计数字参考意义有限"]
    assert any(reason.startswith("抢答（1 道）：抢答题只有抢到的人作答") for reason in result.left_out)
    assert "1 道：还没有出题或还没有关闭的题不参加分析" in result.left_out


def test_a_paper_analyses_each_question_among_the_people_who_had_it(played):
    result = contest_analysis(played[1])
    stats = by_key(result)
    a, b, c = stats["hcp-001"], stats["hcp-003"], stats["hcp-006"]
    # Counted attempts: p1 10 (A5 B5), p2 5 (A5 C0), p3 5 (B0 C5), p4 0; the open attempt is not counted.
    assert result.analysis.test.people == 4 and result.analysis.test.mean == 5
    # A among p1, p2, p4: marks 5,5,0 of 5; rest 5,0,0: V = 25/3 both, C = 25/6, so P = 0.5.
    assert (a.people, a.facility) == (3, pytest.approx(2 / 3))
    assert a.sd == pytest.approx(math.sqrt(1 / 3))
    assert a.discrimination == pytest.approx(0.5)
    assert (b.people, b.facility) == (3, pytest.approx(1 / 3))
    # C among p2 (0, rest 5) and p3 (5, rest 0): perfectly reversed.
    assert (c.people, c.facility) == (2, 0.5)
    assert c.discrimination == pytest.approx(-1) and "negative_discrimination" in c.flags
    # By position: 5,5 / 5,0 / 0,5 / 0,0 — each slot's variance 25/3, the totals' 50/3: alpha = 2 x (1 - 1) = 0.
    assert result.analysis.test.alpha == pytest.approx(0)
    assert result.analysis.test.standard_error == pytest.approx(math.sqrt(50 / 3))


def test_a_bank_pools_its_questions_over_the_contests_that_used_them(played):
    bank = _db.session.scalar(select(Bank).where(Bank.key == "haochaping"))
    result = bank_analysis(bank)
    assert [(c.code, people) for c, people in result.contests] == [("TEST01", 4), ("EXAM01", 4)]
    items = {item.key: item for item in result.items}
    # hcp-001: 4 people at 75% live, 3 at 2/3 on the paper: (3 + 2) / 7.
    assert items["hcp-001"].pooled.people == 7
    assert items["hcp-001"].pooled.facility == pytest.approx(5 / 7)
    assert [c.code for c, _ in items["hcp-001"].uses] == ["TEST01", "EXAM01"]
    assert items["hcp-006"].pooled.negative_in == ("EXAM01",)
    assert {key: item.flag_texts for key, item in result.flagged.items()} == {
        "hcp-004": ["过难（得分率低于 10%）"],
        "hcp-006": ["区分度为负：成绩较差的人反而答得好，请检查答案"],
    }
    assert "hcp-005" not in items  # only asked in a buzzer round
    assert result.warnings == ["有 5 道题作答人数少于 30 人，这些题的统计数字参考意义有限"]
    assert bank_analysis(bank, {"market"}).contests == []  # another group's organizer sees none of them


def test_a_partly_right_multiple_choice_marks_a_half_where_the_round_gives_half(db, tmp_path):
    load(tmp_path)
    text = LIVE.replace("TEST01", "TEST02").replace("kind: mandatory\n", "kind: mandatory\n    multiple: partial\n")
    contest = import_open(tmp_path, "partial.yaml", text)
    names = names_by_staff_id()
    first, second = (live.join("TEST02", no, names[no], None) for no in PEOPLE[:2])
    _db.session.commit()
    live.next_question(contest, T0)  # hcp-001: not answered
    live.close_question(contest, T0 + timedelta(seconds=10))
    rq = live.next_question(contest, T0 + timedelta(minutes=1))  # hcp-002, the multiple choice A, B, C
    live.submit_answer(first.id, rq.id, ["A", "B", "C"], "a", T0 + timedelta(minutes=1, seconds=1))
    live.submit_answer(second.id, rq.id, ["A", "B"], "b", T0 + timedelta(minutes=1, seconds=1))
    live.close_question(contest, T0 + timedelta(minutes=1, seconds=10))
    stats = by_key(contest_analysis(contest))
    assert stats["hcp-002"].facility == 0.75  # (1 + 0.5) / 2
    assert stats["hcp-001"].facility == 0.0


def test_a_bank_lists_only_opened_contests_as_its_sources(db, tmp_path):
    load(tmp_path)
    path = tmp_path / "draft.yaml"
    path.write_text(LIVE.replace("TEST01", "DRAFT1"), encoding="utf-8")
    spec, _ = read_contest(path)
    import_contest(spec)  # never opened
    bank = _db.session.scalar(select(Bank).where(Bank.key == "haochaping"))
    assert bank_analysis(bank).contests == []
