"""Create contests from definition files: resolve question ids, make the draws, store the rounds."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from quizengine.core.access import allowed
from quizengine.core.draw import DrawError, DrawSpec, draw, matches
from quizengine.core.paper import Section, sections_problems
from quizengine.extensions import db
from quizengine.formats.contests import ContestSpec, PaperSpec
from quizengine.formats.yamlread import Problem
from quizengine.models import Bank, BankRevision, Contest, Group, Question, Round, RoundQuestion
from quizengine.models.mapping import to_core
from quizengine.models.types import utcnow
from quizengine.services import audit, judged
from quizengine.timezone import local_zone

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read off a projector


@dataclass(frozen=True)
class ContestSummary:
    """A contest as lists show it."""

    id: int
    code: str
    title: str
    status: str
    phase: str
    groups: tuple[str, ...]
    questions: int  # per person, for a self-paced paper
    mode: str = "live"
    group_names: tuple[str, ...] = ()  # as lists show them (`groups` are the keys)


def import_contest(
    spec: ContestSpec, actor=None, address: str = "", *, file_problems=(), today: date | None = None
) -> tuple[Contest | None, list[Problem]]:
    """Store a contest from its spec; nothing is stored when any id or draw cannot be resolved.

    Draws and paper pools take only questions in force on the contest's days
    (a paper's first and last day; a live contest's `today`, by default the
    organizers' today); a question named explicitly that is not in force is
    kept, with a warning at its line. Warnings come back with the stored contest.

    `file_problems` are those of reading the file (with `read_contest(...,
    partial=True)`): with any error among them nothing is stored either, but
    the groups, ids and draws are still resolved, so that every problem of
    the file comes back at once, in line order.
    """
    problems: list[Problem] = []

    def problem(line: int, message: str, code: str = "value", column: int = 1) -> None:
        problems.append(Problem(spec.path, line, column, code, message))

    def at(key: str) -> tuple[int, int]:
        return spec.lines.get(key) or spec.lines.get("groups") or (1, 1)

    groups = list(db.session.scalars(select(Group).where(Group.key.in_(spec.groups))))
    known = {g.key for g in groups}
    for key in dict.fromkeys(spec.groups):
        if key not in known:
            line, column = at(f"group:{key}")
            problem(line, f"未知的组：{key}", "unknown-group", column)
    if actor is not None and not allowed(actor.role, "contest.edit", {g.key for g in actor.groups}, set(spec.groups)):
        line, column = at("groups")
        problem(line, "您只能为自己负责的组创建竞赛", "forbidden", column)
    if spec.code and db.session.scalar(select(Contest.id).where(Contest.code == spec.code)):
        line, column = at("code")
        problem(line, f"参赛码 {spec.code} 已被另一场竞赛使用", column=column)
    pool = _current_questions()
    days = _contest_days(spec, today)
    in_force = {key: row for key, row in pool.items() if all(to_core(row).is_in_force(day) for day in days)}
    warnings: list[Problem] = []
    if spec.mode == "judged":
        for line, column, message in judged.judge_problems(spec):
            problem(line, message, "unknown-judge", column)
        if problems or any(p.is_error for p in file_problems) or spec.judging is None:
            return None, _in_order([*file_problems, *problems])
        return judged.store_judged(spec, _new_contest(spec, groups), actor, address), []
    if spec.mode == "offline":
        if problems or any(p.is_error for p in file_problems):
            return None, _in_order([*file_problems, *problems])
        return _store_offline(spec, groups, actor, address), []
    if spec.paper is not None:
        sections = _section_pools(spec.paper, in_force, problem)
        if problems or any(p.is_error for p in file_problems):
            return None, _in_order([*file_problems, *problems])
        return _store_paper(spec, groups, sections, actor, address), []
    chosen: set[str] = set()
    rounds = []
    for round_spec in spec.rounds:
        rows = []
        for qid, line in round_spec.question_ids:
            row = pool.get(qid)
            if row is None:
                problem(line, f"题目 {qid} 不在任何已导入题库的当前版本中", "unknown-question")
            elif qid in chosen:
                problem(line, f"题目 {qid} 在本竞赛中重复出现", "duplicate-id")
            else:
                if qid not in in_force:
                    period = f"{row.effective or '…'} 至 {row.expires or '…'}"
                    message = f"题目 {qid} 的政策有效期为 {period}，竞赛日期 {days[0]} 不在其中；请确认仍要使用"
                    warnings.append(Problem(spec.path, line, 1, "not-in-force", message, severity="warning"))
                rows.append(row)
                chosen.add(qid)
        for request in round_spec.draws:
            candidates = [q for q in in_force.values() if not request.banks or q.revision.bank.key in request.banks]
            core = {q.key: q for q in candidates}
            spec_ = DrawSpec(request.count, request.seed, request.tags, request.kinds, request.difficulty)
            try:
                picked = draw([to_core(q) for q in candidates], spec_, exclude=chosen)
            except DrawError as exc:
                problem(request.line, str(exc), "draw")
                continue
            rows.extend(core[q.id] for q in picked)
            chosen.update(q.id for q in picked)
        rounds.append((round_spec, rows))
    if problems or any(p.is_error for p in file_problems):
        return None, _in_order([*file_problems, *problems])
    contest = Contest(
        code=spec.code or _new_code(),
        title=spec.title,
        mode=spec.mode,
        board_key=secrets.token_urlsafe(16),
        settings={
            "center_rule": spec.center_rule,
            "top_n": spec.top_n,
            "close_early": spec.close_early,
            "ready_seconds": spec.ready_seconds,
        },
        groups=groups,
    )
    db.session.add(contest)
    for position, (round_spec, rows) in enumerate(rounds, 1):
        scoring = {
            "kind": round_spec.kind,
            "scoring": round_spec.scoring,
            "partial": round_spec.partial,
            "points": round_spec.points,
            "stakes": list(round_spec.stakes),
        }
        round_ = Round(
            contest=contest,
            position=position,
            kind=round_spec.kind,
            title=round_spec.title,
            scoring=scoring,
            time_limit=round_spec.time_limit,
        )
        db.session.add(round_)
        for number, row in enumerate(rows, 1):
            db.session.add(RoundQuestion(round=round_, position=number, question_id=row.id))
    db.session.flush()
    audit.record(actor, "contest.import", f"{contest.code} {contest.title}", address, questions=len(chosen))
    db.session.commit()
    return contest, warnings


def _contest_days(spec: ContestSpec, today: date | None) -> tuple[date, ...]:
    """The days a contest's questions must be in force on, in the organizers' time zone."""
    zone = local_zone()
    moments = (spec.paper.opens_at, spec.paper.closes_at) if spec.paper is not None else ()
    days = tuple(moment.astimezone(zone).date() for moment in moments if moment is not None)  # None: a bad line
    return days or (today or utcnow().astimezone(zone).date(),)


def _in_order(problems) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.column))


def _section_pools(paper: PaperSpec, pool: dict[str, Question], problem) -> list[list[Question]]:
    """Every section's pool: the current questions matching its filters (each person draws from these)."""
    result = []
    for section in paper.sections:
        wanted = DrawSpec(section.count, 0, section.tags, section.kinds, section.difficulty)
        rows = [
            row
            for key, row in sorted(pool.items())
            if (not section.banks or row.revision.bank.key in section.banks) and matches(to_core(row), wanted)
        ]
        result.append(rows)
    cores = [
        Section(s.title, s.count, tuple(row.key for row in rows))
        for s, rows in zip(paper.sections, result, strict=True)
    ]
    for index, message in sections_problems(cores):
        problem(paper.sections[index].line, message, "draw")
    return result


def _store_paper(spec: ContestSpec, groups, pools: list[list[Question]], actor, address: str) -> Contest:
    paper = spec.paper
    contest = Contest(
        code=spec.code or _new_code(),
        title=spec.title,
        mode="self_paced",
        board_key=secrets.token_urlsafe(16),
        settings={"center_rule": spec.center_rule, "top_n": spec.top_n, **paper.settings()},
        opens_at=paper.opens_at,
        closes_at=paper.closes_at,
        groups=groups,
    )
    db.session.add(contest)
    for position, (section, rows) in enumerate(zip(paper.sections, pools, strict=True), 1):
        scoring = {"scoring": "fixed", "partial": paper.partial, "points": section.points, "count": section.count}
        round_ = Round(
            contest=contest, position=position, kind="section", title=section.title, scoring=scoring, time_limit=None
        )
        db.session.add(round_)
        for number, row in enumerate(rows, 1):
            db.session.add(RoundQuestion(round=round_, position=number, question_id=row.id))
    db.session.flush()
    questions = sum(s.count for s in paper.sections)
    audit.record(actor, "contest.import", f"{contest.code} {contest.title}", address, questions=questions)
    db.session.commit()
    return contest


def _store_offline(spec: ContestSpec, groups, actor, address: str) -> Contest:
    contest = Contest(
        code=spec.code or _new_code(),
        title=spec.title,
        mode="offline",
        board_key=secrets.token_urlsafe(16),
        settings={"center_rule": spec.center_rule, "top_n": spec.top_n, "max_score": spec.max_score},
        groups=groups,
    )
    db.session.add(contest)
    db.session.flush()
    audit.record(actor, "contest.import", f"{contest.code} {contest.title}", address, mode="offline")
    db.session.commit()
    return contest


def _new_contest(spec: ContestSpec, groups) -> Contest:
    """A contest row without rounds (judged contests)."""
    return Contest(
        code=spec.code or _new_code(),
        title=spec.title,
        mode=spec.mode,
        board_key=secrets.token_urlsafe(16),
        settings={"center_rule": spec.center_rule, "top_n": spec.top_n},
        groups=groups,
    )


def _current_questions() -> dict[str, Question]:
    rows = db.session.scalars(
        select(Question)
        .join(BankRevision, Question.revision_id == BankRevision.id)
        .join(Bank, Bank.current_revision_id == BankRevision.id)
        .where(BankRevision.active.is_(True))
    )
    return {row.key: row for row in rows}


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        if db.session.scalar(select(Contest.id).where(Contest.code == code)) is None:
            return code


def list_contests(group_keys=None) -> list[ContestSummary]:
    """Contests, newest first; only those wholly within `group_keys` when given."""
    result = []
    for contest in db.session.scalars(select(Contest).order_by(Contest.id.desc())):
        keys = tuple(g.key for g in contest.groups)
        if group_keys is not None and not set(keys) <= set(group_keys):
            continue
        count = sum(r.scoring.get("count", 0) if r.kind == "section" else len(r.questions) for r in contest.rounds)
        result.append(
            ContestSummary(
                contest.id,
                contest.code,
                contest.title,
                contest.status,
                contest.phase,
                keys,
                count,
                contest.mode,
                tuple(g.name for g in contest.groups),
            )
        )
    return result


def get_contest(contest_id: int) -> Contest | None:
    """A contest by id."""
    return db.session.get(Contest, contest_id)


def contest_by_code(code: str) -> Contest | None:
    """A contest by its join code (case-insensitive)."""
    return db.session.scalar(select(Contest).where(Contest.code == (code or "").strip().upper()))


def update_contest(
    contest: Contest, *, title: str, code: str, center_rule: str, top_n: int, actor, address: str = ""
) -> str | None:
    """Edit a contest before it opens; returns an error message when refused."""
    if contest.status != "draft":
        return "竞赛开放报名后不能再修改"
    code = code.strip().upper()
    if db.session.scalar(select(Contest.id).where(Contest.code == code, Contest.id != contest.id)):
        return f"参赛码 {code} 已被另一场竞赛使用"
    new = {"title": title, "code": code}
    changes = {k: f"{getattr(contest, k)} → {v}" for k, v in new.items() if getattr(contest, k) != v}
    settings = {**contest.settings, "center_rule": center_rule, "top_n": top_n}
    if settings != contest.settings:
        changes["settings"] = f"{center_rule}, top_n={top_n}"
    contest.title, contest.code, contest.settings = title, code, settings
    if changes:
        audit.record(actor, "contest.edit", code, address, **changes)
    db.session.commit()
    return None


def upcoming_question(contest: Contest) -> RoundQuestion | None:
    """The next question not yet opened, in round and position order."""
    for round_ in contest.rounds:
        for rq in round_.questions:
            if rq.opened_at is None:
                return rq
    return None
