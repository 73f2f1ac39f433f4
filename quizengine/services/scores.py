"""Offline scores (线下成绩): a score sheet stored against an offline contest, all or nothing.

The sheet is checked against the roster and the contest (staff id known,
name as on the roster, center in one of the contest's groups); with any
problem nothing changes and every problem comes back at once, in row order.
A new import replaces the contest's whole sheet. The scores then rank like
any contest's (services.results.standings).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select

from quizengine.core.identity import fold_staff_no
from quizengine.core.live import Mode, Status
from quizengine.extensions import db
from quizengine.formats.scores import ScoreSheet
from quizengine.formats.yamlread import Problem
from quizengine.models import Contest, OfflineScore, Player, Staff
from quizengine.services import audit


@dataclass(frozen=True)
class ScoresReport:
    """What an import stored (or, with problems, refused to store)."""

    stored: int = 0
    replaced: int = 0
    problems: tuple[Problem, ...] = ()


def import_scores(contest: Contest, sheet: ScoreSheet, *, actor=None, address: str = "") -> ScoresReport:
    """Replace an offline contest's scores with a sheet's; nothing changes when any row is refused."""
    problems: list[Problem] = []

    def problem(line: int, message: str, column: int = 1) -> None:
        problems.append(Problem(sheet.path, line, column, "value", message))

    if contest.mode != Mode.OFFLINE:
        problem(1, f"竞赛 {contest.code} 不是线下竞赛（mode: offline），其成绩由系统计算，不能导入")
        return ScoresReport(problems=tuple(problems))
    maximum = contest.settings.get("max_score")
    group_ids = {g.id for g in contest.groups}
    staff = {fold_staff_no(s.staff_no): s for s in db.session.scalars(select(Staff))}
    accepted: list[tuple[Staff, object]] = []
    for row in sheet.rows:
        person = staff.get(row.staff_no)
        if person is None:
            problem(row.line, f"工号 {row.staff_no} 不在名单上")
        elif person.name != row.name:
            problem(row.line, f"工号 {row.staff_no} 在名单上的姓名是 {person.name}，表中写的是 {row.name}", 2)
        elif person.center.group_id not in group_ids:
            problem(row.line, f"{row.name}（{person.center.name}）不属于本竞赛的参赛组")
        elif maximum is not None and row.score > maximum:
            problem(row.line, f"成绩 {row.score:g} 超过本竞赛满分 {maximum:g}", 3)
        else:
            accepted.append((person, row))
    if problems:
        return ScoresReport(problems=tuple(sorted(problems, key=lambda p: (p.line, p.column))))
    try:
        replaced = db.session.execute(delete(OfflineScore).where(OfflineScore.contest_id == contest.id)).rowcount
        players = {p.staff_id: p for p in db.session.scalars(select(Player).where(Player.contest_id == contest.id))}
        for person, row in accepted:
            player = players.get(person.id)
            if player is None:
                player = Player(contest_id=contest.id, staff_id=person.id, token=secrets.token_urlsafe(24))
                db.session.add(player)
            db.session.add(
                OfflineScore(
                    contest_id=contest.id,
                    player=player,
                    points=row.score,
                    correct=row.correct,
                    time_ms=row.time_ms,
                    line=row.line,
                )
            )
        contest.status = Status.FINISHED
        audit.record(
            actor, "scores.import", f"{contest.code} {sheet.path.rsplit('/', 1)[-1]}", address, rows=len(accepted)
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ScoresReport(stored=len(accepted), replaced=replaced or 0)
