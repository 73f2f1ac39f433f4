"""Contest files: problems on their lines; ids and draws resolved against stored banks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizengine.formats.contests import read_contest
from quizengine.models import Contest
from quizengine.services.contests import import_contest
from quizengine.services.roster import ensure_default_groups
from tests.conftest import FIXTURES, REPO, store_banks
from tests.test_banks import expected_problems


def test_every_marked_problem_of_a_contest_file_is_reported_on_its_line():
    path = FIXTURES / "contests" / "invalid.yaml"
    spec, problems = read_contest(path)
    assert spec is None
    assert {(p.line, p.severity, p.code) for p in problems} == expected_problems(path)


def test_sample_contests_import_and_draw_the_same_questions_every_time(db, tmp_path):
    ensure_default_groups()
    store_banks(REPO / "question_banks")
    drawn = []
    for attempt in range(2):
        spec, problems = read_contest(REPO / "examples" / "contests" / "community.yaml")
        assert problems == []
        spec = spec.__class__(**{**spec.__dict__, "code": f"RUN{attempt}X"})
        contest, problems = import_contest(spec)
        assert problems == []
        drawn.append([rq.question.key for r in contest.rounds for rq in r.questions])
    assert drawn[0] == drawn[1]
    assert len(drawn[0]) == 13 and len(set(drawn[0])) == 13
    assert drawn[0][0] == "plan-001"


def test_unknown_question_and_impossible_draw_store_nothing(db, tmp_path):
    ensure_default_groups()
    store_banks(FIXTURES / "banks" / "valid_example.yaml")
    path = tmp_path / "c.yaml"
    path.write_text(
        "contest: {title: 测试, groups: [community]}\n"
        "rounds:\n"
        "  - title: 一\n"
        "    kind: mandatory\n"
        "    questions: [hcp-001, nope-1]\n"
        "    draw: {count: 9, seed: 1}\n",
        encoding="utf-8",
    )
    spec, problems = read_contest(path)
    contest, problems = import_contest(spec)
    assert contest is None
    assert sorted((p.line, p.code) for p in problems) == [(5, "unknown-question"), (6, "draw")]


@pytest.mark.parametrize("name", ["unresolved", "unresolved_paper"])
def test_file_and_database_problems_come_back_at_once_each_at_its_line(db, name):
    # Before, unknown groups, questions and draws showed only once the file's own errors were fixed.
    ensure_default_groups()
    store_banks(FIXTURES / "banks" / "valid_example.yaml")
    path = FIXTURES / "contests" / f"{name}.yaml"
    spec, problems = read_contest(path, partial=True)
    contest, problems = import_contest(spec, file_problems=problems)
    assert contest is None
    assert {(p.line, p.severity, p.code) for p in problems} == expected_problems(path)
    assert problems == sorted(problems, key=lambda p: (p.line, p.column))
    if name == "unresolved":
        [unknown] = [p for p in problems if p.code == "unknown-group"]
        assert (unknown.line, unknown.column) == (4, 23) and "nosuch" in unknown.message
    assert db.session.query(Contest).count() == 0


def test_a_taken_code_and_a_foreign_group_point_at_their_lines(db, tmp_path):
    ensure_default_groups()
    store_banks(FIXTURES / "banks" / "valid_example.yaml")
    path = tmp_path / "c.yaml"
    path.write_text(
        "contest:\n  title: 一\n  code: SAME01\n  groups: [community]\n"
        "rounds:\n  - {title: 一, kind: mandatory, questions: [hcp-001]}\n",
        encoding="utf-8",
    )
    spec, _ = read_contest(path)
    assert import_contest(spec)[0] is not None
    spec, problems = read_contest(path, partial=True)
    _, problems = import_contest(spec, file_problems=problems)
    assert [(p.line, p.column, p.code) for p in problems] == [(3, 9, "value")]


def test_questions_not_in_force_are_never_drawn_and_a_named_one_is_a_warning(db, tmp_path):
    from datetime import date

    from quizengine.models import Question

    ensure_default_groups()
    store_banks(REPO / "question_banks")
    later = {q.key for q in db.session.scalars(select(Question).where(Question.effective.is_not(None)))}
    assert later  # the sample national-policy bank has rules in force from 2024-01-16
    named = sorted(later)[0]
    path = tmp_path / "c.yaml"
    path.write_text(
        f"""
contest:
  title: 有效期
  groups: [government]
rounds:
  - title: 一
    kind: mandatory
    questions: [{named}]
    draw: {{count: 30, seed: 1, banks: [national-policy]}}
""",
        encoding="utf-8",
    )
    spec, problems = read_contest(path)
    assert problems == []
    contest, warnings = import_contest(spec, today=date(2021, 9, 1))
    assert contest is not None
    assert [(w.line, w.code, w.severity) for w in warnings] == [(8, "not-in-force", "warning")]
    drawn = {rq.question.key for rq in contest.rounds[0].questions}
    assert drawn & later == {named}
