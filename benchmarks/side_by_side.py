"""The product and the bare floor, side by side in one run, driven by the same client (quizengine.drill).

    .venv/bin/python benchmarks/side_by_side.py --phones 1000 [--async-mode eventlet] [--json out.json]

For each server: N phones connect and join at once; question 1 is answered by
every phone the moment its options arrive (the burst), question 2 with answers
spread over --spread seconds; after each the host closes it and shows the
leaderboard. After the second, the hall's Wi-Fi drops: every phone disconnects,
then all reconnect and resume with their tokens at once. The product is a throw-away `quizengine serve` (SQLite, every
acknowledged answer committed, get-ready seconds 0 so both servers open alike);
the floor is benchmarks/bare_server.py (Flask-SocketIO + eventlet, in memory).
Prints each figure for both, product / bare, and issue 10's target. Bounded:
N <= 2000, 300 s per server, 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizengine.drill import instance
from quizengine.drill.hall import Figures, Hall, Plan, signed_in_cookie
from quizengine.drill.report import percentile

TIMEOUT_S = 300
BARE = Path(__file__).resolve().parent / "bare_server.py"


async def _hall(url, code, contest_id, staff, plan, meter, user=None, password=None) -> Figures:
    cookie = await signed_in_cookie(url, user, password) if user else ""
    return await Hall(url, code, contest_id, staff, plan, cookie=cookie, meter=meter).run()


def product(plan: Plan, async_mode: str) -> tuple[Figures, int]:
    with tempfile.TemporaryDirectory(prefix="quizengine-bench-") as folder:
        folder = Path(folder)
        with instance.throwaway(folder, plan.phones, 2, async_mode=async_mode, ready_seconds=0) as served:
            meter = instance.ProcessMeter(served.process.pid)
            run = _hall(
                served.url,
                served.code,
                served.contest_id,
                served.staff,
                plan,
                meter,
                served.host_user,
                served.host_password,
            )
            figures = asyncio.run(asyncio.wait_for(run, timeout=TIMEOUT_S))
        return figures, instance.stored_answers(folder)


def bare(plan: Plan) -> Figures:
    port = instance.free_port()
    with tempfile.TemporaryDirectory(prefix="quizengine-bare-") as folder:
        log = Path(folder) / "bare.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, str(BARE), "--port", str(port), "--phones", str(plan.phones)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            try:
                url = f"http://127.0.0.1:{port}"
                instance.wait_until_up(f"{url}/", process, log)
                meter = instance.ProcessMeter(process.pid)
                staff = instance.synthetic_staff(plan.phones)
                return asyncio.run(asyncio.wait_for(_hall(url, instance.CODE, 0, staff, plan, meter), TIMEOUT_S))
            finally:
                process.terminate()
                process.wait(timeout=10)


def figures_of(f: Figures) -> dict[str, float]:
    burst, spread = f.questions[0], f.questions[1]
    return {
        "joined after the last arrival (s)": f.join_after_last_s,
        "joined from the first connect (s)": f.join_total_s,
        "burst answer ack p99 (ms)": percentile(burst.answer_ack, 0.99) * 1000,
        "spread answer ack p99 (ms)": percentile(spread.answer_ack, 0.99) * 1000,
        "leaderboard on every phone, last (ms)": max(q.leaderboard_last_s for q in f.questions) * 1000,
        "all resumed after a drop (s)": f.comeback_s if f.comeback_s is not None else math.nan,
        "resume ack p99 (ms)": percentile(f.resume_ack, 0.99) * 1000,
        "server RSS after resuming (MB)": f.comeback_rss_mb or math.nan,
        "server CPU per question, burst (s)": burst.cpu_s or math.nan,
        "server RSS, max (MB)": max(f.rss_mb or [math.nan]),
        "burst timing error p50 (ms)": percentile(burst.timing_error_ms, 0.5),
        "burst timing error p99 (ms)": percentile(burst.timing_error_ms, 0.99),
        "errors": float(len(f.errors)),
    }


TARGETS = {
    "joined after the last arrival (s)": "< 2 s, ratio <= 1.25",
    "burst answer ack p99 (ms)": "< 400 ms, ratio <= 1.25",
    "spread answer ack p99 (ms)": "< 50 ms, ratio <= 1.25",
    "leaderboard on every phone, last (ms)": "< 250 ms, ratio <= 1.25",
    "server CPU per question, burst (s)": "< 0.5 s, ratio <= 1.25",
    "server RSS, max (MB)": "< 200 MB (1,000 phones)",
    "burst timing error p99 (ms)": "within 50 ms of bare",
    "errors": "0",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--spread", type=float, default=5.0, help="seconds the second question's answers spread over")
    parser.add_argument("--async-mode", default="eventlet", choices=("eventlet", "gevent", "threading"))
    parser.add_argument("--json", type=Path, help="write both runs' figures here")
    args = parser.parse_args()
    plan = Plan(max(1, min(args.phones, 2000)), 2, spreads=(0.0, max(0.0, min(args.spread, 30.0))), comeback=True)
    ours, stored = product(plan, args.async_mode)
    floor = bare(plan)
    mine, theirs = figures_of(ours), figures_of(floor)
    print(f"{plan.phones} phones, product async mode {args.async_mode}; answers acked {ours.acked}, stored {stored}")
    print(f"{'figure':<40} {'product':>10} {'bare':>10} {'ratio':>7}  target")
    for name, value in mine.items():
        other = theirs[name]
        ratio = value / other if other and not math.isnan(other) and name != "errors" else math.nan
        print(f"{name:<40} {value:>10.2f} {other:>10.2f} {ratio:>7.2f}  {TARGETS.get(name, '')}")
    for error in (ours.errors + floor.errors)[:10]:
        print(f"  ! {error}")
    if args.json:
        args.json.write_text(
            json.dumps({"phones": plan.phones, "product": mine, "bare": theirs, "stored": stored}, indent=2),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
