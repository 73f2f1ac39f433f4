"""Judged contests (岗位比武): store one from its file, add entrants, judges' scoring with conflicts, finish.

What a judge sees and may score is filtered in every query here by their
conflicts of interest (回避, core.judged.in_conflict): an entrant of the
judge's own center or of a center of the judge's bureau does not exist for
them (the views answer 404 and no row is written).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from quizengine.core.judged import categories_of, in_conflict, points_problems, rubric_total
from quizengine.core.live import Mode, Status
from quizengine.extensions import db
from quizengine.formats.contests import ContestSpec
from quizengine.models import Contest, JudgeScore, Player, Review, ReviewJudge, Rubric, Staff, User
from quizengine.services import audit
from quizengine.services.errors import Refused
from quizengine.services.judged_results import Entrant, entrants, review_of


def judge_problems(spec: ContestSpec) -> list[tuple[int, int, str]]:
    """(line, column, message) for each judge of the file without a judge account."""
    problems = []
    for username, line, column in spec.judging.judges if spec.judging else ():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            problems.append((line, column, f"没有用户名为 {username} 的账号"))
        elif user.role != "judge" or not user.active:
            problems.append((line, column, f"账号 {username} 不是启用的评委（judge）账号"))
    return problems


def store_judged(spec: ContestSpec, contest: Contest, actor, address: str) -> Contest:
    """Add a judged contest with its rubric, review and judges (in the caller's transaction, then commit)."""
    judging = spec.judging
    contest.settings = {**contest.settings, **judging.settings()}
    rubric = Rubric(title=f"{spec.title} 评分表", categories=[dict(c) for c in judging.categories])
    review = Review(
        title=spec.title,
        rubric=rubric,
        contest=contest,
        combine=judging.combine,
        normalise_judges=judging.normalise_judges,
        min_judges=judging.min_judges,
        blind=False,
    )
    db.session.add_all([contest, rubric, review])
    db.session.flush()
    for username, _, _ in judging.judges:
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.add(ReviewJudge(review_id=review.id, user_id=user.id))
    audit.record(actor, "contest.import", f"{contest.code} {contest.title}", address, mode="judged")
    db.session.commit()
    return contest


def add_entrants(contest: Contest, staff_numbers: list[str], actor=None, address: str = "") -> list[str]:
    """Register people of the contest's groups as entrants by staff id; returns the problems (nothing added then)."""
    if contest.mode != Mode.JUDGED or contest.settings.get("entrants", "people") != "people":
        raise Refused("not_judged")
    if contest.status == Status.FINISHED:
        raise Refused("judging_closed")
    group_ids = {g.id for g in contest.groups}
    problems, found = [], []
    for number in dict.fromkeys(n.strip() for n in staff_numbers if n.strip()):
        staff = db.session.scalar(select(Staff).where(Staff.staff_no == number))
        if staff is None:
            problems.append(f"名单中没有工号 {number}")
        elif staff.center.group_id not in group_ids:
            problems.append(f"工号 {number}（{staff.name}）不属于本竞赛的组")
        else:
            found.append(staff)
    if problems:
        return problems
    for staff in found:
        if db.session.scalar(select(Player.id).where(Player.contest_id == contest.id, Player.staff_id == staff.id)):
            continue
        db.session.add(Player(contest_id=contest.id, staff_id=staff.id, token=secrets.token_urlsafe(24)))
    audit.record(actor, "judged.entrants", contest.code, address, staff=",".join(s.staff_no for s in found))
    db.session.commit()
    return []


def judged_contests_of(judge: User) -> list[Contest]:
    """The judged contests a judge takes part in, newest first."""
    return list(
        db.session.scalars(
            select(Contest)
            .join(Review, Review.contest_id == Contest.id)
            .join(ReviewJudge, ReviewJudge.review_id == Review.id)
            .where(ReviewJudge.user_id == judge.id, Contest.mode == Mode.JUDGED)
            .order_by(Contest.id.desc())
        )
    )


def judge_contest(contest_id: int, judge: User) -> tuple[Contest, Review] | None:
    """A judged contest and its review when this judge is on it; None otherwise (the views answer 404)."""
    contest = db.session.get(Contest, contest_id)
    if contest is None or contest.mode != Mode.JUDGED:
        return None
    review = review_of(contest)
    if review is None or not db.session.get(ReviewJudge, (review.id, judge.id)):
        return None
    return contest, review


def visible_entrants(contest: Contest, judge: User) -> list[Entrant]:
    """The entrants this judge may see and score: all but those of their own center or bureau (回避)."""
    return [e for e in entrants(contest) if not in_conflict(judge.center_id, judge.bureau, e.center_id, e.bureau)]


def visible_entrant(contest: Contest, judge: User, kind: str, entrant_id: int) -> Entrant | None:
    """One entrant as this judge may see it; None when unknown or in conflict."""
    return next((e for e in visible_entrants(contest, judge) if (e.kind, e.id) == (kind, entrant_id)), None)


def my_scores(review: Review, judge: User) -> dict[tuple[str, int], JudgeScore]:
    """This judge's scores in a review by (kind, entrant id)."""
    rows = db.session.scalars(
        select(JudgeScore).where(JudgeScore.review_id == review.id, JudgeScore.judge_id == judge.id)
    )
    return {(("people", r.player_id) if r.player_id is not None else ("centers", r.center_id)): r for r in rows}


def save_score(
    contest: Contest,
    judge: User,
    kind: str,
    entrant_id: int,
    points: dict[str, float | None],
    now: datetime,
    comment: str = "",
) -> JudgeScore:
    """Store (or change) a judge's points for one entrant while the contest is open.

    Refused when the entrant is not visible to the judge (`not_found`: no row
    is written), when the contest is not open (`judging_closed`), or when a
    category's points are missing or out of range (`invalid_scores`, with
    what is wrong).
    """
    found = judge_contest(contest.id, judge)
    if found is None or visible_entrant(contest, judge, kind, entrant_id) is None:
        raise Refused("not_found")
    review = found[1]
    if contest.status != Status.OPEN:
        raise Refused("judging_closed")
    categories = categories_of(review.rubric.categories)
    problems = points_problems(categories, points)
    if problems:
        raise Refused("invalid_scores", "；".join(problems.values()))
    clean = {c.key: float(points[c.key]) for c in categories}
    row = my_scores(review, judge).get((kind, entrant_id))
    if row is None:
        row = JudgeScore(review_id=review.id, judge_id=judge.id)
        if kind == "people":
            row.player_id = entrant_id
        else:
            row.center_id = entrant_id
        db.session.add(row)
    row.scores, row.total, row.submitted_at = clean, rubric_total(categories, clean), now
    row.comment = comment.strip()[:2000]
    db.session.commit()
    return row


def open_judged(contest: Contest, now: datetime, actor=None, address: str = "") -> None:
    """Let judges score (draft -> open)."""
    if contest.mode != Mode.JUDGED:
        raise Refused("not_judged")
    if contest.status != Status.DRAFT:
        raise Refused("wrong_phase")
    contest.status = Status.OPEN
    review = review_of(contest)
    review.opened_at = review.opened_at or now
    audit.record(actor, "contest.open", contest.code, address)
    db.session.commit()


def finish_judged(contest: Contest, now: datetime, actor=None, address: str = "") -> None:
    """End the judging: no score changes any more, so the standings are final (open -> finished)."""
    if contest.mode != Mode.JUDGED:
        raise Refused("not_judged")
    if contest.status != Status.OPEN:
        raise Refused("wrong_phase")
    contest.status, contest.phase = Status.FINISHED, "finished"
    review_of(contest).closed_at = now
    audit.record(actor, "contest.finish", contest.code, address)
    db.session.commit()


def judges_progress(contest: Contest) -> list[dict]:
    """Per judge of the contest: username, name, how many of the entrants they may score they have scored."""
    review = review_of(contest)
    result = []
    for judge in review.judges if review else []:
        mine = my_scores(review, judge)
        visible = visible_entrants(contest, judge)
        done = sum(1 for e in visible if (e.kind, e.id) in mine)
        result.append({"username": judge.username, "name": judge.display_name, "scored": done, "of": len(visible)})
    return result
