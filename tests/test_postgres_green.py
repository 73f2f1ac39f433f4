"""PostgreSQL queries cooperate with eventlet's green threads.

psycopg's C/binary builds wait for the server in C, invisible to green
threads, so one slow query would stall every phone. With the pure-Python
psycopg that quizengine depends on, two one-second queries run side by side.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import POSTGRES_URL

SCRIPT = textwrap.dedent(
    """
    import eventlet
    eventlet.monkey_patch()
    import sys, tempfile, time
    from sqlalchemy import text
    from quizengine import create_app
    from quizengine.config import Config
    from quizengine.extensions import db

    config = Config(tempfile.mkdtemp())
    config.SQLALCHEMY_DATABASE_URI = sys.argv[1]
    app = create_app(config)

    def slow_query():
        with app.app_context():
            db.session.execute(text("SELECT pg_sleep(1)"))
            db.session.remove()

    started = time.monotonic()
    pool = eventlet.GreenPool()
    for _ in range(2):
        pool.spawn(slow_query)
    pool.waitall()
    print(round(time.monotonic() - started, 2))
    """
)


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="QUIZ_TEST_POSTGRES_URL is not set")
def test_two_slow_queries_in_green_threads_take_the_time_of_one():
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ_")}
    env["PYTHONWARNINGS"] = "ignore"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, POSTGRES_URL], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    elapsed = float(result.stdout.strip().splitlines()[-1])
    assert 1.0 <= elapsed < 1.8, f"two 1 s queries took {elapsed} s: the driver blocks the event loop"
