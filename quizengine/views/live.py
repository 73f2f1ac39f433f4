"""The live contest pages: phone (/play/<code>), host console (/host/<id>) and projector (/board/<id>)."""

from __future__ import annotations

import secrets

import segno
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from quizengine.services.contests import contest_by_code, get_contest, list_contests
from quizengine.views.access import ensure_scope, requires, user_group_keys
from quizengine.views.links import public_url, unreachable

bp = Blueprint("live", __name__)


def join_url(code: str) -> str:
    """The address phones open (what the projector's QR code holds): QUIZ_PUBLIC_URL's when set."""
    return public_url("live.play", code=code)


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI (no network, no JavaScript)."""
    return segno.make(text, error="m").svg_data_uri(scale=8, border=2)


@bp.get("/play/")
def play_entry():
    """Phones: type the join code shown on the projector."""
    code = request.args.get("code", "").strip().upper()
    contest = contest_by_code(code) if code else None
    if contest is not None and contest.mode == "self_paced":
        return redirect(url_for("learn.paper", code=contest.code))
    if contest is not None:
        return render_template("live/play.html", code=code, title=contest.title)
    return render_template("live/play_entry.html", code=code, unknown=bool(code))


@bp.get("/play/<code>")
def play(code: str):
    """The phone page of one contest."""
    contest = contest_by_code(code)
    if contest is None:
        return render_template("live/play_entry.html", code=code.upper(), unknown=True), 404
    if contest.mode == "self_paced":  # a paper is taken on the staff pages, by roster sign-in
        return redirect(url_for("learn.paper", code=contest.code))
    if contest.mode == "judged":  # 岗位比武: judges score on their phones, entrants answer nothing here
        return render_template("live/play_entry.html", code=contest.code, judged=contest)
    return render_template("live/play.html", code=contest.code, title=contest.title)


@bp.get("/host/")
@requires("contest.run")
def host_entry():
    """The contests this user may host."""
    scope = None if current_user.role == "admin" else user_group_keys()
    hosted = [c for c in list_contests(scope) if c.mode == "live"]  # papers have no host console
    return render_template("live/host_entry.html", contests=hosted)


@bp.get("/host/<int:contest_id>")
@requires("contest.run")
def host(contest_id: int):
    """The host console of one contest."""
    contest = get_contest(contest_id)
    if contest is None:
        abort(404)
    ensure_scope("contest.run", {g.key for g in contest.groups})
    if contest.mode in (
        "self_paced",
        "offline",
        "judged",
    ):  # no host console: a paper or a score sheet has its contest page
        return redirect(url_for("admin_contests.show", contest_id=contest.id))
    board_url = url_for("live.board", contest_id=contest.id, key=contest.board_key, _external=True)
    joining = join_url(contest.code)
    return render_template(
        "live/host.html",
        contest=contest,
        join_url=joining,
        unreachable=unreachable(joining),
        board_url=board_url,
        qr=qr_data_uri(joining),
    )


@bp.get("/board/<int:contest_id>")
def board(contest_id: int):
    """The projector board; the link carries the contest's board key."""
    contest = get_contest(contest_id)
    key = request.args.get("key", "")
    if contest is None or not secrets.compare_digest(key, contest.board_key):
        abort(404)
    if contest.mode == "judged":  # 岗位比武: the judges' scores, not the live screens
        return redirect(url_for("judge_contests.board", contest_id=contest.id, key=key))
    joining = join_url(contest.code)
    return render_template(
        "live/board.html",
        contest=contest,
        board_key=key,
        join_url=joining,
        unreachable=unreachable(joining),
        qr=qr_data_uri(joining),
    )
