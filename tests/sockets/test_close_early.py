"""A live question closes as soon as every joined player has answered (a real eventlet server, real clients)."""

from __future__ import annotations

import time

from tests.live import serving
from tests.sockets.clients import Phone, Recorder, signed_in_cookie
from tests.sockets.test_live_contest import ANSWERS, CODE, PASSWORD, contest_id, prepare, roster_people


def test_the_question_closes_once_everyone_joined_has_answered(tmp_path):
    env = prepare(tmp_path)
    cid = contest_id(env)
    with serving(tmp_path, env) as base_url:
        host = Recorder(base_url, "/host", headers={"Cookie": signed_in_cookie(base_url, "org1", PASSWORD)})
        phones = [Phone(base_url) for _ in range(2)]
        try:
            for phone, (staff_id, name) in zip(phones, roster_people(2), strict=True):
                assert phone.join(CODE, staff_id, name)["ok"]
            assert host.call("watch", {"contest_id": cid})["ok"]
            opened = time.monotonic()
            rq_id = host.call("next", {"contest_id": cid})["round_question_id"]  # a 6 s question
            phones[0].wait_for("question")
            assert phones[0].answer(rq_id, ANSWERS["plan-001"].answer[0])["ok"]
            time.sleep(1.0)
            assert not any(name == "closed" for name, _ in phones[0].events)  # one of two: still open
            assert phones[1].answer(rq_id, "B")["ok"]
            phones[0].wait_for("closed", lambda d: d["round_question_id"] == rq_id, timeout=5)
            assert time.monotonic() - opened < 4.5  # well before the 6 s deadline
            assert host.call("close", {"contest_id": cid}) == {"ok": True, "already_closed": True}
        finally:
            for client in (host, *phones):
                client.close()
