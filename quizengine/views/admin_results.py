"""A contest's results for the organizers of its groups: the results page, a person's answers, the printable
A4 page for the report to 区府办, and each table as CSV (the xlsx is admin_contests.results)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from quizengine.services.heatmap import contest_heatmap
from quizengine.services.report import TIE_BREAK, contest_player, contest_report
from quizengine.services.report_questions import answers_by_player
from quizengine.services.report_tables import TABLE_KEYS, report_tables
from quizengine.views.access import requires, scoped_contest
from quizengine.views.exports import results_csv

bp = Blueprint("admin_results", __name__, url_prefix="/admin/contests")

TABLE_TITLES = {"people": "个人", "centers": "中心", "groups": "各组", "questions": "题目"}
TABLE_TITLES |= {"answers": "作答明细", "incidents": "抢跑与移出"}


@bp.get("/<int:contest_id>/results")
@requires("results.view")
def show(contest_id: int):
    """The results page: persons and centers per group, the groups, the questions, false starts and kicks."""
    report = contest_report(scoped_contest(contest_id, "results.view"))
    return render_template(
        "admin/results.html",
        report=report,
        contest=report.contest,
        tables=TABLE_TITLES,
        tie_break=TIE_BREAK,
        heatmap=None if report.questions is None else contest_heatmap(report.contest),
    )


@bp.get("/<int:contest_id>/results/people/<int:player_id>")
@requires("results.view")
def person(contest_id: int, player_id: int):
    """One person's answers: question, response as given, right or wrong, points, time."""
    contest = scoped_contest(contest_id, "results.view")
    player = contest_player(contest, player_id)
    if player is None:
        abort(404)
    report = contest_report(contest)
    return render_template(
        "admin/results_person.html",
        contest=contest,
        player=player,
        found=report.person(player.id),
        answers=answers_by_player(contest, player.id).get(player.id, []),
    )


@bp.get("/<int:contest_id>/results/print")
@requires("results.view")
def printable(contest_id: int):
    """The results on A4 pages, one group per page, with a signature line: the report to 区府办."""
    report = contest_report(scoped_contest(contest_id, "results.view"))
    return render_template("admin/results_print.html", report=report, contest=report.contest, tie_break=TIE_BREAK)


@bp.get("/<int:contest_id>/results/<string:table>.csv")
@requires("results.view")
def table_csv(contest_id: int, table: str):
    """One table of the results as CSV (UTF-8 with BOM)."""
    contest = scoped_contest(contest_id, "results.view")
    if table not in TABLE_KEYS:
        abort(404)
    found = next(t for t in report_tables(contest_report(contest)) if t.key == table)
    name = f"results_{contest.code}_{table}.csv"
    return Response(
        results_csv(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
