"""PostgreSQL queries cooperate with eventlet's and gevent's green threads.

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

PATCH = {
    "eventlet": "import eventlet; eventlet.monkey_patch()",
    "gevent": "from gevent import monkey; monkey.patch_all()",
}
SCRIPT = textwrap.dedent(
    """
    import sys, tempfile, time
    from sqlalchemy import text
    from quizengine import create_app
    from quizengine.config import Config
    from quizengine.extensions import db

    config = Config(tempfile.mkdtemp())
    config.SQLALCHEMY_DATABASE_URI = sys.argv[1]
    app = create_app(config)

    socketio = app.extensions["socketio"]

    def slow_query(done):
        with app.app_context():
            db.session.execute(text("SELECT pg_sleep(1)"))
            db.session.remove()
        done.set()

    started = time.monotonic()
    finished = [socketio.server.eio.create_event() for _ in range(2)]
    for done in finished:
        socketio.start_background_task(slow_query, done)
    for done in finished:
        done.wait()
    print(round(time.monotonic() - started, 2))
    """
)


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="QUIZ_TEST_POSTGRES_URL is not set")
@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_two_slow_queries_in_green_threads_take_the_time_of_one(mode):
    if mode == "gevent":
        pytest.importorskip("gevent", reason="gevent is not installed (pip install 'quizengine[gevent]')")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ_")}
    env.update(PYTHONWARNINGS="ignore", QUIZ_ASYNC_MODE=mode)
    script = PATCH[mode] + "\n" + SCRIPT
    result = subprocess.run(
        [sys.executable, "-c", script, POSTGRES_URL], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    elapsed = float(result.stdout.strip().splitlines()[-1])
    assert 1.0 <= elapsed < 1.8, f"two 1 s queries took {elapsed} s: the driver blocks the event loop"
