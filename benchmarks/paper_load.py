"""Load a real `quizengine serve` with many staff taking a self-paced paper at once, and print the figures.

    .venv/bin/python benchmarks/paper_load.py --staff 200

Seeds a throw-away instance (demo data plus synthetic staff and a 20-question
paper), starts the server on 127.0.0.1 under eventlet, and has every person
(an aiohttp session with its own cookies, all in this process) sign in, start,
save one answer per question one after another (as the phone page does) and
submit, all at the same time. Reports sign-in, start, save and submit
latencies, the save rate, the server's RSS, and that every acknowledged save is
stored. Bounded: N <= 500 and 300 s.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.live_load import percentile, rss_mb, run_pid, seed_instance
from tests.live import serving

PAPER = """
contest:
  title: 笔试压力测试
  groups: [community]
  mode: self_paced
  code: LOADEXAM
paper:
  opens: 2020-01-01 00:00
  closes: 2099-12-31 00:00
  time_limit: 30
  seed: 1
  sections:
    - {title: 单选, count: 12, types: [single]}
    - {title: 多选, count: 4, types: [multiple]}
    - {title: 判断, count: 4, types: [judge]}
"""
FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def response_for(item: dict):
    """Any valid response (the benchmark measures the path, not the marks)."""
    if item["kind"] == "judge":
        return True
    if item["kind"] == "fill":
        return "答案"
    first = item["options"][0][0]
    return [first] if item["kind"] == "multiple" else first


async def person(url: str, number: int, go: asyncio.Event, results: dict) -> None:
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(base_url=url, cookie_jar=jar, timeout=timeout) as http:
        page = await (await http.get("/learn/login")).text()
        await go.wait()
        t = time.perf_counter()
        data = {"staff_no": f"EXAM{number:04d}", "name": f"考生{number:04d}", "csrf_token": FIELD.search(page)[1]}
        async with http.post("/learn/login", data=data, allow_redirects=False) as signed:
            assert signed.status == 302, signed.status
        results["sign_in"].append(time.perf_counter() - t)
        token = META.search(await (await http.get("/learn/paper/LOADEXAM")).text())[1]
        headers = {"X-CSRFToken": token}
        t = time.perf_counter()
        async with http.post("/learn/api/paper/LOADEXAM/start", json={}, headers=headers) as started:
            state = await started.json()
        results["start"].append(time.perf_counter() - t)
        for item in state["current"]["items"]:
            body = {"position": item["position"], "response": response_for(item), "revision": 1}
            t = time.perf_counter()
            async with http.post("/learn/api/paper/LOADEXAM/save", json=body, headers=headers) as saved:
                ack = await saved.json()
            results["save"].append(time.perf_counter() - t)
            assert ack["ok"], ack
            results["acked"] += 1
        t = time.perf_counter()
        async with http.post("/learn/api/paper/LOADEXAM/submit", json={}, headers=headers) as submitted:
            done = await submitted.json()
        results["submit"].append(time.perf_counter() - t)
        assert done["review"]["answered"] == len(state["current"]["items"]), done


async def run(url: str, count: int, pid: int) -> dict:
    results = {"sign_in": [], "start": [], "save": [], "submit": [], "acked": 0}
    go = asyncio.Event()
    tasks = [asyncio.create_task(person(url, i, go, results)) for i in range(count)]
    await asyncio.sleep(2)  # every login page fetched before the storm
    began = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    results["total_s"] = time.perf_counter() - began
    results["rss_mb"] = rss_mb(pid)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=200)
    args = parser.parse_args()
    count = max(1, min(args.staff, 500))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        env = seed_instance(folder, [f"EXAM{i:04d},考生{i:04d},笔试测试中心{i % 20:02d}" for i in range(count)], PAPER)
        with serving(folder, env) as url:
            pid = int(run_pid(folder))
            results = asyncio.run(asyncio.wait_for(run(url, count, pid), timeout=300))
        with sqlite3.connect(folder / "instance" / "quizengine.db") as connection:
            stored = connection.execute("SELECT count(*) FROM attempt_items WHERE response IS NOT NULL").fetchone()[0]
    saves = results["save"]
    print(f"staff                        {count}")
    print(f"sign-in .. all submitted     {results['total_s']:.1f} s")
    for name in ("sign_in", "start", "save", "submit"):
        values = results[name]
        print(
            f"{name:<8} p50 / p95 / max      {percentile(values, 0.5) * 1000:.0f} / "
            f"{percentile(values, 0.95) * 1000:.0f} / {max(values) * 1000:.0f} ms"
        )
    print(f"saves per second             {len(saves) / results['total_s']:.0f}")
    print(f"saves acked / stored         {results['acked']} / {stored}")
    print(f"server RSS                   {results['rss_mb']:.0f} MiB")


if __name__ == "__main__":
    main()
