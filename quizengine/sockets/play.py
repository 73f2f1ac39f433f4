"""`/play`: phones join, resume, answer, buzz and stake. Every event is acknowledged."""

from __future__ import annotations

from flask import request, session
from flask_socketio import join_room

from quizengine.core.identity import fold_staff_no
from quizengine.extensions import db
from quizengine.models import Contest, Player
from quizengine.models.types import utcnow
from quizengine.services import live
from quizengine.services.errors import Refused
from quizengine.services.screens import counts, snapshot
from quizengine.sockets import presence
from quizengine.sockets.broadcast import player_room, room, to_everyone, to_screens
from quizengine.sockets.namespace import GuardedNamespace, arrived_at
from quizengine.sockets.payloads import field, response_value
from quizengine.sockets.ratelimit import join_attempts


def acknowledged(handler):
    """Turn a handler's result or refusal into the protocol's acknowledgement."""

    def wrapped(self, data=None):
        try:
            return {"ok": True, **handler(self, data)}
        except Refused as error:
            db.session.rollback()
            return {"ok": False, "error": error.as_error()}
        finally:
            db.session.remove()

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


class PlayNamespace(GuardedNamespace):
    """The phones' namespace (docs/protocol.md)."""

    def _enter(self, player) -> dict:
        session["player_id"] = player.id
        join_room(room(player.contest_id))
        join_room(player_room(player.id))
        if presence.connected(player.id, request.sid):
            to_screens(player.contest_id, "presence", {"player_id": player.id, "connected": True})
        contest = db.session.get(Contest, player.contest_id)
        player_info = {"id": player.id, "name": player.staff.name, "center": player.staff.center.name}
        return {"token": player.token, "player": player_info, "state": snapshot(contest, utcnow(), player)}

    def on_disconnect(self, reason=None):
        """A phone went away (sleep, network switch, closed tab)."""
        player_id = session.get("player_id")
        if player_id is not None and presence.disconnected(player_id, request.sid):
            player = db.session.get(Player, player_id)
            if player is not None:
                to_screens(player.contest_id, "presence", {"player_id": player_id, "connected": False})
            db.session.remove()

    @acknowledged
    def on_join(self, data):
        """Join with staff id + name (+ token to take over one's own seat)."""
        address, connection = request.remote_addr or "", request.sid
        staff_id = fold_staff_no(field(data, "staff_id", str, max_length=64))
        join_attempts.check(address, staff_id, connection)
        try:
            player = live.join(
                field(data, "code", str, max_length=16),
                staff_id,
                field(data, "name", str, max_length=100),
                field(data, "token", str, required=False),
            )
        except Refused as error:
            if error.code in ("unknown_staff", "wrong_name", "contest_not_found", "already_joined"):
                join_attempts.fail(address, staff_id, connection)
            raise
        entered = self._enter(player)
        to_screens(player.contest_id, "counts", counts(db.session.get(Contest, player.contest_id)))
        to_screens(
            player.contest_id,
            "joined",
            {"player_id": player.id, "name": entered["player"]["name"], "center": entered["player"]["center"]},
        )
        return entered

    @acknowledged
    def on_resume(self, data):
        """Come back with the token kept in localStorage."""
        return self._enter(live.resume(field(data, "token", str)))

    def _player(self):
        player_id = session.get("player_id")
        if player_id is None:
            raise Refused("not_joined")
        return live.live_player(player_id)

    @acknowledged
    def on_answer(self, data):
        """One answer, acknowledged only after it is committed."""
        player = self._player()
        ack = live.submit_answer(
            player,
            field(data, "round_question_id", int),
            response_value(data),
            field(data, "key", str, max_length=64),
            arrived_at(),
        )
        ack.pop("ok")
        return ack

    @acknowledged
    def on_buzz(self, data):
        """Press the buzzer."""
        player = self._player()
        round_question_id = field(data, "round_question_id", int)
        first = live.buzz(player, round_question_id, arrived_at())
        if first:
            buzzed = {
                "round_question_id": round_question_id,
                "player_id": player.id,
                "name": player.staff.name,
                "center": player.staff.center.name,
            }
            to_everyone(player.contest_id, "buzzed", buzzed)
        return {"first": first}

    @acknowledged
    def on_stake(self, data):
        """Choose a risk question's stake before it opens."""
        player = self._player()
        return {"stake": live.choose_stake(player, field(data, "round_question_id", int), field(data, "stake", int))}
