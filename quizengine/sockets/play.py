"""`/play`: phones join, resume, answer, buzz and stake. Every event is acknowledged.

Every write a phone causes goes through sockets.writer (group commit): the
handler waits for its batch's commit, then acknowledges. No handler holds a
transaction across an emit (sockets.broadcast ends it first).
"""

from __future__ import annotations

from flask import current_app, request, session
from flask_socketio import join_room

from quizengine.core.identity import fold_staff_no
from quizengine.extensions import db
from quizengine.models import Contest, Player
from quizengine.models.types import utcnow
from quizengine.services import live
from quizengine.services.errors import Refused, only
from quizengine.services.screens import snapshot
from quizengine.sockets import presence, tallies
from quizengine.sockets.broadcast import player_room, room, to_everyone
from quizengine.sockets.namespace import GuardedNamespace, arrived_at
from quizengine.sockets.payloads import field, response_value
from quizengine.sockets.ratelimit import join_attempts
from quizengine.sockets.writer import write


def acknowledged(handler):
    """Turn a handler's result or refusal into the protocol's acknowledgement.

    Anything else that goes wrong is logged and acknowledged as `server_error`, so
    a phone retries at once instead of waiting out its whole timeout.
    """

    def wrapped(self, data=None):
        try:
            return {"ok": True, **handler(self, data)}
        except Refused as error:
            db.session.rollback()
            return {"ok": False, "error": error.as_error()}
        except Exception:
            current_app.logger.exception("the %s handler failed", handler.__name__)
            db.session.rollback()
            return {"ok": False, "error": Refused("server_error").as_error()}
        finally:
            db.session.remove()

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


def _entry(player: Player) -> dict:
    """What a phone gets on joining or resuming: its token, who it is, and the contest's state (plain data)."""
    contest = db.session.get(Contest, player.contest_id)
    return {
        "token": player.token,
        "player": {"id": player.id, "name": player.staff.name, "center": player.staff.center.name},
        "state": snapshot(contest, utcnow(), player),
        "contest_id": player.contest_id,
    }


def _join(code: str, staff_id: str, name: str, token: str | None) -> dict:
    """The writer's unit of a join; `_joins` of one."""
    return only(_joins([(code, staff_id, name, token)]))


def _joins(argsets: list[tuple]) -> list[dict | Refused]:
    """All the joins of a writer's batch at once (services.live.join_many): each phone's entry or refusal."""
    players = live.join_many(argsets)
    db.session.flush()
    return _entries(players)


_join.batch = _joins


def _resume(token: str) -> dict:
    """The writer's unit of a resume; `_resumes` of one."""
    return only(_resumes([(token,)]))


def _resumes(argsets: list[tuple]) -> list[dict | Refused]:
    """All the resumes of a writer's batch at once: the tokens in one query, the state's common part built once
    (a hall whose Wi-Fi came back resumes a thousand phones within a second or two)."""
    return _entries(live.resume_many([token for (token,) in argsets]))


def _entries(players: list[Player | Refused]) -> list[dict | Refused]:
    """Each player's entry (`_entry`), each refusal as it is."""
    return [outcome if isinstance(outcome, Refused) else _entry(outcome) for outcome in players]


_resume.batch = _resumes


def _buzz(player_id: int, round_question_id: int, at) -> dict:
    """The writer's unit of a press: what happened, and who pressed (for the `buzzed` broadcast)."""
    pressed = live.buzz(player_id, round_question_id, at)
    staff = db.session.get(Player, player_id).staff
    return {"buzz": pressed, "name": staff.name, "center": staff.center.name}


class PlayNamespace(GuardedNamespace):
    """The phones' namespace (docs/protocol.md)."""

    def _enter(self, entry: dict) -> dict:
        """Seat this socket as the player of `entry` (from `_entry`): session, rooms, presence."""
        player_id, contest_id = entry["player"]["id"], entry.pop("contest_id")
        session["player_id"], session["contest_id"] = player_id, contest_id
        join_room(room(contest_id))
        join_room(player_room(player_id))
        if presence.connected(player_id, request.sid):
            tallies.presence_soon(contest_id, player_id, True)
        return entry

    def on_disconnect(self, reason=None):
        """A phone went away (sleep, network switch, closed tab)."""
        player_id = session.get("player_id")
        if player_id is not None and presence.disconnected(player_id, request.sid):
            tallies.presence_soon(session["contest_id"], player_id, False)

    @acknowledged
    def on_join(self, data):
        """Join with staff id + name (+ token to take over one's own seat)."""
        address, connection = request.remote_addr or "", request.sid
        staff_id = fold_staff_no(field(data, "staff_id", str, max_length=64))
        join_attempts.check(address, staff_id, connection)
        code, name = field(data, "code", str, max_length=16), field(data, "name", str, max_length=100)
        token = field(data, "token", str, required=False)
        try:
            entry = write(_join, code, staff_id, name, token)
        except Refused as error:
            if error.code in ("unknown_staff", "wrong_name", "contest_not_found", "already_joined"):
                join_attempts.fail(address, staff_id, connection)
            raise
        contest_id, player = entry["contest_id"], entry["player"]
        entered = self._enter(entry)
        tallies.joined_soon(contest_id, {"player_id": player["id"], "name": player["name"], "center": player["center"]})
        return entered

    @acknowledged
    def on_resume(self, data):
        """Come back with the token kept in localStorage.

        Through the writer, though it writes nothing: a storm of resumes is then
        read in batches, as a join storm is written in them."""
        return self._enter(write(_resume, field(data, "token", str, max_length=64)))

    def _player_id(self) -> int:
        player_id = session.get("player_id")
        if player_id is None:
            raise Refused("not_joined")
        return player_id

    @acknowledged
    def on_answer(self, data):
        """One answer, acknowledged only after its batch is committed."""
        ack = write(
            live.submit_answer,
            self._player_id(),
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
        player_id, round_question_id = self._player_id(), field(data, "round_question_id", int)
        pressed = write(_buzz, player_id, round_question_id, arrived_at())
        outcome = pressed["buzz"]
        if outcome.false_start:
            raise Refused("false_start")
        if outcome.first:
            buzzed = {
                "round_question_id": round_question_id,
                "player_id": player_id,
                "name": pressed["name"],
                "center": pressed["center"],
            }
            to_everyone(outcome.contest_id, "buzzed", buzzed)
        return {"first": outcome.first}

    @acknowledged
    def on_stake(self, data):
        """Choose a risk question's stake before it opens."""
        player_id, round_question_id = self._player_id(), field(data, "round_question_id", int)
        stake = write(live.choose_stake, player_id, round_question_id, field(data, "stake", int), arrived_at())
        return {"stake": stake}
