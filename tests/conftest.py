"""Shared fixtures: an app on a private SQLite file, and on PostgreSQL when CI provides it."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from quizengine import create_app
from quizengine.config import TestConfig
from quizengine.extensions import db as _db
from quizengine.services.banks import import_paths

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("QUIZ_TEST_POSTGRES_URL")
TODAY = date(2021, 8, 15)
TASKS_SECONDS = 10


def store_banks(*paths):
    """Read, validate and store bank files (services.banks.import_paths), asserting they have no error."""
    results, problems = import_paths(paths, today=TODAY)
    assert [p for p in problems if p.is_error] == []
    return results


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _make_app(tmp_path: Path, database_url: str | None):
    from flask_migrate import upgrade

    from quizengine.services import live, paper_pool, results

    # A new database reuses the ids 1, 2, ... that the per-process caches are keyed by (a ranking's version can
    # repeat too): start each test without the last one's (in a real process the database outlives the caches).
    for cache in (results._ranking_cache, live._question_infos, paper_pool._pool_cache):
        cache.clear()

    app = create_app(TestConfig(tmp_path / "instance", database_url))
    with app.app_context():
        upgrade()
    return app


def _end(app) -> None:
    """Close the app's connections once the socket layer's background tasks that use them have ended (a ranking
    after a close, a batch of counts); a task still running after TASKS_SECONDS fails the test."""
    from quizengine.sockets import tasks

    idle = tasks.wait_idle(TASKS_SECONDS)
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
    assert idle, f"{tasks.running()} background task(s) still running at the end of the test"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path):
    """A migrated app, once on SQLite and once on PostgreSQL (skipped without QUIZ_TEST_POSTGRES_URL)."""
    url = None
    if request.param == "postgres":
        if not POSTGRES_URL:
            pytest.skip("QUIZ_TEST_POSTGRES_URL is not set")
        _reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    app = _make_app(tmp_path, url)
    yield app
    _end(app)


@pytest.fixture
def sqlite_app(tmp_path):
    """A migrated app on SQLite only, for tests that do not concern the database."""
    app = _make_app(tmp_path, None)
    yield app
    _end(app)


@pytest.fixture
def db(app):
    """The SQLAlchemy handle inside an app context."""
    with app.app_context():
        yield _db


@pytest.fixture
def client(app):
    """A Flask test client."""
    return app.test_client()


@pytest.fixture
def bank_fixture():
    """Path of a YAML bank fixture by file name."""
    return lambda name: FIXTURES / "banks" / name


PASSWORD = "correct horse battery"
CSRF_FIELD = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def accounts(app):
    """An admin, organizers of group 1 and group 2, and a trainer, all with PASSWORD.

    Requests in these tests run without an outer app context, as in production,
    so nothing (like Flask-Login's per-context user) leaks between requests.
    """
    from quizengine.services.accounts import create_user
    from quizengine.services.roster import ensure_default_groups

    with app.app_context():
        ensure_default_groups()
        create_user("admin1", PASSWORD, "admin")
        create_user("org1", PASSWORD, "organizer", group_keys=["community"])
        create_user("org2", PASSWORD, "organizer", group_keys=["market"])
        create_user("trainer1", PASSWORD, "trainer")
    return {"admin": "admin1", "org1": "org1", "org2": "org2", "trainer": "trainer1"}


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on `path`."""
    match = CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    """Sign in through the login form, token and all."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})
