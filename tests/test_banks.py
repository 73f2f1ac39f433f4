"""Bank validation: every rule, with its exact line, from real YAML fixtures.

Each invalid fixture marks the lines where a problem must be reported with a
trailing `# ERROR: code` (or `# WARNING: code`) comment; the tests compare the
reported (line, code) pairs with the marked ones, so both missing and
unexpected problems fail.
"""

from __future__ import annotations

import re
import time
import tracemalloc
from pathlib import Path

import pytest

from quizengine.core.questions import QuestionKind
from quizengine.formats.banks import check_paths, load_bank
from quizengine.formats.yamlread import MAX_DEPTH, MAX_PROBLEMS
from tests.conftest import FIXTURES, REPO, TODAY
from tests.hostile import nested_block_yaml, nested_yaml

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


@pytest.mark.parametrize("shape", ["flow", "block"])
def test_deep_nesting_is_refused_at_its_line_before_anything_is_built(tmp_path, shape):
    # Before the bound, 30 KB of `[[[[...` held the process for over 30 s and ended in a RecursionError.
    path = tmp_path / "deep.yaml"
    path.write_bytes(nested_yaml(15_000) if shape == "flow" else nested_block_yaml(200))
    started = time.perf_counter()
    bank, problems = load_bank(path, today=TODAY)
    elapsed = time.perf_counter() - started
    assert bank is None
    [problem] = problems
    assert problem.code == "too-deep" and f"{MAX_DEPTH} 层" in problem.message
    if shape == "flow":  # `bank: ` then the first bracket past the limit
        assert (problem.line, problem.column) == (1, len("bank: ") + MAX_DEPTH + 1)
    else:  # `bank:` opens one level, each line one more
        assert (problem.line, problem.column) == (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)
    assert elapsed < 1.0


def test_nesting_up_to_the_limit_is_read(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_bytes(nested_yaml(MAX_DEPTH - 1))  # the top mapping is the first level
    _, problems = load_bank(path, today=TODAY)
    assert "too-deep" not in {p.code for p in problems}


def test_an_oversized_file_is_refused_without_reading_it(tmp_path):
    # Before the bound the whole file was read, then its size refused: 20 MB cost about 2 s.
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:
        file.truncate(200 * 1024 * 1024)  # sparse: takes no disk
    tracemalloc.start()
    try:
        bank, problems = load_bank(path, today=TODAY)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert bank is None
    assert [(p.line, p.code) for p in problems] == [(1, "too-large")]
    assert str(200 * 1024 * 1024) in problems[0].message
    assert peak < 1024 * 1024


def test_a_file_of_aliases_reports_a_bounded_number_of_problems(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("a: &a x\nb: [" + ", ".join(["*a"] * 5000) + "]\n", encoding="utf-8")
    bank, problems = load_bank(path, today=TODAY)
    assert bank is None
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].code == "too-many-problems"
