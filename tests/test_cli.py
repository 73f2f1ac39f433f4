"""The `quizengine` command as trainers and organizers run it."""

from __future__ import annotations

import subprocess
import time
import urllib.request

import pytest
from click.testing import CliRunner

from quizengine.cli import cli
from tests.conftest import FIXTURES, REPO
from tests.live import QUIZENGINE, command_env, free_port, run_command, serving, wait_until_up


def run_cli(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_bank_check_passes_on_the_shipped_banks():
    result = run_cli("bank", "check", str(REPO / "question_banks"))
    assert result.exit_code == 0, result.output
    assert "通过" in result.output


def test_bank_check_reports_every_error_of_every_file_and_exits_1():
    invalid = FIXTURES / "banks" / "invalid"
    result = run_cli("bank", "check", str(invalid / "answers.yaml"), str(invalid / "aliases.yaml"))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": error[" in line]
    assert len(lines) == 9
    assert f"{invalid / 'aliases.yaml'}:5:9: error[alias]" in result.output


def test_bank_stats_counts_and_flags_missing_parts(tmp_path):
    bank = tmp_path / "b.yaml"
    bank.write_text(
        "bank: {id: b, title: 统计, version: 1, tags: {t: 主题}}\n"
        "questions:\n"
        "  - {id: q1, type: judge, stem: 有出处, answer: 对, source: 某文件, explanation: 解析, tags: [t]}\n"
        "  - {id: q2, type: judge, stem: 无解析无出处, answer: 错, difficulty: 4}\n",
        encoding="utf-8",
    )
    result = run_cli("bank", "stats", str(bank))
    assert result.exit_code == 0
    assert "题型 by type: 判断 2" in result.output
    assert "3级 1  4级 1" in result.output
    assert "主题 (t): 1" in result.output
    assert "缺少解析 without explanation: 1 — q2" in result.output
    assert "缺少出处 without source: 1 — q2" in result.output


def test_demo_seed_and_import_commands_from_a_fresh_instance(tmp_path):
    env = command_env(tmp_path)
    seed = subprocess.run([QUIZENGINE, "demo", "--seed-only"], env=env, capture_output=True, text=True, timeout=120)
    assert seed.returncode == 0, seed.stderr
    assert "示例名单：新增 130 人" in seed.stdout
    assert "http://127.0.0.1:5000/play/" in seed.stdout
    assert "用户名 judge1、judge2、judge3、judge4、judge5  密码 " in seed.stdout  # the skill contest's judges
    assert "/board/judged/" in seed.stdout
    again = subprocess.run(
        [QUIZENGINE, "roster", "import", str(REPO / "examples" / "roster.yaml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "未变 130 人" in again.stdout
    bad = subprocess.run(
        [QUIZENGINE, "bank", "import", str(FIXTURES / "banks" / "invalid" / "answers.yaml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert "nothing imported" in bad.stderr


@pytest.mark.parametrize("mode", ["eventlet", "threading"])
def test_serve_answers_http_in_each_async_mode(tmp_path, mode):
    env = command_env(tmp_path, QUIZ_ASYNC_MODE=mode)
    run_command(env, "demo", "--seed-only")
    with serving(tmp_path, env) as base_url:
        with urllib.request.urlopen(f"{base_url}/", timeout=5) as response:
            assert "长寿路街道社区事务受理服务中心" in response.read().decode("utf-8")
        with urllib.request.urlopen(f"{base_url}/socket.io/?EIO=4&transport=polling", timeout=5) as response:
            assert '"sid"' in response.read().decode("utf-8")


def test_demo_seeds_and_serves_in_one_process(tmp_path):
    """What `make demo` runs: seeding and serving in the same process must not leave a lock behind."""
    env = command_env(tmp_path, QUIZ_ASYNC_MODE="eventlet")
    port = free_port()
    log_path = tmp_path / "demo.log"
    with log_path.open("wb") as log:
        demo = subprocess.Popen([QUIZENGINE, "demo", "--port", str(port)], env=env, stdout=log, stderr=log)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/", demo, log_path, timeout=90)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/play/PTG1LIVE", timeout=5) as response:
                assert "第一组“一网通办”知识竞赛（示例）" in response.read().decode("utf-8")
            time.sleep(1)
            assert demo.poll() is None, log_path.read_text(errors="replace")
        finally:
            demo.terminate()
            demo.wait(timeout=10)
    output = log_path.read_text(errors="replace")
    assert f"http://127.0.0.1:{port}/board/1?key=" in output and "密码" in output
    assert "手机打不开本机地址 127.0.0.1" in output and "QUIZ_PUBLIC_URL" in output  # no QUIZ_PUBLIC_URL set


def test_scores_import_stores_a_sheet_and_refuses_one_with_errors(app, tmp_path):
    from flask.cli import ScriptInfo

    from tests.test_scores import write_xlsx

    info = ScriptInfo(create_app=lambda: app)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, list(args), obj=info, catch_exceptions=False)

    assert invoke("roster", "import", str(REPO / "examples" / "roster.yaml")).exit_code == 0
    assert invoke("contest", "import", str(FIXTURES / "contests" / "offline.yaml")).exit_code == 0
    good = write_xlsx(tmp_path / "good.xlsx", [["PTC0101", "何娜刚", 88, 44, 1500]])
    result = invoke("scores", "import", "biwu01", str(good))
    assert result.exit_code == 0, result.output
    assert "导入 1 人的成绩" in result.output
    bad = write_xlsx(tmp_path / "bad.xlsx", [["PTC0101", "何娜刚", 188, None, None], ["NOBODY", "某人", 1, None, None]])
    result = invoke("scores", "import", "BIWU01", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:2:3: error[value]" in result.output
    assert "没有导入任何成绩" in result.output
    template = tmp_path / "t.xlsx"
    assert invoke("scores", "template", "-o", str(template)).exit_code == 0
    assert template.stat().st_size > 0


def test_selection_run_prints_the_awards_the_json_and_writes_an_xlsx(app, tmp_path):
    import json

    from flask.cli import ScriptInfo
    from openpyxl import load_workbook

    from tests.test_scores import write_xlsx

    info = ScriptInfo(create_app=lambda: app)

    def invoke(*args):
        return CliRunner().invoke(cli, list(args), obj=info, catch_exceptions=False)

    assert invoke("roster", "import", str(REPO / "examples" / "roster.yaml")).exit_code == 0
    assert invoke("contest", "import", str(FIXTURES / "contests" / "offline.yaml")).exit_code == 0
    sheet = write_xlsx(tmp_path / "s.xlsx", [["PTC0101", "何娜刚", 88, 44, 1500]])
    assert invoke("scores", "import", "BIWU01", str(sheet)).exit_code == 0
    definition = tmp_path / "selection.yaml"
    definition.write_text(
        "selection:\n  title: 评选\n  reference_date: 2021-09-30\n  parts:\n    - {contests: [BIWU01], weight: 100}\n",
        encoding="utf-8",
    )
    output = tmp_path / "评选.xlsx"
    result = invoke("selection", "run", str(definition), "--json", "-o", str(output))
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    (person,) = document["people"]
    assert {k: person[k] for k in ("staff_id", "total", "rank")} == {"staff_id": "PTC0101", "total": 88.0, "rank": 1}
    assert set(person) >= {"center", "parts", "eligible", "reason", "award", "recommended", "tied"}
    book = load_workbook(output)
    rows = list(book["个人评选"].iter_rows(values_only=True))
    assert rows[2][2:4] == ("PTC0101", "何娜刚")
    assert 88.0 in rows[2] and isinstance(rows[2][1], int)  # numbers stay numbers
    summary = invoke("selection", "run", str(definition))
    assert "第一组 优秀个人：名额 10" in summary.output  # BIWU01 is a contest of group community only
    bad = tmp_path / "bad.yaml"
    bad.write_text(definition.read_text(encoding="utf-8").replace("BIWU01", "NOPE"), encoding="utf-8")
    refused = invoke("selection", "run", str(bad))
    assert refused.exit_code == 1
    assert f"{bad}:5:19: error[unknown-contest]" in refused.output


def test_contest_correct_previews_with_dry_run_then_applies_and_refuses_bad_input(app, tmp_path):
    from flask.cli import ScriptInfo
    from sqlalchemy import func, select

    from quizengine.extensions import db
    from quizengine.models import ContestCorrection, Score
    from tests.services.test_corrections import make_live, play, players

    with app.app_context():
        contest = make_live(tmp_path)
        a, b, _ = players()
        play(contest, [{a: ("A", 1), b: ("B", 5)}])
        a_id = a.id
    info = ScriptInfo(create_app=lambda: app)

    def invoke(*args):
        return CliRunner().invoke(cli, ["contest", "correct", *args], obj=info, catch_exceptions=False)

    def stored():
        with app.app_context():
            points = db.session.scalar(select(Score.points).where(Score.player_id == a_id))
            return points, db.session.scalar(select(func.count()).select_from(ContestCorrection))

    result = invoke("fix01", "hcp-001", "--key", "B", "--reason", "答案应为 B", "--dry-run")
    assert result.exit_code == 0 and "预览（未保存）：2 人" in result.output and "10 → 0" in result.output
    assert stored() == (10, 0)
    result = invoke("FIX01", "1.1", "--key", "E", "--reason", "理由")
    assert result.exit_code == 1 and "答案 E 不在选项 A、B、C、D 中" in result.output
    assert invoke("FIX01", "hcp-001", "--void", "--key", "B", "--reason", "理由").exit_code == 1
    assert stored() == (10, 0)
    result = invoke("FIX01", "hcp-001", "--void", "--reason", "题干有歧义")
    assert result.exit_code == 0 and "已复核" in result.output
    assert stored() == (0, 1)
