"""A contest's results as organizers read and file them: per group, persons and centers; the groups; the
questions; false starts and kicks.

The rankings come from the one ranking path (services.results.rankings_by_group,
core.ranking's tie-break); this module only arranges them beside the figures
around them. The results pages, the printable page, the xlsx and the CSV files
are all built from `contest_report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import mean

from sqlalchemy import func, select

from quizengine.core.live import Mode
from quizengine.core.ranking import CenterStanding, Ranked, center_rule_label
from quizengine.extensions import db
from quizengine.models import Center, Contest, OfflineScore, Player, Press, Round, RoundQuestion, Staff
from quizengine.models.types import utcnow
from quizengine.services import papers
from quizengine.services.report_questions import QuestionStats, question_stats
from quizengine.services.results import player_staff_numbers, rankings_by_group
from quizengine.timezone import local_text

TIE_BREAK = "分数高、答对多、总用时少、最后一次作答（交卷）早，依次比较；四项相同并列"


@dataclass(frozen=True)
class GroupResult:
    """One group's people and centers, ranked within the group (awards go per group), and its totals."""

    name: str
    people: list[Ranked]
    centers: list[CenterStanding]

    @property
    def participants(self) -> int:
        """People with a result in this group."""
        return len(self.people)

    @property
    def staff(self) -> int:
        """Staff at a window on the roster in this group's centers."""
        return sum(c.roster for c in self.centers)

    @property
    def participation(self) -> float | None:
        """Participants / staff at a window; None when the roster has nobody at a window."""
        return self.participants / self.staff if self.staff else None

    @property
    def mean_score(self) -> float | None:
        """The participants' mean score; None when nobody took part."""
        return round(mean(r.standing.score for r in self.people), 2) if self.people else None

    @property
    def accuracy(self) -> float | None:
        """All correct answers / all answers of the group; None when nothing was answered (offline sheets)."""
        answered = sum(r.standing.answered for r in self.people)
        return sum(r.standing.correct for r in self.people) / answered if answered else None


@dataclass(frozen=True)
class Incident:
    """A false start (抢答抢跑) or a kick (移出竞赛), with who and when."""

    kind: str  # 抢跑 / 移出
    at: datetime
    player_id: int
    staff_no: str
    name: str
    center: str
    detail: str


@dataclass(frozen=True)
class ContestReport:
    """Everything the results pages and exports show of one contest."""

    contest: Contest
    groups: list[GroupResult]
    staff_numbers: dict[int, str]
    questions: list[QuestionStats] | None  # None: an offline contest has no questions
    incidents: list[Incident]
    held: str
    generated_at: datetime

    @property
    def center_rule(self) -> str:
        """The contest's center rule in words."""
        settings = self.contest.settings
        return center_rule_label(settings.get("center_rule", "mean"), settings.get("top_n", 3))

    @property
    def false_starts(self) -> list[Incident]:
        """The buzzer presses before a question opened."""
        return [i for i in self.incidents if i.kind == "抢跑"]

    @property
    def kicked(self) -> list[Incident]:
        """The players the host removed."""
        return [i for i in self.incidents if i.kind == "移出"]

    @property
    def unasked(self) -> int:
        """How many questions of a live contest were never asked (not in `questions`)."""
        if self.contest.mode != Mode.LIVE:
            return 0
        return sum(1 for r in self.contest.rounds for rq in r.questions if rq.opened_at is None)

    def person(self, player_id: int) -> tuple[str, Ranked] | None:
        """(group name, ranked standing) of a player with a result, else None."""
        for group in self.groups:
            for ranked in group.people:
                if ranked.standing.player_id == player_id:
                    return group.name, ranked
        return None


def contest_report(contest: Contest, now: datetime | None = None) -> ContestReport:
    """Build a contest's report; a paper's attempts whose time is up are closed first, so they count."""
    now = now or utcnow()
    if contest.mode == Mode.SELF_PACED:
        papers.close_due(now)
    groups = [GroupResult(name, people, centers) for name, people, centers in rankings_by_group(contest)]
    return ContestReport(
        contest=contest,
        groups=groups,
        staff_numbers=player_staff_numbers(contest),
        questions=question_stats(contest),
        incidents=sorted(_false_starts(contest) + _kicks(contest), key=lambda i: i.at),
        held=held_text(contest),
        generated_at=now,
    )


def contest_player(contest: Contest, player_id: int) -> Player | None:
    """A player of this contest (kicked or not), or None."""
    player = db.session.get(Player, player_id)
    return player if player is not None and player.contest_id == contest.id else None


def _numbers(contest: Contest) -> dict[int, int]:
    """Round question id -> its number in the contest (1, 2, ...)."""
    ids = [rq.id for round_ in contest.rounds for rq in round_.questions]
    return {rq_id: number for number, rq_id in enumerate(ids, 1)}


def _false_starts(contest: Contest) -> list[Incident]:
    numbers = _numbers(contest)
    rows = db.session.execute(
        select(Press, Staff.staff_no, Staff.name, Center.name, Player.id)
        .join(Player, Press.player_id == Player.id)
        .join(Staff, Player.staff_id == Staff.id)
        .join(Center, Staff.center_id == Center.id)
        .where(Player.contest_id == contest.id, Press.false_start.is_(True))
        .order_by(Press.at, Press.id)
    ).all()
    return [
        Incident(
            "抢跑", press.at, pid, no, name, center, f"第 {numbers.get(press.round_question_id, '?')} 题开放前按抢答"
        )
        for press, no, name, center, pid in rows
    ]


def _kicks(contest: Contest) -> list[Incident]:
    rows = db.session.execute(
        select(Player.id, Player.kicked_at, Staff.staff_no, Staff.name, Center.name)
        .join(Staff, Player.staff_id == Staff.id)
        .join(Center, Staff.center_id == Center.id)
        .where(Player.contest_id == contest.id, Player.kicked_at.is_not(None))
        .order_by(Player.kicked_at, Player.id)
    ).all()
    return [
        Incident("移出", kicked_at, pid, no, name, center, "主持人移出竞赛，成绩不计")
        for pid, kicked_at, no, name, center in rows
    ]


def held_text(contest: Contest) -> str:
    """When the contest took place, in local dates: its questions' first open to last close, a paper's window,
    an offline contest's import date."""
    if contest.mode == Mode.SELF_PACED:
        first, last = contest.opens_at, contest.closes_at
    elif contest.mode == Mode.OFFLINE:
        first = last = db.session.scalar(
            select(func.max(OfflineScore.imported_at)).where(OfflineScore.contest_id == contest.id)
        )
    else:
        first, last = db.session.execute(
            select(func.min(RoundQuestion.opened_at), func.max(RoundQuestion.closed_at))
            .join(Round, RoundQuestion.round_id == Round.id)
            .where(Round.contest_id == contest.id)
        ).one()
    if first is None:
        return "尚未进行"
    start, end = local_text(first, "%Y-%m-%d"), local_text(last or first, "%Y-%m-%d")
    return start if start == end else f"{start} 至 {end}"
