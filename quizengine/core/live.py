"""The contest's state machine and the live answer window: statuses, phases, allowed moves, when an answer counts.

A contest is `draft` until an organizer opens it, `open` while it runs and
`finished` once its scores are frozen. A live contest also has a phase, the
screen everyone is on; the host moves it only along `MOVES`. The server alone
decides time: a question's `opened_at` and `closes_at` are stored when it
opens, and an answer counts only while the question is open and until
`closes_at` + GRACE (an answer then is timed at the close). Papers use the
same GRACE past an attempt's deadline (core.paper).
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

# Network latency between a phone's tap and the server: an answer received
# this long after the close still counts, as if given at the close.
GRACE = timedelta(milliseconds=1500)


class Mode(enum.StrEnum):
    """How a contest is run."""

    LIVE = "live"  # host-paced, everyone on the same question
    SELF_PACED = "self_paced"  # a paper (笔试): an open window and a personal time limit
    OFFLINE = "offline"  # held off the system (笔试, 线下, 岗位比武 on paper): scores imported from a sheet
    JUDGED = "judged"  # 岗位比武 scored live by judges on a rubric (core.judged)


class Status(enum.StrEnum):
    """A contest's lifecycle, for live contests and papers alike."""

    DRAFT = "draft"
    OPEN = "open"
    FINISHED = "finished"

    @property
    def label(self) -> str:
        """Chinese name shown to users (a live contest's; a paper's: core.paper.PAPER_STATUS_LABELS)."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {Status.DRAFT: "未开放", Status.OPEN: "进行中", Status.FINISHED: "已结束"}


class Phase(enum.StrEnum):
    """The screen a live contest is on."""

    LOBBY = "lobby"  # joining, before the first question
    QUESTION = "question"  # a question is open for answers
    CLOSED = "closed"  # answering ended; the key is not shown yet
    REVEAL = "reveal"  # the key, the explanation and each player's result
    LEADERBOARD = "leaderboard"
    FINISHED = "finished"  # the podium


# Where each phase may be entered from (the host's moves; a deadline timer closes too).
MOVES: dict[Phase, frozenset[Phase]] = {
    Phase.QUESTION: frozenset({Phase.LOBBY, Phase.CLOSED, Phase.REVEAL, Phase.LEADERBOARD}),
    Phase.CLOSED: frozenset({Phase.QUESTION}),
    Phase.REVEAL: frozenset({Phase.CLOSED, Phase.REVEAL}),
    Phase.LEADERBOARD: frozenset({Phase.LOBBY, Phase.CLOSED, Phase.REVEAL, Phase.LEADERBOARD}),
    Phase.FINISHED: frozenset({Phase.LOBBY, Phase.CLOSED, Phase.REVEAL, Phase.LEADERBOARD}),
}

# Phases whose screen shows the current question.
SHOWS_QUESTION = frozenset({Phase.QUESTION, Phase.CLOSED, Phase.REVEAL})
# Phases whose screen shows the standings.
SHOWS_LEADERBOARD = frozenset({Phase.LEADERBOARD, Phase.FINISHED})


def may_move(status: str, phase: str, to: Phase) -> bool:
    """Whether an open contest on `phase` may move to `to`."""
    return status == Status.OPEN and phase in MOVES[to]


def answer_elapsed_ms(
    *,
    phase: str,
    opened_at: datetime,
    closes_at: datetime,
    closed_at: datetime | None,
    paused_at: datetime | None,
    time_limit_s: int,
    now: datetime,
) -> int | None:
    """Milliseconds from the open to an answer received at `now`, capped at the limit; None when it is too late.

    Once the key is revealed nothing more is taken; until then a tap in flight at
    the close still counts within GRACE. The countdown stands still during a
    pause, so an answer then is timed at the pause.
    """
    closed = closed_at if closed_at and closed_at < closes_at else closes_at
    judged_at = min(now, paused_at) if paused_at else now
    if phase not in (Phase.QUESTION, Phase.CLOSED) or judged_at > closed + GRACE:
        return None
    elapsed = int((judged_at - opened_at).total_seconds() * 1000)
    return max(0, min(elapsed, time_limit_s * 1000))


def is_overdue(deadline: datetime, now: datetime) -> bool:
    """Whether `now` is past a deadline even allowing GRACE for what was in flight."""
    return now > deadline + GRACE
