"""What centers owe (应报材料) and where each stands against its deadline: pure rules, every one taking `now`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

REQUIREMENT_KINDS = {
    "study_plan": "学习方案",
    "study_results": "学习实施结果",
    "skill_plan": "技能比拼实施方案",
    "skill_results": "技能比拼落实情况",
    "case": "工作案例",
    "deed": "个人事迹",
}
CASE_CATEGORIES = ("高效办成一件事", "好办", "快办", "好差评", "两个免于提交", "其他")
STATE_LABELS = {"on_time": "已报送", "late": "逾期报送", "missing": "未报送"}

# The contest plan (普府办〔2021〕31号): study plan and results by 8/30;
# skill-contest plan and results and cases by 9/30.
PLAN_DEFAULTS = (
    ("study_plan", "学习方案", (8, 30)),
    ("study_results", "学习实施结果", (8, 30)),
    ("skill_plan", "技能比拼实施方案", (9, 30)),
    ("skill_results", "技能比拼落实情况", (9, 30)),
    ("case", "工作案例", (9, 30)),
)


# Characters XML 1.0 (a DOCX) cannot hold and PostgreSQL text refuses (NUL); tab and line breaks stay.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text without the control characters a Word document or the database cannot store; CRLF made LF."""
    return _UNWRITABLE.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True)
class PlannedRequirement:
    """One requirement the contest plan asks for, in a given year; due at the end of its day (local time)."""

    kind: str
    title: str
    due_local: datetime
    multiple: bool


def plan_requirements(year: int) -> list[PlannedRequirement]:
    """The plan's requirements for `year`, each due at 23:59 local time of its day (naive: the caller's zone)."""
    return [
        PlannedRequirement(kind, f"{year}年{title}", datetime.combine(date(year, m, d), time(23, 59)), kind == "case")
        for kind, title, (m, d) in PLAN_DEFAULTS
    ]


@dataclass(frozen=True)
class Standing:
    """Where one center stands on one requirement: `state` (on_time, late, missing) and its latest counting time."""

    state: str
    submitted_at: datetime | None
    count: int
    overdue: bool

    @property
    def label(self) -> str:
        """The state in words (已报送 / 逾期报送 / 未报送)."""
        return STATE_LABELS[self.state]


def standing(due_at: datetime, submitted: list[datetime], now: datetime) -> Standing:
    """A center's state on a requirement, from the times of its submissions that count (not withdrawn).

    On time when the first of them came by the deadline (a later edit or a
    further case does not make it late); late when all came after it; missing
    when there is none. `overdue` marks a missing one whose deadline passed.
    """
    if not submitted:
        return Standing("missing", None, 0, now > due_at)
    first = min(submitted)
    return Standing("on_time" if first <= due_at else "late", first, len(submitted), False)


def time_left(due_at: datetime, now: datetime) -> str:
    """The time to the deadline in words (剩余 3 天 4 小时, 剩余 25 分钟), or 已截止."""
    left = due_at - now
    if left <= timedelta(0):
        return "已截止"
    days, seconds = left.days, left.seconds
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    if days:
        return f"剩余 {days} 天 {hours} 小时"
    if hours:
        return f"剩余 {hours} 小时 {minutes} 分钟"
    return f"剩余 {max(minutes, 1)} 分钟"
