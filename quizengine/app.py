"""The application factory: config -> extensions -> blueprints -> socket handlers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from quizengine.config import Config
from quizengine.database import configure_engine, track_writes
from quizengine.extensions import csrf, db, limiter, login_manager, migrate, socketio
from quizengine.paths import PACKAGE_DIR, data_dir
from quizengine.security import init_security


def create_app(config: Config | None = None) -> Flask:
    """Create a configured app; `config` defaults to `Config()` read from the environment."""
    config = config or Config()
    app = Flask(
        "quizengine",
        static_folder=str(data_dir("static")),
        template_folder=str(data_dir("templates")),
        instance_path=str(Path(config.INSTANCE_PATH).resolve()),
        instance_relative_config=False,
    )
    app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        **_message_queue(app.config),
        cors_allowed_origins=app.config["CORS_ALLOWED_ORIGINS"],
        # Payloads are small JSON; a cap stops a phone from sending megabytes.
        max_http_buffer_size=64 * 1024,
        # One socket's events are handled one after another, in its own green thread: a phone that
        # floods queues work only behind itself, while every other socket keeps its turn (with
        # async handlers each event would be a task in one queue, the hall's answers behind the flood).
        async_handlers=False,
    )
    if app.config["PROXY_HOPS"]:
        # Outside Socket.IO's middleware, so sockets see the phone's address too (join limits, audit log).
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    with app.app_context():
        configure_engine(db.engine, busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
    track_writes(db.session)
    _route_socket_events(app)
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    init_security(app)

    from quizengine import models  # noqa: F401  (register tables with the metadata)

    app.url_map.converters["int"] = ColumnIntConverter
    from quizengine.views import (
        admin,
        admin_analysis,
        admin_banks,
        admin_booklet,
        admin_contests,
        admin_corrections,
        admin_judged,
        admin_learning,
        admin_requirements,
        admin_results,
        admin_reviews,
        admin_roster,
        admin_selections,
        admin_structure,
        auth,
        center,
        filters,
        judge,
        judge_contests,
        learn,
        learn_selections,
        live,
        pages,
    )

    filters.register(app)
    blueprints = (
        pages,
        auth,
        admin,
        admin_banks,
        admin_roster,
        admin_structure,
        admin_contests,
        admin_corrections,
        admin_learning,
        admin_analysis,
        admin_selections,
        admin_results,
        admin_reviews,
        judge,
        admin_requirements,
        admin_booklet,
        center,
        admin_judged,
        live,
        judge_contests,
        learn,
        learn_selections,
    )
    for module in blueprints:
        app.register_blueprint(module.bp)

    from quizengine.sockets import register_namespaces
    from quizengine.sockets.ratelimit import join_attempts

    join_attempts.configure(
        app.config["RATELIMIT_STORAGE_URI"], app.config["JOIN_FAILURES_PER_ADDRESS"], app.config["MAX_CONNECTIONS"]
    )
    register_namespaces()
    return app


def _message_queue(config) -> dict:
    """The Socket.IO options for the message queue (QUIZ_MESSAGE_QUEUE, docs/deployment.md), if any.

    For Redis the queue is built here so that its connection pool can grow as far as there can be
    sockets (QUIZ_MAX_CONNECTIONS): redis-py's pool refuses its 101st connection outright, and with
    more than a hundred handlers emitting at once (a join storm) python-socketio then drops the
    emit after a retry and reconnects, losing broadcasts on the way.
    """
    url, channel = config["MESSAGE_QUEUE"], config["MESSAGE_QUEUE_CHANNEL"]
    if not url:
        return {}
    if url.startswith(("redis://", "rediss://")):
        from socketio import RedisManager

        pool = {"max_connections": config["MAX_CONNECTIONS"]}
        return {"client_manager": RedisManager(url, channel=channel, redis_options=pool)}
    return {"message_queue": url, "channel": channel}


class ColumnIntConverter(IntegerConverter):
    """`<int:...>` in a route matches ids within the INTEGER columns' range only.

    A larger one would reach the database driver and fail there (a 500); out of
    range, the URL simply matches no route (a 404).
    """

    def __init__(self, map, *args, **kwargs):
        from quizengine.sockets.payloads import INT_MAX

        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def _init_login(app: Flask) -> None:
    from quizengine.services.accounts import load_session_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    # "basic": a changed address or agent marks the session non-fresh instead of
    # ending it; host laptops move between Wi-Fi and wired networks mid-contest.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_session_user)


def _route_socket_events(app: Flask) -> None:
    """Give Socket.IO's path a URL rule. Flask-SocketIO runs every event in a request context for that path;
    without a rule each one raises and keeps a NotFound with its traceback, a reference cycle of some
    seventy objects per event, and the collections of that garbage paused the server for 0.2-0.4 s in a
    burst of answers. The Socket.IO middleware answers the path's HTTP requests before Flask, so the rule's
    view never runs."""

    def not_here():
        abort(404)

    app.add_url_rule("/socket.io/", "socketio_polling", not_here, methods=["GET", "POST"])
    app.add_url_rule("/socket.io/", "socketio_websocket", not_here, websocket=True)
