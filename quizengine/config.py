"""Settings, all read from `QUIZ_*` environment variables when a config is built."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from quizengine.core.addresses import public_base
from quizengine.paths import data_dir

ASYNC_MODES = ("eventlet", "gevent", "threading")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"QUIZ_{name}")
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"QUIZ_{name} must be a whole number, got {raw!r}") from exc


def engine_options(url: str) -> dict:
    """A database server's connection can drop (a restart, a network blip): it is tested on checkout. A SQLite
    file's cannot, and the test would be one more statement for every batch of answers."""
    return {"pool_pre_ping": not url.startswith("sqlite")}


class Config:
    """Production settings; see the configuration table in README.md."""

    TESTING = False

    def __init__(self, instance_path: str | os.PathLike | None = None):
        instance = Path(_env("INSTANCE_PATH", str(instance_path or Path.cwd() / "instance")))
        self.INSTANCE_PATH = str(instance)
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{instance / 'quizengine.db'}")
        self.SECRET_KEY = _env("SECRET_KEY") or self._instance_secret(instance)
        self.ASYNC_MODE = _env("ASYNC_MODE", "eventlet")
        if self.ASYNC_MODE not in ASYNC_MODES:
            raise ValueError(f"QUIZ_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}")
        self.MESSAGE_QUEUE = _env("MESSAGE_QUEUE")
        # The queue's channel: two deployments (or test runs) sharing one Redis each take their own.
        self.MESSAGE_QUEUE_CHANNEL = _env("MESSAGE_QUEUE_CHANNEL", "flask-socketio")
        # Proxies in front (nginx: 1) whose X-Forwarded-For/-Proto/-Host are trusted; 0 trusts none.
        self.PROXY_HOPS = _env_int("PROXY_HOPS", 0)
        # The address phones open (QR code, join links), e.g. http://192.168.1.20:5000; else the page's own.
        public = _env("PUBLIC_URL")
        self.PUBLIC_URL = public_base(public) if public else None
        self.BANK_DIR = _env("BANK_DIR", str(data_dir("question_banks")))
        self.BANK_MAX_BYTES = _env_int("BANK_MAX_BYTES", 2 * 1024 * 1024)
        self.ROSTER_MAX_BYTES = _env_int("ROSTER_MAX_BYTES", 10 * 1024 * 1024)
        origins = _env("CORS_ORIGINS")
        self.CORS_ALLOWED_ORIGINS = [o.strip() for o in origins.split(",")] if origins else None
        # eventlet's defaults (1,024 connections, backlog 50) refuse a hall's join storm.
        self.MAX_CONNECTIONS = _env_int("MAX_CONNECTIONS", 5000)
        self.LISTEN_BACKLOG = _env_int("LISTEN_BACKLOG", 2048)
        self.SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 5000)
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        # Uploads (banks, rosters) are small; refuse anything larger outright.
        self.MAX_CONTENT_LENGTH = _env_int("MAX_UPLOAD_BYTES", 16 * 1024 * 1024)
        # One attachment of a submission (PDF, DOCX, images); a request carrying one may be that large, plus its form.
        self.ATTACHMENT_MAX_BYTES = _env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
        self.MAX_CONTENT_LENGTH = max(self.MAX_CONTENT_LENGTH, self.ATTACHMENT_MAX_BYTES + 1024 * 1024)
        # Uploaded files are parsed in a child process with these limits (quizengine.uploads).
        self.UPLOAD_PARSE_SECONDS = _env_int("UPLOAD_PARSE_SECONDS", 30)
        self.UPLOAD_PARSE_MEMORY_MB = _env_int("UPLOAD_PARSE_MEMORY_MB", 1024)
        # Halls often run over plain http on a LAN; behind TLS set QUIZ_SECURE_COOKIES=1.
        secure = _env("SECURE_COOKIES", "0") in ("1", "true", "yes")
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = secure
        self.SESSION_COOKIE_HTTPONLY = self.REMEMBER_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE", "memory://")
        # Failed joins a minute from one address before every phone there waits (docs/admin.md).
        self.JOIN_FAILURES_PER_ADDRESS = _env_int("JOIN_FAILURES_PER_ADDRESS", 1000)
        self.RATELIMIT_HEADERS_ENABLED = True
        self.WTF_CSRF_TIME_LIMIT = None  # a host console stays open for a whole contest
        # Calendar days of the learning report (study sessions) and how windows are shown.
        self.TIMEZONE = _env("TIMEZONE", "Asia/Shanghai")
        # Staff signed in for practice and papers stay signed in on their phone this long.
        self.PERMANENT_SESSION_LIFETIME = timedelta(days=_env_int("STAFF_SESSION_DAYS", 30))

    @staticmethod
    def _instance_secret(instance: Path) -> str:
        """Keep one random secret per instance folder, so sessions survive restarts."""
        path = instance / "secret_key"
        if path.exists():
            return path.read_text().strip()
        instance.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key


class TestConfig(Config):
    """Settings for the test suite: a private SQLite file, threading mode."""

    TESTING = True

    def __init__(self, instance_path: str | os.PathLike, database_url: str | None = None):
        super().__init__(instance_path)
        self.INSTANCE_PATH = str(instance_path)
        self.SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{Path(instance_path) / 'test.db'}"
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.SECRET_KEY = "test-secret-key"
        self.ASYNC_MODE = "threading"
        self.MESSAGE_QUEUE = None
