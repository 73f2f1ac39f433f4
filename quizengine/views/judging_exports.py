"""The Excel workbook of a review (成果评审): the ranking with the awards and warnings, every judge's scores."""

from __future__ import annotations

import io

from quizengine.core.judging import Category
from quizengine.models.types import utcnow
from quizengine.services.review_results import ReviewResult, judge_score_rows
from quizengine.sheets import append_row, bold, workbook
from quizengine.timezone import local_text


def review_workbook(result: ReviewResult, categories: list[Category]) -> bytes:
    """Sheets 成绩 (rank, submission, center, combined score, 优秀工作案例, warnings), 评委评分 and 说明."""
    review = result.review
    book = workbook()
    sheet = book.active
    sheet.title = "成绩"
    append_row(
        sheet,
        ["名次", "材料", "单位", "类别", "评分评委数", f"合成分（满分 {result.scale:g}）", "优秀工作案例", "提示"],
    )
    for row in result.rows:
        placement = row.placement
        award = ""
        if placement is not None and placement.award:
            award = "是（末位并列）" if placement.tied_at_cutoff else "是"
        append_row(
            sheet,
            [
                placement.rank if placement else None,
                row.submission.title,
                row.submission.center.name,
                row.submission.category,
                row.combined.judges,
                None if row.combined.score is None else round(row.combined.score, 2),
                award,
                "；".join(row.combined.warnings),
            ],
        )
    scores = book.create_sheet("评委评分")
    append_row(scores, ["材料", "单位", "评委", *(f"{c.label}（{c.maximum:g}）" for c in categories), "总分", "评语"])
    for submission, judge, score in judge_score_rows(review):
        points = [score.scores.get(c.key) for c in categories]
        append_row(scores, [submission.title, submission.center.name, judge, *points, score.total, score.comment])
    notes = book.create_sheet("说明")
    append_row(notes, ["评审", review.title])
    append_row(notes, ["合成方式", result.rule + ("；先按评委标准化（z 分数）" if review.normalise_judges else "")])
    append_row(notes, ["评审表", "；".join(f"{c.label} 权重 {c.weight:g} 满分 {c.maximum:g}" for c in categories)])
    append_row(notes, ["提示", "；".join(result.warnings) or "无"])
    append_row(notes, ["导出时间", local_text(utcnow(), "%Y-%m-%d %H:%M:%S")])
    for ws in book.worksheets:
        bold(ws[1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
