"""Every client event gets the protocol's acknowledgement over a real server: unknown events and huge integers too."""

from __future__ import annotations

import threading

import pytest
import socketio

from tests.live import command_env, run_command, serving
from tests.sockets.clients import Phone, Recorder, signed_in_cookie
from tests.sockets.test_live_contest import roster_people

PASSWORD = "organizer password 1"
HUGE = (2**31, 2**63, 2**64, 10**30)
TIMEOUT = 5  # an event without an acknowledgement fails the test in seconds, not minutes


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A seeded server, a host watching PTG1LIVE, a board on it and one joined phone."""
    folder = tmp_path_factory.mktemp("payloads")
    env = command_env(folder, QUIZ_ASYNC_MODE="eventlet")
    run_command(env, "demo", "--seed-only")
    run_command(env, "user", "create", "org1", "--role", "organizer", "--group", "community", "--password", PASSWORD)
    listing = run_command(env, "contest", "list").stdout
    cid = int(next(line.split()[0] for line in listing.splitlines() if "PTG1LIVE" in line))
    with serving(folder, env) as base_url:
        host = Recorder(base_url, "/host", headers={"Cookie": signed_in_cookie(base_url, "org1", PASSWORD)})
        watched = host.call("watch", {"contest_id": cid})
        board = Recorder(base_url, "/board", auth={"contest_id": cid, "key": watched["board_key"]})
        phone = Phone(base_url)
        joined = phone.join("PTG1LIVE", *roster_people(1)[0])
        assert joined["ok"], joined
        yield {"url": base_url, "cid": cid, "host": host, "board": board, "phone": phone, "player": joined["player"]}
        for client in (host, board, phone):
            client.close()


def code(recorder: Recorder, event: str, data: dict) -> str:
    ack = recorder.call(event, data, timeout=TIMEOUT)
    assert ack["ok"] is False, ack
    return ack["error"]["code"]


def test_host_events_sent_to_play_and_unknown_events_anywhere_are_refused_with_unknown_event(hall):
    cid = hall["cid"]
    for event in ("next", "kick", "finish", "watch", "nonsense"):
        assert code(hall["phone"], event, {"contest_id": cid, "player_id": 1}) == "unknown_event", event
    assert code(hall["host"], "answer", {"round_question_id": 1}) == "unknown_event"
    assert code(hall["host"], "nonsense", {}) == "unknown_event"
    assert code(hall["board"], "next", {"contest_id": cid}) == "unknown_event"
    assert code(hall["board"], "state", {}) == "unknown_event"
    # the phone is still in the game and the host still sees it connected
    assert hall["phone"].call("resume", {"token": hall["phone"].token}, timeout=TIMEOUT)["ok"]


def test_a_client_sent_disconnect_event_does_not_fake_a_disconnect(hall):
    assert code(hall["phone"], "disconnect", {}) == "unknown_event"
    assert code(hall["board"], "connect", {"contest_id": hall["cid"], "key": "x"}) == "unknown_event"
    players = hall["host"].call("watch", {"contest_id": hall["cid"]}, timeout=TIMEOUT)["players"]
    assert next(p for p in players if p["id"] == hall["player"]["id"])["connected"] is True


@pytest.mark.parametrize("huge", HUGE)
def test_integers_beyond_the_columns_are_invalid_payload_on_every_event(hall, huge):
    phone, host, cid = hall["phone"], hall["host"], hall["cid"]
    assert code(phone, "answer", {"round_question_id": huge, "response": "A", "key": "k"}) == "invalid_payload"
    assert code(phone, "buzz", {"round_question_id": huge}) == "invalid_payload"
    assert code(phone, "stake", {"round_question_id": huge, "stake": 10}) == "invalid_payload"
    assert code(phone, "stake", {"round_question_id": 1, "stake": huge}) == "invalid_payload"
    assert code(phone, "stake", {"round_question_id": 1, "stake": -huge - 1}) == "invalid_payload"
    for event in ("watch", "open", "next", "close", "pause", "resume", "reveal", "leaderboard", "finish", "kick"):
        assert code(host, event, {"contest_id": huge, "player_id": 1}) == "invalid_payload", event
    assert code(host, "kick", {"contest_id": cid, "player_id": huge}) == "invalid_payload"
    assert host.call("watch", {"contest_id": cid}, timeout=TIMEOUT)["ok"]  # the host goes on


def board_refusal(base_url: str, auth) -> dict | None:
    """The connect_error a board gets for `auth` (None when it is admitted)."""
    client = socketio.Client(reconnection=False)
    refused: list = []
    arrived = threading.Event()

    def on_error(data=None):
        refused.append(data)
        arrived.set()

    client.on("connect_error", on_error, namespace="/board")
    try:
        client.connect(base_url, auth=auth, namespaces=["/board"], transports=["websocket"], wait_timeout=TIMEOUT)
    except socketio.exceptions.ConnectionError:
        arrived.wait(TIMEOUT)
        return refused[0] if refused else {"message": "no connect_error"}
    finally:
        client.disconnect()
    return None


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        ({"contest_id": 2**64, "key": "x"}, "invalid_payload"),
        ({"contest_id": 2**31, "key": "x"}, "invalid_payload"),
        ({"contest_id": True, "key": "x"}, "invalid_payload"),
        ({"contest_id": "1", "key": "x"}, "invalid_payload"),
        ({"contest_id": 1}, "invalid_payload"),
        (None, "invalid_payload"),
        ({"contest_id": 999999, "key": "x"}, "unauthorized"),
        ({"contest_id": 1, "key": "大屏钥匙"}, "unauthorized"),
    ],
)
def test_a_board_with_a_malformed_or_wrong_auth_is_refused_cleanly(hall, auth, message):
    assert board_refusal(hall["url"], auth) == {"message": message}
