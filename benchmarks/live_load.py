"""Load a real `quizengine serve` with many phones answering one question, and print the figures.

    .venv/bin/python benchmarks/live_load.py --phones 300

Seeds a throw-away instance (the demo data plus a roster of synthetic staff),
starts the server on 127.0.0.1 under eventlet, connects N phones (asyncio
Socket.IO clients in this process), joins them all at once, opens one question
from a signed-in host, has every phone answer, and reports join and answer
acknowledgement latencies, the server's resident memory, and that every
acknowledged answer is stored exactly once. Bounded: N <= 1000 and 180 s.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live import run_command, seeded, serving
from tests.sockets.clients import signed_in_cookie

PASSWORD = "benchmark password"
CONTEST = """
contest:
  title: 压力测试
  groups: [community]
  code: LOADTEST
  ready_seconds: 0
rounds:
  - title: 必答
    kind: mandatory
    time_limit: 60
    questions: [plan-001]
"""


def seed_instance(folder: Path, people: list[str], contest: str) -> dict:
    """Seed the demo data, add `people` ("staff id,name,center" rows of the community group) and
    import and open `contest`; returns the environment of commands on this instance."""
    env = seeded(folder)
    rows = ["工号,姓名,中心,组", *(f"{row},community" for row in people)]
    (folder / "load.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    run_command(env, "roster", "import", str(folder / "load.csv"))
    (folder / "contest.yaml").write_text(contest, encoding="utf-8")
    run_command(env, "contest", "import", str(folder / "contest.yaml"), "--open")
    return env


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def phone(url: str, number: int, joined: asyncio.Event, question: asyncio.Queue, results: dict) -> None:
    client = socketio.AsyncClient(reconnection=False)
    got_question = asyncio.Event()

    @client.on("question", namespace="/play")
    async def on_question(data):
        results.setdefault("question", data)
        got_question.set()

    await client.connect(url, namespaces=["/play"], transports=["websocket"], wait_timeout=30)
    await joined.wait()
    started = time.perf_counter()
    ack = await client.call(
        "join",
        {"code": "LOADTEST", "staff_id": f"LOAD{number:04d}", "name": f"选手{number:04d}"},
        namespace="/play",
        timeout=60,
    )
    results["join"].append(time.perf_counter() - started)
    assert ack["ok"], ack
    await question.put(number)
    await got_question.wait()
    rq = results["question"]["round_question_id"]
    started = time.perf_counter()
    ack = await client.call(
        "answer", {"round_question_id": rq, "response": "B", "key": f"k{number}"}, namespace="/play", timeout=60
    )
    results["answer"].append(time.perf_counter() - started)
    results["acked"] += int(bool(ack.get("ok")))
    await client.disconnect()


async def run(url: str, count: int, cookie: str, contest_id: int, server_pid: int) -> dict:
    results = {"join": [], "answer": [], "acked": 0}
    joined, ready = asyncio.Event(), asyncio.Queue()
    tasks = [asyncio.create_task(phone(url, i, joined, ready, results)) for i in range(count)]
    host = socketio.AsyncClient(reconnection=False)
    await host.connect(url, headers={"Cookie": cookie}, namespaces=["/host"], transports=["websocket"], wait_timeout=30)
    await host.call("watch", {"contest_id": contest_id}, namespace="/host")
    await asyncio.sleep(2)  # let every phone connect before the join storm
    storm = time.perf_counter()
    joined.set()
    for _ in range(count):
        await ready.get()
    results["join_storm_s"] = time.perf_counter() - storm
    results["rss_after_join_mb"] = rss_mb(server_pid)
    opened = time.perf_counter()
    await host.call("next", {"contest_id": contest_id}, namespace="/host", timeout=60)
    await asyncio.gather(*tasks)
    results["all_answered_s"] = time.perf_counter() - opened
    results["rss_after_answers_mb"] = rss_mb(server_pid)
    await host.disconnect()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=300)
    args = parser.parse_args()
    count = max(1, min(args.phones, 1000))
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        env = seed_instance(
            folder, [f"LOAD{i:04d},选手{i:04d},压力测试中心{i % 20:02d}" for i in range(count)], CONTEST
        )
        run_command(
            env, "user", "create", "loadhost", "--role", "organizer", "--group", "community", "--password", PASSWORD
        )
        listing = run_command(env, "contest", "list").stdout
        contest_id = int(next(line.split()[0] for line in listing.splitlines() if "LOADTEST" in line))
        with serving(folder, env) as url:
            pid = int(run_pid(folder))
            cookie = signed_in_cookie(url, "loadhost", PASSWORD)
            results = asyncio.run(asyncio.wait_for(run(url, count, cookie, contest_id, pid), timeout=180))
        answers = count_answers(folder)
    print(f"phones                     {count}")
    print(f"join storm, all acked      {results['join_storm_s']:.2f} s")
    print(
        f"join ack p50 / p95 / max   {ms(results['join'], 0.5)} / {ms(results['join'], 0.95)} / "
        f"{max(results['join']) * 1000:.0f} ms"
    )
    print(
        f"answer ack p50 / p95 / max {ms(results['answer'], 0.5)} / {ms(results['answer'], 0.95)} / "
        f"{max(results['answer']) * 1000:.0f} ms"
    )
    print(f"open -> all answers acked  {results['all_answered_s']:.2f} s")
    print(f"answers acked / stored     {results['acked']} / {answers}")
    print(f"server RSS after joins     {results['rss_after_join_mb']:.0f} MiB")
    print(f"server RSS after answers   {results['rss_after_answers_mb']:.0f} MiB")


def ms(values: list[float], share: float) -> str:
    return f"{percentile(values, share) * 1000:.0f}"


def run_pid(folder: Path) -> str:
    import subprocess

    out = subprocess.run(["pgrep", "-f", "quizengine serve --host 127.0.0.1"], capture_output=True, text=True)
    pids = [
        p
        for p in out.stdout.split()
        if Path(f"/proc/{p}/environ").exists() and str(folder).encode() in Path(f"/proc/{p}/environ").read_bytes()
    ]
    return pids[0]


def count_answers(folder: Path) -> int:
    import sqlite3

    with sqlite3.connect(folder / "instance" / "quizengine.db") as connection:
        return connection.execute("SELECT count(*) FROM answers").fetchone()[0]


if __name__ == "__main__":
    main()
