"""Behind nginx (QUIZ_PROXY_HOPS=1) a phone's socket is counted under its own forwarded address, not nginx's."""

from __future__ import annotations

from tests.live import command_env, run_command, serving
from tests.sockets.clients import Recorder

CODE = "NOSUCH01"


def failed_join(base_url: str, forwarded_for: str, staff_id: str) -> dict:
    phone = Recorder(base_url, "/play", headers={"X-Forwarded-For": forwarded_for})
    try:
        return phone.call("join", {"code": CODE, "staff_id": staff_id, "name": "无此人"})
    finally:
        phone.close()


def test_the_per_address_backstop_counts_each_forwarded_address_apart(tmp_path):
    env = command_env(tmp_path, QUIZ_ASYNC_MODE="eventlet", QUIZ_PROXY_HOPS="1", QUIZ_JOIN_FAILURES_PER_ADDRESS="2")
    run_command(env, "db", "upgrade")
    with serving(tmp_path, env) as base_url:
        for number in range(2):  # two failures from one hall's address use up its backstop
            assert failed_join(base_url, "198.51.100.7", f"X{number}")["error"]["code"] == "contest_not_found"
        assert failed_join(base_url, "198.51.100.7", "X9")["error"]["code"] == "rate_limited"
        other_hall = failed_join(base_url, "203.0.113.9", "X9")
        assert other_hall["error"]["code"] == "contest_not_found"
