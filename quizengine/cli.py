"""The `quizengine` command: demo, serve, db, bank and roster management."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from quizengine import __version__
from quizengine.core.access import ROLE_LABELS, ROLES
from quizengine.core.bankstats import summarize
from quizengine.formats.banks import check_paths
from quizengine.paths import data_dir


def _create_app():
    from quizengine.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
@click.version_option(__version__, prog_name="quizengine")
def cli():
    """quizengine：“一网通办”知识竞赛引擎 / contest engine for service-center staff."""


# --- question banks ----------------------------------------------------------


@cli.group()
def bank():
    """题库：检查、统计、导入 / Question banks: check, stats, import."""


def _check(paths, max_bytes: int | None = None):
    banks, problems = check_paths(paths, today=date.today(), max_bytes=max_bytes or 2 * 1024 * 1024)
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return banks, errors, warnings


@bank.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def bank_check(paths):
    """检查题库文件或目录，错误以 file:line:col 给出 / Validate bank files."""
    banks, errors, warnings = _check(paths)
    if errors:
        click.echo(f"发现 {errors} 个错误、{warnings} 个警告 / {errors} errors, {warnings} warnings", err=True)
        raise SystemExit(1)
    questions = sum(len(b.questions) for b in banks)
    click.echo(f"通过：{len(banks)} 个题库，{questions} 道题，{warnings} 个警告 / OK")


@bank.command("stats")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def bank_stats(paths):
    """按题型、标签、难度统计，列出缺少解析或出处的题 / Bank statistics."""
    banks, errors, _ = _check(paths)
    if errors:
        raise SystemExit(1)
    for bank_file in banks:
        _print_stats(f"{bank_file.title}（{bank_file.id}，{Path(bank_file.path).name}）", bank_file)
    if len(banks) > 1:
        _print_stats("合计 / total", None, [q for b in banks for q in b.questions])


def _print_stats(title: str, bank_file, questions=None) -> None:
    stats = summarize(questions if questions is not None else bank_file.questions)
    labels = bank_file.tags if bank_file else {}
    click.echo(f"\n{title}")
    click.echo(f"  题数 questions: {stats.total}")
    click.echo("  题型 by type: " + "  ".join(f"{k.label} {v}" for k, v in stats.by_kind.items()))
    click.echo("  难度 by difficulty: " + "  ".join(f"{k}级 {v}" for k, v in stats.by_difficulty.items()))
    click.echo("  标签 by tag:")
    for tag, count in stats.by_tag.items():
        click.echo(f"    {labels.get(tag, tag)} ({tag}): {count}")
    for label, ids in (
        ("缺少解析 without explanation", stats.without_explanation),
        ("缺少出处 without source", stats.without_source),
        ("没有标签 untagged", stats.untagged),
    ):
        if ids:
            click.echo(f"  ! {label}: {len(ids)} — {', '.join(ids)}")


@bank.command("import")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@with_appcontext
def bank_import(paths):
    """检查并导入题库（默认导入 QUIZ_BANK_DIR）/ Validate and store banks."""
    from quizengine.services.banks import import_paths

    paths = paths or (current_app.config["BANK_DIR"],)
    with click.progressbar(length=1, label="导入题库 importing banks", file=sys.stderr) as bar:
        results, problems = import_paths(paths, today=date.today(), max_bytes=current_app.config["BANK_MAX_BYTES"])
        bar.update(1)
    for problem in problems:
        click.echo(str(problem), err=True)
    if any(p.is_error for p in problems):
        click.echo("没有导入任何题库 / nothing imported", err=True)
        raise SystemExit(1)
    for result in results:
        click.echo(f"{result.status:9} {result.bank_id}: {result.questions} 道题 — {result.title}")


# --- roster ------------------------------------------------------------------


@cli.group()
def roster():
    """人员名单 / Roster of groups, centers and staff."""


@roster.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def roster_import(file):
    """从 xlsx、csv 或 yaml 导入名单，按工号更新 / Import a roster (upsert by staff id)."""
    from quizengine.formats.roster import read_roster
    from quizengine.services.roster import import_roster

    data, problems = read_roster(file, max_bytes=current_app.config["ROSTER_MAX_BYTES"], partial=True)
    if data is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo("名单有错误，没有导入任何人员 / nothing imported", err=True)
        raise SystemExit(1)
    with click.progressbar(length=max(len(data.staff), 1), label="导入名单 importing", file=sys.stderr) as bar:
        report = import_roster(data, progress=lambda done, total: bar.update(1), file_problems=problems)
    if not report.problems:
        for problem in problems:  # warnings
            click.echo(str(problem), err=True)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.problems:
        click.echo("名单有错误，没有导入任何人员 / nothing imported", err=True)
        raise SystemExit(1)
    click.echo(
        f"新增 {report.created} 人，更新 {report.updated} 人，未变 {report.unchanged} 人；"
        f"新建中心 {report.centers_created} 个，新建组 {report.groups_created} 个"
    )


# --- contests ----------------------------------------------------------------


@cli.group()
def contest():
    """竞赛 / Contests."""


@contest.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--open", "open_now", is_flag=True, help="导入后立即开放报名 / open the lobby at once")
@with_appcontext
def contest_import(files, open_now):
    """从 YAML 导入竞赛（题号和抽题按已导入的题库解析）/ Import contest files."""
    from quizengine.formats.contests import read_contest
    from quizengine.services import live
    from quizengine.services.contests import import_contest

    failed = False
    for file in files:
        spec, problems = read_contest(file, partial=True)
        created = None
        if spec is not None:
            created, problems = import_contest(spec, file_problems=problems)
        for problem in problems:
            click.echo(str(problem), err=True)
        if spec is None or created is None:
            failed = True
            continue
        if created.mode == "offline":
            click.echo(
                f"线下竞赛 {created.id}「{created.title}」代码 {created.code}：用 quizengine scores import 导入成绩"
            )
            continue
        if open_now:
            live.open_contest(created, None)
        count = sum(len(r.questions) for r in created.rounds)
        click.echo(f"竞赛 {created.id}「{created.title}」参赛码 {created.code}：{len(created.rounds)} 轮 {count} 题")
    if failed:
        raise SystemExit(1)


# --- offline scores ------------------------------------------------------------


@cli.group()
def scores():
    """线下成绩（笔试、线下竞赛、岗位比武）/ Scores of contests held off the system."""


@scores.command("import")
@click.argument("code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def scores_import(code, file):
    """从 xlsx 或 csv 导入线下竞赛 CODE 的成绩，替换已导入的成绩；任何错误都不导入 / Import an offline score sheet."""
    from quizengine.formats.scores import read_scores
    from quizengine.services.contests import contest_by_code
    from quizengine.services.scores import import_scores

    found = contest_by_code(code)
    if found is None:
        click.echo(f"没有代码为 {code} 的竞赛 / no such contest", err=True)
        raise SystemExit(1)
    limit = current_app.config["ROSTER_MAX_BYTES"]
    sheet, problems = read_scores(file, max_bytes=limit, max_score=found.settings.get("max_score"))
    report = import_scores(found, sheet) if sheet is not None else None
    for problem in [*problems, *(report.problems if report else ())]:
        click.echo(str(problem), err=True)
    if report is None or report.problems:
        click.echo("成绩表有错误，没有导入任何成绩 / nothing imported", err=True)
        raise SystemExit(1)
    click.echo(f"竞赛 {found.code}「{found.title}」：导入 {report.stored} 人的成绩（替换原有 {report.replaced} 条）")


@scores.command("template")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False), help="保存的 xlsx 文件 / output file")
def scores_template(output):
    """保存线下成绩表的 xlsx 模板 / Save the score-sheet template."""
    from quizengine.formats.scores import template_workbook

    Path(output).write_bytes(template_workbook())
    click.echo(f"已保存 {output}")


# --- results export --------------------------------------------------------------


@cli.command("export")
@click.argument("code")
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True, help="文件格式 / format"
)
@click.option(
    "-o", "output", required=True, type=click.Path(), help="xlsx：文件；csv：文件夹，每个表格一个文件 / file or folder"
)
@with_appcontext
def export(code, fmt, output):
    """导出竞赛 CODE 的成绩（个人、中心、各组、题目、作答、抢跑与移出）/ Export a contest's results."""
    from quizengine.services.contests import contest_by_code
    from quizengine.services.report import contest_report
    from quizengine.services.report_tables import report_tables
    from quizengine.views.exports import results_csv, results_workbook

    found = contest_by_code(code)
    if found is None:
        click.echo(f"没有代码为 {code} 的竞赛 / no such contest", err=True)
        raise SystemExit(1)
    report = contest_report(found)
    target = Path(output)
    try:
        if fmt == "xlsx":
            target.write_bytes(results_workbook(report))
            written = [target]
        else:
            target.mkdir(parents=True, exist_ok=True)
            written = []
            for table in report_tables(report):
                path = target / f"{found.code}_{table.key}.csv"
                path.write_bytes(results_csv(table))
                written.append(path)
    except OSError as error:
        click.echo(f"无法写入 {output}：{error.strerror or error} / cannot write", err=True)
        raise SystemExit(1) from None
    click.echo(f"竞赛 {found.code}「{found.title}」的成绩已保存：")
    for path in written:
        click.echo(f"  {path}")


# --- selection -------------------------------------------------------------------


@cli.group()
def selection():
    """评选 / The final selection (awards and recommendations)."""


@selection.command("run")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（格式见 docs/results.md）/ print the JSON document")
@click.option("-o", "output", type=click.Path(dir_okay=False), help="另存为 xlsx / also write an xlsx workbook")
@with_appcontext
def selection_run(file, as_json, output):
    """按评选定义文件计算评选结果 / Compute a selection from its YAML definition."""
    import json

    from quizengine.formats.selection import read_selection
    from quizengine.services.selection import run_selection
    from quizengine.views.exports import selection_workbook

    spec, problems = read_selection(file)
    result = None
    if spec is not None:
        result, more = run_selection(spec)
        problems = [*problems, *more]
    for problem in problems:
        click.echo(str(problem), err=True)
    if result is None:
        click.echo("评选定义有错误，没有计算 / nothing computed", err=True)
        raise SystemExit(1)
    document = result.as_json()
    if output:
        Path(output).write_bytes(selection_workbook(document))
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for quota in document["quotas"]:
        kind = "优秀个人" if quota["kind"] == "people" else "优秀窗口单位"
        rows = [r for r in document[quota["kind"]] if r["scope"] == quota["group"]]
        awarded = [r for r in rows if r["award"]]
        click.echo(f"\n{quota['scope_name']} {kind}：名额 {quota['award']}，评出 {quota['awarded']}")
        for row in awarded:
            mark = "（推荐）" if row["recommended"] else ""
            tie = "（末位并列）" if row["tied_at_cutoff"] else ""
            click.echo(f"  {row['rank']:3}  {row.get('staff_id', ''):10} {row['name']} {row['total']:.2f}{mark}{tie}")
        for warning in quota["warnings"]:
            click.echo(f"  注意：{warning}")
    if output:
        click.echo(f"\n已保存 {output}")


@contest.command("list")
@with_appcontext
def contest_list():
    """列出竞赛 / List contests."""
    from quizengine.services.contests import list_contests

    for item in list_contests():
        click.echo(
            f"{item.id:4} {item.code:10} {item.status:8} {item.phase:11} {','.join(item.groups):22} {item.title}"
        )


@contest.command("correct")
@click.argument("code")
@click.argument("question")
@click.option("--void", "void", is_flag=True, help="作废本题 / void the question")
@click.option("--key", "keys", multiple=True, help="新答案（可重复；选择题可写 AC）/ the new key")
@click.option("--reason", required=True, help="复核理由 / why")
@click.option("--dry-run", is_flag=True, help="只预览，不保存 / preview only")
@with_appcontext
def contest_correct(code, question, void, keys, reason, dry_run):
    """复核：作废竞赛 CODE 的题目 QUESTION（题号，或现场竞赛的 轮.题）或更正其答案，重新计分 / Void or re-key."""
    from quizengine.services import correctable, corrections
    from quizengine.services.contests import contest_by_code
    from quizengine.services.errors import Refused

    found = contest_by_code(code)
    if found is None or void == bool(keys):
        click.echo("没有这个竞赛 / no such contest" if found is None else "请给出 --void 或 --key 之一", err=True)
        raise SystemExit(1)
    try:
        subject = correctable.find_subject(found, question)
        if subject.question.kind in ("single", "multiple"):
            keys = [letter for key in keys for letter in key if not letter.isspace() and letter not in ",，、"]
        kind, keys = ("void" if void else "rekey"), list(keys)
        if dry_run:
            changes = corrections.preview(subject, kind, keys, reason)
        else:
            changes = corrections.apply(subject, kind, keys, reason, None)
    except Refused as refused:
        click.echo(refused.message, err=True)
        raise SystemExit(1) from None
    for c in changes:
        click.echo(f"{c.staff_no} {c.name}: {c.old_score} → {c.new_score}，名次 {c.old_rank} → {c.new_rank}")
    click.echo(f"{'预览（未保存）' if dry_run else '已复核'}：{len(changes)} 人受影响（作答了本题或名次变化）")


# --- accounts ----------------------------------------------------------------


@cli.group()
def user():
    """账号 / Accounts: admins, organizers, trainers, center contacts and judges."""


@user.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="admin", show_default=True)
@click.option("--group", "groups", multiple=True, help="组织者负责的组编号，可重复 / organizer's group key")
@click.option("--center", default="", help="中心联络员（必填）或评委所在的中心 / the contact's or judge's center")
@click.option("--bureau", default="", help="评委的主管单位（回避用） / a judge's bureau, for conflicts")
@click.option("--display-name", default="", help="姓名或单位")
@click.option("--password", help="不给则生成随机密码 / generated when omitted")
@with_appcontext
def user_create(username, role, groups, center, bureau, display_name, password):
    """创建账号并打印初始密码 / Create an account and print its password."""
    from quizengine.services.accounts import AccountError, create_user
    from quizengine.services.roster import ensure_default_groups

    ensure_default_groups()
    try:
        account, password = create_user(
            username,
            password,
            role,
            display_name=display_name,
            group_keys=groups,
            center_name=center,
            bureau=bureau,
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已创建 {account.username}（{ROLE_LABELS[role]}），密码：{password}")


@user.command("list")
@with_appcontext
def user_list():
    """列出账号 / List accounts."""
    from quizengine.services.accounts import list_users

    for account in list_users():
        groups = ",".join(g.key for g in account.groups) or (account.center.name if account.center else "")
        state = "" if account.active else "（停用）"
        click.echo(f"{account.username:20} {ROLE_LABELS[account.role]:4} {groups} {state}".rstrip())


# --- serving -----------------------------------------------------------------


def _demo_contests():
    """Import and open the sample contests once (by join code); return them."""
    from quizengine.formats.contests import read_contest
    from quizengine.services import live
    from quizengine.services.contests import contest_by_code, import_contest

    contests = []
    for path in sorted((data_dir("examples") / "contests").glob("*.yaml")):
        spec, problems = read_contest(path)
        if spec is None:
            raise click.ClickException("\n".join(map(str, problems)))
        existing = contest_by_code(spec.code) if spec.code else None
        if existing is None:
            existing, problems = import_contest(spec)
            if existing is None:
                raise click.ClickException("\n".join(map(str, problems)))
            if existing.mode == "judged":
                _demo_judged(existing)
            else:
                live.open_contest(existing, None)
        contests.append(existing)
    return contests


DEMO_JUDGES = tuple(f"judge{n}" for n in range(1, 6))  # the judges of examples/contests/skill.yaml


def _demo_judges() -> str:
    """Create the demo judges judge1..judge5 once, with one password kept in the instance folder; return it."""
    from quizengine.services.accounts import AccountError, create_user

    path = Path(current_app.instance_path) / "demo-judge-password"
    password = path.read_text().strip() if path.exists() else None
    for username in DEMO_JUDGES:
        try:
            _, password = create_user(username, password, "judge", display_name=f"演示评委{username[-1]}")
        except AccountError:
            continue  # created by an earlier demo
    if not path.exists() and password:
        path.write_text(password)
        path.chmod(0o600)
    return password or "（已存在，密码未改变）"


def _demo_judged(contest) -> None:
    """Open the sample skill contest with one entrant from each of its first three centers."""
    from sqlalchemy import select

    from quizengine.extensions import db
    from quizengine.models import Center, Staff
    from quizengine.models.types import utcnow
    from quizengine.services import judged

    centers = db.session.scalars(
        select(Center).where(Center.group_id.in_([g.id for g in contest.groups])).order_by(Center.name).limit(3)
    )
    numbers = [db.session.scalar(select(Staff.staff_no).where(Staff.center_id == c.id).limit(1)) for c in centers]
    judged.add_entrants(contest, [n for n in numbers if n])
    judged.open_judged(contest, utcnow())


def _demo_admin() -> tuple[str, str]:
    """Create the demo admin once; its password is kept in the instance folder."""
    from quizengine.services.accounts import AccountError, create_user

    path = Path(current_app.instance_path) / "demo-admin-password"
    if path.exists():
        return "admin", path.read_text().strip()

    try:
        _, password = create_user("admin", None, "admin", display_name="演示管理员")
    except AccountError:
        return "admin", "（已存在，密码未改变）"
    path.write_text(password)
    path.chmod(0o600)
    return "admin", password


@cli.command("drill")
@click.option("--phones", default=200, show_default=True, type=click.IntRange(1, 5000), help="模拟手机数 / phones")
@click.option("--questions", default=1, show_default=True, type=click.IntRange(1, 10), help="题数 / questions")
@click.option("--join-spread", default=0.0, type=click.FloatRange(0, 600), help="在这么多秒内陆续加入（默认同时）")
@click.option("--answer-spread", default=0.0, type=click.FloatRange(0, 60), help="在这么多秒内陆续作答（默认同时）")
@click.option(
    "--comeback",
    is_flag=True,
    help="最后一题排行榜之后所有手机断网并同时重连、恢复（模拟场内 Wi-Fi 中断）/ every phone drops and resumes at once",
)
@click.option("--url", help="演练已运行的服务（默认：在 127.0.0.1 上临时建一个）/ a running server")
@click.option("--code", help="--url 时：演练竞赛的参赛码")
@click.option("--contest-id", type=int, help="--url 时：演练竞赛的编号（contest list）")
@click.option("--host-user", help="--url 时：组织者账号；密码取自环境变量 QUIZ_DRILL_PASSWORD")
@click.option(
    "--staff",
    "staff_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="--url 时：参演人员 csv（工号,姓名，首行为表头）",
)
@click.option("--server-pid", type=int, help="--url 且服务在本机时：其进程号，用于统计 CPU 和内存")
@click.option(
    "--ready-seconds", default=3, show_default=True, type=click.IntRange(0, 10), help="临时实例：每题的准备秒数"
)
@click.option(
    "--async-mode",
    default="eventlet",
    show_default=True,
    type=click.Choice(["eventlet", "gevent", "threading"]),
    help="临时实例的异步模式",
)
@click.option(
    "--timeout", "timeout_s", default=300, show_default=True, type=click.IntRange(10, 1800), help="整个演练的时限（秒）"
)
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="另存 JSON")
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False, path_type=Path), help="另存 PNG 图")
@click.option("--no-progress", is_flag=True, help="不显示进度")
def drill_command(
    phones,
    questions,
    join_spread,
    answer_spread,
    comeback,
    url,
    code,
    contest_id,
    host_user,
    staff_file,
    server_pid,
    ready_seconds,
    async_mode,
    timeout_s,
    json_path,
    chart_path,
    no_progress,
):
    """赛前压力演练：模拟手机加入、作答，报告时延与错误 / Rehearse a live contest with simulated phones."""
    import os

    try:
        from quizengine.drill import report, run
        from quizengine.drill.hall import Plan
    except ImportError as error:
        raise click.ClickException(f"演练需要额外的依赖：pip install 'quizengine[drill]'（{error}）") from None

    plan = Plan(phones, questions, join_spread, answer_spread, comeback=comeback)
    if url:
        missing = [
            name
            for name, value in (
                ("--code", code),
                ("--contest-id", contest_id),
                ("--host-user", host_user),
                ("--staff", staff_file),
            )
            if not value
        ]
        if missing or not os.environ.get("QUIZ_DRILL_PASSWORD"):
            raise click.UsageError(f"--url 还需要 {'、'.join(missing) or ''} 和环境变量 QUIZ_DRILL_PASSWORD".strip())
        target = run.Target(
            url.rstrip("/"),
            code,
            contest_id,
            host_user,
            os.environ["QUIZ_DRILL_PASSWORD"],
            run.read_staff(staff_file),
            server_pid,
        )
        figures, stored = run.drill_target(target, plan, timeout_s=timeout_s, progress=not no_progress), None
    else:
        figures, stored = run.drill_throwaway(
            plan, timeout_s=timeout_s, progress=not no_progress, async_mode=async_mode, ready_seconds=ready_seconds
        )
    click.echo(report.table(figures))
    if stored is not None:
        click.echo(f"数据库中的答案 answers stored: {stored}（已确认 {figures.acked}）")
    if json_path:
        report.write_json(figures, json_path, {"stored_answers": stored})
    if chart_path:
        report.write_chart(figures, chart_path)
    if figures.errors or (stored is not None and stored != figures.acked):
        raise SystemExit(1)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / address to listen on")
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host, port):
    """启动服务 / Serve the app with the configured async mode."""
    from quizengine.server import serve

    serve(current_app._get_current_object(), host, port)


@cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--seed-only", is_flag=True, help="只建库和导入示例数据，不启动服务")
@with_appcontext
def demo_command(host, port, seed_only):
    """建库、导入示例题库和名单、启动服务 / Migrate, seed the samples and serve."""
    from flask_migrate import upgrade

    from quizengine.core.addresses import is_loopback_url
    from quizengine.extensions import db
    from quizengine.formats.roster import read_roster
    from quizengine.server import serve, urls
    from quizengine.services.banks import import_paths
    from quizengine.services.roster import first_staff, import_roster

    upgrade()
    data, problems = read_roster(data_dir("examples") / "roster.yaml", max_bytes=10 * 1024 * 1024)
    if data is None:
        raise click.ClickException("\n".join(map(str, problems)))
    report = import_roster(data)
    click.echo(f"示例名单：新增 {report.created} 人，更新 {report.updated} 人，未变 {report.unchanged} 人")
    results, problems = import_paths([current_app.config["BANK_DIR"]], today=date.today())
    if any(p.is_error for p in problems):
        raise click.ClickException("示例题库有错误：\n" + "\n".join(map(str, problems)))
    for result in results:
        click.echo(f"示例题库 {result.bank_id}：{result.questions} 道题（{result.status}）")
    judge_password = _demo_judges()
    contests = _demo_contests()
    username, password = _demo_admin()
    app = current_app._get_current_object()
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    phones = app.config["PUBLIC_URL"] or base  # the links staff open on their phones
    for label, url in urls(host, port, app.config["PUBLIC_URL"]).items():
        click.echo(f"{label}: {url}")
    for item in contests:
        click.echo(f"\n{item.title}（参赛码 {item.code}）")
        if item.mode == "self_paced":
            click.echo(f"  手机笔试 phones:     {phones}/learn/paper/{item.code}  （用名单上的工号和姓名登录）")
            click.echo(f"  成绩与作答 results:  {base}/admin/contests/{item.id}")
            continue
        if item.mode == "judged":
            click.echo(f"  评委手机 judges:     {phones}/judge/contests/{item.id}  （评委账号见下）")
            click.echo(f"  投影大屏 projector:  {base}/board/judged/{item.id}?key={item.board_key}")
            click.echo(f"  选手与进度 admin:    {base}/admin/contests/{item.id}")
            continue
        click.echo(f"  主持台 host console: {base}/host/{item.id}")
        click.echo(f"  投影大屏 projector:  {base}/board/{item.id}?key={item.board_key}")
        click.echo(f"  手机答题 phones:     {phones}/play/{item.code}")
    click.echo(f"\n管理后台 admin: {base}/login  用户名 {username}  密码 {password}")
    click.echo(f"岗位比武评委 judges: {base}/login  用户名 {'、'.join(DEMO_JUDGES)}  密码 {judge_password}")
    sample = first_staff()
    if sample is not None:
        click.echo(f"工作人员 staff:  {phones}/learn/  如工号 {sample.staff_no}、姓名 {sample.name}（名单中的任何人）")
    if is_loopback_url(phones):
        click.echo(
            "\n注意：手机打不开本机地址 127.0.0.1。在会场请用 --host 0.0.0.0 启动，"
            "并设置 QUIZ_PUBLIC_URL=http://本机局域网地址:端口（二维码和加入网址都用它）。"
        )
    # End this command's transaction: SQLite transactions begin IMMEDIATE, so an
    # open one would hold the write lock the server's deadline timers need.
    db.session.remove()
    if not seed_only:
        serve(app, host, port)
