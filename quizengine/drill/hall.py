"""The simulated hall: N phones and a host, asyncio Socket.IO clients speaking docs/protocol.md, and what they measure.

Times are taken in this process: `time.perf_counter()` for latencies, and the
wall clock for the answer's send instant, which is compared with the server's
`received_at` (client and server share the clock when both run on one machine;
against another machine the difference also holds the clocks' offset).
"""

from __future__ import annotations

import asyncio
import gc
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp
import socketio

CONNECTS_AT_ONCE = 100  # a hall's phones do not all open the page in the same millisecond
CALL_TIMEOUT = 60


@dataclass
class Plan:
    """What the drill does."""

    phones: int
    questions: int = 1
    join_spread_s: float = 0.0  # 0: every phone joins at once
    answer_spread_s: float = 0.0  # 0: every phone answers the moment the options arrive
    seed: int = 1
    spreads: tuple[float, ...] = ()  # per question, instead of answer_spread_s (benchmarks: a burst, then a spread)
    comeback: bool = False  # after the last question's leaderboard every phone drops and resumes at once

    def spread(self, number: int) -> float:
        return self.spreads[number] if number < len(self.spreads) else self.answer_spread_s


@dataclass
class Question:
    """What one question measured."""

    spread_s: float
    answer_ack: list[float] = field(default_factory=list)
    timing_error_ms: list[float] = field(default_factory=list)
    leaderboard_last_s: float = float("nan")
    cpu_s: float | None = None


@dataclass
class Figures:
    """Everything measured, in seconds unless named otherwise."""

    phones: int
    connect_s: float = 0.0
    join_after_last_s: float = 0.0  # the last join sent -> the last join acknowledged
    join_total_s: float = 0.0  # the first connect -> the last join acknowledged
    join_ack: list[float] = field(default_factory=list)
    answer_ack: list[float] = field(default_factory=list)
    timing_error_ms: list[float] = field(default_factory=list)  # server's received_at - the phone's send instant
    options_spread_s: list[float] = field(default_factory=list)  # per question: first -> last phone with options
    leaderboard_last_s: list[float] = field(default_factory=list)  # per question: host action -> last phone
    comeback_s: float | None = None  # the hall's Wi-Fi back: the first reconnect -> the last resume acknowledged
    resume_ack: list[float] = field(default_factory=list)
    comeback_rss_mb: float | None = None  # the server's RSS once every phone has resumed (not in rss_mb)
    cpu_per_question_s: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    acked: int = 0
    errors: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)


def choose(question: dict):
    """A valid response to `question` (the drill measures the server, not knowledge)."""
    options = [key for key, _ in question.get("options") or []]
    kind = question.get("kind")
    if kind == "judge":
        return True
    if kind == "fill" or not options:
        return "演练"
    return [options[0]] if kind == "multiple" else options[0]


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


async def signed_in_cookie(url: str, username: str, password: str) -> str:
    """Sign in through the login form (CSRF token and all); the session cookie header for the host's socket."""
    # unsafe: keep cookies of an IP-address host (127.0.0.1), which aiohttp drops by default
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{url}/login") as page:
            match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', await page.text())
        if match is None:
            raise RuntimeError("登录页没有 CSRF 令牌")
        form = {"username": username, "password": password, "csrf_token": match.group(1)}
        async with http.post(f"{url}/login", data=form, allow_redirects=False) as answer:
            if answer.status not in (302, 303):
                raise RuntimeError(f"主持人账号登录失败（HTTP {answer.status}）")
        return "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)


class Progress:
    """One line on stderr, rewritten in place."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()

    def show(self, text: str) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\033[K{text}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


class Phone:
    """One simulated phone on /play."""

    def __init__(self, hall: Hall, number: int, staff: tuple[str, str]):
        self.hall, self.number, self.staff = hall, number, staff
        self.client = socketio.AsyncClient(reconnection=False)
        self.options: dict[int, asyncio.Event] = {}
        self.questions: dict[int, dict] = {}
        self.option_at: dict[int, float] = {}
        self.leaderboard_at: list[float] = []
        self.token = ""
        self.client.on("question", self._question, namespace="/play")
        self.client.on("leaderboard", self._leaderboard, namespace="/play")

    async def _question(self, data):
        if not data.get("ready"):  # the options are here (during the get-ready seconds they are not)
            rq = data["round_question_id"]
            self.questions[rq] = data
            self.option_at[rq] = time.perf_counter()
            self.hall.event_for(self, rq).set()

    async def _leaderboard(self, _data):
        self.leaderboard_at.append(time.perf_counter())
        self.hall.leaderboards += 1
        if self.hall.leaderboards >= self.hall.expected_leaderboards:
            self.hall.all_leaderboards.set()

    async def connect(self) -> None:
        await self.client.connect(self.hall.url, namespaces=["/play"], transports=["websocket"], wait_timeout=30)

    async def join(self, code: str) -> None:
        started = time.perf_counter()
        ack = await self.client.call(
            "join",
            {"code": code, "staff_id": self.staff[0], "name": self.staff[1]},
            namespace="/play",
            timeout=CALL_TIMEOUT,
        )
        self.hall.figures.join_ack.append(time.perf_counter() - started)
        if not ack.get("ok"):
            raise RuntimeError(f"join: {ack.get('error')}")
        self.token = ack["token"]

    async def resume(self) -> None:
        """Resume with the token kept from the join, as a phone does once it has connected again after a drop."""
        started = time.perf_counter()
        ack = await self.client.call("resume", {"token": self.token}, namespace="/play", timeout=CALL_TIMEOUT)
        self.hall.figures.resume_ack.append(time.perf_counter() - started)
        if not ack.get("ok"):
            raise RuntimeError(f"resume: {ack.get('error')}")

    async def answer(self, rq: int, delay: float) -> None:
        try:
            await asyncio.wait_for(self.hall.event_for(self, rq).wait(), timeout=CALL_TIMEOUT)
        except TimeoutError:
            raise RuntimeError(f"{CALL_TIMEOUT} 秒内没有收到题目选项") from None
        if delay:
            await asyncio.sleep(delay)
        payload = {"round_question_id": rq, "response": choose(self.questions[rq]), "key": f"d{self.number}-{rq}"}
        sent_wall, started = time.time(), time.perf_counter()
        ack = await self.client.call("answer", payload, namespace="/play", timeout=CALL_TIMEOUT)
        figures, question = self.hall.figures, self.hall.figures.questions[-1]
        latency = time.perf_counter() - started
        figures.answer_ack.append(latency)
        question.answer_ack.append(latency)
        if not ack.get("ok"):
            raise RuntimeError(f"answer: {ack.get('error')}")
        figures.acked += 1
        if ack.get("received_at"):
            error_ms = (parse_time(ack["received_at"]) - sent_wall) * 1000
            figures.timing_error_ms.append(error_ms)
            question.timing_error_ms.append(error_ms)


class Hall:
    """The phones and the host of one drill against the server at `url`."""

    def __init__(
        self, url: str, code: str, contest_id: int, staff, plan: Plan, *, cookie="", meter=None, progress=None
    ):
        self.url, self.code, self.contest_id, self.plan = url, code, contest_id, plan
        self.cookie, self.meter = cookie, meter
        self.progress = progress or Progress(False)
        self.figures = Figures(plan.phones)
        self.phones = [Phone(self, n, person) for n, person in enumerate(staff[: plan.phones])]
        self.random = random.Random(plan.seed)
        self._events: dict[tuple[int, int], asyncio.Event] = {}
        self.leaderboards = 0
        self.expected_leaderboards = 0
        self.all_leaderboards = asyncio.Event()
        self.host = socketio.AsyncClient(reconnection=False)

    def event_for(self, phone: Phone, rq: int) -> asyncio.Event:
        return self._events.setdefault((phone.number, rq), asyncio.Event())

    async def _gather(self, label: str, coroutines) -> None:
        """Run them all, counting the failures as errors, with the progress line."""
        total, finished = len(coroutines), 0

        async def tracked(coroutine):
            nonlocal finished
            try:
                await coroutine
            except Exception as error:  # a drill reports errors, it does not stop at the first
                self.figures.errors.append(f"{label}: {error or type(error).__name__}")
            finally:
                finished += 1
                self.progress.show(f"{label} {finished}/{total}")

        await asyncio.gather(*(tracked(c) for c in coroutines))

    async def _host(self, event: str) -> dict:
        ack = await self.host.call(event, {"contest_id": self.contest_id}, namespace="/host", timeout=CALL_TIMEOUT)
        if not ack.get("ok"):
            raise RuntimeError(f"主持台 {event}：{ack.get('error')}")
        return ack

    async def run(self) -> Figures:
        """Connect, join, then each question: open, answer, close, leaderboard; with the plan's `comeback`, every
        phone drops and resumes; finally disconnect.

        The client's own full garbage collections (100 to 260 ms with a thousand
        clients in one process) would land inside either server's figures: they
        are switched off for the run and done between its phases instead.
        """
        young, middle, oldest = gc.get_threshold()
        gc.set_threshold(young, middle, 1_000_000_000)
        try:
            return await self._run()
        finally:
            gc.set_threshold(young, middle, oldest)

    async def _run(self) -> Figures:
        figures, plan = self.figures, self.plan
        started = time.perf_counter()
        limit = asyncio.Semaphore(CONNECTS_AT_ONCE)

        async def connect(phone: Phone):
            async with limit:
                await phone.connect()

        await self._gather("连接 connect", [connect(p) for p in self.phones])
        figures.connect_s = time.perf_counter() - started
        headers = {"Cookie": self.cookie} if self.cookie else {}
        await self.host.connect(self.url, headers=headers, namespaces=["/host"], transports=["websocket"])
        await self._host("watch")
        gc.collect()
        offsets = sorted(self.random.uniform(0, plan.join_spread_s) for _ in self.phones)
        storm = time.perf_counter()

        async def join(phone: Phone, offset: float):
            await asyncio.sleep(offset)
            await phone.join(self.code)

        await self._gather("加入 join", [join(p, o) for p, o in zip(self.phones, offsets, strict=True)])
        figures.join_after_last_s = time.perf_counter() - storm - (offsets[-1] if offsets else 0)
        figures.join_total_s = time.perf_counter() - started
        if self.meter:
            figures.rss_mb.append(self.meter.rss_mb())
        for number in range(plan.questions):
            gc.collect()
            await self._question(number)
        if plan.comeback:
            gc.collect()
            await self._comeback()
        await self.host.disconnect()
        await self._gather("断开 disconnect", [p.client.disconnect() for p in self.phones])
        self.progress.done()
        return figures

    async def _comeback(self) -> None:
        """The hall's Wi-Fi drops and comes back: every phone disconnects, then all reconnect and resume at once
        (as many connecting at a time as at the start), while the host's console stays."""
        await self._gather("断开 drop", [p.client.disconnect() for p in self.phones])
        gc.collect()
        limit = asyncio.Semaphore(CONNECTS_AT_ONCE)

        async def come_back(phone: Phone):
            async with limit:
                await phone.connect()
            await phone.resume()

        started = time.perf_counter()
        await self._gather("重连 resume", [come_back(p) for p in self.phones])
        self.figures.comeback_s = time.perf_counter() - started
        if self.meter:
            self.figures.comeback_rss_mb = self.meter.rss_mb()

    async def _question(self, number: int) -> None:
        figures, plan = self.figures, self.plan
        cpu_before = self.meter.cpu_seconds() if self.meter else None
        question = Question(plan.spread(number))
        figures.questions.append(question)
        rq = (await self._host("next"))["round_question_id"]
        delays = [self.random.uniform(0, question.spread_s) for _ in self.phones]
        await self._gather(
            f"第{number + 1}题作答 answer", [p.answer(rq, d) for p, d in zip(self.phones, delays, strict=True)]
        )
        arrivals = [p.option_at[rq] for p in self.phones if rq in p.option_at]
        if arrivals:
            figures.options_spread_s.append(max(arrivals) - min(arrivals))
        await self._host("close")
        self.expected_leaderboards += len(self.phones)
        shown = time.perf_counter()
        await self._host("leaderboard")
        try:
            await asyncio.wait_for(self.all_leaderboards.wait(), timeout=CALL_TIMEOUT)
        except TimeoutError:
            figures.errors.append(f"leaderboard: {self.expected_leaderboards - self.leaderboards} 部手机没有收到")
        self.all_leaderboards.clear()
        last = [p.leaderboard_at[-1] for p in self.phones if p.leaderboard_at]
        question.leaderboard_last_s = max(last) - shown if last else float("nan")
        figures.leaderboard_last_s.append(question.leaderboard_last_s)
        if cpu_before is not None:
            question.cpu_s = self.meter.cpu_seconds() - cpu_before
            figures.cpu_per_question_s.append(question.cpu_s)
            figures.rss_mb.append(self.meter.rss_mb())
