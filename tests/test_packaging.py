"""A non-editable install carries everything the app reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.conftest import REPO


def test_wheel_carries_pages_banks_roster_and_migrations(tmp_path):
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run([*build, "-w", str(tmp_path), str(REPO)], check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("quizengine-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"quizengine/_data/question_banks/{p.name}" for p in (REPO / "question_banks").glob("*.yaml")}
    assert shipped and shipped <= names
    assert {
        "quizengine/_data/templates/base.html",
        "quizengine/_data/static/css/app.css",
        "quizengine/_data/examples/roster.yaml",
        "quizengine/_data/examples/selection.yaml",
        "quizengine/migrations/env.py",
        "quizengine/migrations/alembic.ini",
    } <= names
    assert any(n.startswith("quizengine/migrations/versions/") for n in names)
