"""Socket.IO over a real server: same-origin only, authenticated on connect, size-capped."""

from __future__ import annotations

import pytest
import socketio

from tests.live import command_env, run_command, serving
from tests.sockets.clients import signed_in_cookie as _signed_in_cookie

PASSWORD = "organizer password 1"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A seeded eventlet server with an organizer of group 1."""
    folder = tmp_path_factory.mktemp("socket_server")
    env = command_env(folder, QUIZ_ASYNC_MODE="eventlet")
    run_command(env, "demo", "--seed-only")
    run_command(env, "user", "create", "org1", "--role", "organizer", "--group", "community", "--password", PASSWORD)
    run_command(env, "user", "create", "trainer1", "--role", "trainer", "--password", PASSWORD)
    with serving(folder, env) as base_url:
        yield base_url


def signed_in_cookie(base_url: str, username: str) -> str:
    return _signed_in_cookie(base_url, username, PASSWORD)


def connect(base_url: str, *, cookie: str | None = None, origin: str | None = None, transport: str = "websocket"):
    client = socketio.Client(reconnection=False)
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if origin:
        headers["Origin"] = origin
    try:
        client.connect(base_url, headers=headers, namespaces=["/host"], transports=[transport], wait_timeout=5)
    except socketio.exceptions.ConnectionError:
        if client.eio.http is not None:  # the refused handshake leaves its HTTP session open
            client.eio.http.close()
        raise
    return client


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_foreign_origin_is_refused(server, transport):
    cookie = signed_in_cookie(server, "org1")
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(server, cookie=cookie, origin="http://evil.example", transport=transport)


def test_same_origin_organizer_connects_to_the_host_namespace(server):
    client = connect(server, cookie=signed_in_cookie(server, "org1"))
    try:
        assert client.connected and "/host" in client.namespaces
    finally:
        client.disconnect()


@pytest.mark.parametrize("who", [None, "trainer1"])
def test_host_namespace_refuses_anonymous_and_trainers(server, who):
    cookie = signed_in_cookie(server, who) if who else None
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(server, cookie=cookie)


# When the server drops the connection, python-engineio's client leaves one
# socket unclosed; the warning is contained to this test by the gc fixture.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_oversized_message_closes_the_connection(server):
    client = connect(server, cookie=signed_in_cookie(server, "org1"))
    try:
        client.emit("anything", {"blob": "x" * 30_000}, namespace="/host")
        client.sleep(0.5)
        assert client.connected  # under the 64 KiB cap
        client.emit("anything", {"blob": "x" * 200_000}, namespace="/host")
        client.sleep(1.0)
        assert not client.connected
    finally:
        client.disconnect()


def test_a_cookie_copied_before_logout_opens_no_page_no_download_and_no_host_socket(server):
    import re

    import requests

    cookie = signed_in_cookie(server, "org1")
    headers = {"Cookie": cookie}
    listing = requests.get(f"{server}/admin/contests/", headers=headers, allow_redirects=False)
    contest_id = re.search(r"/admin/contests/(\d+)", listing.text).group(1)
    results = f"{server}/admin/contests/{contest_id}/results.xlsx"
    assert requests.get(results, headers=headers, allow_redirects=False).status_code == 200
    connected = connect(server, cookie=cookie)
    try:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', listing.text).group(1)
        signed_out = requests.post(
            f"{server}/logout", data={"csrf_token": token}, headers=headers, allow_redirects=False
        )
        assert signed_out.status_code == 302
        for path in ("/admin/", "/admin/contests/"):
            assert requests.get(f"{server}{path}", headers=headers, allow_redirects=False).status_code == 302
        assert requests.get(results, headers=headers, allow_redirects=False).status_code == 302
        with pytest.raises(socketio.exceptions.ConnectionError):
            connect(server, cookie=cookie)
        # a host socket opened before the logout can no longer act either
        ack = connected.call("watch", {"contest_id": 1}, namespace="/host", timeout=5)
        assert ack["error"]["code"] == "forbidden"
    finally:
        connected.disconnect()
