"""Load two `quizengine serve` processes (one PostgreSQL database, one Redis queue) with many phones.

    .venv/bin/python benchmarks/cluster_load.py --phones 2000 [--processes 2] [--kill-owner]

Creates a scratch database on the PostgreSQL server of QUIZ_TEST_POSTGRES_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/test) and uses the Redis of
QUIZ_TEST_REDIS_URL (default redis://127.0.0.1:6379/14) on a channel of its own;
seeds the demo data and N synthetic staff, starts the processes on 127.0.0.1,
and connects N phones (asyncio clients in this process) spread across them, the
host on the first. Then: the join storm; one question every phone answers on
receipt (it closes early); with --kill-owner a second question whose
deadline-watching process is SIGKILLed mid-question. Reports join and answer
latencies, how long the question and `closed` took to reach every phone,
stored vs acknowledged answers, and the takeover figures. Bounded: N <= 2000,
P <= 4, 240 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import socketio
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.cluster import cluster, cluster_env, prepare_contest, scratch_database
from tests.live import run_command
from tests.sockets.clients import signed_in_cookie

PASSWORD = "benchmark password"
CODE = "CLUSTER1"
CONTEST = f"""
contest:
  title: 多进程压力测试
  groups: [community]
  code: {CODE}
  ready_seconds: 0
rounds:
  - title: 必答
    kind: mandatory
    time_limit: 60
    questions: [plan-001]
  - title: 必答（接管）
    kind: mandatory
    time_limit: 12
    questions: [plan-002]
"""
CONNECTS_AT_ONCE = 100


class Hall:
    """What the phones saw: arrival times per (event, round question), acknowledgement latencies."""

    def __init__(self):
        self.arrivals: dict[tuple[str, int], list[float]] = defaultdict(list)
        self.join: list[float] = []
        self.answer: list[float] = []
        self.acked = 0
        self.connected = 0
        self.failed_joins: list[str] = []
        self.pending: set[asyncio.Task] = set()  # answers in flight (a task needs a reference to live)
        self.answer_first: int | None = None  # the question phones answer on receipt
        self.changed = asyncio.Condition()

    async def note(self, event: str, data: dict) -> None:
        async with self.changed:
            self.arrivals[(event, data["round_question_id"])].append(time.time())
            self.changed.notify_all()

    async def until(self, event: str, rq_id: int, count: int, timeout: float) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: len(self.arrivals[(event, rq_id)]) >= count), timeout)


async def phone(url: str, number: int, hall: Hall, gate: asyncio.Semaphore, start: asyncio.Event):
    client = socketio.AsyncClient(reconnection=False)

    async def answer(rq_id: int) -> None:
        started = time.perf_counter()
        payload = {"round_question_id": rq_id, "response": "B", "key": f"k{number}-{rq_id}"}
        ack = await client.call("answer", payload, namespace="/play", timeout=60)
        hall.answer.append(time.perf_counter() - started)
        hall.acked += int(bool(ack.get("ok")))

    @client.on("question", namespace="/play")
    async def on_question(data):
        await hall.note("question", data)
        if hall.answer_first is None:  # the first question: everyone answers it
            hall.answer_first = data["round_question_id"]
        if data["round_question_id"] == hall.answer_first:
            hall.pending.add(asyncio.create_task(answer(data["round_question_id"])))

    @client.on("closed", namespace="/play")
    async def on_closed(data):
        await hall.note("closed", data)

    async with gate:
        await client.connect(url, namespaces=["/play"], transports=["websocket"], wait_timeout=30)
    hall.connected += 1
    await start.wait()
    started = time.perf_counter()
    payload = {"code": CODE, "staff_id": f"LOAD{number:04d}", "name": f"选手{number:04d}"}
    try:
        ack = await client.call("join", payload, namespace="/play", timeout=90)
    except socketio.exceptions.TimeoutError:
        ack = {"ok": False, "error": "timeout"}
    hall.join.append(time.perf_counter() - started)
    if not ack.get("ok"):
        hall.failed_joins.append(ack.get("error"))
        await client.disconnect()
        return None
    return client, url


async def run(servers, count: int, cookie: str, contest_id: int, engine, kill_owner: bool) -> dict:
    hall, gate, start = Hall(), asyncio.Semaphore(CONNECTS_AT_ONCE), asyncio.Event()
    began = time.perf_counter()
    tasks = [asyncio.create_task(phone(servers[i % len(servers)].url, i, hall, gate, start)) for i in range(count)]
    host = socketio.AsyncClient(reconnection=False)
    await host.connect(
        servers[0].url, headers={"Cookie": cookie}, namespaces=["/host"], transports=["websocket"], wait_timeout=30
    )
    await host.call("watch", {"contest_id": contest_id}, namespace="/host")
    while hall.connected < count and not any(task.done() for task in tasks):  # a failed phone ends the run
        await asyncio.sleep(0.2)
    figures = {"connected_s": time.perf_counter() - began}
    storm = time.perf_counter()
    start.set()
    clients = [joined for joined in await asyncio.gather(*tasks) if joined is not None]
    figures["join_storm_s"] = time.perf_counter() - storm
    count = len(clients)  # the phones that joined go on

    opened = time.time()
    ack = await host.call("next", {"contest_id": contest_id}, namespace="/host", timeout=60)
    rq1 = ack["round_question_id"]
    await hall.until("question", rq1, count, 60)
    figures["question_to_all_s"] = max(hall.arrivals[("question", rq1)]) - opened
    await hall.until("closed", rq1, count, 90)
    figures["open_to_all_closed_s"] = max(hall.arrivals[("closed", rq1)]) - opened

    if kill_owner:
        await host.call("reveal", {"contest_id": contest_id}, namespace="/host")
        ack = await host.call("next", {"contest_id": contest_id}, namespace="/host", timeout=60)
        rq2 = ack["round_question_id"]
        await hall.until("question", rq2, count, 60)
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT timer_owner, closes_at FROM round_questions WHERE id = :id"), {"id": rq2}
            ).one()
        owner, closes_at = row[0], row[1]
        closes_at = (closes_at if isinstance(closes_at, datetime) else datetime.fromisoformat(closes_at)).timestamp()
        doomed = next(s for s in servers if owner and owner.split(":")[1] == str(s.process.pid))
        await asyncio.sleep(max(0.0, closes_at - 6 - time.time()))
        killed = time.time()
        doomed.kill()
        while True:
            with engine.connect() as connection:
                now_owner = connection.execute(
                    text("SELECT timer_owner FROM round_questions WHERE id = :id"), {"id": rq2}
                ).scalar()
            if now_owner != owner or time.time() - killed > 20:
                break
            await asyncio.sleep(0.05)
        figures["takeover_s"] = time.time() - killed
        survivors = sum(1 for _, url in clients if url != doomed.url)
        await hall.until("closed", rq2, survivors, 30)
        arrivals = sorted(hall.arrivals[("closed", rq2)])
        figures["closed_late_first_s"] = arrivals[0] - closes_at
        figures["closed_late_last_s"] = arrivals[-1] - closes_at
        figures["survivors"] = survivors
    for client, _ in clients:
        if client.connected:
            await client.disconnect()
    if host.connected:
        await host.disconnect()
    figures["hall"] = hall
    return figures


def percentile(values: list[float], share: float) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--kill-owner", action="store_true")
    args = parser.parse_args()
    count, processes = max(1, min(args.phones, 2000)), max(1, min(args.processes, 4))
    postgres = os.environ.get("QUIZ_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    redis = os.environ.get("QUIZ_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    people = "\n".join(
        ["工号,姓名,中心,组", *(f"LOAD{i:04d},选手{i:04d},压力测试中心{i % 20:02d},community" for i in range(count))]
    )
    with tempfile.TemporaryDirectory() as folder, scratch_database(postgres) as database_url:
        folder = Path(folder)
        env = cluster_env(folder, database_url, redis)
        prepare_contest(env, folder, CONTEST, people + "\n")
        organizer = ("--role", "organizer", "--group", "community", "--password", PASSWORD)
        run_command(env, "user", "create", "loadhost", *organizer)
        listing = run_command(env, "contest", "list").stdout
        contest_id = int(next(line.split()[0] for line in listing.splitlines() if CODE in line))
        engine = create_engine(database_url)
        try:
            with cluster(folder, env, processes) as servers:
                cookie = signed_in_cookie(servers[0].url, "loadhost", PASSWORD)
                try:
                    figures = asyncio.run(
                        asyncio.wait_for(run(servers, count, cookie, contest_id, engine, args.kill_owner), timeout=240)
                    )
                finally:
                    for server in servers:  # what the servers said, for a run that went wrong
                        tail = server.log.read_text(errors="replace").splitlines()[-40:]
                        if any("Error" in line or "Traceback" in line for line in tail):
                            print(f"--- {server.url} log (last 40 lines)", *tail, sep="\n")
            with engine.connect() as connection:
                stored, distinct = connection.execute(
                    text("SELECT count(*), count(DISTINCT player_id) FROM answers")
                ).one()
        finally:
            engine.dispose()
    hall = figures["hall"]
    print(f"phones / processes             {count} / {processes}")
    print(f"all phones connected           {figures['connected_s']:.2f} s")
    print(f"joins failed                   {len(hall.failed_joins)} {sorted(set(hall.failed_joins))}")
    print(f"join storm, all acked          {figures['join_storm_s']:.2f} s")
    print(
        f"join ack p50 / p95 / max       {percentile(hall.join, 0.5)} / {percentile(hall.join, 0.95)} / "
        f"{max(hall.join) * 1000:.0f} ms"
    )
    print(f"question reached every phone   {figures['question_to_all_s']:.2f} s after `next`")
    print(
        f"answer ack p50 / p95 / max     {percentile(hall.answer, 0.5)} / {percentile(hall.answer, 0.95)} / "
        f"{max(hall.answer) * 1000:.0f} ms"
    )
    print(f"`closed` reached every phone   {figures['open_to_all_closed_s']:.2f} s after `next` (closed early)")
    print(f"answers acked / stored / people {hall.acked} / {stored} / {distinct}")
    if "takeover_s" in figures:
        print(f"takeover after SIGKILL         {figures['takeover_s']:.2f} s")
        print(
            f"`closed` vs closes_at          first {figures['closed_late_first_s']:+.2f} s, "
            f"last {figures['closed_late_last_s']:+.2f} s ({figures['survivors']} phones on the survivors)"
        )


if __name__ == "__main__":
    main()
