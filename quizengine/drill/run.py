"""Running a drill: against a throw-away local instance (the default) or a server the organizer names."""

from __future__ import annotations

import asyncio
import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

from quizengine.drill import instance
from quizengine.drill.hall import Figures, Hall, Plan, Progress, signed_in_cookie

MAX_PHONES = 5000
MAX_QUESTIONS = 10
MAX_TIMEOUT_S = 1800


@dataclass
class Target:
    """A server to drill that the organizer runs: its URL, the rehearsal contest, a host account, the staff."""

    url: str
    code: str
    contest_id: int
    host_user: str
    host_password: str
    staff: list[tuple[str, str]]
    server_pid: int | None = None


def read_staff(path: Path) -> list[tuple[str, str]]:
    """(staff id, name) rows of a csv with a header (工号,姓名 first, as the roster template)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.reader(handle) if row and row[0].strip()]
    return [(row[0].strip(), row[1].strip()) for row in rows[1:] if len(row) >= 2]


async def _drill(url, code, contest_id, user, password, staff, plan, meter, progress) -> Figures:
    cookie = await signed_in_cookie(url, user, password)
    hall = Hall(url, code, contest_id, staff, plan, cookie=cookie, meter=meter, progress=progress)
    return await hall.run()


def drill_target(target: Target, plan: Plan, *, timeout_s: float, progress: bool = True) -> Figures:
    """Drill a running server."""
    if len(target.staff) < plan.phones:
        raise ValueError(f"名单只有 {len(target.staff)} 人，少于 {plan.phones} 部手机")
    meter = instance.ProcessMeter(target.server_pid)
    coroutine = _drill(
        target.url,
        target.code,
        target.contest_id,
        target.host_user,
        target.host_password,
        target.staff,
        plan,
        meter,
        Progress(progress),
    )
    return asyncio.run(asyncio.wait_for(coroutine, timeout=timeout_s))


def drill_throwaway(plan: Plan, *, timeout_s: float, progress: bool = True, **options) -> tuple[Figures, int]:
    """Drill a throw-away instance on 127.0.0.1; returns the figures and the answers its database stored."""
    with tempfile.TemporaryDirectory(prefix="quizengine-drill-") as folder:
        folder = Path(folder)
        with instance.throwaway(folder, plan.phones, plan.questions, **options) as served:
            target = Target(
                served.url,
                served.code,
                served.contest_id,
                served.host_user,
                served.host_password,
                served.staff,
                served.process.pid,
            )
            figures = drill_target(target, plan, timeout_s=timeout_s, progress=progress)
        return figures, instance.stored_answers(folder)
