"""The center × policy topic accuracy heat map (问题导向: each center's weak points), on plain data.

A cell is the accuracy (right / answered, core.learning.Tally) of one
center's answers to the questions of one policy topic (a bank tag); a
question with several tags counts in each. A cell with no answers is blank,
never 0%. Cells fall in one of the `BANDS` of accuracy, so the page colours
them from a small fixed scale (lighter is better) and prints the figure in
the cell as well: the colour is never the only carrier of the number. A cell
with fewer than `FEW_ANSWERS` answers is marked as saying little.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from quizengine.core.learning import Tally

FEW_ANSWERS = 5
UNTAGGED = ""
UNTAGGED_LABEL = "（无专题标签）"
# (lowest accuracy of the band, its legend); the band's index is its colour class.
BANDS = ((0.0, "低于 60%"), (0.6, "60%–70%"), (0.7, "70%–80%"), (0.8, "80%–90%"), (0.9, "90% 及以上"))


def band(accuracy: float | None) -> int | None:
    """The band of an accuracy (0 = weakest); None for a blank cell."""
    if accuracy is None:
        return None
    return max(i for i, (low, _) in enumerate(BANDS) if accuracy >= low)


@dataclass
class HeatRow:
    """One center: its tally per topic and over all topics."""

    center: str
    cells: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)


@dataclass
class HeatGroup:
    """The centers of one group, and the group's own tally per topic."""

    name: str
    rows: list[HeatRow]
    cells: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)


@dataclass
class Heatmap:
    """Columns (topic, label) and the groups' rows; `answers` counts every answer taken in."""

    columns: list[tuple[str, str]]
    groups: list[HeatGroup]
    answers: int = 0

    @property
    def bands(self) -> tuple[tuple[float, str], ...]:
        """The accuracy bands, for the legend."""
        return BANDS

    @property
    def few(self) -> int:
        """Below this many answers a cell says little."""
        return FEW_ANSWERS

    def band(self, tally: Tally | None) -> int | None:
        """A cell's band; None when blank."""
        return band(tally.accuracy) if tally is not None else None


@dataclass(frozen=True)
class TopicAnswer:
    """One answer: whose center it was, the question's topics, whether it was right."""

    center: str
    tags: tuple[str, ...]
    correct: bool


def build_heatmap(
    centers: Iterable[tuple[str, str]], answers: Iterable[TopicAnswer], labels: dict[str, str]
) -> Heatmap:
    """The heat map of `answers` over `centers` ((group, center), in display order); topics labelled by `labels`.

    Columns are the topics answered, in the order of `labels` (a bank's own
    order), then unknown tags by name, then untagged questions. An answer of a
    center not in `centers` is left out.
    """
    groups: dict[str, HeatGroup] = {}
    rows: dict[str, tuple[HeatGroup, HeatRow]] = {}
    for group_name, center in centers:
        group = groups.setdefault(group_name, HeatGroup(group_name, []))
        row = HeatRow(center)
        group.rows.append(row)
        rows[center] = (group, row)
    seen: set[str] = set()
    taken = 0
    for answer in answers:
        if answer.center not in rows:
            continue
        group, row = rows[answer.center]
        taken += 1
        row.total, group.total = row.total.add(answer.correct), group.total.add(answer.correct)
        for tag in answer.tags or (UNTAGGED,):
            seen.add(tag)
            row.cells[tag] = row.cells.get(tag, Tally()).add(answer.correct)
            group.cells[tag] = group.cells.get(tag, Tally()).add(answer.correct)
    ordered = [tag for tag in labels if tag in seen]
    ordered += sorted(tag for tag in seen if tag not in labels and tag != UNTAGGED)
    if UNTAGGED in seen:
        ordered.append(UNTAGGED)
    columns = [(tag, UNTAGGED_LABEL if tag == UNTAGGED else labels.get(tag, tag)) for tag in ordered]
    return Heatmap(columns, list(groups.values()), taken)
