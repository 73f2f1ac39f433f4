"""Roles and group scope of the correction permission (复核)."""

from __future__ import annotations

from quizengine.core.access import allowed


def test_organizers_correct_only_their_groups_contests():
    assert allowed("organizer", "results.correct", {"community"}, {"community"})
    assert not allowed("organizer", "results.correct", {"community"}, {"market"})
    assert not allowed("organizer", "results.correct", {"community"}, {"community", "market"})


def test_trainers_own_the_keys_and_correct_any_groups_contest_but_run_none():
    assert allowed("trainer", "results.correct", (), {"market"})
    assert not allowed("trainer", "contest.edit", (), {"market"})
    assert not allowed("trainer", "results.view", (), None)
