"""The floor: a bare Flask-SocketIO + eventlet server doing the drill's socket work in memory, nothing else.

    .venv/bin/python benchmarks/bare_server.py --port 5099 --phones 1000

The same events and payload shapes as quizengine (docs/protocol.md) for what the
drill sends: `join` checks a dict of the drill's synthetic staff and returns a
token and a state; `answer` is stored once per player and question, timed when
its handler runs, and acknowledged with `received_at`; the host's `next`,
`close` and `leaderboard` broadcast to the room. No database, no checks beyond
those, no rate limits: what any Socket.IO server on this machine costs.
Listens on 127.0.0.1 only. Used by benchmarks/side_by_side.py.
"""

from __future__ import annotations

import eventlet
import eventlet.wsgi

eventlet.monkey_patch()

import argparse  # noqa: E402
import secrets  # noqa: E402
import sys  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizengine.drill.instance import CENTERS, CODE, synthetic_staff  # noqa: E402

OPTIONS = [["A", "选项甲"], ["B", "选项乙"], ["C", "选项丙"], ["D", "选项丁"]]
TIME_LIMIT = 30


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def create(phones: int) -> tuple[Flask, SocketIO]:
    app = Flask("bare")
    app.config["SECRET_KEY"] = secrets.token_hex(16)
    socketio = SocketIO(app, async_mode="eventlet", async_handlers=False, max_http_buffer_size=64 * 1024)
    roster = {no: (name, f"演练中心{i % CENTERS:02d}") for i, (no, name) in enumerate(synthetic_staff(phones))}
    hall = {"players": {}, "by_sid": {}, "tokens": {}, "answers": {}, "question": None, "board": None, "scores": {}}

    def state(now: datetime, player_id: int | None = None) -> dict:
        phase = "leaderboard" if hall["board"] else "lobby"
        you = None
        if player_id is not None and hall["board"]:
            you = {"score": hall["scores"].get(player_id, 0), "rank": hall["ranks"].get(player_id)}
        found = {"server_now": iso(now), "contest": {"code": CODE, "status": "open", "phase": phase}, "you": you}
        if hall["board"]:
            found["leaderboard"] = hall["board"]
        return found

    @socketio.on("join", namespace="/play")
    def join(data):
        now = datetime.now(UTC)
        person = roster.get(str(data.get("staff_id", "")).upper())
        if data.get("code") != CODE or person is None or person[0] != data.get("name"):
            return {"ok": False, "error": {"code": "unknown_staff", "message": "名单中没有这个工号"}}
        player_id = len(hall["players"]) + 1
        hall["players"][player_id] = (data["staff_id"], person[0], person[1])
        hall["by_sid"][request.sid] = player_id
        join_room("hall", namespace="/play")
        socketio.emit("joined", {"player_id": player_id, "name": person[0]}, to="screens", namespace="/host")
        player = {"id": player_id, "name": person[0], "center": person[1]}
        token = secrets.token_urlsafe(24)
        hall["tokens"][token] = player_id
        return {"ok": True, "token": token, "player": player, "state": state(now)}

    @socketio.on("resume", namespace="/play")
    def resume(data):
        now = datetime.now(UTC)
        player_id = hall["tokens"].get(str(data.get("token", "")))
        if player_id is None:
            return {"ok": False, "error": {"code": "invalid_token", "message": "请重新加入"}}
        hall["by_sid"][request.sid] = player_id
        join_room("hall", namespace="/play")
        _, name, center = hall["players"][player_id]
        player = {"id": player_id, "name": name, "center": center}
        return {"ok": True, "token": data["token"], "player": player, "state": state(now, player_id)}

    @socketio.on("answer", namespace="/play")
    def answer(data):
        now = datetime.now(UTC)
        player_id, question = hall["by_sid"].get(request.sid), hall["question"]
        if player_id is None or question is None or data.get("round_question_id") != question["round_question_id"]:
            return {"ok": False, "error": {"code": "not_current", "message": "这道题不是当前的题目"}}
        key = (player_id, question["round_question_id"])
        duplicate = key in hall["answers"]
        if not duplicate:
            hall["answers"][key] = (data.get("response"), now, data.get("response") == "A")
        received = hall["answers"][key][1]
        return {"ok": True, "duplicate": duplicate, "round_question_id": key[1], "received_at": iso(received)}

    def host_action(name):
        def handler(data):
            now = datetime.now(UTC)
            if name == "watch":
                join_room("screens", namespace="/host")
                return {"ok": True}
            if name == "next":
                number = (hall["question"] or {"round_question_id": 0})["round_question_id"] + 1
                hall["question"] = {
                    "round_question_id": number,
                    "number": number,
                    "total": 10,
                    "round": {"kind": "mandatory", "title": "演练", "stakes": []},
                    "kind": "single",
                    "stem": "一网通办演练题目" * 4,
                    "options": OPTIONS,
                    "ready": False,
                    "points": 10,
                    "time_limit": TIME_LIMIT,
                    "opened_at": iso(now),
                    "closes_at": iso(now + timedelta(seconds=TIME_LIMIT)),
                    "server_now": iso(now),
                }
                socketio.emit("question", hall["question"], to="hall", namespace="/play")
                return {"ok": True, "round_question_id": number}
            if name == "close":
                payload = {"round_question_id": hall["question"]["round_question_id"], "server_now": iso(now)}
                socketio.emit("closed", payload, to="hall", namespace="/play")
                return {"ok": True}
            if name == "leaderboard":
                scores: dict[int, int] = {}
                for (player_id, _), (_, _, right) in hall["answers"].items():
                    scores[player_id] = scores.get(player_id, 0) + (10 if right else 0)
                order = sorted(hall["players"], key=lambda p: -scores.get(p, 0))
                hall["scores"], hall["ranks"] = scores, {p: n + 1 for n, p in enumerate(order)}
                ranked = order[:10]
                people = [
                    {
                        "rank": n + 1,
                        "name": hall["players"][p][1],
                        "center": hall["players"][p][2],
                        "score": scores.get(p, 0),
                    }
                    for n, p in enumerate(ranked)
                ]
                centers = [{"rank": n + 1, "name": f"演练中心{n:02d}", "score": 0} for n in range(CENTERS)]
                hall["board"] = {"people": people, "centers": centers}
                socketio.emit("leaderboard", hall["board"], to="hall", namespace="/play")
                return {"ok": True}
            return {"ok": False, "error": {"code": "unknown_event", "message": "不支持的操作"}}

        return handler

    for name in ("watch", "next", "close", "leaderboard"):
        socketio.on_event(name, host_action(name), namespace="/host")
    return app, socketio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--phones", type=int, default=1000)
    args = parser.parse_args()
    app, _ = create(max(1, min(args.phones, 5000)))

    @app.get("/")
    def index():
        return "bare"

    # eventlet's defaults (1,024 connections, a listen backlog of 50) would cap the floor, not measure it;
    # `quizengine serve` raises them the same way.
    sock = eventlet.listen(("127.0.0.1", args.port), backlog=4096)
    eventlet.wsgi.server(sock, app, max_size=10_000, log_output=False, debug=False)


if __name__ == "__main__":
    main()
