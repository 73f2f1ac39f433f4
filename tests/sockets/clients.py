"""Real Socket.IO clients for end-to-end tests: phones, a host and a board that record what they receive."""

from __future__ import annotations

import re
import threading
import time
import uuid

import requests
import socketio

RECORDED = (
    "state",
    "question",
    "closed",
    "reveal",
    "result",
    "leaderboard",
    "finished",
    "paused",
    "resumed",
    "buzzed",
    "counts",
    "joined",
    "kicked",
    "presence",
)


class Recorder:
    """A Socket.IO client on one namespace that keeps every event it receives."""

    def __init__(self, base_url: str, namespace: str, *, headers=None, auth=None):
        self.namespace = namespace
        self.events: list[tuple[str, dict]] = []
        self._changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        for name in RECORDED:
            self.client.on(name, self._recorder(name), namespace=namespace)
        self.client.connect(
            base_url,
            headers=headers or {},
            auth=auth,
            namespaces=[namespace],
            transports=["websocket"],
            wait_timeout=10,
        )

    def _recorder(self, name: str):
        def record(data=None):
            with self._changed:
                self.events.append((name, data))
                self._changed.notify_all()

        return record

    def call(self, event: str, data: dict | None = None, timeout: float = 10) -> dict:
        """Emit and wait for the acknowledgement."""
        return self.client.call(event, data or {}, namespace=self.namespace, timeout=timeout)

    def wait_for(self, name: str, predicate=lambda data: True, timeout: float = 15, since: int = 0) -> dict:
        """The first `name` event (from index `since` on) matching `predicate`, waiting for it if needed."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event, data in self.events[since:]:
                    if event == name and predicate(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {name} event on {self.namespace}; got {[e for e, _ in self.events]}")
                self._changed.wait(left)

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()


class Phone(Recorder):
    """A staff member's phone on /play."""

    def __init__(self, base_url: str):
        super().__init__(base_url, "/play")
        self.token: str | None = None

    def join(self, code: str, staff_id: str, name: str) -> dict:
        ack = self.call("join", {"code": code, "staff_id": staff_id, "name": name})
        if ack.get("ok"):
            self.token = ack["token"]
        return ack

    def answer(self, round_question_id: int, response, key: str | None = None) -> dict:
        payload = {"round_question_id": round_question_id, "response": response, "key": key or str(uuid.uuid4())}
        return self.call("answer", payload)


def signed_in_cookie(base_url: str, username: str, password: str) -> str:
    """Sign in through the login form and return the session cookie header."""
    with requests.Session() as session:
        page = session.get(f"{base_url}/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = {"username": username, "password": password, "csrf_token": token}
        response = session.post(f"{base_url}/login", data=data, allow_redirects=False)
        assert response.status_code == 302, response.text[:500]
        return "; ".join(f"{c.name}={c.value}" for c in session.cookies)
