"""Self-paced papers (笔试): the window, per-person draws, deadlines and counting attempts.

- Every person's paper is drawn from the contest's sections with a seed made
  from the contest seed, the staff id and the attempt number (`person_seed`),
  so the same person's attempt can be drawn again, question by question and
  option by option, when a result is disputed. Every paper has the same
  blueprint: each section gives everyone `count` questions of `points` each.
- An attempt's deadline is its start plus the personal time limit, but never
  later than the window's close (`attempt_deadline`).
- Papers score `fixed` points; multiple choice may earn partial credit.
- With several attempts, `best` counts the highest score (then more correct,
  then less time) and `last` the latest closed attempt (`counted_attempt`).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from quizengine.core.questions import Question, QuestionKind
from quizengine.core.scoring import RoundRule, score_answer

# A paper's settings and how they are named to users (the one label table of each).
LAYOUT_LABELS = {"single": "一题一页", "scroll": "整卷滚动"}
COUNTING_LABELS = {"best": "取最好成绩", "last": "以最后一次为准"}
RESULTS_LABELS = {"after_submit": "交卷后立即显示", "after_close": "截止后公布"}
PAPER_STATUS_LABELS = {"draft": "未发布", "open": "已发布", "finished": "已结束（成绩已冻结）"}
LAYOUTS = tuple(LAYOUT_LABELS)
COUNTING = tuple(COUNTING_LABELS)
RESULTS = tuple(RESULTS_LABELS)


@dataclass(frozen=True)
class Section:
    """A block of the blueprint: `count` questions drawn from `pool` (question ids)."""

    title: str
    count: int
    pool: tuple[str, ...]
    points: int | None = None  # None: each question's own points


@dataclass(frozen=True)
class PaperItem:
    """One question of a drawn paper, with the order its options are shown in."""

    section: int
    question_id: str
    option_order: tuple[str, ...]


class PaperError(ValueError):
    """The sections cannot give every person a full paper."""


def person_seed(contest_seed: int, staff_no: str, attempt: int) -> int:
    """The seed of one person's attempt: stable across servers, restarts and Python versions."""
    digest = hashlib.sha256(f"{contest_seed}:{staff_no}:{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def sections_problems(sections: list[Section]) -> list[tuple[int, str]]:
    """(section index, message) for every section some person's draw could run short in.

    Earlier sections draw first and take their questions out of later pools:
    each at most its count of the questions its pool shares with this one, and
    all together no more than the shared questions there are. A section must
    still hold `count` after that worst case.
    """
    problems = []
    for index, section in enumerate(sections):
        pool = set(section.pool)
        earlier = sections[:index]
        shared = pool & set().union(*(e.pool for e in earlier))
        taken = min(sum(min(e.count, len(pool & set(e.pool))) for e in earlier), len(shared))
        if len(pool) - taken < section.count:
            available = max(len(pool) - taken, 0)
            message = f"只能保证 {available} 道题可抽（共 {len(pool)} 道符合条件），需要 {section.count} 道"
            problems.append((index, message))
    return problems


def draw_paper(
    sections: list[Section], questions: dict[str, Question], seed: int, *, shuffle_options: bool = True
) -> list[PaperItem]:
    """Draw one person's paper: sections in order, questions and options in seeded random order."""
    rng = random.Random(seed)
    used: set[str] = set()
    items: list[PaperItem] = []
    for index, section in enumerate(sections):
        candidates = sorted(qid for qid in set(section.pool) if qid not in used)
        if len(candidates) < section.count:
            raise PaperError(f"第 {index + 1} 部分只有 {len(candidates)} 道题可抽，需要 {section.count} 道")
        for qid in _shuffled(candidates, rng)[: section.count]:
            used.add(qid)
            keys = list(questions[qid].option_keys)
            if shuffle_options and questions[qid].kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                keys = _shuffled(keys, rng)
            items.append(PaperItem(index, qid, tuple(keys)))
    return items


def _shuffled(items: list, rng: random.Random) -> list:
    """A Fisher-Yates shuffle on `rng.random()` alone: Python promises that method's sequence
    for a seed across versions (not `sample`'s or `shuffle`'s), so a paper replays after upgrades."""
    result = list(items)
    for i in range(len(result) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        result[i], result[j] = result[j], result[i]
    return result


def window_state(now: datetime, opens_at: datetime, closes_at: datetime) -> str:
    """`before`, `open` or `closed`: the window includes its opening instant and excludes its close."""
    if now < opens_at:
        return "before"
    return "open" if now < closes_at else "closed"


def attempt_deadline(started_at: datetime, time_limit_minutes: int, closes_at: datetime) -> datetime:
    """When an attempt started at `started_at` must end."""
    return min(started_at + timedelta(minutes=time_limit_minutes), closes_at)


@dataclass(frozen=True)
class ItemScore:
    """What one answered (or unanswered) paper question earned."""

    answered: bool
    correct: bool
    points: int


def score_item(question: Question, response, *, points: int | None, partial: bool) -> ItemScore:
    """Score one paper question under `fixed` points (partial credit for multiple choice when set)."""
    if response is None:
        return ItemScore(False, False, 0)
    scored = replace(question, points=points) if points is not None else question
    outcome = score_answer(scored, response, RoundRule(scoring="fixed", partial=partial), elapsed_ms=0, time_limit_s=1)
    return ItemScore(True, outcome.correct, outcome.points)


@dataclass(frozen=True)
class AttemptResult:
    """A closed attempt's totals."""

    number: int
    points: int
    correct: int
    answered: int
    duration_ms: int
    closed_at: datetime


def counted_attempt(attempts: list[AttemptResult], counting: str = "best") -> AttemptResult | None:
    """The attempt a person's result is: `best` (score, then correct, then less time, then earlier) or `last`."""
    if not attempts:
        return None
    if counting == "last":
        return max(attempts, key=lambda a: a.number)
    return min(attempts, key=lambda a: (-a.points, -a.correct, a.duration_ms, a.number))
