"""The application factory: config -> extensions -> blueprints -> socket handlers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
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
        message_queue=app.config["MESSAGE_QUEUE"],
        cors_allowed_origins=app.config["CORS_ALLOWED_ORIGINS"],
        # Payloads are small JSON; a cap stops a phone from sending megabytes.
        max_http_buffer_size=64 * 1024,
        # One socket's events are handled one after another, in its own green thread: a phone that
        # floods queues work only behind itself, while every other socket keeps its turn (with
        # async handlers each event would be a task in one queue, the hall's answers behind the flood).
        async_handlers=False,
    )
    with app.app_context():
        configure_engine(db.engine, busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
    track_writes(db.session)
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    init_security(app)

    from quizengine import models  # noqa: F401  (register tables with the metadata)

    app.url_map.converters["int"] = ColumnIntConverter
    from quizengine.views import (
        admin,
        admin_banks,
        admin_contests,
        admin_learning,
        admin_roster,
        admin_structure,
        auth,
        filters,
        learn,
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
        admin_learning,
        live,
        learn,
    )
    for module in blueprints:
        app.register_blueprint(module.bp)

    from quizengine.sockets import register_namespaces
    from quizengine.sockets.ratelimit import join_attempts

    join_attempts.configure(app.config["RATELIMIT_STORAGE_URI"], app.config["JOIN_FAILURES_PER_ADDRESS"])
    register_namespaces()
    return app


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
