"""Bank imports: read, validate and store bank files, one revision per distinct content, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from quizengine.extensions import db
from quizengine.formats.banks import DEFAULT_MAX_BYTES, BankFile, check_paths
from quizengine.formats.yamlread import Problem
from quizengine.models import Bank, BankRevision, Question
from quizengine.models.mapping import question_fields
from quizengine.services import audit


@dataclass(frozen=True)
class BankImport:
    """The outcome for one bank file."""

    bank_id: str
    title: str
    questions: int
    status: str  # "created", "updated" (new revision) or "unchanged"


def import_paths(
    paths, *, today: date, max_bytes: int = DEFAULT_MAX_BYTES, actor=None, address: str = ""
) -> tuple[list[BankImport], list[Problem]]:
    """Read, validate and store bank files and folders: the one use case behind the CLI, the demo and the tests.

    Returns what was stored and every problem found (warnings too); nothing is
    stored when any file has an error.
    """
    files, problems = check_paths(paths, today=today, max_bytes=max_bytes)
    if any(p.is_error for p in problems):
        return [], problems
    results, clashes = import_banks(files, actor, address)
    return results, problems + clashes


def import_banks(
    files: list[BankFile], actor=None, address: str = "", *, file_problems=()
) -> tuple[list[BankImport], list[Problem]]:
    """Store validated bank files in one transaction, with an audit event each.

    A question id already used by the current revision of a *different* bank
    is refused, as `bank check` refuses it across files. `file_problems` are
    those of reading the files (`load_bank(..., partial=True)`): with any
    error among them nothing is stored, and the clashes are reported with them.
    """
    problems = _clashes_with_stored(files)
    if problems or any(p.is_error for p in file_problems):
        return [], sorted([*file_problems, *problems], key=lambda p: (p.path, p.line, p.column))
    results = []
    try:
        for bank_file in files:
            result = _store(bank_file)
            results.append(result)
            audit.record(
                actor,
                "bank.import",
                bank_file.id,
                address,
                status=result.status,
                questions=result.questions,
                content_hash=bank_file.content_hash[:12],
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return results, []


def _clashes_with_stored(files: list[BankFile]) -> list[Problem]:
    incoming = {q.id: (f, q) for f in files for q in f.questions}
    if not incoming:
        return []
    rows = db.session.execute(
        select(Question.key, Bank.key)
        .join(BankRevision, Question.revision_id == BankRevision.id)
        .join(Bank, Bank.current_revision_id == BankRevision.id)
        .where(Question.key.in_(list(incoming)))
    ).all()
    problems = []
    for question_key, bank_key in rows:
        bank_file, question = incoming[question_key]
        if bank_file.id != bank_key:
            line, column = bank_file.lines[question.id]
            message = f"题目编号 {question.id} 已被数据库中的题库 {bank_key} 使用"
            problems.append(Problem(bank_file.path, line, column, "duplicate-id", message))
    return problems


def _store(bank_file: BankFile) -> BankImport:
    bank = db.session.scalar(select(Bank).where(Bank.key == bank_file.id))
    status = "updated"
    if bank is None:
        bank = Bank(key=bank_file.id, title=bank_file.title)
        db.session.add(bank)
        db.session.flush()
        status = "created"
    revision = db.session.scalar(
        select(BankRevision).where(BankRevision.bank_id == bank.id, BankRevision.content_hash == bank_file.content_hash)
    )
    if revision is not None and bank.current_revision_id == revision.id:
        return BankImport(bank_file.id, bank_file.title, len(bank_file.questions), "unchanged")
    if revision is None:
        revision = _new_revision(bank, bank_file)
    bank.title = bank_file.title
    bank.current_revision = revision
    return BankImport(bank_file.id, bank_file.title, len(bank_file.questions), status)


def _new_revision(bank: Bank, bank_file: BankFile) -> BankRevision:
    revision = BankRevision(
        bank=bank,
        version=bank_file.version,
        title=bank_file.title,
        content_hash=bank_file.content_hash,
        file_name=Path(bank_file.path).name,
        sample=bank_file.sample,
        active=bank_file.active,
        groups=list(bank_file.groups),
        tags=dict(bank_file.tags),
        description=bank_file.description,
    )
    db.session.add(revision)
    for position, q in enumerate(bank_file.questions, 1):
        db.session.add(Question(revision=revision, position=position, **question_fields(q)))
    db.session.flush()
    return revision


def list_banks() -> list[dict]:
    """Current revision of every bank, for overview pages."""
    banks = db.session.scalars(select(Bank).order_by(Bank.key)).all()
    return [
        {
            "id": bank.key,
            "title": bank.title,
            "version": bank.current_revision.version if bank.current_revision else "",
            "sample": bool(bank.current_revision and bank.current_revision.sample),
            "questions": len(bank.current_revision.questions) if bank.current_revision else 0,
        }
        for bank in banks
    ]


def get_bank(key: str) -> Bank | None:
    """A stored bank by its id."""
    return db.session.scalar(select(Bank).where(Bank.key == key))
