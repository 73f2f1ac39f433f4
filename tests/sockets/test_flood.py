"""One phone flooding events must not make the rest of the hall late (a real eventlet server, real clients)."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from datetime import datetime

from tests.live import serving
from tests.sockets.clients import Phone, Recorder, signed_in_cookie
from tests.sockets.test_live_contest import CODE, PASSWORD, contest_id, prepare, roster_people

FLOOD = 5000


def test_a_flooding_phone_is_cut_off_and_the_others_are_answered_on_time(tmp_path):
    env = prepare(tmp_path)
    cid = contest_id(env)
    with serving(tmp_path, env) as base_url:
        host = Recorder(base_url, "/host", headers={"Cookie": signed_in_cookie(base_url, "org1", PASSWORD)})
        people = roster_people(4)
        attacker, *honest = phones = [Phone(base_url) for _ in people]
        try:
            for phone, (staff_id, name) in zip(phones, people, strict=True):
                assert phone.join(CODE, staff_id, name)["ok"]
            assert host.call("watch", {"contest_id": cid})["ok"]
            rq_id = host.call("next", {"contest_id": cid})["round_question_id"]
            opened = honest[0].wait_for("question")["opened_at"]

            def flood():
                for _ in range(FLOOD):
                    payload = {"round_question_id": rq_id, "response": "A", "key": str(uuid.uuid4())}
                    try:
                        attacker.client.emit("answer", payload, namespace="/play")
                    except Exception:  # the server dropped the connection: the flood is over
                        return

            flooder = threading.Thread(target=flood)
            flooder.start()
            time.sleep(0.1)  # the flood is under way
            acks = []
            for phone in honest:
                sent = time.monotonic()
                ack = phone.answer(rq_id, "A")
                acks.append((ack, time.monotonic() - sent))
            flooder.join(timeout=60)
            for ack, waited in acks:
                assert ack["ok"] and not ack["duplicate"], ack
                assert waited < 2.0, f"an honest answer waited {waited:.2f} s behind the flood"
                # timed by the server within the first seconds of a 6 s question, not late
                elapsed = datetime.fromisoformat(ack["received_at"]) - datetime.fromisoformat(opened)
                assert elapsed.total_seconds() < 4
            # the flooding socket was refused and then dropped
            deadline = time.monotonic() + 10
            while attacker.client.connected and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not attacker.client.connected
        finally:
            for client in (host, *phones):
                with contextlib.suppress(Exception):  # the attacker's connection is already gone
                    client.close()


def test_the_budget_bounds_events_in_flight_and_in_a_moment_then_drops():
    from quizengine.sockets.budget import EventBudget

    budget = EventBudget(in_flight=2, rate=2, burst=3, strikes=3)
    assert [budget.enter("s", 0.0) for _ in range(3)] == ["ok", "ok", "refuse"]  # two at once, the third waits
    budget.leave("s")
    assert budget.enter("s", 0.0) == "ok"  # one finished: room for another (the burst's last token)
    budget.leave("s")
    budget.leave("s")
    assert budget.enter("s", 0.0) == "refuse"  # no token left in this moment
    assert budget.enter("s", 0.5) == "ok"  # half a second brings one back
    budget.leave("s")
    assert budget.enter("s", 0.5) == "drop"  # the third refusal
    budget.forget("s")
    assert budget.enter("s", 0.5) == "ok"
