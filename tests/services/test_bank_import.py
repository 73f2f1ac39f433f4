"""Storing banks: revisions by content hash, exact text kept, all or nothing."""

from __future__ import annotations

import shutil

from sqlalchemy import func, select

from quizengine.models import Bank, BankRevision, Question
from quizengine.services.banks import import_paths, list_banks
from tests.conftest import FIXTURES, TODAY

EXAMPLE = FIXTURES / "banks" / "valid_example.yaml"


def test_import_stores_every_field_and_reimport_is_unchanged(db):
    results, problems = import_paths([EXAMPLE], today=TODAY)
    assert problems == []
    assert [(r.bank_id, r.questions, r.status) for r in results] == [("haochaping", 4, "created")]
    stored = db.session.scalar(select(Question).where(Question.key == "hcp-002"))
    assert stored.answer == ["A", "B", "C"]
    assert stored.options[3] == ["D", "办事群众全覆盖"]
    assert stored.source_section == "第（二）条 工作目标"
    fill = db.session.scalar(select(Question).where(Question.key == "hcp-004"))
    assert (fill.points, fill.time_limit, str(fill.expires)) == (20, 30, "2030-12-31")
    results, _ = import_paths([EXAMPLE], today=TODAY)
    assert results[0].status == "unchanged"
    assert db.session.scalar(select(func.count()).select_from(BankRevision)) == 1
    assert list_banks()[0]["questions"] == 4


def test_edited_bank_gets_a_new_revision_and_old_text_is_kept(db, tmp_path):
    import_paths([EXAMPLE], today=TODAY)
    old = db.session.scalar(select(Question).where(Question.key == "hcp-001"))
    edited = tmp_path / "bank.yaml"
    shutil.copy(EXAMPLE, edited)
    edited.write_text(edited.read_text(encoding="utf-8").replace("文号是？", "文号是什么？"), encoding="utf-8")
    results, _ = import_paths([edited], today=TODAY)
    assert results[0].status == "updated"
    bank = db.session.scalar(select(Bank).where(Bank.key == "haochaping"))
    assert len(bank.revisions) == 2
    current = next(q for q in bank.current_revision.questions if q.key == "hcp-001")
    assert current.stem.endswith("文号是什么？")
    db.session.refresh(old)
    assert old.stem.endswith("文号是？")


def test_question_id_used_by_another_stored_bank_is_refused(db, tmp_path):
    import_paths([EXAMPLE], today=TODAY)
    other = tmp_path / "other.yaml"
    other.write_text(
        "bank: {id: other, title: 其他, version: 1, tags: {t: 标签}}\n"
        "questions:\n"
        "  - id: hcp-003\n"
        "    type: judge\n"
        "    stem: 编号与已导入的题库相同\n"
        "    answer: 对\n",
        encoding="utf-8",
    )
    results, problems = import_paths([other], today=TODAY)
    assert results == []
    assert [(p.line, p.code) for p in problems] == [(3, "duplicate-id")]
    assert db.session.scalar(select(Bank).where(Bank.key == "other")) is None
