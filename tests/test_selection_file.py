"""Selection files: the YAML that defines a 评选, with file:line:col problems."""

from __future__ import annotations

from datetime import date

from quizengine.formats.selection import read_selection
from tests.conftest import REPO

VALID = """\
selection:
  title: 2021 年“一网通办”专项立功竞赛评选
  reference_date: 2021-09-30
  scope: per_group
  tie_mode: tie_break
  parts:
    - key: paper
      title: 笔试
      contests: [PAPER1]
      weight: 40
    - title: 现场竞赛
      contests: [ptg1live, PTG2LIVE]
      weight: 60
      normalise: share_of_top
  people: {award: {community: 4, market: 3}, recommend: 2}
  centers: {award: 2, recommend: 1}
"""


def write(tmp_path, text):
    path = tmp_path / "selection.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_selection_file_is_read_with_its_defaults(tmp_path):
    spec, problems = read_selection(write(tmp_path, VALID))
    assert problems == []
    assert (spec.reference_date, spec.scope, spec.tie_mode) == (date(2021, 9, 30), "per_group", "tie_break")
    paper, live = spec.parts
    assert (paper.key, paper.contests, paper.weight, paper.normalise) == ("paper", ("PAPER1",), 40.0, "share_of_max")
    assert (live.key, live.title, live.contests, live.normalise) == (
        "part2",
        "现场竞赛",
        ("PTG1LIVE", "PTG2LIVE"),
        "share_of_top",
    )
    assert spec.people.for_group("community") == (4, 2) and spec.people.for_group("government") == (0, 2)
    assert spec.centers.for_group(None) == (2, 1)


def test_defaults_are_the_plans_numbers(tmp_path):
    text = "selection:\n  title: 评选\n  reference_date: 2021-09-30\n  parts:\n    - {contests: [A1], weight: 100}\n"
    spec, problems = read_selection(write(tmp_path, text))
    assert problems == []
    assert (spec.scope, spec.tie_mode) == ("across", "include")
    assert (spec.people.for_group(None), spec.centers.for_group(None)) == ((10, 8), (4, 2))


def test_every_problem_is_reported_at_its_line_and_column(tmp_path):
    text = """\
selection:
  title: 评选
  reference_date: 2021-09-31
  scope: everywhere
  parts:
    - {contests: [A1], weight: 四十}
    - {contests: [A1, B2], weight: 60, normalise: zscore}
    - {contests: [C3], wieght: 10}
  people: {award: {community: 4}, recommend: 12}
  centers: {award: 2, recommend: 3}
"""
    spec, problems = read_selection(write(tmp_path, text))
    assert spec is None
    found = [(p.line, p.column, p.code) for p in problems]
    assert found == [
        (3, 19, "value"),  # 31 September
        (4, 10, "value"),  # unknown scope
        (6, 32, "value"),  # weight not a number
        (7, 19, "duplicate-id"),  # A1 again
        (7, 51, "value"),  # unknown normalisation
        (8, 24, "unknown-key"),  # wieght
        (8, 7, "missing-key"),  # so weight is missing
        (9, 19, "value"),  # per-group quotas need scope per_group
        (10, 34, "value"),  # recommend more than award
    ]
    assert "推荐从获奖者中产生" in problems[-1].message


def test_the_example_selection_file_is_valid():
    spec, problems = read_selection(REPO / "examples" / "selection.yaml")
    assert problems == []
    assert [p.contests for p in spec.parts] == [("PTEXAM",), ("PTG1LIVE", "PTG2LIVE", "PTG3LIVE")]
