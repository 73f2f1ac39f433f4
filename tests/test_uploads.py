"""Parsing uploads in a limited child process: same results, time and memory limits, a guarded way back."""

from __future__ import annotations

import logging
import time
from datetime import date

import pytest

from quizengine.formats.banks import load_bank
from quizengine.formats.contests import read_contest
from quizengine.formats.roster import read_roster
from quizengine.uploads import UploadRefused, parse_upload
from tests.conftest import FIXTURES, REPO, TODAY
from tests.hostile import failing_parse, hungry_parse, nested_yaml, slow_parse, sneaky_parse


def test_a_child_parses_exactly_what_the_server_would():
    bank_file = FIXTURES / "banks" / "valid_example.yaml"
    assert parse_upload(load_bank, bank_file, today=TODAY) == load_bank(bank_file, today=TODAY)
    for name in ("community.yaml", "written_test.yaml"):  # a live contest, and a paper with a time zone
        contest_file = REPO / "examples" / "contests" / name
        assert parse_upload(read_contest, contest_file) == read_contest(contest_file)
    roster_file = REPO / "examples" / "roster.yaml"
    assert parse_upload(read_roster, roster_file, max_bytes=10**7) == read_roster(roster_file, max_bytes=10**7)


def test_problems_come_back_from_the_child_too(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_bytes(nested_yaml())
    bank, problems = parse_upload(load_bank, path, today=date.today())
    assert bank is None
    assert [(p.line, p.column, p.code) for p in problems] == [(1, 57, "too-deep")]


def test_a_parse_over_the_time_limit_is_killed_and_refused(tmp_path):
    started = time.monotonic()
    with pytest.raises(UploadRefused) as refused:
        parse_upload(slow_parse, tmp_path / "x.yaml", 60, seconds=1)
    assert refused.value.code == "too-complex"
    assert "无法在 1 秒内读完" in refused.value.message
    assert time.monotonic() - started < 10


def test_a_parse_over_the_memory_limit_is_refused(tmp_path):
    with pytest.raises(UploadRefused) as refused:
        parse_upload(hungry_parse, tmp_path / "x.yaml", 2_000, memory_mb=300)
    assert refused.value.code == "too-complex"
    assert "300 MB" in refused.value.message


def test_a_failing_parser_is_refused_and_logged(tmp_path, caplog):
    with caplog.at_level(logging.ERROR, logger="quizengine.uploads"), pytest.raises(UploadRefused) as refused:
        parse_upload(failing_parse, tmp_path / "x.yaml")
    assert refused.value.code == "parse-failed"
    assert "a parser bug" in caplog.text


def test_a_result_naming_another_callable_is_not_unpickled(tmp_path, caplog):
    with caplog.at_level(logging.ERROR, logger="quizengine.uploads"), pytest.raises(UploadRefused) as refused:
        parse_upload(sneaky_parse, tmp_path / "x.yaml")
    assert refused.value.code == "parse-failed"
    assert "posix.getcwd is not allowed" in caplog.text
