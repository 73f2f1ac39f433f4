"""The small contests the item analysis tests compute by hand: a live contest and a paper over the example bank."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from quizengine.extensions import db as _db
from quizengine.formats.contests import read_contest
from quizengine.formats.roster import read_roster
from quizengine.models import Attempt, AttemptItem, Player, Staff
from quizengine.services import live
from quizengine.services.contests import import_contest
from quizengine.services.roster import import_roster
from tests.conftest import FIXTURES, REPO, store_banks

T0 = datetime(2021, 9, 1, 9, 0, tzinfo=UTC)
LIVE = """
contest:
  title: 分析测试竞赛
  groups: [community]
  code: TEST01
  ready_seconds: 0
rounds:
  - title: 必答
    kind: mandatory
    time_limit: 10
    questions: [hcp-001, hcp-002, hcp-003, hcp-004]
  - title: 抢答
    kind: buzzer
    points: 20
    time_limit: 10
    questions: [hcp-005]
  - title: 风险
    kind: risk
    stakes: [10, 30]
    time_limit: 10
    questions: [hcp-006]
"""
EXTRA = """
  - {id: hcp-005, type: judge, stem: 抢答题, answer: 错, source: 测试}
  - {id: hcp-006, type: single, stem: 风险题, options: {A: 甲, B: 乙}, answer: B, source: 测试}
"""
PAPER = """
contest:
  title: 分析测试笔试
  groups: [community]
  mode: self_paced
  code: EXAM01
paper:
  opens: 2021-08-15 09:00
  closes: 2021-09-15 18:00
  time_limit: 30
  attempts: 2
  counting: best
  seed: 7
  sections:
    - {title: 单选判断, count: 2, points: 5, types: [single, judge], banks: [haochaping]}
"""
# Two people of each of two centers: 长寿路 (PTC0101, PTC0102) and 曹家渡 (PTC0201, PTC0202).
PEOPLE = ("PTC0101", "PTC0102", "PTC0201", "PTC0202")


def load(tmp_path) -> None:
    """The example bank (+2 untagged questions) and the sample roster."""
    bank = tmp_path / "bank.yaml"
    bank.write_text((FIXTURES / "banks" / "valid_example.yaml").read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    store_banks(bank)
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    import_roster(roster)


def import_open(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    spec, problems = read_contest(path)
    assert problems == []
    contest, problems = import_contest(spec)
    assert problems == []
    live.open_contest(contest, None)
    return contest


def names_by_staff_id() -> dict[str, str]:
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    return {s.staff_no: s.name for s in roster.staff}


def play_live(tmp_path):
    """The live contest, played so its marks are a staircase (see the test below); returns it.

    mandatory: hcp-001 (p1..p3 right), hcp-002 (p1, p2 right; p3 picks A+B only), hcp-003 (p1 right, p2 wrong),
    hcp-004 (asked, nobody answers); buzzer hcp-005 (p4 presses and answers right); risk hcp-006 (open, not closed).
    """
    contest = import_open(tmp_path, "live.yaml", LIVE)
    names = names_by_staff_id()
    p1, p2, p3, p4 = (live.join("TEST01", no, names[no], None) for no in PEOPLE)
    _db.session.commit()
    plan = [
        # (response, seconds after the open) per player; p1 answers slowly, so points are not the marks
        {p1: ("A", 9), p2: ("A", 1), p3: ("A", 0)},
        {p1: (["A", "B", "C"], 1), p2: (["A", "B", "C"], 1), p3: (["A", "B"], 1)},
        {p1: (True, 1), p2: (False, 1)},
        {},
    ]
    at = T0
    for answers in plan:
        rq = live.next_question(contest, at)
        for player, (response, seconds) in answers.items():
            live.submit_answer(player.id, rq.id, response, f"k{rq.id}", at + timedelta(seconds=seconds))
        live.close_question(contest, at + timedelta(seconds=10))
        at += timedelta(minutes=1)
    rq = live.next_question(contest, at)
    assert live.buzz(p4.id, rq.id, at + timedelta(seconds=1)).first
    _db.session.commit()
    live.submit_answer(p4.id, rq.id, False, "buzz", at + timedelta(seconds=2))
    live.close_question(contest, at + timedelta(seconds=10))
    live.next_question(contest, at + timedelta(minutes=1))  # the risk question stays open
    return contest


def sit_paper(tmp_path):
    """The paper, with attempts stored as given (each person's own two questions of 5 points):

    p1: A 5, B 5 (and a worse second attempt: not counted)   p2: A 5, C 0
    p3: B 0, C 5                                              p4: A 0, B 0 (unanswered)
    and PTC0103 with an attempt still open (not counted). A, B, C = hcp-001, hcp-003, hcp-006.
    """
    contest = import_open(tmp_path, "paper.yaml", PAPER)
    pool = {rq.question.key: rq.question for rq in contest.rounds[0].questions}
    a, b, c = pool["hcp-001"], pool["hcp-003"], pool["hcp-006"]
    section = contest.rounds[0].id
    papers = {
        "PTC0101": [[(a, 5), (b, 5)], [(a, 0), (b, 5)]],
        "PTC0102": [[(a, 5), (c, 0)]],
        "PTC0201": [[(b, 0), (c, 5)]],
        "PTC0202": [[(a, None), (b, None)]],
        "PTC0103": [[(a, None), (c, None)]],
    }
    for staff_no, attempts in papers.items():
        staff = _db.session.scalar(select(Staff).where(Staff.staff_no == staff_no))
        player = Player(contest_id=contest.id, staff_id=staff.id, token=secrets.token_urlsafe(24))
        _db.session.add(player)
        _db.session.flush()
        for number, items in enumerate(attempts, start=1):
            still_open = staff_no == "PTC0103"
            start = T0 + timedelta(hours=number)
            attempt = Attempt(
                contest_id=contest.id,
                player_id=player.id,
                number=number,
                seed=number,
                started_at=start,
                deadline=start + timedelta(minutes=30),
                closed_at=None if still_open else start + timedelta(minutes=10),
                closed_by=None if still_open else "submit",
                points=sum(p or 0 for _, p in items),
                correct=sum(1 for _, p in items if p),
                answered=sum(1 for _, p in items if p is not None),
            )
            _db.session.add(attempt)
            _db.session.flush()
            for position, (question, points) in enumerate(items, start=1):
                _db.session.add(
                    AttemptItem(
                        attempt_id=attempt.id,
                        position=position,
                        round_id=section,
                        question_id=question.id,
                        option_order=[],
                        points_value=5,
                        response=None if points is None or still_open else "answered",
                        correct=None if points is None or still_open else points > 0,
                        points=None if still_open else points,
                    )
                )
    _db.session.commit()
    return contest
