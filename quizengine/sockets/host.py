"""`/host`: the host console. Organizers (of the contest's groups) and admins only, checked per event."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room  # socket.io's: the message reaches the client

from quizengine.core.access import allowed
from quizengine.core.live import Phase
from quizengine.extensions import db
from quizengine.models import Contest, RoundQuestion
from quizengine.models.types import utcnow
from quizengine.services import live
from quizengine.services.errors import MESSAGES, Refused
from quizengine.services.results import final_figures, leaderboard, podium, results_for_all
from quizengine.services.screens import (
    closed_payload,
    counts,
    players_panel,
    question_payload,
    reveal_payload,
    snapshot,
)
from quizengine.sockets import presence, timers
from quizengine.sockets import ready as ready_later
from quizengine.sockets.broadcast import room, to_everyone, to_player, to_screens
from quizengine.sockets.namespace import GuardedNamespace
from quizengine.sockets.payloads import field
from quizengine.sockets.play import acknowledged
from quizengine.timezone import iso


class HostNamespace(GuardedNamespace):
    """Every action re-checks the signed-in user's right to run this contest."""

    def on_connect(self, auth=None):
        """Authenticate from the signed-in session cookie; refuse everyone else."""
        if not current_user.is_authenticated or not allowed(current_user.role, "contest.run"):
            raise ConnectionRefusedError("unauthorized")

    def _contest(self, data) -> Contest:
        contest = db.session.get(Contest, field(data, "contest_id", int))
        if contest is None:
            raise Refused("invalid_payload", "没有这场竞赛")
        user = current_user._get_current_object()
        if not user.is_authenticated:  # signed out (or disabled) since this socket connected
            raise Refused("forbidden", "登录已失效，请重新登录")
        db.session.refresh(user)
        groups = {g.key for g in contest.groups}
        if not user.is_active or not allowed(user.role, "contest.run", {g.key for g in user.groups}, groups):
            raise Refused("forbidden")
        return contest

    @property
    def _actor(self):
        return current_user._get_current_object()

    @acknowledged
    def on_watch(self, data):
        """Follow a contest: its state, counts and players."""
        contest = self._contest(data)
        join_room(room(contest.id))
        return {
            "state": snapshot(contest, utcnow()),
            "counts": counts(contest),
            "players": players_panel(contest, presence.is_connected),
            "board_key": contest.board_key,
        }

    @acknowledged
    def on_open(self, data):
        """Open the lobby: players may join."""
        contest = self._contest(data)
        live.open_contest(contest, self._actor, request.remote_addr or "")
        to_everyone(contest.id, "state", snapshot(contest, utcnow()))
        return {}

    @acknowledged
    def on_next(self, data):
        """Open the next question and arm its deadline."""
        contest = self._contest(data)
        now = utcnow()
        rq = live.next_question(contest, now, self._actor)
        contest_id, rq_id, ready = contest.id, rq.id, now < rq.opened_at
        to_everyone(contest_id, "question", question_payload(rq, now))
        if ready:
            ready_later.open_when_ready(contest_id, rq_id)
        timers.arm(contest_id)
        return {"round_question_id": rq_id}

    @acknowledged
    def on_close(self, data):
        """Close the open question now (already closed, by its deadline or by everyone answering: nothing to do)."""
        contest = self._contest(data)
        rq = live.close_question(contest, utcnow(), self._actor)
        if rq is None:
            if contest.phase == Phase.CLOSED:
                return {"already_closed": True}
            raise Refused("wrong_phase")
        to_everyone(contest.id, "closed", closed_payload(contest, rq, utcnow()))
        timers.rank_later(contest.id)
        return {}

    @acknowledged
    def on_pause(self, data):
        """Freeze the countdown."""
        contest = self._contest(data)
        now = utcnow()
        live.pause(contest, now, self._actor)
        rq = db.session.get(RoundQuestion, contest.current_id)
        to_everyone(
            contest.id,
            "paused",
            {
                "round_question_id": rq.id,
                "closes_at": iso(rq.closes_at),
                "paused_at": iso(now),
                "server_now": iso(now),
            },
        )
        return {}

    @acknowledged
    def on_resume(self, data):
        """Continue the countdown; the deadline moves by the pause's length."""
        contest = self._contest(data)
        now = utcnow()
        rq = live.resume_countdown(contest, now, self._actor)
        to_everyone(
            contest.id,
            "resumed",
            {
                "round_question_id": rq.id,
                "closes_at": iso(rq.closes_at),
                "opened_at": iso(rq.opened_at),
                "server_now": iso(now),
            },
        )
        return {}

    @acknowledged
    def on_reveal(self, data):
        """Reveal the answer: the common part to all, each player's own result to their phone."""
        contest = self._contest(data)
        live.set_phase(contest, Phase.REVEAL, self._actor)
        rq = db.session.get(RoundQuestion, contest.current_id)
        payload = reveal_payload(rq)
        to_everyone(contest.id, "reveal", payload)
        rq_id = rq.id
        for player_id, result in results_for_all(rq).items():
            to_player(player_id, "result", {"round_question_id": rq_id, "you": result})
        return {}

    @acknowledged
    def on_leaderboard(self, data):
        """Show the standings."""
        contest = self._contest(data)
        live.set_phase(contest, Phase.LEADERBOARD, self._actor)
        to_everyone(contest.id, "leaderboard", leaderboard(contest))
        return {}

    @acknowledged
    def on_finish(self, data):
        """End the contest and show the podium."""
        contest = self._contest(data)
        live.finish(contest, self._actor, request.remote_addr or "")
        places = podium(contest)
        to_screens(contest.id, "finished", {"podium": places})
        for player_id, figures in final_figures(contest).items():
            to_player(player_id, "finished", {"podium": places, "you": figures})
        timers.book_answers_later(contest.id)
        return {}

    @acknowledged
    def on_kick(self, data):
        """Remove a player."""
        contest = self._contest(data)
        player = live.kick(contest, field(data, "player_id", int), utcnow(), self._actor, request.remote_addr or "")
        to_player(player.id, "kicked", {"message": MESSAGES["kicked"]})
        to_screens(contest.id, "counts", counts(contest))
        return {}
