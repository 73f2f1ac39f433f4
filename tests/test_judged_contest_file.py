"""Judged contest files (岗位比武, `mode: judged`): the judging part is read, every error at file:line:col."""

from __future__ import annotations

from quizengine.formats.contests import read_contest
from tests.conftest import FIXTURES, REPO


def test_the_example_skill_contest_reads_with_its_rubric_rule_and_judges():
    spec, problems = read_contest(REPO / "examples" / "contests" / "skill.yaml")
    assert problems == []
    assert (spec.mode, spec.code, spec.groups) == ("judged", "PTG1SKIL", ("community",))
    judging = spec.judging
    assert (judging.entrants, judging.combine, judging.normalise_judges, judging.min_judges) == (
        "people",
        "trimmed_mean",
        False,
        3,
    )
    assert [c["key"] for c in judging.categories] == ["policy", "process", "service", "answer"]
    assert sum(c["weight"] for c in judging.categories) == 100
    assert [j[0] for j in judging.judges] == ["judge1", "judge2", "judge3", "judge4", "judge5"]


def test_every_error_of_a_judged_contest_file_is_reported_at_its_line_and_column():
    spec, problems = read_contest(FIXTURES / "contests" / "judged_invalid.yaml")
    assert spec is None
    found = sorted((p.line, p.column, p.code) for p in problems)
    assert found == [
        (6, 13, "value"),  # entrants: teams
        (7, 12, "value"),  # combine: median
        (8, 20, "duplicate-id"),  # judge1 twice
        (11, 13, "duplicate-key"),  # key skill twice
        (12, 48, "value"),  # max: 0
        (13, 1, "unknown-key"),  # rounds in a judged contest
    ]
    messages = " ".join(p.message for p in problems)
    assert "people / centers" in messages and "mean / trimmed_mean" in messages


def test_a_judged_contest_needs_its_judging_part_and_other_modes_refuse_it(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("contest:\n  title: 比武\n  groups: [community]\n  mode: judged\n", encoding="utf-8")
    spec, problems = read_contest(path)
    assert spec is None and [(p.line, p.code) for p in problems] == [(1, "missing-key")]
    assert "judging" in problems[0].message
    path.write_text(
        "contest:\n  title: 竞赛\n  groups: [community]\n  mode: offline\n  max_score: 100\n"
        "judging:\n  entrants: people\n",
        encoding="utf-8",
    )
    spec, problems = read_contest(path)
    assert spec is None and [(p.line, p.column, p.code) for p in problems] == [(6, 1, "unknown-key")]
