"""Item analysis (试题分析) of a contest and of a bank, from the stored answers (core.itemanalysis does the figures).

What a mark is, per mode:

- live: every (not kicked) player who joined is one person; x_i is the share
  of the question they earned by their answer alone — 1 right, 0 wrong or not
  answered, a half for a partly right multiple choice where the round gives
  that — and m_i = 1. Speed points and stakes are left out: they measure how
  fast and how bold, not whether the person knew. Only questions that were
  asked and closed count. Buzzer rounds are left out: only the one who pressed
  first answers, so the others have no mark to compare.
- self-paced paper: each person's counted closed attempt (core.paper.counted_attempt);
  x_i is the points the item earned, m_i its points on the paper. Every
  person's draw differs, so an item is analysed among the people who had it
  (core.itemanalysis, Moodle's random questions) and the test's alpha over
  the positions of the paper.
- offline: only totals were imported; there is nothing per item.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from quizengine.core.itemanalysis import FLAG_TEXT, MIN_PEOPLE, Analysis, ItemStats, PooledItem, analyse, pool
from quizengine.core.live import Mode, Status
from quizengine.core.questions import check_answer
from quizengine.extensions import db
from quizengine.models import Answer, Attempt, Bank, Contest, Player, Question, Round, RoundQuestion
from quizengine.models.mapping import to_core
from quizengine.services import report_questions
from quizengine.services.correctable import active_corrections, corrected
from quizengine.services.results import voided_questions, voided_round_questions

BUZZER_LEFT_OUT = "抢答题只有抢到的人作答，其他人没有这道题的得分，无法与全卷比较，不参加分析"
NOT_ASKED_LEFT_OUT = "还没有出题或还没有关闭的题不参加分析"
VOIDED_LEFT_OUT = "复核中已作废的题不计分，不参加分析"
OFFLINE_NOTE = "线下竞赛只导入了每人的总成绩，没有逐题得分，无法做试题分析。"


@dataclass
class ItemRow:
    """One analysed item: the question as stored, where it stood, its figures and flags in words."""

    question: Question
    place: str  # the round or section it was in
    stats: ItemStats

    @property
    def flag_texts(self) -> list[str]:
        """The item's flags for trainers, in Chinese."""
        return [FLAG_TEXT[flag] for flag in self.stats.flags]


@dataclass
class ContestAnalysis:
    """A contest's item analysis: None figures for an offline contest; what was left out and why."""

    contest: Contest
    analysis: Analysis | None
    rows: list[ItemRow] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    note: str | None = None


def contest_analysis(contest: Contest) -> ContestAnalysis:
    """The contest's item analysis, built as the module docstring says for its mode."""
    if contest.mode == Mode.OFFLINE:
        return ContestAnalysis(contest, None, note=OFFLINE_NOTE)
    if contest.mode == Mode.SELF_PACED:
        return _paper_analysis(contest)
    return _live_analysis(contest)


def _live_analysis(contest: Contest) -> ContestAnalysis:
    """Live: one column per asked and closed question outside buzzer rounds, one row per player."""
    left_out = []
    columns: list[RoundQuestion] = []
    voided = voided_round_questions(contest.id)
    corrections = active_corrections(contest)
    for round_ in contest.rounds:
        if round_.kind == "buzzer":
            if round_.questions:
                left_out.append(f"{round_.title or '抢答题'}（{len(round_.questions)} 道）：{BUZZER_LEFT_OUT}")
            continue
        columns += [rq for rq in round_.questions if rq.closed_at is not None and rq.id not in voided]
    if voided:
        left_out.append(f"{len(voided)} 道：{VOIDED_LEFT_OUT}")
    unasked = sum(1 for r in contest.rounds if r.kind != "buzzer" for rq in r.questions if rq.closed_at is None)
    if unasked:
        left_out.append(f"{unasked} 道：{NOT_ASKED_LEFT_OUT}")
    players = list(
        db.session.scalars(select(Player.id).where(Player.contest_id == contest.id, Player.kicked_at.is_(None)))
    )
    index = {pid: row for row, pid in enumerate(players)}
    marks = [[0.0] * len(columns) for _ in players]
    for col, rq in enumerate(columns):
        question = corrected(to_core(rq.question), corrections.get(rq.id))
        partial = bool(rq.round.scoring.get("partial"))
        answers = db.session.execute(
            select(Answer.player_id, Answer.response).where(Answer.round_question_id == rq.id)
        ).all()
        for player_id, response in answers:
            if player_id in index:
                marks[index[player_id]][col] = check_answer(question, response.get("value"), partial=partial).fraction
    analysis = analyse([str(rq.id) for rq in columns], [1.0] * len(columns), marks)
    rows = [
        ItemRow(rq.question, rq.round.title or f"第 {rq.round.position} 轮", stats)
        for rq, stats in zip(columns, analysis.items, strict=True)
    ]
    return ContestAnalysis(contest, analysis, rows, left_out)


def counted_attempts(contest: Contest) -> list[Attempt]:
    """Each (not kicked) player's counted closed attempt of a paper (services.report_questions.counted_attempts)."""
    return list(report_questions.counted_attempts(contest).values())


def _paper_analysis(contest: Contest) -> ContestAnalysis:
    """A paper: one column per question anyone was given (None where a person was not), slots by position."""
    order = {rq.question_id: (r.position, rq.position) for r in contest.rounds for rq in r.questions}
    titles = {r.id: r.title or f"第 {r.position} 部分" for r in contest.rounds}
    attempts = counted_attempts(contest)
    voided = voided_questions(contest.id)
    maxima: dict[int, int] = {}
    places: dict[int, str] = {}
    for attempt in attempts:
        for item in attempt.items:
            if item.question_id in voided:
                continue
            maxima.setdefault(item.question_id, item.points_value)
            places.setdefault(item.question_id, titles.get(item.round_id, ""))
    question_ids = sorted(maxima, key=lambda qid: order.get(qid, (1 << 30, qid)))
    column = {qid: col for col, qid in enumerate(question_ids)}
    marks: list[list[float | None]] = []
    slots: list[list[float]] = []
    for attempt in attempts:
        row: list[float | None] = [None] * len(question_ids)
        by_position = []
        for item in attempt.items:
            if item.question_id in voided:
                continue
            earned = float(item.points or 0)
            # The same question drawn in two sections of different points: its column keeps the first points seen.
            scale = maxima[item.question_id] / item.points_value if item.points_value else 1.0
            row[column[item.question_id]] = earned * scale
            by_position.append(earned * scale)
        marks.append(row)
        slots.append(by_position)
    same_blueprint = len({len(s) for s in slots}) <= 1
    analysis = analyse(
        [str(qid) for qid in question_ids],
        [float(maxima[qid]) for qid in question_ids],
        marks,
        slots=slots if same_blueprint else None,
    )
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(question_ids)))}
    rows = [
        ItemRow(questions[qid], places[qid], stats) for qid, stats in zip(question_ids, analysis.items, strict=True)
    ]
    left_out = ["未交卷的试卷不参加分析；多次作答的人只取计成绩的那一次"]
    if voided:
        left_out.append(f"{len(voided)} 道：{VOIDED_LEFT_OUT}")
    return ContestAnalysis(contest, analysis, rows, left_out)


@dataclass
class BankItem:
    """One question of a bank (by its id, across revisions) pooled over the contests that used it."""

    key: str
    stem: str
    pooled: PooledItem
    uses: list[tuple[Contest, ItemStats]]

    @property
    def flag_texts(self) -> list[str]:
        """The pooled flags for trainers, in Chinese."""
        return [FLAG_TEXT[flag] for flag in self.pooled.flags]


@dataclass
class BankAnalysis:
    """A bank's questions pooled over the contests that fed them, and those contests with their people."""

    bank: Bank
    items: list[BankItem]
    contests: list[tuple[Contest, int]]

    @property
    def flagged(self) -> dict[str, BankItem]:
        """Question id -> its pooled figures, for the questions with a flag."""
        return {item.key: item for item in self.items if item.pooled.flags}

    @property
    def warnings(self) -> list[str]:
        """The small-sample warning, when some questions were answered by too few people."""
        few = sum(1 for item in self.items if item.pooled.people < MIN_PEOPLE)
        if not few:
            return []
        return [f"有 {few} 道题作答人数少于 {MIN_PEOPLE} 人，这些题的统计数字参考意义有限"]


def contests_using(bank: Bank, group_keys: set[str] | None = None) -> list[Contest]:
    """Opened live contests and papers with a question of `bank` (within `group_keys`' contests; None: all)."""
    ids = select(Round.contest_id).join(RoundQuestion, RoundQuestion.round_id == Round.id)
    ids = ids.join(Question, RoundQuestion.question_id == Question.id).where(
        Question.revision_id.in_([r.id for r in bank.revisions])
    )
    contests = db.session.scalars(
        select(Contest)
        .where(Contest.id.in_(ids), Contest.mode != Mode.OFFLINE, Contest.status != Status.DRAFT)
        .order_by(Contest.id)
    ).all()
    if group_keys is None:
        return list(contests)
    return [c for c in contests if c.groups and {g.key for g in c.groups} <= group_keys]


def bank_analysis(bank: Bank, group_keys: set[str] | None = None) -> BankAnalysis:
    """Every question of `bank` over the contests that used it (see `contests_using`), pooled by question id."""
    revisions = {r.id for r in bank.revisions}
    uses: dict[str, list[tuple[Contest, ItemStats]]] = {}
    stems: dict[str, tuple[int, str]] = {}
    fed = []
    for contest in contests_using(bank, group_keys):
        result = contest_analysis(contest)
        fed.append((contest, result.analysis.test.people))
        for row in result.rows:
            if row.question.revision_id in revisions and row.stats.people:
                uses.setdefault(row.question.key, []).append((contest, row.stats))
                latest = (row.question.revision_id, row.question.stem)
                stems[row.question.key] = max(stems.get(row.question.key, latest), latest)
    current = bank.current_revision.questions if bank.current_revision else []
    order = {q.key: q.position for q in current}
    items = [
        BankItem(key, stems[key][1], pool(key, [(c.code, s) for c, s in found]), found)
        for key, found in sorted(uses.items(), key=lambda kv: (order.get(kv[0], 1 << 30), kv[0]))
    ]
    return BankAnalysis(bank, items, fed)
