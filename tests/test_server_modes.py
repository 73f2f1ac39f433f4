"""`quizengine serve` under gevent and under threading, with real phones over WebSocket (eventlet, the default, is
served by tests/sockets/test_live_contest.py and the drill test).

Twenty phones join at once and answer; every answer is acknowledged and every acknowledged answer is stored (the
writer). The first question closes as soon as the last phone has answered (its watcher); the second is taken from
its watcher mid-question, as if that watcher's process had died, and the claimer takes it over and closes it at its
deadline. The sweeper and the claimer run all along; neither may log a failure.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from quizengine.drill import instance
from quizengine.drill.hall import choose
from tests.sockets.clients import Phone, Recorder, signed_in_cookie

PHONES = 20
TIME_LIMIT = 5
# The claimer looks every 0.5 s and a watcher ticks every 0.5 s: the deadline is kept within this.
CLOSE_LATE_AT_MOST = 1.0
MODES = [
    pytest.param(
        "gevent",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("gevent") is None,
            reason="gevent is not installed (pip install -e '.[gevent]')",
        ),
    ),
    "threading",
]


def at_once(function, items) -> list:
    """`function` over `items`, each on its own thread, all at the same time."""
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(function, items))


def open_question(host: Recorder, contest_id: int, phones: list[Phone]) -> dict:
    """The host's `next`; the question with its options as every phone got it."""
    ack = host.call("next", {"contest_id": contest_id})
    assert ack["ok"], ack
    rq_id = ack["round_question_id"]
    shown = [p.wait_for("question", lambda q: q["round_question_id"] == rq_id and not q.get("ready")) for p in phones]
    return shown[0]


def answer_all(phones: list[Phone], question: dict) -> list[dict]:
    rq_id = question["round_question_id"]
    return at_once(lambda phone: phone.answer(rq_id, choose(question)), phones)


def closed_on_every_phone(phones: list[Phone], rq_id: int) -> tuple[float, float]:
    """Wait until every phone has `closed` for the question: when the server closed it, and when (at the latest)
    the last phone had it, as timestamps."""
    for phone in phones:
        closed = phone.wait_for("closed", lambda d: d["round_question_id"] == rq_id, timeout=TIME_LIMIT + 10)
    return datetime.fromisoformat(closed["server_now"]).timestamp(), time.time()


def deadline(question: dict) -> float:
    return datetime.fromisoformat(question["closes_at"]).timestamp()


def orphan(database, rq_id: int) -> None:
    """Give the question's lease to a process that has stopped, as if the serving process's watcher had died."""
    with sqlite3.connect(database, timeout=10) as connection:
        connection.execute(
            "UPDATE round_questions SET timer_owner = 'stopped:1:0', timer_lease_until = '2000-01-01 00:00:00' "
            "WHERE id = ?",
            (rq_id,),
        )


def lease_owner(database, rq_id: int) -> str:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT timer_owner FROM round_questions WHERE id = ?", (rq_id,)).fetchone()[0]


@pytest.mark.parametrize("mode", MODES)
def test_twenty_phones_answers_are_stored_and_questions_close_on_time(tmp_path, mode):
    database = tmp_path / "instance" / "quizengine.db"
    with instance.throwaway(tmp_path, PHONES, 2, async_mode=mode, time_limit=TIME_LIMIT, ready_seconds=0) as served:
        cookie = signed_in_cookie(served.url, served.host_user, served.host_password)
        host = Recorder(served.url, "/host", headers={"Cookie": cookie})
        assert host.call("watch", {"contest_id": served.contest_id})["ok"]
        phones = at_once(lambda _: Phone(served.url), range(PHONES))
        pairs = list(zip(phones, served.staff, strict=True))
        try:
            joins = at_once(lambda pair: pair[0].join(served.code, *pair[1]), pairs)
            assert [j["ok"] for j in joins] == [True] * PHONES, joins

            # Everyone answers: the watcher closes the question at once, well before its deadline.
            first = open_question(host, served.contest_id, phones)
            acks = answer_all(phones, first)
            assert [a["ok"] for a in acks] == [True] * PHONES, acks
            _, everywhere = closed_on_every_phone(phones, first["round_question_id"])
            assert everywhere < deadline(first) - 1

            # All but one answer; the watcher "dies"; the claimer takes over and closes it at its deadline.
            second = open_question(host, served.contest_id, phones)
            more = answer_all(phones[1:], second)
            assert [a["ok"] for a in more] == [True] * (PHONES - 1), more
            orphan(database, second["round_question_id"])
            closed, everywhere = closed_on_every_phone(phones, second["round_question_id"])
            assert closed >= deadline(second), "closed before its deadline"
            assert everywhere - deadline(second) <= CLOSE_LATE_AT_MOST, f"{everywhere - deadline(second):.2f} s late"
            assert lease_owner(database, second["round_question_id"]) != "stopped:1:0"
        finally:
            # At once: python-socketio's client waits up to 3 s for the end of a simple-websocket connection.
            at_once(Recorder.close, [host, *phones])
        log = (tmp_path / "server.log").read_text(errors="replace")
    assert instance.stored_answers(tmp_path) == len(acks) + len(more) == 2 * PHONES - 1
    assert "Traceback" not in log and "failed" not in log, log
