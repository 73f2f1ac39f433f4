"""A live question's "get ready" seconds over a real eventlet server: the stem first, the options at the open."""

from __future__ import annotations

from datetime import datetime

from tests.live import serving
from tests.sockets.clients import Phone, Recorder, signed_in_cookie
from tests.sockets.test_live_contest import ANSWERS, CODE, CONTEST, PASSWORD, contest_id, prepare, roster_people


def test_options_reach_every_screen_at_the_open_and_no_answer_counts_before(tmp_path):
    env = prepare(tmp_path, CONTEST.replace("  ready_seconds: 0\n", "  ready_seconds: 2\n"))
    cid = contest_id(env)
    with serving(tmp_path, env) as base_url:
        host = Recorder(base_url, "/host", headers={"Cookie": signed_in_cookie(base_url, "org1", PASSWORD)})
        phone = Phone(base_url)
        try:
            staff_id, name = roster_people(1)[0]
            assert phone.join(CODE, staff_id, name)["ok"]
            assert host.call("watch", {"contest_id": cid})["ok"]
            rq_id = host.call("next", {"contest_id": cid})["round_question_id"]
            first = phone.wait_for("question")
            assert first["ready"] and first["options"] == [] and first["stem"]
            early = phone.answer(rq_id, ANSWERS["plan-001"].answer[0])
            assert early["error"]["code"] == "not_open_yet"
            opened = phone.wait_for("question", lambda q: not q["ready"], timeout=5)
            assert opened["round_question_id"] == rq_id and len(opened["options"]) >= 2
            # sent at the stored open: the server's own clock says so, within a tick of the loop
            late_by = datetime.fromisoformat(opened["server_now"]) - datetime.fromisoformat(opened["opened_at"])
            assert 0 <= late_by.total_seconds() < 0.3
            assert host.wait_for("question", lambda q: not q["ready"])["options"] == opened["options"]
            ack = phone.answer(rq_id, ANSWERS["plan-001"].answer[0])
            assert ack["ok"] and datetime.fromisoformat(ack["received_at"]) >= datetime.fromisoformat(
                opened["opened_at"]
            )
        finally:
            for client in (host, phone):
                client.close()
