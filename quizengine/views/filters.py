"""Jinja filters and globals shared by the pages."""

from __future__ import annotations

from quizengine.core.live import Status
from quizengine.core.paper import COUNTING_LABELS, LAYOUT_LABELS, PAPER_STATUS_LABELS, RESULTS_LABELS
from quizengine.core.questions import QuestionKind
from quizengine.core.ranking import center_rule_label
from quizengine.core.scoring import ROUND_KIND_LABELS, SCORING_LABELS, round_rule_label
from quizengine.timezone import local_text
from quizengine.views.access import can
from quizengine.views.links import public_url


def round_heading(position: int, title: str, kind: str) -> str:
    """A round's heading: its title when that already names the round (第一轮 必答题), else 第 N 轮 and the kind."""
    kind_label = ROUND_KIND_LABELS.get(kind, kind)
    if not title:
        return f"第 {position} 轮 {kind_label}"
    if "轮" in title:
        return title
    return f"第 {position} 轮 {title}"


def register(app) -> None:
    """Add to an app's Jinja environment: `localtime` shows a time in QUIZ_TIMEZONE; `can(permission)`
    says whether the signed-in user holds a permission (the navigation shows only the links one may open);
    `public_url(endpoint, ...)` is a page's address as phones open it (views.links); `labels` are the
    label tables of core (one per thing: round kinds, scoring rules, center rules, statuses, paper settings)."""
    app.add_template_filter(local_text, "localtime")
    app.add_template_global(can, "can")
    app.add_template_global(public_url, "public_url")
    app.add_template_global(round_heading, "round_heading")
    app.add_template_global(center_rule_label, "center_rule_label")
    app.add_template_global(round_rule_label, "round_rule_label")
    app.add_template_global(
        {
            "round_kind": ROUND_KIND_LABELS,
            "scoring": SCORING_LABELS,
            "status": {s.value: s.label for s in Status},
            "paper_status": PAPER_STATUS_LABELS,
            "counting": COUNTING_LABELS,
            "layout": LAYOUT_LABELS,
            "results": RESULTS_LABELS,
            "kind": {k.value: k.label for k in QuestionKind},
        },
        "labels",
    )
