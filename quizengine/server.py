"""Run the app under the configured async mode, sized for a contest hall."""

from __future__ import annotations

import gc
import os

from flask import Flask

from quizengine.extensions import socketio


def urls(host: str, port: int, public: str | None = None) -> dict[str, str]:
    """The addresses to hand to the host desk, the projector and the phones (these: `public`, QUIZ_PUBLIC_URL)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    phones = public or base
    return {
        "概览 overview": f"{base}/",
        "主持台 host console": f"{base}/host/",
        "手机答题 phones": f"{phones}/play/",
        "学习与笔试 staff practice and papers": f"{phones}/learn/",
    }


def serve(app: Flask, host: str, port: int) -> None:
    """Serve until interrupted.

    Under eventlet the listen backlog and the connection cap are raised from
    eventlet's defaults (50 and 1,024), which a join storm of a thousand
    phones would otherwise hit.
    """
    from quizengine.sockets.timers import start_claimer, start_sweeper

    # Open questions that no process watches (left by a stopped server, or by a process that died)
    # are taken over at once and close at their stored deadline; so do self-paced attempts.
    start_claimer(app)
    start_sweeper(app)
    # What is alive now (modules, the app, the mappers) lives as long as the process: keep it out of the
    # cyclic collector's full passes, which otherwise stop every phone for as long as they take.
    gc.collect()
    gc.freeze()
    mode = app.config["ASYNC_MODE"]
    if mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        sock = eventlet.listen((host, port), backlog=app.config["LISTEN_BACKLOG"])
        eventlet.wsgi.server(sock, app, max_size=app.config["MAX_CONNECTIONS"], log_output=False, debug=False)
        return
    # Flask ignores app.run() inside its own CLI unless told this is deliberate.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=(mode == "threading"))
