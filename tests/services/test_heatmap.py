"""The center × topic heat map from the database, over the hand-made contests of tests/services/analysis_data.py."""

from __future__ import annotations

import pytest

from quizengine.core.heatmap import UNTAGGED
from quizengine.core.learning import Tally
from quizengine.services.heatmap import contest_heatmap
from tests.services.analysis_data import load, play_live, sit_paper


@pytest.fixture
def played(db, tmp_path):
    """The live contest and the paper, over the example bank."""
    load(tmp_path)
    return play_live(tmp_path), sit_paper(tmp_path)


def test_heatmap_cells_are_each_centers_accuracy_per_topic_and_blank_without_answers(played):
    heatmap = contest_heatmap(played[0])
    assert heatmap.columns == [
        ("haochaping", "政务服务“好差评”"),
        ("national", "国家政策"),
        (UNTAGGED, "（无专题标签）"),
    ]
    (group,) = heatmap.groups
    rows = {row.center: row for row in group.rows}
    assert len(rows) == 10  # every center of the group, answered or not
    changshou, caojiadu = rows["长寿路街道社区事务受理服务中心"], rows["曹家渡街道社区事务受理服务中心"]
    # 长寿路: hcp-001 2/2, hcp-002 2/2, hcp-003 1/2 (haochaping); hcp-001 is also national.
    assert changshou.cells == {"haochaping": Tally(6, 5), "national": Tally(2, 2)}
    assert changshou.cells.get(UNTAGGED) is None  # blank, not 0%
    # 曹家渡: hcp-001 right, hcp-002 half right (counts as wrong), the buzzer question right (untagged).
    assert caojiadu.cells == {"haochaping": Tally(2, 1), "national": Tally(1, 1), UNTAGGED: Tally(1, 1)}
    assert (caojiadu.total, group.total) == (Tally(3, 2), Tally(9, 7))
    assert rows["桃浦镇社区事务受理服务中心"].cells == {}
    assert heatmap.band(changshou.cells["haochaping"]) == 3 and heatmap.band(caojiadu.cells["haochaping"]) == 0


def test_a_papers_heatmap_counts_the_answered_items_of_counted_attempts(played):
    heatmap = contest_heatmap(played[1])
    rows = {row.center: row for row in heatmap.groups[0].rows}
    # 长寿路: p1's counted attempt (A right, B right) and p2 (A right, C wrong); p1's second attempt is not counted.
    assert rows["长寿路街道社区事务受理服务中心"].total == Tally(4, 3)
    # 曹家渡: p3 (B wrong, C right); p4 answered nothing.
    assert rows["曹家渡街道社区事务受理服务中心"].total == Tally(2, 1)
