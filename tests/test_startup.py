"""What a serving process loads at start: the live hall's memory is not spent on the organizers' file formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO

PROBE = """
import json, sys
from quizengine import create_app
create_app()
print(json.dumps(sorted(m for m in ("openpyxl", "docx", "pypdf", "numpy", "PIL", "matplotlib") if m in sys.modules)))
"""


def test_the_app_starts_without_the_spreadsheet_document_and_chart_libraries(tmp_path):
    # openpyxl (with numpy and Pillow), python-docx and pypdf cost a server ~50 MB: loaded when a file is made.
    env = {**os.environ, "QUIZ_INSTANCE_PATH": str(tmp_path), "QUIZ_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
