"""The drill's figures: percentiles, the summary table, JSON, and a PNG chart of the latency distributions."""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import asdict
from pathlib import Path

from quizengine.drill.hall import Figures


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def summary(figures: Figures) -> dict:
    """The headline figures, in milliseconds and MB."""

    def ms(values, share):
        return round(percentile(values, share) * 1000, 1)

    return {
        "phones": figures.phones,
        "errors": len(figures.errors),
        "acked_answers": figures.acked,
        "connect_s": round(figures.connect_s, 2),
        "join_after_last_s": round(figures.join_after_last_s, 2),
        "join_total_s": round(figures.join_total_s, 2),
        "join_ack_p50_ms": ms(figures.join_ack, 0.5),
        "join_ack_p99_ms": ms(figures.join_ack, 0.99),
        "answer_ack_p50_ms": ms(figures.answer_ack, 0.5),
        "answer_ack_p99_ms": ms(figures.answer_ack, 0.99),
        "answer_ack_max_ms": round(max(figures.answer_ack, default=math.nan) * 1000, 1),
        "timing_error_p50_ms": round(percentile(figures.timing_error_ms, 0.5), 1),
        "timing_error_p99_ms": round(percentile(figures.timing_error_ms, 0.99), 1),
        "options_spread_ms": round(max(figures.options_spread_s, default=math.nan) * 1000, 1),
        "leaderboard_last_ms": round(max(figures.leaderboard_last_s, default=math.nan) * 1000, 1),
        "comeback_s": None if figures.comeback_s is None else round(figures.comeback_s, 2),
        "resume_ack_p50_ms": ms(figures.resume_ack, 0.5) if figures.resume_ack else None,
        "resume_ack_p99_ms": ms(figures.resume_ack, 0.99) if figures.resume_ack else None,
        "comeback_rss_mb": None if figures.comeback_rss_mb is None else round(figures.comeback_rss_mb, 1),
        "cpu_per_question_s": round(max(figures.cpu_per_question_s), 2) if figures.cpu_per_question_s else None,
        "rss_mb": round(max(figures.rss_mb), 1) if figures.rss_mb else None,
    }


LABELS = {
    "phones": "手机 phones",
    "errors": "错误 errors",
    "acked_answers": "已确认答案 acked answers",
    "connect_s": "全部连接 connect (s)",
    "join_after_last_s": "最后一部加入后全部确认 joined after last (s)",
    "join_total_s": "从首次连接到全部加入 joined from first connect (s)",
    "join_ack_p50_ms": "加入确认 join ack p50 (ms)",
    "join_ack_p99_ms": "加入确认 join ack p99 (ms)",
    "answer_ack_p50_ms": "答案确认 answer ack p50 (ms)",
    "answer_ack_p99_ms": "答案确认 answer ack p99 (ms)",
    "answer_ack_max_ms": "答案确认 answer ack max (ms)",
    "timing_error_p50_ms": "计时误差 timing error p50 (ms)",
    "timing_error_p99_ms": "计时误差 timing error p99 (ms)",
    "options_spread_ms": "选项到达先后差 options spread (ms)",
    "leaderboard_last_ms": "排行榜到达最后一部 leaderboard on every phone (ms)",
    "comeback_s": "断网后全部恢复 all resumed after a drop (s)",
    "resume_ack_p50_ms": "恢复确认 resume ack p50 (ms)",
    "resume_ack_p99_ms": "恢复确认 resume ack p99 (ms)",
    "comeback_rss_mb": "全部恢复后服务器内存 server RSS after resuming (MB)",
    "cpu_per_question_s": "每题服务器 CPU cpu per question (s)",
    "rss_mb": "服务器内存 server RSS (MB)",
}


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(figures: Figures) -> str:
    """The summary as aligned lines, then the first errors."""
    rows = summary(figures)
    width = max(_width(label) for label in LABELS.values())
    lines = [
        f"{LABELS[key]}{' ' * (width - _width(LABELS[key]))}  {'-' if value is None else value}"
        for key, value in rows.items()
    ]
    for error in figures.errors[:10]:
        lines.append(f"  ! {error}")
    if len(figures.errors) > 10:
        lines.append(f"  ! 另有 {len(figures.errors) - 10} 个错误")
    return "\n".join(lines)


def write_json(figures: Figures, path: Path, extra: dict | None = None) -> None:
    """The summary and every raw measurement, for scripts."""
    document = {"summary": summary(figures), "raw": asdict(figures), **(extra or {})}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def write_chart(figures: Figures, path: Path, title: str = "quizengine drill") -> None:
    """Histograms of the join and answer acknowledgement latencies and of the answer timing error."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    panels = [
        ("join ack (ms)", [v * 1000 for v in figures.join_ack]),
        ("answer ack (ms)", [v * 1000 for v in figures.answer_ack]),
        ("answer timing error (ms)", figures.timing_error_ms),
    ]
    if figures.resume_ack:
        panels.insert(1, ("resume ack (ms)", [v * 1000 for v in figures.resume_ack]))
    fig, axes = pyplot.subplots(1, len(panels), figsize=(13, 4))
    for axis, (label, values) in zip(axes, panels, strict=True):
        if values:
            axis.hist(values, bins=40, color="#c62828")
            axis.axvline(percentile(values, 0.99), color="#263238", linestyle="--", label="p99")
            axis.legend()
        axis.set_xlabel(label)
        axis.set_ylabel("phones")
    fig.suptitle(f"{title} — {figures.phones} phones")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    pyplot.close(fig)
