"""Bank validation: every rule, with its exact line, from real YAML fixtures.

Each invalid fixture marks the lines where a problem must be reported with a
trailing `# ERROR: code` (or `# WARNING: code`) comment; the tests compare the
reported (line, code) pairs with the marked ones, so both missing and
unexpected problems fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizengine.core.questions import QuestionKind
from quizengine.formats.banks import check_paths, load_bank
from tests.conftest import FIXTURES, REPO, TODAY

INVALID = sorted((FIXTURES / "banks" / "invalid").glob("*.yaml"))
MARKER = re.compile(r"#\s*(ERROR|WARNING):\s*([a-z-]+)")


def expected_problems(path: Path) -> set[tuple[int, str, str]]:
    marks = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for severity, code in MARKER.findall(line):
            marks.add((number, severity.lower(), code))
    return marks


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_every_marked_problem_is_reported_on_its_line_and_nothing_else(path):
    bank, problems = load_bank(path, today=TODAY)
    reported = {(p.line, p.severity, p.code) for p in problems}
    assert reported == expected_problems(path)
    has_errors = any(severity == "error" for _, severity, _ in expected_problems(path))
    assert (bank is None) == has_errors


def test_problem_prints_as_file_line_col():
    path = FIXTURES / "banks" / "invalid" / "answers.yaml"
    _, problems = load_bank(path, today=TODAY)
    first = str(problems[0])
    assert first.startswith(f"{path}:12:13: error[answer-not-in-options]: ")
    assert "E" in first


def test_valid_example_from_the_docs_loads_every_question_type():
    bank, problems = load_bank(FIXTURES / "banks" / "valid_example.yaml", today=TODAY)
    assert problems == []
    kinds = [q.kind for q in bank.questions]
    assert kinds == [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.JUDGE, QuestionKind.FILL]
    fill = bank.questions[3]
    assert (fill.points, fill.time_limit, fill.answer) == (20, 30, ("一评",))
    assert bank.questions[1].answer == ("A", "B", "C")
    assert bank.questions[0].source.document.endswith("（国办发〔2019〕51号）")
    assert len(bank.content_hash) == 64


def test_norway_problem_keeps_what_the_author_wrote():
    bank, problems = load_bank(FIXTURES / "banks" / "norway.yaml", today=TODAY)
    assert problems == []
    questions = {q.id: q for q in bank.questions}
    assert bank.version == "1.10"
    assert questions["n1"].answer == ("false",)
    assert questions["n2"].answer == ("NO", "no")
    assert questions["n3"].options == (("A", "yes"), ("B", "no"), ("C", "off"))
    assert "0012" in questions and questions["0012"].answer == ("true",)


def test_question_ids_must_be_unique_across_files():
    banks, problems = check_paths([FIXTURES / "banks" / "cross"], today=TODAY)
    assert banks == []
    [problem] = problems
    assert (Path(problem.path).name, problem.line, problem.code) == ("b.yaml", 11, "duplicate-id")
    assert "a.yaml:7" in problem.message  # where the id was first used


def test_a_file_over_the_size_cap_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("bank: {}\n" + "# padding\n" * 200, encoding="utf-8")
    bank, problems = load_bank(path, today=TODAY, max_bytes=1000)
    assert bank is None
    assert [(p.line, p.code) for p in problems] == [(1, "too-large")]


def test_a_file_not_in_utf8_names_the_line(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("bank:\n  id: x\n  title: 一网通办\n".encode("gb18030"))
    bank, problems = load_bank(path, today=TODAY)
    assert bank is None
    assert [(p.line, p.code) for p in problems] == [(3, "encoding")]


def test_an_empty_file_says_what_a_bank_needs(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    bank, problems = load_bank(path, today=TODAY)
    assert bank is None
    assert problems[0].code == "missing-key"


def test_shipped_sample_banks_pass_with_150_cited_questions():
    banks, problems = check_paths([REPO / "question_banks"], today=TODAY)
    assert [p for p in problems if p.is_error] == []
    questions = [q for b in banks for q in b.questions]
    assert len(questions) >= 150
    assert all(b.sample for b in banks)
    assert all(q.explanation and q.source and q.source.document for q in questions)
    assert {q.kind for q in questions} == set(QuestionKind)
