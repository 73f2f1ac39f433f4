"""Results: every player's standing, the rankings (cached per state of the answers), frozen scores.

Live contests are totalled from their answers, papers from each person's
counted attempt (core.paper.counted_attempt), offline contests from their
imported score sheet (services.scores). Ranking and its tie-break are
core.ranking's; `rank_contest` caches them, invalidated only by
`ranking_version`. A question voided after a dispute (services.corrections)
counts for nobody: its answers are left out of the totals and of the maximum.
"""

from __future__ import annotations

from sqlalchemy import Integer, cast, func, select

from quizengine.core.live import Mode, Status
from quizengine.core.paper import AttemptResult, counted_attempt
from quizengine.core.ranking import Standing, podium_centers, podium_people, rank_centers, rank_people
from quizengine.database import batch_memo
from quizengine.extensions import db
from quizengine.models import (
    Answer,
    Attempt,
    Center,
    Contest,
    ContestCorrection,
    Group,
    OfflineScore,
    Player,
    RoundQuestion,
    Score,
    Staff,
)
from quizengine.services import judged_results


def standings(contest: Contest, hidden: int | None = None) -> list[Standing]:
    """Every (not kicked) player's totals, from the stored answers (a paper's: from its counted attempt).

    `hidden` is a round question whose answers do not count yet: the one not
    revealed, so a phone cannot learn from its totals whether it was right.
    """
    if contest.mode == Mode.SELF_PACED:
        return paper_standings(contest)
    if contest.mode == Mode.OFFLINE:
        return offline_standings(contest)
    if contest.mode == Mode.JUDGED:  # 岗位比武: the judges' combined scores (services.judged_results)
        return judged_results.judged_standings(contest)
    voided = voided_round_questions(contest.id)
    rows = db.session.execute(
        select(
            Player.id,
            Staff.name,
            Center.name,
            func.coalesce(func.sum(Answer.points), 0),
            func.count(Answer.id),
            func.coalesce(func.sum(cast(Answer.correct, Integer)), 0),
            func.coalesce(func.sum(Answer.elapsed_ms), 0),
            func.max(Answer.received_at),
        )
        .join(Staff, Player.staff_id == Staff.id)
        .join(Center, Staff.center_id == Center.id)
        .outerjoin(Answer, _counted_answers(hidden, voided))
        .where(Player.contest_id == contest.id, Player.kicked_at.is_(None))
        .group_by(Player.id, Staff.name, Center.name)
    ).all()
    return [
        Standing(pid, name, center, int(score), int(correct), int(answered), int(elapsed), last)
        for pid, name, center, score, answered, correct, elapsed, last in rows
    ]


def _counted_answers(hidden: int | None, voided: frozenset[int] = frozenset()):
    """The join condition of a player's answers that count (all but `hidden`'s and the voided questions')."""
    counted = Answer.player_id == Player.id
    if voided:
        counted = counted & Answer.round_question_id.not_in(sorted(voided))
    return counted if hidden is None else counted & (Answer.round_question_id != hidden)


def voided_round_questions(contest_id: int) -> frozenset[int]:
    """The round questions of a live contest voided after a dispute (their active correction is `void`)."""
    return frozenset(
        db.session.scalars(
            select(ContestCorrection.round_question_id).where(
                ContestCorrection.contest_id == contest_id,
                ContestCorrection.active,
                ContestCorrection.kind == "void",
                ContestCorrection.round_question_id.is_not(None),
            )
        )
    )


def voided_questions(contest_id: int) -> frozenset[int]:
    """The bank questions of a paper voided after a dispute."""
    return frozenset(
        db.session.scalars(
            select(ContestCorrection.question_id).where(
                ContestCorrection.contest_id == contest_id,
                ContestCorrection.active,
                ContestCorrection.kind == "void",
                ContestCorrection.round_question_id.is_(None),
            )
        )
    )


def paper_standings(contest: Contest) -> list[Standing]:
    """Each player's counted closed attempt (core.paper.counted_attempt); time = the attempt's duration."""
    rows = db.session.execute(
        select(Attempt, Player.id, Staff.name, Center.name)
        .join(Player, Attempt.player_id == Player.id)
        .join(Staff, Player.staff_id == Staff.id)
        .join(Center, Staff.center_id == Center.id)
        .where(Attempt.contest_id == contest.id, Attempt.closed_at.is_not(None), Player.kicked_at.is_(None))
    ).all()
    by_player: dict[int, tuple[str, str, list[AttemptResult]]] = {}
    for attempt, player_id, name, center in rows:
        by_player.setdefault(player_id, (name, center, []))[2].append(attempt_result(attempt))
    counting = contest.settings.get("counting", "best")
    result = []
    for player_id, (name, center, attempts) in by_player.items():
        a = counted_attempt(attempts, counting)
        result.append(Standing(player_id, name, center, a.points, a.correct, a.answered, a.duration_ms, a.closed_at))
    return result


def offline_standings(contest: Contest) -> list[Standing]:
    """Each person's imported score; correct answers and time as the sheet gave them (0 when it did not).

    `answered` is 0, so the accuracy is blank: a sheet says how many were
    right, not how many were answered.
    """
    rows = db.session.execute(
        select(OfflineScore, Staff.name, Center.name)
        .join(Player, OfflineScore.player_id == Player.id)
        .join(Staff, Player.staff_id == Staff.id)
        .join(Center, Staff.center_id == Center.id)
        .where(OfflineScore.contest_id == contest.id, Player.kicked_at.is_(None))
    ).all()
    return [
        Standing(
            score.player_id,
            name,
            center,
            int(score.points) if float(score.points).is_integer() else score.points,
            score.correct or 0,
            0,
            score.time_ms or 0,
            None,
        )
        for score, name, center in rows
    ]


def maximum_score(contest: Contest) -> float | None:
    """The contest's full score, for normalising in a selection; None when it cannot be known.

    Offline: the `max_score` of its contest file. Live: the sum over its
    questions of what a right answer can earn at most (a buzzer round's
    points, a risk round's highest stake, else the question's points). A
    paper: per section, the points of each drawn question (the section's, else
    the pool's highest) times the number drawn. A voided live question is left
    out; a paper's maximum stays, since only some people drew the voided question.
    A finished live contest counts only the questions it asked: a host who
    finished early did not put the others to anyone.
    """
    if contest.mode == Mode.OFFLINE:
        return contest.settings.get("max_score")
    if contest.mode == Mode.JUDGED:  # the rubric's: the sum of its weights
        return judged_results.maximum(contest)
    voided = voided_round_questions(contest.id) if contest.mode == Mode.LIVE else frozenset()
    total = 0
    for round_ in contest.rounds:
        scoring = round_.scoring or {}
        points = [rq.question.points for rq in round_.questions if rq.id not in voided and _asked(contest, rq)]
        if contest.mode == Mode.SELF_PACED:
            each = scoring.get("points") or max(points, default=0)
            total += each * scoring.get("count", 0)
        elif round_.kind == "risk" and scoring.get("stakes"):
            total += max(scoring["stakes"]) * len(points)
        elif round_.kind == "buzzer" and scoring.get("points"):
            total += scoring["points"] * len(points)
        else:
            total += sum(points)
    return total or None


def _asked(contest: Contest, rq: RoundQuestion) -> bool:
    """Whether a question counts toward the maximum: a paper's pool and a running live contest's all do; a
    finished live contest's, those it asked."""
    return contest.mode != Mode.LIVE or contest.status != Status.FINISHED or rq.opened_at is not None


def roster_sizes(contest: Contest) -> dict[str, int]:
    """Staff at a window on the roster (`Staff.at_window`) per center of the contest's groups.

    This is participation's denominator (participants / staff at a window):
    someone who has left window work is not expected to take part.
    """
    group_ids = [g.id for g in contest.groups]
    rows = db.session.execute(
        select(Center.name, func.count(Staff.id))
        .outerjoin(Staff, (Staff.center_id == Center.id) & Staff.at_window.is_(True))
        .where(Center.group_id.in_(group_ids))
        .group_by(Center.name)
    ).all()
    return {name: int(count) for name, count in rows}


# Rankings are computed once per state of the answers and players: a reconnect
# storm of a thousand phones then ranks the hall once, not a thousand times.
_ranking_cache: dict[tuple[int, int | None], tuple[tuple, tuple]] = {}


def ranking_version(contest: Contest, hidden: int | None = None) -> tuple:
    """What a ranking depends on; a new answer, join, kick, correction or roster edit makes a new version (the
    cache's only invalidation). A correction re-scores answers in place, which their count and highest id cannot
    see; a roster edit renames people or moves them, which no answer shows.

    In a writer's batch (a storm of resumes) it is read once (database.batch_memo): a batch is one transaction,
    and a ranking cached under a version that the batch's own joins or answers made old is still that version's."""
    return batch_memo(db.session(), ("ranking_version", contest.id, hidden), lambda: _ranking_version(contest, hidden))


def _ranking_version(contest: Contest, hidden: int | None) -> tuple:
    corrections = tuple(
        db.session.execute(
            select(func.count(ContestCorrection.id), func.max(ContestCorrection.id)).where(
                ContestCorrection.contest_id == contest.id
            )
        ).one()
    )
    return (corrections, _roster_version(contest), *_answers_version(contest, hidden))


def _roster_version(contest: Contest) -> tuple:
    """The roster of the contest's groups as the rankings show it: names, centers and who is at a window.

    Every roster write stamps `Staff.updated_at`; a center's name or group is read itself (there are few).
    """
    group_ids = [g.id for g in contest.groups]
    staff = db.session.execute(
        select(func.count(Staff.id), func.max(Staff.updated_at))
        .join(Center, Staff.center_id == Center.id)
        .where(Center.group_id.in_(group_ids))
    ).one()
    centers = db.session.execute(
        select(Center.id, Center.name, Center.group_id).where(Center.group_id.in_(group_ids)).order_by(Center.id)
    ).all()
    return (tuple(staff), tuple(tuple(c) for c in centers))


def _answers_version(contest: Contest, hidden: int | None) -> tuple:
    if contest.mode == Mode.SELF_PACED:
        closed = db.session.execute(
            select(func.count(Attempt.id), func.max(Attempt.closed_at), func.sum(Attempt.points)).where(
                Attempt.contest_id == contest.id, Attempt.closed_at.is_not(None)
            )
        ).one()
        kicked = db.session.scalar(select(func.count(Player.kicked_at)).where(Player.contest_id == contest.id))
        rules = tuple(contest.settings.get(k) for k in ("center_rule", "top_n", "counting"))
        return (tuple(closed), kicked, rules)
    if contest.mode == Mode.JUDGED:
        rules = (contest.settings.get("center_rule"), contest.settings.get("top_n"))
        return (judged_results.scores_version(contest), rules)
    if contest.mode == Mode.OFFLINE:
        sheet = db.session.execute(
            select(func.count(OfflineScore.id), func.max(OfflineScore.id), func.sum(OfflineScore.points)).where(
                OfflineScore.contest_id == contest.id
            )
        ).one()
        kicked = db.session.scalar(select(func.count(Player.kicked_at)).where(Player.contest_id == contest.id))
        return (tuple(sheet), kicked, contest.settings.get("center_rule"), contest.settings.get("top_n"))
    answers = db.session.execute(
        select(func.count(Answer.id), func.max(Answer.id))
        .join(Player, Answer.player_id == Player.id)
        .where(Player.contest_id == contest.id, _counted_answers(hidden))
    ).one()
    players = db.session.execute(
        select(func.count(Player.id), func.max(Player.id), func.count(Player.kicked_at)).where(
            Player.contest_id == contest.id
        )
    ).one()
    return (tuple(answers), tuple(players), contest.settings.get("center_rule"), contest.settings.get("top_n"))


def rank_contest(contest: Contest, hidden: int | None = None):
    """People and centers ranked by the contest's rules (see core.ranking), cached per `ranking_version`.

    With `hidden`, that round question's answers are left out (see `standings`).
    """
    version = ranking_version(contest, hidden)
    cached = _ranking_cache.get((contest.id, hidden))
    if cached is not None and cached[0] == version:
        return cached[1]
    people = rank_people(standings(contest, hidden))
    centers = _centers(contest, [r.standing for r in people], roster_sizes(contest))
    _ranking_cache[(contest.id, hidden)] = (version, (people, centers))
    return people, centers


def _centers(contest: Contest, people: list[Standing], sizes: dict[str, int]):
    """Centers ranked by the contest's rule; a judged team contest (岗位比武 by centers) by its teams' scores."""
    if contest.mode == Mode.JUDGED and judged_results.entrant_kind(contest) == "centers":
        return judged_results.team_centers(contest, sizes, set(sizes))
    return rank_centers(people, sizes, contest.settings.get("center_rule", "mean"), contest.settings.get("top_n", 3))


def player_staff_numbers(contest: Contest) -> dict[int, str]:
    """Player id -> staff id (工号) of everyone in a contest."""
    rows = db.session.execute(
        select(Player.id, Staff.staff_no)
        .join(Staff, Player.staff_id == Staff.id)
        .where(Player.contest_id == contest.id)
    )
    return dict(rows.all())


def group_of_centers(contest: Contest) -> dict[str, str]:
    """Center name -> group name, for the contest's groups."""
    query = select(Center.name, Group.name).join(Group, Center.group_id == Group.id)
    return dict(db.session.execute(query.where(Group.id.in_([g.id for g in contest.groups]))).all())


def rankings_by_group(contest: Contest) -> list[tuple[str, list, list]]:
    """(group name, ranked people, ranked centers) for each of the contest's groups: awards go per group."""
    people, _ = rank_contest(contest)
    group_of = group_of_centers(contest)
    sizes = roster_sizes(contest)
    result = []
    for group in sorted(contest.groups, key=lambda g: g.position):
        mine = rank_people([r.standing for r in people if group_of.get(r.standing.center) == group.name])
        centers = _centers(
            contest,
            [r.standing for r in mine],
            {center: size for center, size in sizes.items() if group_of.get(center) == group.name},
        )
        result.append((group.name, mine, centers))
    return result


def _person_row(r) -> dict:
    return {
        "rank": r.rank,
        "player_id": r.standing.player_id,
        "name": r.standing.name,
        "center": r.standing.center,
        "score": r.standing.score,
        "correct": r.standing.correct,
        "answered": r.standing.answered,
    }


def _center_row(c) -> dict:
    return {
        "rank": c.rank,  # None: nobody joined from this center
        "name": c.center,
        "score": c.score,
        "joined": c.joined,
        "roster": c.roster,
        "participation": round(c.participation, 3),
    }


def leaderboard(contest: Contest, limit: int = 10) -> dict:
    """Top people and every center, ranked by the contest's rules."""
    people, centers = rank_contest(contest)
    return {"people": [_person_row(r) for r in people[:limit]], "centers": [_center_row(c) for c in centers]}


def podium(contest: Contest) -> dict:
    """The first three people and centers who win a place (core.ranking.podium_people / podium_centers)."""
    people, centers = rank_contest(contest)
    return {
        "people": [_person_row(r) for r in podium_people(people)],
        "centers": [_center_row(c) for c in podium_centers(centers)],
    }


def results_for_all(rq: RoundQuestion) -> dict[int, dict]:
    """Every player's outcome on a closed question and totals, computed in one pass."""
    contest = rq.round.contest
    people, centers = rank_contest(contest)
    center_ranks = {c.center: c.rank for c in centers}
    answers = {a.player_id: a for a in db.session.scalars(select(Answer).where(Answer.round_question_id == rq.id))}
    results = {}
    for ranked in people:
        answer = answers.get(ranked.standing.player_id)
        results[ranked.standing.player_id] = {
            "answered": answer is not None,
            "correct": bool(answer and answer.correct),
            "points": answer.points if answer else 0,
            "score": ranked.standing.score,
            "correct_total": ranked.standing.correct,
            "rank": ranked.rank,
            "center_rank": center_ranks.get(ranked.standing.center),
        }
    return results


NO_FIGURES = {"score": 0, "correct_total": 0, "rank": None, "center_rank": None}


def final_figures(contest: Contest) -> dict[int, dict]:
    """Every player's totals and ranks, in one pass (sent with `finished`)."""
    people, centers = rank_contest(contest)
    center_ranks = {c.center: c.rank for c in centers}
    return {
        r.standing.player_id: {
            "score": r.standing.score,
            "correct_total": r.standing.correct,
            "rank": r.rank,
            "center_rank": center_ranks.get(r.standing.center),
        }
        for r in people
    }


def player_figures(contest: Contest, player: Player, hidden: int | None = None) -> dict:
    """A player's score, correct count, rank and the rank of their center (without `hidden`'s answers)."""
    people, centers = rank_contest(contest, hidden)
    mine = next((r for r in people if r.standing.player_id == player.id), None)
    center_rank = next((c.rank for c in centers if c.center == player.staff.center.name), None)
    if mine is None:
        return {"score": 0, "correct_total": 0, "rank": None, "center_rank": center_rank}
    return {
        "score": mine.standing.score,
        "correct_total": mine.standing.correct,
        "rank": mine.rank,
        "center_rank": center_rank,
    }


def player_result(rq: RoundQuestion, player: Player) -> dict:
    """This player's outcome on a closed question plus their totals."""
    empty = {
        "answered": False,
        "correct": False,
        "points": 0,
        "score": 0,
        "correct_total": 0,
        "rank": None,
        "center_rank": None,
    }
    return results_for_all(rq).get(player.id, empty)


def freeze_scores(contest: Contest) -> None:
    """Keep the final standings the awards are decided on (in the caller's transaction).

    `rank` is the rank within the player's group: awards go per group, and a contest
    (a district-wide paper, say) may span several.
    """
    for s, rank in frozen_rows(contest):
        db.session.add(
            Score(
                contest_id=contest.id,
                player_id=s.player_id,
                points=s.score,
                correct=s.correct,
                answered=s.answered,
                total_time_ms=s.total_time_ms,
                rank=rank,
            )
        )


def frozen_rows(contest: Contest) -> list[tuple[Standing, int]]:
    """Every player's standing with their rank within their group, as frozen scores keep them (never cached)."""
    group_of = group_of_centers(contest)
    by_group = {}
    for standing in standings(contest):
        by_group.setdefault(group_of.get(standing.center), []).append(standing)
    return [(r.standing, r.rank) for people in by_group.values() for r in rank_people(people)]


def attempt_result(attempt: Attempt) -> AttemptResult:
    """A closed attempt's totals for core.paper.counted_attempt."""
    duration = int((attempt.closed_at - attempt.started_at).total_seconds() * 1000)
    return AttemptResult(attempt.number, attempt.points, attempt.correct, attempt.answered, duration, attempt.closed_at)
