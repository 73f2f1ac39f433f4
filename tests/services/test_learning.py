"""Practice, the wrong-answer book and the centers' learning report, with an explicit clock."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizengine.core.learning import RECENT_DAYS
from quizengine.models import PracticeAnswer, Question, Staff
from quizengine.models.mapping import to_core
from quizengine.services import book, identity, learning_report, practice
from quizengine.services.errors import Refused

# 2021-08-02 10:00 in Shanghai.
T0 = datetime(2021, 8, 2, 2, 0, tzinfo=UTC)


def person(db, staff_no: str) -> Staff:
    return db.session.scalar(select(Staff).where(Staff.staff_no == staff_no))


def question(db, key: str) -> Question:
    return db.session.scalar(select(Question).where(Question.key == key))


def right(row: Question):
    core = to_core(row)
    if core.kind.value == "judge":
        return core.answer[0] == "true"
    return list(core.answer) if core.kind.value == "multiple" else core.answer[0]


def wrong(row: Question):
    core = to_core(row)
    if core.kind.value == "judge":
        return core.answer[0] != "true"
    if core.kind.value == "fill":
        return "不对"
    other = next(k for k in core.option_keys if k not in core.answer)
    return [other] if core.kind.value == "multiple" else other


def practise(db, staff: Staff, key: str, correct: bool, at: datetime, from_book=False):
    row = question(db, key)
    return practice.answer(
        staff, row.id, right(row) if correct else wrong(row), practice.new_nonce(), at, from_book=from_book
    )


# --- identity and the practice pool -------------------------------------------------------------


def test_identity_is_the_rosters_staff_id_and_name(loaded):
    staff = person(loaded, "PTC0101")
    assert identity.identify(" PTC0101 ", f" {staff.name} ").id == staff.id
    with pytest.raises(Refused) as wrong_name:
        identity.identify("PTC0101", "某某某")
    assert wrong_name.value.code == "wrong_name"
    with pytest.raises(Refused) as unknown:
        identity.identify("NOBODY", staff.name)
    assert unknown.value.code == "unknown_staff"


def test_each_group_practises_its_own_banks(loaded):
    community, market = person(loaded, "PTC0101"), person(loaded, "PTM0101")
    assert {b.key for b in practice.practice_banks(community)} == {"contest-plan", "national-policy", "shanghai-ywtb"}
    assert "market-regulation" in {b.key for b in practice.practice_banks(market)}
    with pytest.raises(Refused) as refused:
        practise(loaded, community, "mkt-001", True, T0)
    assert refused.value.code == "unknown_question"
    pool = practice.practice_pool(community, "contest-plan", "plan-awards", now=T0)
    assert pool and all("plan-awards" in q.tags and q.revision.bank.key == "contest-plan" for q in pool)


def test_practice_offers_unseen_questions_first_then_the_longest_ago(loaded):
    staff = person(loaded, "PTC0101")
    pool = practice.practice_pool(staff, "contest-plan", "plan-awards", now=T0)
    seen = []
    for n in range(len(pool)):
        row = practice.next_question(staff, "contest-plan", "plan-awards", random.Random(n), now=T0)
        assert row.key not in seen
        seen.append(row.key)
        practise(loaded, staff, row.key, True, T0 + timedelta(minutes=n))
    assert practice.next_question(staff, "contest-plan", "plan-awards", now=T0).key == seen[0]


def test_a_resubmitted_practice_answer_is_stored_once(loaded):
    staff = person(loaded, "PTC0101")
    row = question(loaded, "plan-001")
    first = practice.answer(staff, row.id, "B", "same-nonce", T0)
    again = practice.answer(staff, row.id, "A", "same-nonce", T0 + timedelta(seconds=3))
    assert again.id == first.id and again.correct is first.correct
    assert loaded.session.scalar(select(func.count(PracticeAnswer.id))) == 1


def test_an_invalid_practice_response_is_refused_and_not_stored(loaded):
    staff = person(loaded, "PTC0101")
    row = question(loaded, "plan-001")
    for response in (None, "Z", ["A", "B"], 3):
        with pytest.raises(Refused):
            practice.answer(staff, row.id, response, practice.new_nonce(), T0)
    assert loaded.session.scalar(select(func.count(PracticeAnswer.id))) == 0


# --- the wrong-answer book --------------------------------------------------------------------------


def test_the_book_keeps_a_question_until_it_is_answered_right_twice_in_a_row(loaded):
    staff = person(loaded, "PTC0101")
    practise(loaded, staff, "plan-001", False, T0)
    assert [m.question_key for m in book.book(staff, T0)] == ["plan-001"]
    practise(loaded, staff, "plan-001", True, T0 + timedelta(minutes=1), from_book=True)
    practise(loaded, staff, "plan-001", False, T0 + timedelta(minutes=2), from_book=True)  # resets the streak
    practise(loaded, staff, "plan-001", True, T0 + timedelta(minutes=3), from_book=True)
    entry = book.book_entry(staff, "plan-001")
    assert (entry.wrong_count, entry.streak, entry.cleared) == (2, 1, False)
    practise(loaded, staff, "plan-001", True, T0 + timedelta(minutes=4), from_book=True)
    assert book.book(staff, T0 + timedelta(minutes=5)) == []
    assert book.next_from_book(staff, T0 + timedelta(minutes=5)) is None
    practise(loaded, staff, "plan-001", False, T0 + timedelta(minutes=6))  # wrong again: back in the book
    assert [m.question_key for m in book.book(staff, T0 + timedelta(minutes=7))] == ["plan-001"]


def test_right_answers_never_enter_the_book_and_old_mistakes_drop_out(loaded):
    staff = person(loaded, "PTC0101")
    practise(loaded, staff, "plan-002", True, T0)
    practise(loaded, staff, "plan-003", False, T0)
    assert [m.question_key for m in book.book(staff, T0)] == ["plan-003"]
    assert book.book(staff, T0 + timedelta(days=RECENT_DAYS, seconds=1)) == []


def test_retrying_moves_on_to_the_next_mistake(loaded):
    staff = person(loaded, "PTC0101")
    practise(loaded, staff, "plan-001", False, T0)
    practise(loaded, staff, "plan-002", False, T0 + timedelta(minutes=1))
    first = book.next_from_book(staff, T0 + timedelta(minutes=2))
    assert first.key == "plan-001"
    practise(loaded, staff, "plan-001", True, T0 + timedelta(minutes=3), from_book=True)
    assert book.next_from_book(staff, T0 + timedelta(minutes=4), after_key="plan-001").key == "plan-002"


# --- the learning report ----------------------------------------------------------------------------


def test_the_learning_report_counts_people_answers_topics_and_study_sessions(loaded, app):
    staff = list(loaded.session.scalars(select(Staff).where(Staff.staff_no.like("PTC01%")).order_by(Staff.staff_no)))
    center = staff[0].center
    members = [s for s in staff if s.center_id == center.id]
    at_window = [s for s in members if s.at_window]
    needed = -(-len(at_window) // 2)  # half, rounded up
    # day 1: enough people -> a session; day 2: one person short -> not; day 3: enough again
    for day, people in ((0, needed), (1, needed - 1), (2, needed)):
        for n, member in enumerate(at_window[:people]):
            practise(loaded, member, "plan-001", n % 2 == 0, T0 + timedelta(days=day, minutes=n))
    # outside the period: not counted
    practise(loaded, at_window[0], "plan-002", True, T0 + timedelta(days=30))
    reports = learning_report.learning_report(["community"], date(2021, 8, 1), date(2021, 8, 30), 0.5)
    mine = next(r for r in reports if r.center == center.name)
    assert mine.staff_at_window == len(at_window)
    assert mine.sessions == [date(2021, 8, 2), date(2021, 8, 4)] and mine.met
    assert len(mine.learners) == needed and len(mine.practised) == needed
    assert mine.practice_answers == 3 * needed - 1
    tally = mine.topics["plan-basics"]
    assert tally.answered == 3 * needed - 1
    assert tally.correct == sum(-(-people // 2) for people in (needed, needed - 1, needed))
    others = [r for r in reports if r.center != center.name]
    assert others and all(not r.sessions and not r.met and r.practice_answers == 0 for r in others)
    assert {r.group for r in reports} == {center.group.name}


def test_the_report_counts_calendar_days_in_the_configured_time_zone(loaded):
    member = next(s for s in person(loaded, "PTC0101").center.staff if s.at_window)
    # 23:30 and 00:30 Shanghai time are two days, though both fall on one UTC day
    practise(loaded, member, "plan-001", True, datetime(2021, 8, 2, 15, 30, tzinfo=UTC))
    practise(loaded, member, "plan-002", True, datetime(2021, 8, 2, 16, 30, tzinfo=UTC))
    report = next(
        r
        for r in learning_report.learning_report(["community"], date(2021, 8, 1), date(2021, 8, 30), 0.01)
        if r.center == member.center.name
    )
    assert report.sessions == [date(2021, 8, 2), date(2021, 8, 3)]
