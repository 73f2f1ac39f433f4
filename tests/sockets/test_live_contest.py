"""A whole live contest over a real eventlet server and real Socket.IO clients.

Scores are checked against an independent calculation made here from the
bank file's answers, the question's `opened_at` and each acknowledgement's
`received_at` (the server's clock), not from the server's scoring code.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from quizengine.formats.banks import load_bank
from quizengine.sockets.ratelimit import FAILED_JOINS_PER_CONNECTION, FAILED_JOINS_PER_IDENTITY
from tests.conftest import REPO
from tests.live import QUIZENGINE, command_env, free_port, run_command, serving, wait_until_up
from tests.sockets.clients import Phone, Recorder, signed_in_cookie

PASSWORD = "organizer password 1"
CODE = "E2ETEST1"
CONTEST = f"""
contest:
  title: 端到端测试竞赛
  groups: [community]
  code: {CODE}
  ready_seconds: 0
rounds:
  - title: 必答题
    kind: mandatory
    time_limit: 6
    multiple: partial
    questions: [plan-001, plan-010, plan-002]
  - title: 抢答题
    kind: buzzer
    points: 20
    time_limit: 10
    questions: [plan-003]
  - title: 风险题
    kind: risk
    stakes: [10, 20, 30]
    time_limit: 10
    questions: [plan-004]
"""
ANSWERS = {
    q.id: q for q in load_bank(REPO / "question_banks" / "contest_plan.yaml", today=date(2021, 8, 15))[0].questions
}
KEYS = ("answer", "explanation", "source")


def roster_people(count: int) -> list[tuple[str, str]]:
    lines = (REPO / "examples" / "roster.yaml").read_text(encoding="utf-8").splitlines()
    people = []
    for number, line in enumerate(lines):
        if line.strip().startswith("- staff_id: PTC"):
            people.append((line.split(":", 1)[1].strip(), lines[number + 1].split(":", 1)[1].strip()))
    return people[:count]


def speed(points: int, opened_at: str, received_at: str, limit_s: int) -> int:
    elapsed = (datetime.fromisoformat(received_at) - datetime.fromisoformat(opened_at)).total_seconds() * 1000
    if elapsed < 500:
        return points
    return round(points * (1 - min(elapsed / (limit_s * 1000), 1) / 2))


def prepare(folder: Path, contest: str = CONTEST) -> dict[str, str]:
    env = command_env(folder, QUIZ_ASYNC_MODE="eventlet")
    run_command(env, "demo", "--seed-only")
    run_command(env, "user", "create", "org1", "--role", "organizer", "--group", "community", "--password", PASSWORD)
    contest_file = folder / "contest.yaml"
    contest_file.write_text(contest, encoding="utf-8")
    run_command(env, "contest", "import", str(contest_file), "--open")
    return env


def contest_id(env) -> int:
    listing = run_command(env, "contest", "list").stdout
    return int(next(line.split()[0] for line in listing.splitlines() if CODE in line))


def assert_no_key(events: list[tuple[str, dict]]) -> None:
    """No question or state message carries an answer key while the question is open."""
    for name, data in events:
        if name == "question":
            assert not set(KEYS) & set(data), data
        if name == "state" and data.get("question"):
            assert not set(KEYS) & set(data["question"])
            assert data["reveal"] is None or data["contest"]["phase"] == "reveal"


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A served contest, a host on /host, a board on /board and three joined phones."""
    folder = tmp_path_factory.mktemp("hall")
    env = prepare(folder)
    cid = contest_id(env)
    with serving(folder, env) as base_url:
        host = Recorder(base_url, "/host", headers={"Cookie": signed_in_cookie(base_url, "org1", PASSWORD)})
        watched = host.call("watch", {"contest_id": cid})
        assert watched["ok"], watched
        board = Recorder(base_url, "/board", auth={"contest_id": cid, "key": watched["board_key"]})
        phones = [Phone(base_url) for _ in range(3)]
        for phone, (staff_id, name) in zip(phones, roster_people(3), strict=True):
            assert phone.join(CODE, staff_id, name)["ok"]
        yield {
            "url": base_url,
            "cid": cid,
            "host": host,
            "board": board,
            "phones": phones,
            "env": env,
            "database": folder / "instance" / "quizengine.db",
        }
        for client in (host, board, *phones):
            client.close()


def open_next(hall) -> dict:
    host, phones = hall["host"], hall["phones"]
    ack = host.call("next", {"contest_id": hall["cid"]})
    assert ack["ok"], ack
    rq_id = ack["round_question_id"]
    for phone in phones:
        phone.wait_for("question", lambda q: q["round_question_id"] == rq_id)
    return phones[0].wait_for("question", lambda q: q["round_question_id"] == rq_id)


def close_and_reveal(hall, question: dict, *, by_timer: bool = False) -> dict[int, dict]:
    host, phones, rq_id = hall["host"], hall["phones"], question["round_question_id"]
    if not by_timer:
        assert host.call("close", {"contest_id": hall["cid"]})["ok"]
    for phone in phones:
        phone.wait_for("closed", lambda d: d["round_question_id"] == rq_id, timeout=15)
        assert_no_key(phone.events)
    assert_no_key(hall["board"].events)
    assert host.call("reveal", {"contest_id": hall["cid"]})["ok"]
    reveal = hall["board"].wait_for("reveal", lambda d: d["round_question_id"] == rq_id)
    assert reveal["explanation"]
    return {
        i: phone.wait_for("result", lambda d: d["round_question_id"] == rq_id)["you"] for i, phone in enumerate(phones)
    }


def test_a_whole_contest_from_join_to_podium(hall):
    phones, expected = hall["phones"], [0, 0, 0]

    # Round 1, question 1 (single): two right, one wrong; the timer closes it.
    q = open_next(hall)
    right = ANSWERS["plan-001"].answer[0]
    wrong = next(k for k, _ in ANSWERS["plan-001"].options if k != right)
    acks = [
        phones[0].answer(q["round_question_id"], right),
        phones[1].answer(q["round_question_id"], wrong),
        phones[2].answer(q["round_question_id"], right),
    ]
    assert all(a["ok"] and not a["duplicate"] for a in acks)
    retry = phones[0].answer(q["round_question_id"], wrong, key="again")
    assert retry["duplicate"] and retry["received_at"] == acks[0]["received_at"]
    for i in (0, 2):
        expected[i] += speed(q["points"], q["opened_at"], acks[i]["received_at"], q["time_limit"])
    results = close_and_reveal(hall, q, by_timer=True)
    assert [results[i]["points"] for i in range(3)] == [expected[0], 0, expected[2]]
    assert [results[i]["correct"] for i in range(3)] == [True, False, True]

    # Round 1, question 2 (multiple, partial credit): full, subset (half), one wrong option (0).
    q = open_next(hall)
    keys = list(ANSWERS["plan-010"].answer)
    bad = next(k for k, _ in ANSWERS["plan-010"].options if k not in keys)
    acks = [
        phones[0].answer(q["round_question_id"], keys),
        phones[1].answer(q["round_question_id"], keys[:1]),
        phones[2].answer(q["round_question_id"], [keys[0], bad]),
    ]
    full = [speed(q["points"], q["opened_at"], a["received_at"], q["time_limit"]) for a in acks]
    expected[0] += full[0]
    expected[1] += round(full[1] * 0.5)
    results = close_and_reveal(hall, q)
    assert [results[i]["points"] for i in range(3)] == [full[0], round(full[1] * 0.5), 0]

    # Round 1, question 3: a late phone is refused after the close.
    q = open_next(hall)
    ack = phones[1].answer(q["round_question_id"], ANSWERS["plan-002"].answer[0])
    expected[1] += speed(q["points"], q["opened_at"], ack["received_at"], q["time_limit"])
    assert hall["host"].call("close", {"contest_id": hall["cid"]})["ok"]
    phones[2].wait_for("closed", lambda d: d["round_question_id"] == q["round_question_id"])
    assert hall["host"].call("reveal", {"contest_id": hall["cid"]})["ok"]
    late = phones[2].answer(q["round_question_id"], ANSWERS["plan-002"].answer[0])
    assert late == {"ok": False, "error": {"code": "late", "message": "本题已结束作答"}}
    assert (
        phones[1].wait_for("result", lambda d: d["round_question_id"] == q["round_question_id"])["you"]["score"]
        == expected[1]
    )

    # Round 2 (buzzer): an early press is a false start; the first valid press answers.
    upcoming = phones[0].call("resume", {"token": phones[0].token})["state"]["upcoming"]
    assert upcoming["round"]["kind"] == "buzzer"
    early = phones[1].call("buzz", {"round_question_id": upcoming["round_question_id"]})
    assert early["error"]["code"] == "false_start"
    q = open_next(hall)
    assert phones[2].call("buzz", {"round_question_id": q["round_question_id"]}) == {"ok": True, "first": True}
    assert phones[0].call("buzz", {"round_question_id": q["round_question_id"]}) == {"ok": True, "first": False}
    hall["board"].wait_for("buzzed")
    refused = phones[0].answer(q["round_question_id"], ANSWERS["plan-003"].answer[0])
    assert refused["error"]["code"] == "not_your_buzz"
    assert phones[2].answer(q["round_question_id"], ANSWERS["plan-003"].answer[0])["ok"]
    expected[2] += 20
    results = close_and_reveal(hall, q)
    assert results[2]["points"] == 20

    # Round 3 (risk): stakes chosen before the open; no stake means the lowest.
    upcoming = phones[0].call("resume", {"token": phones[0].token})["state"]["upcoming"]
    assert upcoming["round"]["stakes"] == [10, 20, 30]
    assert phones[0].call("stake", {"round_question_id": upcoming["round_question_id"], "stake": 30})["ok"]
    assert phones[1].call("stake", {"round_question_id": upcoming["round_question_id"], "stake": 20})["ok"]
    q = open_next(hall)
    right = ANSWERS["plan-004"].answer[0]
    wrong = next(k for k, _ in ANSWERS["plan-004"].options if k != right)
    phones[0].answer(q["round_question_id"], right)
    phones[1].answer(q["round_question_id"], wrong)
    phones[2].answer(q["round_question_id"], right)
    expected = [expected[0] + 30, expected[1] - 20, expected[2] + 10]
    results = close_and_reveal(hall, q)
    assert [results[i]["score"] for i in range(3)] == expected

    # Leaderboard and podium agree with the independent totals.
    assert hall["host"].call("leaderboard", {"contest_id": hall["cid"]})["ok"]
    board = hall["board"].wait_for("leaderboard")
    names = [name for _, name in roster_people(3)]
    by_name = {p["name"]: p["score"] for p in board["people"]}
    assert by_name == dict(zip(names, expected, strict=True))
    assert [p["score"] for p in board["people"]] == sorted(expected, reverse=True)
    center = board["centers"][0]
    assert center["joined"] == 3 and center["score"] == round(sum(expected) / 3, 2)
    assert hall["host"].call("finish", {"contest_id": hall["cid"]})["ok"]
    podium = phones[0].wait_for("finished")["podium"]
    # only a total above 0 wins a place (core.ranking.podium_people): the standings keep the -5
    assert [p["score"] for p in podium["people"]] == sorted((s for s in expected if s > 0), reverse=True)
    assert min(expected) <= 0 < max(expected)
    # after the podium, the server fills the wrong-answer books: phone 2 answered plan-004 wrongly
    assert "plan-004" in wait_for_book(hall["database"], roster_people(3)[1][0], "plan-004")


def wait_for_book(database: Path, staff_no: str, key: str, seconds: float = 10) -> list[str]:
    """The question ids in a person's wrong-answer book, once `key` is there (or the time is up)."""
    import sqlite3

    deadline = time.monotonic() + seconds
    while True:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            keys = [
                row[0]
                for row in connection.execute(
                    "SELECT m.question_key FROM mistakes m JOIN staff s ON s.id = m.staff_id WHERE s.staff_no = ?",
                    (staff_no,),
                )
            ]
        if key in keys or time.monotonic() > deadline:
            return keys
        time.sleep(0.2)


def test_a_phone_resumes_by_token_and_a_wrong_token_is_refused(hall):
    phone = Phone(hall["url"])
    try:
        state = phone.call("resume", {"token": hall["phones"][1].token})
        assert state["ok"] and state["player"]["name"] == roster_people(3)[1][1]
        assert state["state"]["you"]["score"] is not None
        assert phone.call("resume", {"token": "forged"})["error"]["code"] == "invalid_token"
    finally:
        phone.close()


def test_a_phone_cannot_drive_the_host_events(hall):
    phone = hall["phones"][0]
    phase_before = phone.call("resume", {"token": phone.token})["state"]["contest"]["phase"]
    phone.client.emit("next", {"contest_id": hall["cid"]}, namespace="/play")
    phone.client.sleep(0.5)
    assert phone.call("resume", {"token": phone.token})["state"]["contest"]["phase"] == phase_before
    with pytest.raises(Exception, match=r"namespace|Connection"):
        Recorder(hall["url"], "/host")


def test_an_organizer_cannot_host_another_groups_contest_over_the_socket(hall):
    listing = run_command(hall["env"], "contest", "list").stdout
    market = int(next(line.split()[0] for line in listing.splitlines() if "PTG2LIVE" in line))
    for event in ("watch", "next", "finish", "kick"):
        ack = hall["host"].call(event, {"contest_id": market, "player_id": 1})
        assert ack["error"]["code"] == "forbidden", event


def test_a_hall_behind_one_address_joins_without_being_throttled(hall):
    """All community staff join PTG1LIVE from this one address: successes never count toward the limit."""
    lines = (REPO / "examples" / "roster.yaml").read_text(encoding="utf-8").splitlines()
    staff = [
        (lines[n].split(":", 1)[1].strip(), lines[n + 1].split(":", 1)[1].strip())
        for n, line in enumerate(lines)
        if line.strip().startswith("- staff_id: PTC")
    ]
    phone = Phone(hall["url"])
    try:
        for _ in range(3):  # a few typos in the crowd
            assert phone.join("PTG1LIVE", staff[0][0], "打错了")["error"]["code"] == "wrong_name"
        acks = [phone.call("join", {"code": "PTG1LIVE", "staff_id": sid, "name": name}) for sid, name in staff]
        assert len(acks) == 60 and all(ack["ok"] for ack in acks)
    finally:
        phone.close()


def market_people() -> list[tuple[str, str]]:
    """The market group's staff (contest PTG2LIVE), which no other test joins."""
    lines = (REPO / "examples" / "roster.yaml").read_text(encoding="utf-8").splitlines()
    return [
        (lines[n].split(":", 1)[1].strip(), lines[n + 1].split(":", 1)[1].strip())
        for n, line in enumerate(lines)
        if line.strip().startswith("- staff_id: PTM")
    ]


def test_one_phone_failing_joins_is_throttled_while_the_hall_behind_its_address_still_joins(hall):
    attacker, neighbour, other = Phone(hall["url"]), Phone(hall["url"]), Phone(hall["url"])
    people = market_people()
    try:
        assert attacker.call("join", {"code": 123})["error"]["code"] == "invalid_payload"
        strangers = [attacker.join("PTG2LIVE", f"PTX{i:04d}", "无此人")["error"]["code"] for i in range(100)]
        assert strangers == ["unknown_staff"] * FAILED_JOINS_PER_CONNECTION + ["rate_limited"] * 80
        # even the right name is refused to the throttled phone ...
        assert attacker.join("PTG2LIVE", *people[0])["error"]["code"] == "rate_limited"
        # ... while another phone behind the same address makes a typo and then joins
        assert neighbour.join("PTG2LIVE", people[1][0], "打错了")["error"]["code"] == "wrong_name"
        assert neighbour.join("PTG2LIVE", *people[1])["ok"]
        # guessing the name for one staff id stops after 10, on this socket and on any other
        staff_id = people[2][0]
        guesses = [other.join("PTG2LIVE", staff_id, f"猜{i}")["error"]["code"] for i in range(12)]
        assert guesses == ["wrong_name"] * FAILED_JOINS_PER_IDENTITY + ["rate_limited"] * 2
        assert neighbour.join("PTG2LIVE", staff_id, "再猜")["error"]["code"] == "rate_limited"
        assert other.join("PTG2LIVE", *people[3])["ok"]  # the guessing socket may still join as someone else
    finally:
        for phone in (attacker, neighbour, other):
            phone.close()


def test_kill_9_mid_question_keeps_acknowledged_answers_and_the_deadline(tmp_path):
    # the one phone answers: without close_early off, the question would close then, not at its deadline
    env = prepare(tmp_path, CONTEST.replace(f"  code: {CODE}\n", f"  code: {CODE}\n  close_early: false\n"))
    cid = contest_id(env)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"

    def start():
        log = (tmp_path / "server.log").open("ab")
        server = subprocess.Popen([QUIZENGINE, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
        wait_until_up(f"{base_url}/", server, tmp_path / "server.log")
        return server, log

    server, log = start()
    clients = []
    try:
        host = Recorder(base_url, "/host", headers={"Cookie": signed_in_cookie(base_url, "org1", PASSWORD)})
        host.call("watch", {"contest_id": cid})
        phone = Phone(base_url)
        clients += [host, phone]
        staff_id, name = roster_people(1)[0]
        assert phone.join(CODE, staff_id, name)["ok"]
        assert host.call("next", {"contest_id": cid})["ok"]
        q = phone.wait_for("question")
        ack = phone.answer(q["round_question_id"], ANSWERS["plan-001"].answer[0])
        assert ack["ok"]
        server.kill()  # SIGKILL: no cleanup, no flush beyond what was committed
        server.wait(timeout=10)
        for client in clients:
            client.client.disconnect()
        server, restarted_log = start()
        resumed = Phone(base_url)
        clients.append(resumed)
        state = resumed.call("resume", {"token": phone.token})["state"]
        assert state["answered"] is True
        assert state["question"]["closes_at"] == q["closes_at"]
        assert state["you"]["score"] == 0  # before the reveal a phone learns nothing of its answer
        resumed.wait_for("closed", timeout=15)  # the re-armed timer closes it at the stored deadline
        closed_at = datetime.now().astimezone()
        assert closed_at >= datetime.fromisoformat(q["closes_at"])
        host = Recorder(base_url, "/host", headers={"Cookie": signed_in_cookie(base_url, "org1", PASSWORD)})
        clients.append(host)
        assert host.call("watch", {"contest_id": cid})["ok"]
        assert host.call("reveal", {"contest_id": cid})["ok"]
        result = resumed.wait_for("result")["you"]
        assert result["points"] == speed(q["points"], q["opened_at"], ack["received_at"], q["time_limit"])
    finally:
        for client in clients:
            with contextlib.suppress(Exception):  # already disconnected by the kill
                client.close()
        server.kill()
        server.wait(timeout=10)
        log.close()
        if "restarted_log" in locals():
            restarted_log.close()


def test_the_host_panel_sees_phones_disconnect_and_come_back(hall):
    host, cid, token = hall["host"], hall["cid"], hall["phones"][0].token
    player_id = hall["phones"][0].call("resume", {"token": token})["player"]["id"]
    players = {p["id"]: p for p in host.call("watch", {"contest_id": cid})["players"]}
    assert players[player_id]["connected"] is True
    seen = len(host.events)
    hall["phones"][0].client.disconnect()
    gone = {"player_id": player_id, "connected": False}
    host.wait_for("presence", lambda d: gone in d["players"], since=seen)
    seen = len(host.events)
    back = Phone(hall["url"])
    try:
        assert back.call("resume", {"token": token})["ok"]
        back_again = {"player_id": player_id, "connected": True}
        host.wait_for("presence", lambda d: back_again in d["players"], since=seen)
    finally:
        back.close()
