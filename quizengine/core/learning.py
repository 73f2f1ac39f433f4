"""The learning phase (深入学习阶段): the wrong-answer book and the centers' study sessions.

Wrong-answer book (错题本): a question enters a person's book when they answer
it wrongly (in practice, a self-paced paper or a live contest). Every wrong answer resets
its streak; it leaves the book after `RIGHT_TO_CLEAR` right answers in a row.
The book shows the entries answered wrongly within the last `RECENT_DAYS`.

Study session (学习场次): the plan asks every center for at least two
collective study sessions (集中学习) in the learning phase. A study session
of a center is a calendar day on which at least `min_share` of the center's
staff at a window (rounded up, at least one person) practised or answered
in a contest. `REQUIRED_SESSIONS` is the plan's minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

RIGHT_TO_CLEAR = 2
RECENT_DAYS = 90
REQUIRED_SESSIONS = 2
DEFAULT_MIN_SHARE = 0.5


@dataclass(frozen=True)
class BookEntry:
    """A question's state in a person's wrong-answer book."""

    wrong_count: int = 0
    streak: int = 0  # right answers in a row since the last wrong one
    cleared: bool = True

    def after(self, correct: bool) -> BookEntry:
        """The entry after one more answer to its question."""
        if not correct:
            return BookEntry(self.wrong_count + 1, 0, False)
        if self.cleared:
            return self
        streak = self.streak + 1
        return BookEntry(self.wrong_count, streak, streak >= RIGHT_TO_CLEAR)


def session_threshold(staff_at_window: int, min_share: float = DEFAULT_MIN_SHARE) -> int:
    """How many of a center's staff make a day a study session."""
    return max(1, math.ceil(staff_at_window * min_share - 1e-9))


def study_sessions(participants_by_day: dict[date, set[int]], staff_at_window: int, min_share: float) -> list[date]:
    """The days that count as study sessions for a center, in order."""
    needed = session_threshold(staff_at_window, min_share)
    return sorted(day for day, people in participants_by_day.items() if len(people) >= needed)


@dataclass(frozen=True)
class Tally:
    """Answers and right answers."""

    answered: int = 0
    correct: int = 0

    def add(self, correct: bool) -> Tally:
        """One more answer."""
        return Tally(self.answered + 1, self.correct + int(correct))

    @property
    def accuracy(self) -> float | None:
        """Right / answered; None (shown blank, not 0%) when nothing was answered."""
        return self.correct / self.answered if self.answered else None
