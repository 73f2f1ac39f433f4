"""Run the app under the configured async mode, sized for a contest hall."""

from __future__ import annotations

import gc

from flask import Flask


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
    """Serve until interrupted, with the listen backlog (QUIZ_LISTEN_BACKLOG) a hall's join storm needs.

    eventlet's defaults (a backlog of 50, 1,024 connections) would refuse a
    thousand phones joining at once, and gevent's and Werkzeug's backlog is
    128; each server here gets the configured backlog, and eventlet and gevent
    the connection cap (QUIZ_MAX_CONNECTIONS). Under threading Werkzeug's
    threaded server runs every connection on its own thread, without a cap.
    """
    from quizengine.sockets import quiet
    from quizengine.sockets.timers import start_claimer, start_sweeper

    # What is alive now (modules, the app, the mappers) lives as long as the process: keep it out of the
    # cyclic collector's full passes, which otherwise stop every phone for as long as they take.
    gc.collect()
    gc.freeze()
    # What comes alive later (a hall of sockets) is collected in full at quiet moments, not mid-question, and
    # SQLite's log is checkpointed then too: before any task opens a connection (under threading, adding the
    # engine's connect listener while another thread connects would break that connect).
    quiet.start(app)
    # Open questions that no process watches (left by a stopped server, or by a process that died)
    # are taken over at once and close at their stored deadline; so do self-paced attempts.
    start_claimer(app)
    start_sweeper(app)
    mode, backlog, cap = app.config["ASYNC_MODE"], app.config["LISTEN_BACKLOG"], app.config["MAX_CONNECTIONS"]
    if mode == "eventlet":
        import eventlet
        import eventlet.wsgi

        sock = eventlet.listen((host, port), backlog=backlog)
        eventlet.wsgi.server(sock, app, max_size=cap, log_output=False, debug=False)
    elif mode == "gevent":
        from gevent.pywsgi import WSGIServer

        # WebSocket through simple-websocket, which python-engineio's gevent driver uses when
        # gevent-websocket is absent; `spawn` as a number is a pool of that many connections.
        WSGIServer((host, port), app, backlog=backlog, spawn=cap, log=None).serve_forever()
    else:
        _threaded_server(app, host, port, backlog).serve_forever()


def _threaded_server(app: Flask, host: str, port: int, backlog: int):
    """Werkzeug's threaded server (what Flask-SocketIO runs under threading), with the backlog and without
    a log line per request, like the other two."""
    from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code="-", size="-") -> None:
            pass

    server_class = type("HallServer", (ThreadedWSGIServer,), {"request_queue_size": backlog})
    return server_class(host, port, app, QuietHandler)
