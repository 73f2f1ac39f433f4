"""The center × policy topic accuracy heat map of one contest or several (core.heatmap does the figures).

Answers taken in: a live contest's stored answers of (not kicked) players,
buzzer and risk rounds included (every given answer says what its person
knew); a paper's answered items of each person's counted closed attempt. An
offline contest has no answers per question. Topics are the questions' tags,
labelled by the `tags:` map of the bank revision each question came from.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from quizengine.core.heatmap import Heatmap, TopicAnswer, build_heatmap
from quizengine.core.live import Mode, Status
from quizengine.extensions import db
from quizengine.models import (
    Answer,
    BankRevision,
    Center,
    Contest,
    ContestGroup,
    Group,
    Player,
    Question,
    RoundQuestion,
    Staff,
)
from quizengine.services.item_analysis import counted_attempts
from quizengine.services.results import voided_questions, voided_round_questions


def _centers(group_ids: Iterable[int]) -> list[tuple[str, str]]:
    """(group name, center name) of the groups, by group position then center name."""
    rows = db.session.execute(
        select(Group.name, Center.name)
        .join(Center, Center.group_id == Group.id)
        .where(Group.id.in_(list(group_ids)))
        .order_by(Group.position, Group.id, Center.name)
    )
    return [tuple(row) for row in rows]


def _live_answers(contest: Contest) -> list[tuple[str, int, bool]]:
    """(center, question id, right) of every answer given in a live contest (voided questions left out)."""
    voided = voided_round_questions(contest.id)
    rows = db.session.execute(
        select(Center.name, RoundQuestion.question_id, Answer.correct)
        .join(RoundQuestion, Answer.round_question_id == RoundQuestion.id)
        .join(Player, Answer.player_id == Player.id)
        .join(Staff, Player.staff_id == Staff.id)
        .join(Center, Staff.center_id == Center.id)
        .where(Player.contest_id == contest.id, Player.kicked_at.is_(None))
        .where(RoundQuestion.id.not_in(voided))
    )
    return [(center, qid, bool(correct)) for center, qid, correct in rows]


def _paper_answers(contest: Contest) -> list[tuple[str, int, bool]]:
    """(center, question id, right) of every answered item of the counted attempts of a paper (voided left out)."""
    attempts = counted_attempts(contest)
    voided = voided_questions(contest.id)
    centers = dict(
        db.session.execute(
            select(Player.id, Center.name)
            .join(Staff, Player.staff_id == Staff.id)
            .join(Center, Staff.center_id == Center.id)
            .where(Player.contest_id == contest.id)
        ).all()
    )
    return [
        (centers[a.player_id], item.question_id, bool(item.correct))
        for a in attempts
        for item in a.items
        if item.response is not None and item.question_id not in voided
    ]


def contests_heatmap(contests: list[Contest], group_ids: set[int] | None = None) -> Heatmap:
    """The heat map over the contests' answers, with every center of `group_ids` (default: the contests' groups)."""
    given: list[tuple[str, int, bool]] = []
    for contest in contests:
        if contest.mode == Mode.LIVE:
            given += _live_answers(contest)
        elif contest.mode == Mode.SELF_PACED:
            given += _paper_answers(contest)
    question_ids = {qid for _, qid, _ in given}
    tags: dict[int, tuple[str, ...]] = {}
    labels: dict[str, str] = {}
    revisions: dict[int, dict] = {}
    if question_ids:
        rows = db.session.execute(
            select(Question.id, Question.tags, Question.revision_id, BankRevision.tags)
            .join(BankRevision, Question.revision_id == BankRevision.id)
            .where(Question.id.in_(question_ids))
            .order_by(BankRevision.bank_id, BankRevision.id)
        )
        for qid, question_tags, revision_id, revision_tags in rows:
            tags[qid] = tuple(question_tags)
            revisions[revision_id] = revision_tags
    for revision_tags in revisions.values():
        labels.update({tag: label for tag, label in revision_tags.items() if tag not in labels})
    if group_ids is None:
        group_ids = {g.id for contest in contests for g in contest.groups}
    answers = [TopicAnswer(center, tags.get(qid, ()), correct) for center, qid, correct in given]
    return build_heatmap(_centers(group_ids), answers, labels)


def contest_heatmap(contest: Contest) -> Heatmap:
    """The heat map of one contest's answers."""
    return contests_heatmap([contest])


def group_contests(group: Group) -> list[Contest]:
    """The live contests and papers a group took part in, oldest first."""
    return list(
        db.session.scalars(
            select(Contest)
            .join(ContestGroup, ContestGroup.contest_id == Contest.id)
            .where(ContestGroup.group_id == group.id, Contest.mode != Mode.OFFLINE, Contest.status != Status.DRAFT)
            .order_by(Contest.id)
        )
    )


def group_heatmap(group: Group) -> tuple[Heatmap, list[Contest]]:
    """One group's centers over every contest it took part in, and those contests."""
    contests = group_contests(group)
    return contests_heatmap(contests, {group.id}), contests
