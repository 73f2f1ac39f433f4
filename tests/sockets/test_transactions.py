"""No emit while the emitting thread holds a database transaction, anywhere in a live contest.

SQLite transactions here hold the write lock from their BEGIN, and with a
message queue an emit is a network write that yields: a transaction left open
across it stalled every other join of the process. Every emit of a whole
contest (joins, answers, buzzer, stakes, pause, reveal, kick, finish, the
deadline watcher, the counts) is checked, in process, with Flask-SocketIO's
test clients.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizengine.extensions import db, socketio
from quizengine.models import Answer, Contest, Player, Question, RoundQuestion
from quizengine.sockets import tasks
from quizengine.sockets.broadcast import to_screens
from tests.conftest import PASSWORD, login
from tests.services.test_bank_import import EXAMPLE
from tests.services.test_live import CONTEST, EXTRA, roster_person

STAFF = ("PTC0101", "PTC0102", "PTC0103")


@pytest.fixture
def emits(monkeypatch):
    """Every emit of the test, with whether its thread's session was inside a transaction."""
    seen: list[tuple[str, bool]] = []
    original = socketio.emit

    def checked(event, *args, **kwargs):
        seen.append((event, db.session().in_transaction()))
        return original(event, *args, **kwargs)

    monkeypatch.setattr(socketio, "emit", checked)
    return seen


@pytest.fixture
def live_contest(app, accounts, tmp_path):
    """TEST01 opened, its bank and roster stored; returns (contest id, board key, {round question id: answer})."""
    from quizengine.formats.contests import read_contest
    from quizengine.formats.roster import read_roster
    from quizengine.services import live
    from quizengine.services.contests import import_contest
    from quizengine.services.roster import import_roster
    from tests.conftest import REPO, store_banks

    with app.app_context():
        bank = tmp_path / "bank.yaml"
        bank.write_text(EXAMPLE.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
        store_banks(bank)
        roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
        import_roster(roster)
        path = tmp_path / "contest.yaml"
        path.write_text(CONTEST, encoding="utf-8")
        spec, _ = read_contest(path)
        created, problems = import_contest(spec)
        assert problems == []
        live.open_contest(created, None)
        answers = dict(
            db.session.execute(
                select(RoundQuestion.id, Question.answer).join(Question, RoundQuestion.question_id == Question.id)
            ).all()
        )
        found = created.id, created.board_key, {rq_id: answer[0] for rq_id, answer in answers.items()}
        db.session.remove()
    return found


def acked(client, event, data, namespace):
    reply = client.emit(event, data, callback=True, namespace=namespace)
    assert reply["ok"], (event, reply)
    return reply


def test_a_whole_contest_emits_nothing_inside_a_transaction(app, accounts, live_contest, emits):
    contest_id, board_key, answers = live_contest
    web = app.test_client()
    login(web, "org1", PASSWORD)
    host = socketio.test_client(app, namespace="/host", flask_test_client=web)
    board = socketio.test_client(app, namespace="/board", auth={"contest_id": contest_id, "key": board_key})
    phones = [socketio.test_client(app, namespace="/play") for _ in STAFF]
    for phone, staff_no in zip(phones, STAFF, strict=True):
        staff_id, name = roster_person(staff_no)
        acked(phone, "join", {"code": "TEST01", "staff_id": staff_id, "name": name}, "/play")
    ids = {"contest_id": contest_id}
    acked(host, "watch", ids, "/host")

    def question(action=None):
        rq_id = acked(host, "next", ids, "/host")["round_question_id"]
        if action:
            action(rq_id)
        acked(host, "close", ids, "/host")
        acked(host, "reveal", ids, "/host")
        acked(host, "leaderboard", ids, "/host")
        return rq_id

    def everyone_answers(rq_id):
        for phone in phones:
            acked(
                phone, "answer", {"round_question_id": rq_id, "response": answers[rq_id], "key": f"k{rq_id}"}, "/play"
            )

    def paused(rq_id):
        acked(host, "pause", ids, "/host")
        acked(host, "resume", ids, "/host")
        everyone_answers(rq_id)

    question(everyone_answers)
    question(paused)
    question()
    question()
    # the buzzer: a false start before it opens, then the first press answers
    upcoming = max(answers) - 1
    early = phones[1].emit("buzz", {"round_question_id": upcoming}, callback=True, namespace="/play")
    assert early["error"]["code"] == "false_start"

    def buzzer(rq_id):
        assert acked(phones[0], "buzz", {"round_question_id": rq_id}, "/play")["first"]
        acked(phones[0], "answer", {"round_question_id": rq_id, "response": answers[rq_id], "key": "b"}, "/play")

    question(buzzer)
    acked(phones[2], "stake", {"round_question_id": max(answers), "stake": 30}, "/play")
    question(everyone_answers)
    with app.app_context():
        kicked = db.session.scalar(select(Player.id).order_by(Player.id.desc()))
    acked(host, "kick", {**ids, "player_id": kicked}, "/host")
    phones[1].disconnect(namespace="/play")
    acked(host, "finish", ids, "/host")

    with app.app_context():
        assert db.session.get(Contest, contest_id).status == "finished"
        assert len(db.session.scalars(select(Answer)).all()) == 3 + 3 + 1 + 3
    # The deadline watchers and the batched `joined`/`presence`/`counts` (every half second) end in the background.
    assert tasks.wait_idle(5)
    names = {event for event, _ in emits}
    assert {"joined", "question", "paused", "resumed", "closed", "reveal", "result", "leaderboard"} <= names
    assert {"buzzed", "kicked", "presence", "finished", "counts", "state"} <= names
    assert [event for event, inside in emits if inside] == []
    for client, namespace in ((host, "/host"), (board, "/board"), (phones[0], "/play"), (phones[2], "/play")):
        if client.is_connected(namespace):
            client.disconnect(namespace=namespace)


def test_an_emit_after_an_uncommitted_write_is_refused_and_a_read_transaction_is_ended(app, live_contest):
    contest_id, _, _ = live_contest
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        assert db.session().in_transaction()  # the read began one
        to_screens(contest_id, "counts", {"joined": 0})
        assert not db.session().in_transaction()
        contest = db.session.get(Contest, contest_id)
        contest.title = "改了但没有提交"
        db.session.flush()
        with pytest.raises(RuntimeError, match="write transaction"):
            to_screens(contest_id, "counts", {"joined": 0})
        db.session.rollback()


def test_an_unexpected_failure_is_acknowledged_as_server_error(app, monkeypatch):
    from quizengine.services import live

    def broken(tokens):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(live, "resume_many", broken)
    phone = socketio.test_client(app, namespace="/play")
    ack = phone.emit("resume", {"token": "x"}, callback=True, namespace="/play")
    assert ack == {"ok": False, "error": {"code": "server_error", "message": "服务器出错，请重试"}}
    phone.disconnect(namespace="/play")
