"""`quizengine drill` against a throw-away instance: the figures, the JSON and the chart (a real server, 12 phones)."""

from __future__ import annotations

import json
import subprocess

from tests.live import QUIZENGINE, command_env


def test_a_drill_reports_every_figure_and_writes_json_and_a_png(tmp_path):
    """Two questions, then the hall's Wi-Fi drops and every phone resumes (`--comeback`)."""
    env = command_env(tmp_path)
    out_json, out_png = tmp_path / "drill.json", tmp_path / "drill.png"
    done = subprocess.run(
        [
            QUIZENGINE,
            "drill",
            "--phones",
            "12",
            "--questions",
            "2",
            "--answer-spread",
            "0.5",
            "--comeback",
            "--ready-seconds",
            "1",
            "--json",
            str(out_json),
            "--chart",
            str(out_png),
            "--timeout",
            "120",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "答案确认 answer ack p99 (ms)" in done.stdout
    assert "数据库中的答案 answers stored: 24（已确认 24）" in done.stdout
    summary = json.loads(out_json.read_text(encoding="utf-8"))["summary"]
    assert summary["phones"] == 12 and summary["errors"] == 0 and summary["acked_answers"] == 24
    for key in ("join_ack_p99_ms", "answer_ack_p99_ms", "timing_error_p99_ms", "leaderboard_last_ms"):
        assert summary[key] >= 0, key
    assert summary["comeback_s"] > 0 and summary["resume_ack_p99_ms"] > 0  # every phone dropped and resumed
    assert "断网后全部恢复 all resumed after a drop (s)" in done.stdout
    assert summary["cpu_per_question_s"] > 0 and 50 < summary["rss_mb"] < 1000
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_drill_of_a_running_server_needs_its_contest_host_and_staff(tmp_path):
    done = subprocess.run(
        [QUIZENGINE, "drill", "--url", "http://127.0.0.1:9", "--phones", "5"],
        env=command_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--code" in done.stderr and "QUIZ_DRILL_PASSWORD" in done.stderr
