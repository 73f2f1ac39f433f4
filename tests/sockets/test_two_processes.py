"""Two `quizengine serve` processes on one PostgreSQL database and one Redis queue run one live contest.

Phones are split across both processes and the host is on one: every phone
gets every broadcast, every answer is stored once (a retry through the other
process included), a question closes once, and when the process watching the
open question's deadline is killed (SIGKILL) the other one takes the watch
over and the question still closes on time. Runs where CI provides both
QUIZ_TEST_POSTGRES_URL and QUIZ_TEST_REDIS_URL.
"""

from __future__ import annotations

import contextlib
import os
import time
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text

from quizengine.services.leases import LEASE_SECONDS
from quizengine.sockets.timers import CLAIM_SECONDS, TICK_SECONDS
from tests.cluster import cluster, cluster_env, prepare_contest, scratch_database
from tests.live import run_command
from tests.sockets.clients import Phone, Recorder, signed_in_cookie
from tests.sockets.test_live_contest import ANSWERS, roster_people

POSTGRES_URL = os.environ.get("QUIZ_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("QUIZ_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not (POSTGRES_URL and REDIS_URL), reason="needs QUIZ_TEST_POSTGRES_URL and QUIZ_TEST_REDIS_URL"),
]

PASSWORD = "organizer password 2"
CODE = "TWOPROC1"
CONTEST = f"""
contest:
  title: 双进程测试竞赛
  groups: [community]
  code: {CODE}
  ready_seconds: 0
rounds:
  - title: 必答题
    kind: mandatory
    time_limit: 8
    questions: [plan-001, plan-002]
"""
PHONES_PER_PROCESS = 6
# The surviving process claims within a lease and a look, and then closes within a tick (plus a loaded machine's slack).
TAKEOVER_BOUND = LEASE_SECONDS + CLAIM_SECONDS + 1.0
LATE_BOUND = LEASE_SECONDS + TICK_SECONDS


class TimedPhone(Phone):
    """A phone that also notes when (wall clock) each event arrived."""

    def _recorder(self, name: str):
        record = super()._recorder(name)

        def timed(data=None):
            if isinstance(data, dict):
                data = {**data, "_received": time.time()}
            record(data)

        return timed


def closed_count(phone: Phone, rq_id: int) -> int:
    return sum(1 for name, data in phone.events if name == "closed" and data["round_question_id"] == rq_id)


def everyone_gets(phones, event: str, predicate=lambda data: True, timeout: float = 15) -> list[dict]:
    return [phone.wait_for(event, predicate, timeout=timeout) for phone in phones]


def test_two_processes_run_one_contest_and_survive_the_timer_owner_being_killed(tmp_path):
    with scratch_database(POSTGRES_URL) as database_url:
        env = cluster_env(tmp_path, database_url, REDIS_URL)
        prepare_contest(env, tmp_path, CONTEST)
        run_command(
            env, "user", "create", "org1", "--role", "organizer", "--group", "community", "--password", PASSWORD
        )
        listing = run_command(env, "contest", "list").stdout
        cid = int(next(line.split()[0] for line in listing.splitlines() if CODE in line))
        engine = create_engine(database_url)
        try:
            with cluster(tmp_path, env) as servers:
                run_contest(servers, cid, engine)
        finally:
            engine.dispose()


def run_contest(servers, cid: int, engine) -> None:
    people = roster_people(2 * PHONES_PER_PROCESS)
    by_server = {index: [] for index in range(len(servers))}
    clients = []
    try:
        for number, (staff_id, name) in enumerate(people):
            index = number % len(servers)
            phone = TimedPhone(servers[index].url)
            clients.append(phone)
            assert phone.join(CODE, staff_id, name)["ok"]
            by_server[index].append(phone)
        phones = [phone for group in by_server.values() for phone in group]
        host = Recorder(servers[0].url, "/host", headers={"Cookie": signed_in_cookie(servers[0].url, "org1", PASSWORD)})
        clients.append(host)
        assert host.call("watch", {"contest_id": cid})["ok"]

        # Question 1: everyone answers on their own process; it closes early, once, for every phone.
        rq1 = host.call("next", {"contest_id": cid})["round_question_id"]
        everyone_gets(phones, "question", lambda q: q["round_question_id"] == rq1)
        correct = ANSWERS["plan-001"].answer[0]
        acks = {}
        for number, phone in enumerate(phones):
            acks[number] = phone.answer(rq1, correct, key=f"q1-{number}")
            assert acks[number]["ok"] and not acks[number]["duplicate"], acks[number]
        # The first phone's person retries from a second phone on the other process: the same answer comes back.
        twin = TimedPhone(servers[1].url)
        clients.append(twin)
        first_staff, first_name = people[0]
        assert twin.call("join", {"code": CODE, "staff_id": first_staff, "name": first_name, "token": phones[0].token})[
            "ok"
        ]
        retry = twin.answer(rq1, correct, key="q1-0")
        assert retry["duplicate"] and retry["received_at"] == acks[0]["received_at"]
        everyone_gets(phones, "closed", lambda d: d["round_question_id"] == rq1)
        assert host.call("reveal", {"contest_id": cid})["ok"]
        everyone_gets(phones, "reveal", lambda d: d["round_question_id"] == rq1)
        everyone_gets(phones, "result", lambda d: d["round_question_id"] == rq1 and d["you"]["correct"])
        assert host.call("leaderboard", {"contest_id": cid})["ok"]
        boards = everyone_gets(phones, "leaderboard")
        ranked = sorted(p["score"] for p in boards[0]["people"])
        assert len(ranked) == min(10, len(phones)) and ranked[0] > 0  # everyone right: everyone scored
        assert all(board["people"] == boards[0]["people"] for board in boards)
        assert all(closed_count(phone, rq1) == 1 for phone in phones)

        # Question 2: the process watching its deadline is killed mid-question; the other one closes it on time.
        opened = host.call("next", {"contest_id": cid})
        rq2 = opened["round_question_id"]
        question = everyone_gets(phones, "question", lambda q: q["round_question_id"] == rq2)[0]
        closes_at = datetime.fromisoformat(question["closes_at"]).timestamp()
        owner = wait_for_owner(engine, rq2, lambda found: found is not None)
        doomed = next(i for i, s in enumerate(servers) if owner.split(":")[1] == str(s.process.pid))
        survivor = 1 - doomed
        for number, phone in enumerate(by_server[doomed]):
            assert phone.answer(rq2, "A", key=f"q2-doomed-{number}")["ok"]
        time.sleep(max(0.0, closes_at - 4.0 - time.time()))
        killed_at = time.time()
        servers[doomed].kill()
        new_owner = wait_for_owner(engine, rq2, lambda found: found not in (None, owner), timeout=TAKEOVER_BOUND + 2)
        takeover = time.time() - killed_at
        assert new_owner.split(":")[1] == str(servers[survivor].process.pid)
        answering = by_server[survivor][: PHONES_PER_PROCESS // 2]  # not everyone: no early close
        for number, phone in enumerate(answering):
            assert phone.answer(rq2, "B", key=f"q2-survivor-{number}")["ok"]
        closed = everyone_gets(by_server[survivor], "closed", lambda d: d["round_question_id"] == rq2, timeout=20)
        lateness = max(d["_received"] for d in closed) - closes_at
        print(f"takeover {takeover:.2f} s after SIGKILL; closed reached every phone {lateness:+.2f} s from closes_at")
        assert takeover <= TAKEOVER_BOUND
        assert -0.2 <= lateness <= LATE_BOUND

        if doomed == 0:  # the host's process went down with it: the host signs in again on the other one
            host = Recorder(
                servers[survivor].url,
                "/host",
                headers={"Cookie": signed_in_cookie(servers[survivor].url, "org1", PASSWORD)},
            )
            clients.append(host)
            assert host.call("watch", {"contest_id": cid})["ok"]
        assert host.call("reveal", {"contest_id": cid})["ok"]
        everyone_gets(by_server[survivor], "reveal", lambda d: d["round_question_id"] == rq2)
        assert host.call("leaderboard", {"contest_id": cid})["ok"]
        everyone_gets(by_server[survivor], "leaderboard", lambda d: d is not None, timeout=15)
        assert all(closed_count(phone, rq2) == 1 for phone in by_server[survivor])

        with engine.connect() as connection:
            stored = connection.execute(
                text(
                    "SELECT round_question_id, count(*), count(DISTINCT player_id) FROM answers "
                    "GROUP BY round_question_id ORDER BY round_question_id"
                )
            ).all()
        assert [tuple(row) for row in stored] == [
            (rq1, len(phones), len(phones)),
            (rq2, PHONES_PER_PROCESS + len(answering), PHONES_PER_PROCESS + len(answering)),
        ]
    finally:
        for client in clients:
            with contextlib.suppress(Exception):  # a phone of the killed process is already gone
                client.close()


def wait_for_owner(engine, rq_id: int, predicate, timeout: float = 5.0) -> str | None:
    """The question's `timer_owner`, polled every 50 ms until `predicate` holds."""
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as connection:
            owner = connection.execute(
                text("SELECT timer_owner FROM round_questions WHERE id = :id"), {"id": rq_id}
            ).scalar()
        if predicate(owner):
            return owner
        if time.monotonic() > deadline:
            raise AssertionError(f"the lease of question {rq_id} stayed with {owner!r}")
        time.sleep(0.05)
