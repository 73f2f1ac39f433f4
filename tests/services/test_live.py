"""Live contest services with an explicit clock: joining, answering, deadlines, buzzer, risk, pause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizengine.core.live import Phase
from quizengine.formats.contests import read_contest
from quizengine.formats.roster import read_roster
from quizengine.models import Answer, Contest, Press, Score
from quizengine.services import book, live
from quizengine.services.contests import import_contest
from quizengine.services.errors import Refused
from quizengine.services.results import leaderboard
from quizengine.services.roster import import_roster
from quizengine.services.screens import question_payload, reveal_payload, snapshot
from tests.conftest import REPO, store_banks
from tests.services.test_bank_import import EXAMPLE

T0 = datetime(2021, 9, 1, 9, 0, tzinfo=UTC)
CONTEST = """
contest:
  title: 测试竞赛
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


@pytest.fixture
def contest(db, tmp_path):
    """An open contest over the example bank (+2 questions), with the sample roster loaded."""
    bank = tmp_path / "bank.yaml"
    bank.write_text(EXAMPLE.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    store_banks(bank)
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    import_roster(roster)
    path = tmp_path / "contest.yaml"
    path.write_text(CONTEST, encoding="utf-8")
    spec, problems = read_contest(path)
    assert problems == []
    created, problems = import_contest(spec)
    assert problems == []
    live.open_contest(created, None)
    return created


def roster_person(staff_no: str) -> tuple[str, str]:
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    person = next(s for s in roster.staff if s.staff_no == staff_no)
    return person.staff_no, person.name


def join(staff_no: str, token=None):
    staff_id, name = roster_person(staff_no)
    return live.join("test01", staff_id, name, token)


def test_join_checks_the_roster_of_the_contest_groups(contest):
    staff_id, name = roster_person("PTC0101")
    errors = {
        "contest_not_found": ("NOPE", staff_id, name),
        "unknown_staff": ("TEST01", "PTX9999", name),
        "wrong_name": ("TEST01", staff_id, "别人"),
    }
    for code, args in errors.items():
        with pytest.raises(Refused) as caught:
            live.join(*args, None)
        assert caught.value.code == code
    market_id, market_name = roster_person("PTM0101")
    with pytest.raises(Refused, match="unknown_staff"):
        live.join("TEST01", market_id, market_name, None)
    player = live.join("TEST01", staff_id, f" {name} ", None)
    with pytest.raises(Refused, match="already_joined"):
        live.join("TEST01", staff_id, name, None)
    assert live.join("TEST01", staff_id, name, player.token).id == player.id
    assert live.resume(player.token).id == player.id


def test_question_payload_carries_no_answer_key_until_reveal(contest):
    rq = live.next_question(contest, T0)
    payload = question_payload(rq, T0)
    assert set(payload) >= {"stem", "options", "closes_at", "server_now"}
    assert not {"answer", "explanation", "source"} & set(payload)
    assert snapshot(contest, T0)["reveal"] is None
    with pytest.raises(ValueError):
        reveal_payload(rq)


def test_answers_once_after_commit_with_speed_points_and_original_ack_on_retry(db, contest):
    player = join("PTC0101")
    rq = live.next_question(contest, T0)
    ack = live.submit_answer(player.id, rq.id, "A", "k1", T0 + timedelta(seconds=5))
    assert ack == {
        "ok": True,
        "duplicate": False,
        "round_question_id": rq.id,
        "received_at": "2021-09-01T09:00:05.000+00:00",
    }
    retry = live.submit_answer(player.id, rq.id, "B", "k2", T0 + timedelta(seconds=6))
    assert retry["duplicate"] and retry["received_at"] == ack["received_at"]
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    assert db.session.scalar(select(Answer.points)) == 8  # round(10 x (1 - (5 s / 10 s) / 2)) = round(7.5)
    with pytest.raises(Refused, match="invalid_response"):
        live.submit_answer(join("PTC0102").id, rq.id, "E", "k3", T0)


def test_a_resume_before_the_reveal_shows_the_figures_of_the_last_reveal(contest):
    player = join("PTC0101")
    rq = live.next_question(contest, T0)
    live.submit_answer(player.id, rq.id, "A", "k1", T0 + timedelta(seconds=1))  # the right answer
    before = {"score": 0, "correct_total": 0}
    assert {k: snapshot(contest, T0, player)["you"][k] for k in before} == before
    live.close_question(contest, T0 + timedelta(seconds=2))
    assert {k: snapshot(contest, T0, player)["you"][k] for k in before} == before
    live.set_phase(contest, Phase.REVEAL)
    revealed = snapshot(contest, T0, player)
    assert revealed["you"]["score"] > 0 and revealed["you"]["correct_total"] == 1
    assert revealed["reveal"]["you"]["correct"] is True
    # the next question hides only its own answers, not the revealed one's
    second = live.next_question(contest, T0 + timedelta(seconds=30))
    live.submit_answer(player.id, second.id, "A", "k2", T0 + timedelta(seconds=31))
    assert snapshot(contest, T0, player)["you"]["score"] == revealed["you"]["score"]


def test_late_and_not_current_answers_are_refused(contest):
    player = join("PTC0101")
    first = live.next_question(contest, T0)
    with pytest.raises(Refused, match="late"):
        live.submit_answer(player.id, first.id, "A", "k", T0 + timedelta(seconds=11.6))
    ok = live.submit_answer(player.id, first.id, "A", "k", T0 + timedelta(seconds=11.4))  # within the grace
    assert ok["ok"]
    live.close_question(contest, T0 + timedelta(seconds=12))
    live.set_phase(contest, "reveal")
    other = join("PTC0102")
    with pytest.raises(Refused, match="late"):
        live.submit_answer(other.id, first.id, "A", "k", T0 + timedelta(seconds=10.5))  # key is out: nothing more
    second = live.next_question(contest, T0 + timedelta(seconds=20))
    with pytest.raises(Refused, match="not_current"):
        live.submit_answer(other.id, first.id, "A", "k", T0 + timedelta(seconds=21))
    assert live.submit_answer(other.id, second.id, ["A", "B", "C"], "k2", T0 + timedelta(seconds=21))["ok"]


def test_early_close_refuses_answers_after_the_grace(contest):
    player = join("PTC0101")
    rq = live.next_question(contest, T0)
    live.close_question(contest, T0 + timedelta(seconds=3))
    with pytest.raises(Refused, match="late"):
        live.submit_answer(player.id, rq.id, "A", "k", T0 + timedelta(seconds=5))


def test_pause_moves_the_deadline_by_the_pause(contest):
    live.next_question(contest, T0)
    live.pause(contest, T0 + timedelta(seconds=4))
    resumed = live.resume_countdown(contest, T0 + timedelta(seconds=34))
    assert resumed.closes_at == T0 + timedelta(seconds=40)
    assert resumed.opened_at == T0 + timedelta(seconds=30)


def play_to(contest, position: int, now: datetime):
    """Open questions in order until the one at `position` (1-based) is open."""
    for step in range(position):
        if step:
            live.close_question(contest, now)
        rq = live.next_question(contest, now)
    return rq


def test_buzzer_first_press_answers_and_early_press_is_a_false_start(db, contest):
    first, second = join("PTC0101"), join("PTC0102")
    play_to(contest, 4, T0)
    live.close_question(contest, T0)
    upcoming = live.upcoming_question(contest)
    assert live.buzz(second.id, upcoming.id, T0).false_start
    assert db.session.scalar(select(Press.false_start)) is True
    rq = live.next_question(contest, T0 + timedelta(seconds=1))
    assert live.buzz(first.id, rq.id, T0 + timedelta(seconds=2)).first
    assert not live.buzz(second.id, rq.id, T0 + timedelta(seconds=2)).first
    with pytest.raises(Refused, match="not_your_buzz"):
        live.submit_answer(second.id, rq.id, False, "k", T0 + timedelta(seconds=3))
    live.submit_answer(first.id, rq.id, True, "k", T0 + timedelta(seconds=3))  # wrong: the answer is 错
    assert db.session.scalar(select(Answer.points).where(Answer.round_question_id == rq.id)) == -20


def test_risk_stake_is_won_or_lost(db, contest):
    player = join("PTC0101")
    play_to(contest, 5, T0)
    live.close_question(contest, T0)
    upcoming = live.upcoming_question(contest)
    with pytest.raises(Refused, match="invalid_stake"):
        live.choose_stake(player.id, upcoming.id, 20, T0)
    live.choose_stake(player.id, upcoming.id, 30, T0)
    rq = live.next_question(contest, T0 + timedelta(seconds=1))
    live.submit_answer(player.id, rq.id, "B", "k", T0 + timedelta(seconds=2))
    assert db.session.scalar(select(Answer.points).where(Answer.round_question_id == rq.id)) == 30


def test_a_batch_of_joins_is_checked_like_single_ones(db, contest):
    seated, kicked = join("PTC0103"), join("PTC0104")
    live.kick(contest, kicked.id, T0)
    a, b, c, d, market = (roster_person(no) for no in ("PTC0101", "PTC0102", "PTC0103", "PTC0104", "PTM0101"))
    outcomes = live.join_many(
        [
            ("test01", *a, None),
            ("TEST01", *a, None),  # the same person again in the batch: a second phone, without the token
            ("TEST01", b[0].lower(), f" {b[1]} ", None),
            ("TEST01", c[0], c[1], seated.token),  # back with the token: the seat is taken over
            ("TEST01", c[0], c[1], "a-guess"),
            ("TEST01", *d, kicked.token),
            ("TEST01", "PTX9999", "某人", None),
            ("TEST01", a[0], "别人", None),
            ("TEST01", *market, None),  # of another group
            ("NOPE", *a, None),
        ]
    )
    codes = [o.code if isinstance(o, Refused) else "ok" for o in outcomes]
    assert codes == [
        "ok",
        "already_joined",
        "ok",
        "ok",
        "already_joined",
        "kicked",
        "unknown_staff",
        "wrong_name",
        "unknown_staff",
        "contest_not_found",
    ]
    db.session.commit()
    assert outcomes[3].id == seated.id
    assert outcomes[0].id and outcomes[2].id and len({outcomes[0].token, outcomes[2].token, seated.token}) == 3
    assert live.resume(outcomes[0].token).staff.staff_no == "PTC0101"


def test_a_join_storm_costs_the_same_few_queries_whatever_its_size(db, contest):
    from sqlalchemy import event

    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    people = [roster_person(f"PTC0{center}0{n}") for center in range(1, 7) for n in range(1, 7)]
    live.join_many([("TEST01", *person, None) for person in people[:2]])  # loads the contest's groups
    event.listen(engine, "before_cursor_execute", listener)
    try:
        live.join_many([("TEST01", *person, None) for person in people[2:6]])
        small, statements[:] = len(statements), []
        joined = live.join_many([("TEST01", *person, None) for person in people[6:]])
        large = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert not any(isinstance(o, Refused) for o in joined)
    assert large == small <= 6  # staff, seats, savepoint, INSERT, release (the contest is looked up once per batch)


def test_a_batch_of_joins_that_conflicts_seats_one_by_one(db, contest, monkeypatch):
    # Another process seated PTC0102 after this batch looked: the batch's INSERT conflicts.
    other = join("PTC0102")
    monkeypatch.setattr(live, "_seats", lambda pairs: {})
    people = [roster_person(no) for no in ("PTC0101", "PTC0102", "PTC0103")]
    outcomes = live.join_many([("TEST01", *person, None) for person in people] + [("TEST01", *people[2], None)])
    assert [o.code if isinstance(o, Refused) else "ok" for o in outcomes] == [
        "ok",
        "already_joined",
        "ok",
        "already_joined",
    ]
    db.session.commit()
    monkeypatch.undo()
    assert live.join("TEST01", *people[1], other.token).id == other.id


def test_a_batch_of_resumes_finds_each_token_or_says_why_not(db, contest):
    kept, kicked = join("PTC0101"), join("PTC0102")
    live.kick(contest, kicked.id, T0)
    outcomes = live.resume_many([kept.token, "a-guess", kicked.token, "", kept.token])
    assert [o.code if isinstance(o, Refused) else o.id for o in outcomes] == [
        kept.id,
        "invalid_token",
        "kicked",
        "invalid_token",
        kept.id,  # the same phone twice in one batch (a retry): both get the player
    ]
    assert outcomes[0].staff.center.name  # loaded with the player: no query per phone


def test_a_storm_of_resumes_costs_the_same_few_statements_whatever_its_size(db, contest):
    """A hall whose Wi-Fi came back, at the leaderboard: the writer's batch reads the tokens in one query and builds
    the state's common part (and the ranking's version) once (sockets.play._resumes)."""
    from sqlalchemy import event

    from quizengine.sockets.play import _resumes

    players = [join(f"PTC0{center}0{n}") for center in range(1, 5) for n in range(1, 6)]
    rq = live.next_question(contest, T0).id
    live.submit_answers([(p.id, rq, "A", "k", T0 + timedelta(seconds=1)) for p in players])
    db.session.commit()
    live.close_question(contest, T0 + timedelta(seconds=2))
    live.set_phase(contest, Phase.REVEAL)
    live.set_phase(contest, Phase.LEADERBOARD)
    tokens = [(p.token,) for p in players]

    def statements_of(argsets):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        db.session.info["memo"] = {}  # as the writer does for each batch
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            entries = _resumes(argsets)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
            db.session.info.pop("memo")
            db.session.rollback()
        assert all(entry["state"]["you"]["rank"] for entry in entries)
        assert all(entry["state"]["leaderboard"]["people"] for entry in entries)
        return len(statements)

    statements_of(tokens[:1])  # ranks the hall once
    # the tokens; the contest, its question, round and the upcoming one; the ranking's version (six); who answered
    assert statements_of(tokens[1:4]) == statements_of(tokens[4:]) <= 13


def test_kicked_player_cannot_resume_and_leaves_the_board(contest):
    player = join("PTC0101")
    join("PTC0102")
    live.kick(contest, player.id, T0)
    with pytest.raises(Refused, match="kicked"):
        live.resume(player.token)
    assert [p["name"] for p in leaderboard(contest)["people"]] == [roster_person("PTC0102")[1]]


def test_finish_needs_a_closed_question_and_freezes_the_scores(db, contest):
    player = join("PTC0101")
    other = join("PTC0102")
    rq = live.next_question(contest, T0)
    live.submit_answer(player.id, rq.id, "A", "k", T0)
    live.submit_answer(other.id, rq.id, "B", "k", T0)
    with pytest.raises(Refused, match="wrong_phase"):
        live.finish(contest)
    live.close_question(contest, T0)
    live.finish(contest)
    assert db.session.get(Contest, contest.id).status == "finished"
    frozen = db.session.execute(select(Score.player_id, Score.points, Score.rank).order_by(Score.rank)).all()
    assert frozen[0] == (player.id, 10, 1) and frozen[1][1:] == (0, 2)
    # afterwards the wrong answer goes into that person's wrong-answer book, the right one into nobody's
    book.note_contest(contest)
    assert [m.question_key for m in book.book(other.staff, T0)] == [rq.question.key]
    assert book.book(player.staff, T0) == []
    with pytest.raises(Refused, match="contest_not_open"):
        join("PTC0101")


def test_a_question_may_close_early_once_every_joined_player_answered(db, contest):
    from quizengine.services.screens import counts

    first, second = join("PTC0101"), join("PTC0102")
    rq = live.next_question(contest, T0)

    def done():
        tally = counts(contest)
        return live.answering_done(contest, rq, tally["answered"], tally["joined"])

    assert not done()
    live.submit_answer(first.id, rq.id, "A", "k1", T0 + timedelta(seconds=1))
    assert not done()  # one of two
    live.kick(contest, second.id, T0 + timedelta(seconds=2))
    assert done()  # a removed player is not waited for
    contest.settings = {**contest.settings, "close_early": False}
    db.session.commit()
    assert not done()


def test_get_ready_seconds_come_before_the_options_and_the_clock(db, contest):
    contest.settings = {**contest.settings, "ready_seconds": 3}
    db.session.commit()
    player, other = join("PTC0101"), join("PTC0102")
    rq = live.next_question(contest, T0)
    assert (rq.opened_at, rq.closes_at) == (T0 + timedelta(seconds=3), T0 + timedelta(seconds=13))
    early = question_payload(rq, T0 + timedelta(seconds=2.9))
    assert early["ready"] and early["options"] == [] and early["stem"]
    assert snapshot(contest, T0 + timedelta(seconds=1), player)["question"]["options"] == []
    with pytest.raises(Refused, match="not_open_yet"):
        live.submit_answer(player.id, rq.id, "A", "k1", T0 + timedelta(seconds=2.9))
    opened = question_payload(rq, T0 + timedelta(seconds=3))
    assert not opened["ready"] and [key for key, _ in opened["options"]][:2] == ["A", "B"]
    live.submit_answer(player.id, rq.id, "A", "k2", T0 + timedelta(seconds=4))
    assert db.session.scalar(select(Answer.elapsed_ms)) == 1000  # timed from the end of the get-ready seconds
    # a pause during them moves the open as well as the deadline
    live.close_question(contest, T0 + timedelta(seconds=5))
    second = live.next_question(contest, T0 + timedelta(seconds=10))
    live.pause(contest, T0 + timedelta(seconds=11))
    resumed = live.resume_countdown(contest, T0 + timedelta(seconds=21))
    assert resumed.opened_at == T0 + timedelta(seconds=23)
    with pytest.raises(Refused, match="not_open_yet"):
        live.submit_answer(other.id, second.id, "A", "k3", T0 + timedelta(seconds=22))


def test_a_press_in_the_get_ready_seconds_is_a_false_start_and_the_stake_closes_at_the_open(db, contest):
    contest.settings = {**contest.settings, "ready_seconds": 3}
    db.session.commit()
    first = join("PTC0101")
    play_to(contest, 4, T0)
    live.close_question(contest, T0)
    buzzer = live.next_question(contest, T0 + timedelta(seconds=10))
    assert live.buzz(first.id, buzzer.id, T0 + timedelta(seconds=12)).false_start
    assert buzzer.buzz_player_id is None
    assert live.buzz(first.id, buzzer.id, T0 + timedelta(seconds=13)).first
    live.close_question(contest, T0 + timedelta(seconds=14))
    risk = live.next_question(contest, T0 + timedelta(seconds=20))
    assert live.choose_stake(first.id, risk.id, 30, T0 + timedelta(seconds=22)) == 30  # still getting ready
    with pytest.raises(Refused, match="invalid_stake"):
        live.choose_stake(first.id, risk.id, 10, T0 + timedelta(seconds=23))


def test_a_batch_of_answers_is_checked_and_stored_like_single_ones(db, contest):
    first, second, third, kicked = join("PTC0101"), join("PTC0102"), join("PTC0103"), join("PTC0104")
    rq = live.next_question(contest, T0)
    live.submit_answer(third.id, rq.id, "B", "stored", T0 + timedelta(seconds=1))
    live.kick(contest, kicked.id, T0)
    at = T0 + timedelta(seconds=2)
    outcomes = live.submit_answers(
        [
            (first.id, rq.id, "A", "a1", at),
            (first.id, rq.id, "C", "a2", at + timedelta(seconds=1)),  # sent twice: the first one counts
            (second.id, rq.id, "E", "b1", at),  # not an option
            (third.id, rq.id, "A", "c2", at),  # a retry of what is stored
            (kicked.id, rq.id, "A", "d1", at),
            (second.id, rq.id, "B", "b2", at + timedelta(seconds=20)),  # past the deadline and its grace
            (999_999, rq.id, "A", "x", at),
        ]
    )
    assert [o["duplicate"] if isinstance(o, dict) else o.code for o in outcomes] == [
        False,
        True,
        "invalid_response",
        True,
        "kicked",
        "late",
        "not_joined",
    ]
    assert outcomes[1]["received_at"] == outcomes[0]["received_at"] == "2021-09-01T09:00:02.000+00:00"
    assert outcomes[3]["received_at"] == "2021-09-01T09:00:01.000+00:00"
    rows = db.session.execute(select(Answer.player_id, Answer.response).order_by(Answer.player_id)).all()
    assert rows == [(first.id, {"value": "A"}), (third.id, {"value": "B"})]


def test_a_batch_of_answers_costs_the_same_few_statements_whatever_its_size(db, contest):
    from sqlalchemy import event

    players = [join(f"PTC0{center}0{n}").id for center in range(1, 5) for n in range(1, 6)]
    rq = live.next_question(contest, T0).id
    at = T0 + timedelta(seconds=1)
    live.submit_answers([(players[0], rq, "A", "warm", at)])  # reads what the question asks, once
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        lone = live.submit_answers([(players[1], rq, "B", "k", at)])
        one, statements[:] = len(statements), []
        many = live.submit_answers([(p, rq, "A", "k", at) for p in players[2:]])
        several = len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert lone[0]["duplicate"] is False and not any(isinstance(o, Refused) for o in many)
    assert one == several == 5  # players with answers and stakes; questions; SAVEPOINT, INSERT, RELEASE


def test_a_batch_whose_insert_conflicts_falls_back_to_one_by_one(db, contest):
    first, second = join("PTC0101"), join("PTC0102")
    one = live.next_question(contest, T0)
    live.submit_answer(first.id, one.id, "A", "reused", T0 + timedelta(seconds=1))
    live.close_question(contest, T0 + timedelta(seconds=2))
    two = live.next_question(contest, T0 + timedelta(seconds=10))
    at = T0 + timedelta(seconds=11)
    outcomes = live.submit_answers(
        [(second.id, two.id, "A", "s1", at), (first.id, two.id, "A", "reused", at), (first.id, two.id, "B", "r2", at)]
    )
    assert outcomes[0]["duplicate"] is False
    assert outcomes[1].code == outcomes[2].code == "invalid_payload"  # its key was its answer to question one
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.round_question_id == two.id)) == 1
