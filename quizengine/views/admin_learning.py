"""The learning report (学习情况): per center, who practised, how much, accuracy by topic, study sessions."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from quizengine.core.learning import REQUIRED_SESSIONS, session_threshold
from quizengine.services import learning_report
from quizengine.services.roster import all_groups
from quizengine.timezone import local_zone
from quizengine.views.access import requires, user_group_keys
from quizengine.views.forms import LearningReportForm

bp = Blueprint("admin_learning", __name__, url_prefix="/admin/learning")


def _form() -> LearningReportForm:
    """The report's filters from the query string, defaulting to the last 30 days of the user's groups."""
    mine = [g for g in all_groups() if current_user.role == "admin" or g.key in user_group_keys()]
    today = datetime.now(local_zone()).date()
    form = LearningReportForm(
        request.args, group=mine[0].key if mine else "", first=today - timedelta(days=29), last=today
    )
    form.group.choices = [SelectChoice(g.key, g.name) for g in mine]
    return form


def _report(form: LearningReportForm):
    if form.group.data not in {choice.value for choice in form.group.choices}:
        abort(404)  # another organizer's group: not theirs to see
    if not form.validate() or form.first.data > form.last.data:
        if form.first.data and form.last.data and form.first.data > form.last.data:
            form.last.errors = [*form.last.errors, "结束日期不能早于开始日期"]
        return None
    return learning_report.learning_report([form.group.data], form.first.data, form.last.data, float(form.share.data))


@bp.get("/")
@requires("results.view")
def index():
    """The report page."""
    form = _form()
    centers = _report(form)
    return render_template(
        "admin/learning.html",
        form=form,
        centers=centers,
        labels=learning_report.topic_labels(),
        required=REQUIRED_SESSIONS,
        threshold=lambda c: session_threshold(c.staff_at_window, float(form.share.data or 0.5)),
    ), (422 if centers is None and request.args else 200)


@bp.get("/report.xlsx")
@requires("results.view")
def export():
    """The same report as an Excel workbook: one sheet of centers, one of accuracy by topic."""
    form = _form()
    centers = _report(form)
    if centers is None:
        abort(400)
    data = _workbook(centers, learning_report.topic_labels(), float(form.share.data))
    name = f"学习情况_{form.group.data}_{form.first.data:%Y%m%d}-{form.last.data:%Y%m%d}.xlsx"
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=name,
    )


def _workbook(centers, labels: dict[str, str], share: float) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from quizengine.sheets import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = "中心"
    append_row(
        sheet,
        [
            "组",
            "中心",
            "在岗人数",
            "参与人数",
            "参与率",
            "练习人数",
            "练习题数",
            "考试/竞赛作答数",
            "正确率",
            "学习场次",
            "学习场次日期",
            f"达标（≥{REQUIRED_SESSIONS} 次）",
        ],
    )
    for c in centers:
        append_row(
            sheet,
            [
                c.group,
                c.center,
                c.staff_at_window,
                len(c.learners),
                round(c.coverage, 3),
                len(c.practised),
                c.practice_answers,
                c.contest_answers,
                round(c.total.accuracy, 3) if c.total.accuracy is not None else "",
                len(c.sessions),
                "、".join(f"{day:%m-%d}" for day in c.sessions),
                "是" if c.met else "否",
            ],
        )
    for row in sheet.iter_rows(min_row=2):
        row[4].number_format = row[8].number_format = "0.0%"
    topics = book.create_sheet("按专题正确率")
    tags = sorted({tag for c in centers for tag in c.topics})
    append_row(topics, ["中心", *[labels.get(tag, tag) for tag in tags]])
    for c in centers:
        append_row(topics, [c.center, *[_cell(c.topics.get(tag)) for tag in tags]])
    notes = book.create_sheet("说明")
    append_row(
        notes,
        [
            "学习场次",
            f"某天本中心在岗人员中至少 {share:.0%}（向上取整，至少 1 人）练习或参加考试/竞赛，记为一次学习场次",
        ],
    )
    append_row(notes, ["正确率", "练习、已交卷的笔试和现场竞赛中的作答，答对题数 / 作答题数"])
    for sheet_ in (sheet, topics, notes):
        for cell in sheet_[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(tally) -> str:
    return f"{tally.accuracy:.0%}（{tally.answered} 题）" if tally and tally.answered else ""
