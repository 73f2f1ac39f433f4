"""Hostile uploads to a real eventlet server: the hall's other requests are answered all the while.

Before uploads were parsed in a child process, 30 KB of nested brackets held
the server's one event loop for over 30 s (then answered 500), and an xlsx zip
bomb for over 90 s: every page and socket of the hall froze with it.
"""

from __future__ import annotations

import re

import requests

from tests.hostile import flat_yaml, nested_yaml, upload_while_pinging, zip_bomb_xlsx
from tests.live import seeded, serving

# The other requests' worst latency while an upload is parsed. They take a few
# milliseconds on an idle machine; this one is shared and noisy, so the bound is
# generous, and still far below the tens of seconds of a stalled loop.
PING_BOUND_S = 1.0
PARSE_SECONDS = 3


def sign_in(session: requests.Session, url: str, password: str) -> None:
    page = session.get(f"{url}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = session.post(
        f"{url}/login", data={"username": "admin", "password": password, "csrf_token": token}, allow_redirects=False
    )
    assert response.status_code == 302


def test_hostile_uploads_are_refused_while_the_hall_is_served(tmp_path):
    env = seeded(tmp_path)
    env["QUIZ_UPLOAD_PARSE_SECONDS"] = str(PARSE_SECONDS)
    password = (tmp_path / "instance" / "demo-admin-password").read_text().strip()
    with serving(tmp_path, env) as url, requests.Session() as session:
        sign_in(session, url, password)

        deep = upload_while_pinging(session, url, "/admin/banks/", "deep.yaml", nested_yaml(15_000), timeout=60)
        assert deep["status"] == 422
        assert "deep.yaml:1:57" in deep["text"] and "嵌套超过 50 层" in deep["text"]
        assert deep["pings"][-1] < PING_BOUND_S, deep["pings"]

        # Legal and under the size cap, but a minute of pure-Python parsing: the child is stopped at the limit.
        slow = upload_while_pinging(session, url, "/admin/banks/", "flat.yaml", flat_yaml(1.9), timeout=60)
        assert slow["status"] == 422
        assert f"文件过于复杂，无法在 {PARSE_SECONDS} 秒内读完" in slow["text"]
        assert PARSE_SECONDS <= slow["seconds"] < PARSE_SECONDS + 10
        assert len(slow["pings"]) >= 10
        assert slow["pings"][-1] < PING_BOUND_S, slow["pings"]

        bomb = upload_while_pinging(session, url, "/admin/roster/", "bomb.xlsx", zip_bomb_xlsx(100), timeout=60)
        assert bomb["status"] == 422
        assert "压缩比异常" in bomb["text"]
        assert bomb["pings"][-1] < PING_BOUND_S, bomb["pings"]

        contest = upload_while_pinging(
            session, url, "/admin/contests/", "deep.yaml", nested_yaml(15_000, "contest: "), timeout=60
        )
        assert contest["status"] == 422 and "嵌套超过 50 层" in contest["text"]
        assert contest["pings"][-1] < PING_BOUND_S, contest["pings"]
        assert session.get(f"{url}/admin/banks/").status_code == 200
