"""A contest report as the tables of its exports: the same rows for the xlsx workbook, the CSV files and the CLI.

Each column says what its values are (`Column.kind`), so each writer formats
them its own way: a real number, a real date and time, seconds or a share.
Values stay raw here: datetimes are aware (UTC), durations are seconds,
shares are fractions (0.75), blanks are None.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quizengine.services.report import ContestReport
from quizengine.services.report_questions import QuestionStats, answers_by_player

TEXT, INT, NUMBER, PERCENT, SECONDS, DATETIME = "text", "int", "number", "percent", "seconds", "datetime"


@dataclass(frozen=True)
class Column:
    """A column's heading and the kind of its values."""

    title: str
    kind: str = TEXT


@dataclass
class Table:
    """One table of the export; `per_group`: its first column is the group, the workbook gives each group a sheet."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    per_group: bool = False


# The tables a report has, in export order (also the names of the CSV files).
TABLE_KEYS = ("people", "centers", "groups", "questions", "answers", "incidents")


def report_tables(report: ContestReport) -> list[Table]:
    """Every table of a report, in TABLE_KEYS order."""
    return [
        _people(report),
        _centers(report),
        _groups(report),
        _questions(report),
        _answers(report),
        _incidents(report),
    ]


def _people(report: ContestReport) -> Table:
    table = Table(
        "people",
        "个人",
        [
            Column("组"),
            Column("名次", INT),
            Column("工号"),
            Column("姓名"),
            Column("中心"),
            Column("得分", NUMBER),
            Column("答对", INT),
            Column("作答", INT),
            Column("正确率", PERCENT),
            Column("总用时（秒）", SECONDS),
            Column("最后作答/交卷", DATETIME),
        ],
        per_group=True,
    )
    for group in report.groups:
        for ranked in group.people:
            s = ranked.standing
            table.rows.append(
                [
                    group.name,
                    ranked.rank,
                    report.staff_numbers.get(s.player_id, ""),
                    s.name,
                    s.center,
                    s.score,
                    s.correct,
                    s.answered,
                    s.accuracy,
                    round(s.total_time_ms / 1000, 1),
                    s.last_answer_at,
                ]
            )
    return table


def _centers(report: ContestReport) -> Table:
    table = Table(
        "centers",
        "中心",
        [
            Column("组"),
            Column("名次", INT),
            Column("中心"),
            Column("成绩", NUMBER),
            Column("参与人数", INT),
            Column("在窗口人数", INT),
            Column("参与率", PERCENT),
        ],
        per_group=True,
    )
    for group in report.groups:
        for c in group.centers:
            participation = c.participation if c.roster else None
            table.rows.append([group.name, c.rank, c.center, c.score, c.joined, c.roster, participation])
    return table


def _groups(report: ContestReport) -> Table:
    table = Table(
        "groups",
        "各组",
        [
            Column("组"),
            Column("参与人数", INT),
            Column("在窗口人数", INT),
            Column("参与率", PERCENT),
            Column("平均分", NUMBER),
            Column("正确率", PERCENT),
        ],
    )
    for g in report.groups:
        table.rows.append([g.name, g.participants, g.staff, g.participation, g.mean_score, g.accuracy])
    return table


def option_summary(stats: QuestionStats) -> str:
    """The option distribution in one line, the key marked: "A✓ 12｜B 3｜C 0"."""
    return "｜".join(f"{o.key}{'✓' if o.is_key else ''} {o.count}" for o in stats.options)


def typed_summary(stats: QuestionStats) -> str:
    """The fill-in answers given, most given first: "一评✓ 10｜一次 2"."""
    return "｜".join(f"{t.text}{'✓' if t.correct else ''} {t.count}" for t in stats.typed)


def _questions(report: ContestReport) -> Table:
    table = Table(
        "questions",
        "题目",
        [
            Column("序号", INT),
            Column("轮次"),
            Column("题号"),
            Column("题目"),
            Column("题型"),
            Column("答案"),
            Column("抽到人数", INT),
            Column("作答人数", INT),
            Column("答对人数", INT),
            Column("正确率", PERCENT),
            Column("选项分布（✓ 为答案）"),
            Column("平均用时（秒）", SECONDS),
            Column("填空答案（✓ 为正确）"),
        ],
    )
    for q in report.questions or []:
        seconds = round(q.average_ms / 1000, 1) if q.average_ms is not None else None
        table.rows.append(
            [
                q.number,
                q.round_title,
                q.key,
                q.stem,
                q.kind,
                q.answer,
                q.had,
                q.answered,
                q.correct,
                q.accuracy,
                option_summary(q),
                seconds,
                typed_summary(q),
            ]
        )
    return table


def _answers(report: ContestReport) -> Table:
    table = Table(
        "answers",
        "作答明细",
        [
            Column("组"),
            Column("工号"),
            Column("姓名"),
            Column("中心"),
            Column("序号", INT),
            Column("轮次"),
            Column("题号"),
            Column("作答"),
            Column("对错"),
            Column("得分", INT),
            Column("用时（秒）", SECONDS),
            Column("作答时间", DATETIME),
        ],
    )
    answers = answers_by_player(report.contest)
    for group in report.groups:
        for ranked in group.people:
            s = ranked.standing
            for a in answers.get(s.player_id, []):
                seconds = round(a.elapsed_ms / 1000, 1) if a.elapsed_ms is not None else None
                verdict = "已作废" if a.voided else ("对" if a.correct else "错") if a.answered else ""
                number = report.staff_numbers.get(s.player_id, "")
                table.rows.append(
                    [
                        group.name,
                        number,
                        s.name,
                        s.center,
                        a.number,
                        a.round_title,
                        a.key,
                        a.response,
                        verdict,
                        a.points,
                        seconds,
                        a.at,
                    ]
                )
    return table


def _incidents(report: ContestReport) -> Table:
    table = Table(
        "incidents",
        "抢跑与移出",
        [Column("类型"), Column("时间", DATETIME), Column("工号"), Column("姓名"), Column("中心"), Column("说明")],
    )
    for i in report.incidents:
        table.rows.append([i.kind, i.at, i.staff_no, i.name, i.center, i.detail])
    return table
