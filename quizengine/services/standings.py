"""What phones, the board and the host see: question payloads, reveals, standings, snapshots.

Question payloads never carry the answer key; it appears first in `reveal_payload`,
which is only built once the question is closed.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import Integer, cast, func, select

from quizengine.core.paper import AttemptResult, counted_attempt
from quizengine.core.ranking import Standing, rank_centers, rank_people
from quizengine.extensions import db
from quizengine.models import Answer, Attempt, Center, Contest, Group, Player, RoundQuestion, Staff
from quizengine.services.live import iso, upcoming_question
from quizengine.services.papers import attempt_result


def question_count(contest: Contest) -> int:
    """How many questions the contest has in all."""
    return sum(len(r.questions) for r in contest.rounds)


def question_number(rq: RoundQuestion) -> int:
    """1-based position of a question across all rounds."""
    number = 0
    for round_ in rq.round.contest.rounds:
        for other in round_.questions:
            number += 1
            if other.id == rq.id:
                return number
    return number


def _round_info(rq: RoundQuestion) -> dict:
    round_ = rq.round
    return {
        "id": round_.id,
        "position": round_.position,
        "kind": round_.kind,
        "title": round_.title,
        "stakes": round_.scoring.get("stakes", []),
    }


def question_payload(rq: RoundQuestion, now: datetime) -> dict:
    """The open question as phones and the board get it: no answer, explanation or source."""
    q = rq.question
    return {
        "contest_id": rq.round.contest_id,
        "round_question_id": rq.id,
        "number": question_number(rq),
        "total": question_count(rq.round.contest),
        "round": _round_info(rq),
        "kind": q.kind,
        "stem": q.stem,
        "options": [list(option) for option in q.options],
        "points": rq.round.scoring.get("points") or q.points,
        "time_limit": rq.round.time_limit or q.time_limit,
        "opened_at": iso(rq.opened_at),
        "closes_at": iso(rq.closes_at),
        "server_now": iso(now),
    }


def reveal_payload(rq: RoundQuestion) -> dict:
    """The answer key, explanation, source and answer distribution of a closed question."""
    if rq.closed_at is None:
        raise ValueError("a question's key is revealed only after it closes")
    q = rq.question
    values = [
        row.response.get("value") for row in db.session.scalars(select(Answer).where(Answer.round_question_id == rq.id))
    ]
    distribution: Counter = Counter()
    for value in values:
        if q.kind in ("single", "multiple"):
            keys = [value] if isinstance(value, str) and q.kind == "single" else list(value or [])
            distribution.update(str(k).upper() for k in keys)
        elif q.kind == "judge":
            distribution["true" if value in (True, "对", "true") else "false"] += 1
    answer: object = q.answer
    if q.kind == "judge":
        answer = q.answer[0] == "true"
    buzzer = db.session.get(Player, rq.buzz_player_id) if rq.buzz_player_id else None
    return {
        "round_question_id": rq.id,
        "kind": q.kind,
        "answer": answer,
        "explanation": q.explanation,
        "source": " ".join(filter(None, [q.source_document, q.source_section])),
        "distribution": dict(distribution),
        "answered": len(values),
        "correct": db.session.scalar(
            select(func.count()).where(Answer.round_question_id == rq.id, Answer.correct.is_(True))
        ),
        "buzzer": {"player_id": buzzer.id, "name": buzzer.staff.name, "center": buzzer.staff.center.name}
        if buzzer
        else None,
        "upcoming": upcoming_payload(rq.round.contest),
    }


def standings(contest: Contest) -> list[Standing]:
    """Every (not kicked) player's totals, from the stored answers (a paper's: from its counted attempt)."""
    if contest.mode == "self_paced":
        return paper_standings(contest)
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
        .outerjoin(Answer, Answer.player_id == Player.id)
        .where(Player.contest_id == contest.id, Player.kicked_at.is_(None))
        .group_by(Player.id, Staff.name, Center.name)
    ).all()
    return [
        Standing(pid, name, center, int(score), int(correct), int(answered), int(elapsed), last)
        for pid, name, center, score, answered, correct, elapsed, last in rows
    ]


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


def roster_sizes(contest: Contest) -> dict[str, int]:
    """Staff on the roster per center of the contest's groups."""
    group_ids = [g.id for g in contest.groups]
    rows = db.session.execute(
        select(Center.name, func.count(Staff.id))
        .outerjoin(Staff, Staff.center_id == Center.id)
        .where(Center.group_id.in_(group_ids))
        .group_by(Center.name)
    ).all()
    return {name: int(count) for name, count in rows}


# Rankings are computed once per state of the answers and players: a reconnect
# storm of a thousand phones then ranks the hall once, not a thousand times.
_ranking_cache: dict[int, tuple[tuple, tuple]] = {}


def ranking_version(contest: Contest) -> tuple:
    """What a ranking depends on; a new answer, join or kick makes a new version (the cache's only invalidation)."""
    if contest.mode == "self_paced":
        closed = db.session.execute(
            select(func.count(Attempt.id), func.max(Attempt.closed_at), func.sum(Attempt.points)).where(
                Attempt.contest_id == contest.id, Attempt.closed_at.is_not(None)
            )
        ).one()
        kicked = db.session.scalar(select(func.count(Player.kicked_at)).where(Player.contest_id == contest.id))
        rules = tuple(contest.settings.get(k) for k in ("center_rule", "top_n", "counting"))
        return (tuple(closed), kicked, rules)
    answers = db.session.execute(
        select(func.count(Answer.id), func.max(Answer.id))
        .join(Player, Answer.player_id == Player.id)
        .where(Player.contest_id == contest.id)
    ).one()
    players = db.session.execute(
        select(func.count(Player.id), func.max(Player.id), func.count(Player.kicked_at)).where(
            Player.contest_id == contest.id
        )
    ).one()
    return (tuple(answers), tuple(players), contest.settings.get("center_rule"), contest.settings.get("top_n"))


def rank_contest(contest: Contest):
    """People and centers ranked by the contest's rules (see core.ranking), cached per `ranking_version`."""
    version = ranking_version(contest)
    cached = _ranking_cache.get(contest.id)
    if cached is not None and cached[0] == version:
        return cached[1]
    people = rank_people(standings(contest))
    centers = rank_centers(
        [r.standing for r in people],
        roster_sizes(contest),
        contest.settings.get("center_rule", "mean"),
        contest.settings.get("top_n", 3),
    )
    _ranking_cache[contest.id] = (version, (people, centers))
    return people, centers


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
        centers = rank_centers(
            [r.standing for r in mine],
            {center: size for center, size in sizes.items() if group_of.get(center) == group.name},
            contest.settings.get("center_rule", "mean"),
            contest.settings.get("top_n", 3),
        )
        result.append((group.name, mine, centers))
    return result


def leaderboard(contest: Contest, limit: int = 10) -> dict:
    """Top people and every center, ranked by the contest's rules."""
    people, centers = rank_contest(contest)
    return {
        "people": [
            {
                "rank": r.rank,
                "player_id": r.standing.player_id,
                "name": r.standing.name,
                "center": r.standing.center,
                "score": r.standing.score,
                "correct": r.standing.correct,
                "answered": r.standing.answered,
            }
            for r in people[:limit]
        ],
        "centers": [
            {
                "rank": c.rank,
                "name": c.center,
                "score": c.score,
                "joined": c.joined,
                "roster": c.roster,
                "participation": round(c.participation, 3),
            }
            for c in centers
        ],
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


def player_figures(contest: Contest, player: Player) -> dict:
    """A player's score, correct count, rank and the rank of their center."""
    people, centers = rank_contest(contest)
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


def snapshot(contest: Contest, now: datetime, player: Player | None = None) -> dict:
    """Everything a (re)connecting client needs to show the right screen."""
    rq = db.session.get(RoundQuestion, contest.current_id) if contest.current_id else None
    question = (
        question_payload(rq, now) if rq is not None and contest.phase in ("question", "closed", "reveal") else None
    )
    state = {
        "server_now": iso(now),
        "contest": {
            "id": contest.id,
            "title": contest.title,
            "status": contest.status,
            "phase": contest.phase,
            "code": contest.code,
        },
        "question": question,
        "paused": contest.paused_at is not None,
        "paused_at": iso(contest.paused_at),
        "buzzer": _buzzer(rq) if rq is not None and contest.phase == "question" else None,
        "reveal": reveal_payload(rq) if rq is not None and contest.phase == "reveal" else None,
        "upcoming": upcoming_payload(contest),
        "answered": False,
        "you": None,
    }
    if player is not None:
        if rq is not None:
            state["answered"] = (
                db.session.scalar(
                    select(func.count()).where(Answer.player_id == player.id, Answer.round_question_id == rq.id)
                )
                > 0
            )
            if contest.phase == "reveal":
                state["reveal"]["you"] = player_result(rq, player)
        # Before the first question nobody has scored: a join storm need not rank the hall per join.
        state["you"] = player_figures(contest, player) if contest.current_id else NO_FIGURES
    if contest.phase in ("leaderboard", "finished"):
        state["leaderboard"] = leaderboard(contest)
    return state


def _buzzer(rq: RoundQuestion) -> dict | None:
    """Who won the buzzer on the open question, if anyone yet."""
    if rq.buzz_player_id is None:
        return None
    player = db.session.get(Player, rq.buzz_player_id)
    return {"player_id": player.id, "name": player.staff.name, "center": player.staff.center.name}


def upcoming_payload(contest: Contest) -> dict | None:
    """The next question's round, so phones can stake or arm the buzzer before it opens."""
    rq = upcoming_question(contest)
    if rq is None:
        return None
    return {"round_question_id": rq.id, "round": _round_info(rq)}


def counts(contest: Contest) -> dict:
    """Joined players by center and answers to the current question, for the board."""
    joined = db.session.execute(
        select(Center.name, func.count(Player.id))
        .join(Staff, Staff.center_id == Center.id)
        .join(Player, Player.staff_id == Staff.id)
        .where(Player.contest_id == contest.id, Player.kicked_at.is_(None))
        .group_by(Center.name)
    ).all()
    answered_ids: list[int] = []
    if contest.current_id:
        answered_ids = list(
            db.session.scalars(select(Answer.player_id).where(Answer.round_question_id == contest.current_id))
        )
    answered = len(answered_ids)
    return {
        "joined_by_center": {name: int(n) for name, n in joined},
        "joined": sum(int(n) for _, n in joined),
        "answered": answered,
        "answered_players": answered_ids,
    }


def players_panel(contest: Contest, is_connected) -> list[dict]:
    """Every player of the contest for the host's panel; `is_connected(player_id)` says who is online."""
    players = db.session.scalars(select(Player).where(Player.contest_id == contest.id).order_by(Player.id))
    return [
        {
            "id": p.id,
            "name": p.staff.name,
            "center": p.staff.center.name,
            "kicked": p.kicked_at is not None,
            "connected": is_connected(p.id),
        }
        for p in players
    ]
