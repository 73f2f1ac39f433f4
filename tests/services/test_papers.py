"""Self-paced papers with an explicit clock: the window, the personal deadline, saving, resuming, attempts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizengine.core.live import GRACE
from quizengine.core.paper import person_seed
from quizengine.formats.contests import read_contest
from quizengine.formats.roster import read_roster
from quizengine.models import Attempt, Player, Score, Staff
from quizengine.models.mapping import to_core
from quizengine.services import book, identity, paper_pool, paper_state, papers, practice
from quizengine.services.contests import import_contest
from quizengine.services.errors import Refused
from quizengine.services.live import open_contest
from quizengine.services.results import leaderboard
from tests.conftest import REPO

# 2021-08-15 09:00 and 2021-09-15 18:00 in Shanghai (UTC+8).
OPENS = datetime(2021, 8, 15, 1, 0, tzinfo=UTC)
CLOSES = datetime(2021, 9, 15, 10, 0, tzinfo=UTC)
T0 = OPENS + timedelta(days=1)

PAPER = """
contest:
  title: 测试笔试
  groups: [community]
  mode: self_paced
  code: {code}
paper:
  opens: 2021-08-15 09:00
  closes: 2021-09-15 18:00
  time_limit: 30
  attempts: {attempts}
  counting: {counting}
  results: {results}
  multiple: partial
  seed: 7
  sections:
    - {{title: 单选, count: 4, points: 2, types: [single], banks: [contest-plan]}}
    - {{title: 多选, count: 2, points: 4, types: [multiple], banks: [contest-plan]}}
    - {{title: 判断, count: 2, types: [judge], banks: [contest-plan]}}
"""


def make_paper(tmp_path, code="EXAM01", attempts=1, counting="best", results="after_submit", publish=True):
    path = tmp_path / f"{code}.yaml"
    path.write_text(PAPER.format(code=code, attempts=attempts, counting=counting, results=results), encoding="utf-8")
    spec, problems = read_contest(path)
    assert problems == []
    contest, problems = import_contest(spec)
    assert problems == []
    if publish:
        open_contest(contest, None)
    return contest


def staff(staff_no: str) -> Staff:
    return identity.identify(staff_no, next(s.name for s in _roster() if s.staff_no == staff_no))


def _roster():
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    return roster.staff


def right(item) -> object:
    """The right response to an attempt item."""
    question = to_core(item.question)
    if question.kind.value == "judge":
        return question.answer[0] == "true"
    return question.answer[0] if question.kind.value == "single" else list(question.answer)


def wrong(item) -> object:
    question = to_core(item.question)
    if question.kind.value == "judge":
        return question.answer[0] != "true"
    other = next(k for k in question.option_keys if k not in question.answer)
    return other if question.kind.value == "single" else [other]


def code_of(exc) -> str:
    return exc.value.code


# --- the window and the personal deadline ---------------------------------------------------------


def test_the_window_opens_at_its_first_instant_and_closes_at_its_last(loaded, tmp_path):
    contest = make_paper(tmp_path)
    person = staff("PTC0101")
    with pytest.raises(Refused) as early:
        papers.start(contest, person, OPENS - timedelta(microseconds=1))
    assert code_of(early) == "window_not_open"
    with pytest.raises(Refused) as late:
        papers.start(contest, staff("PTC0102"), CLOSES)
    assert code_of(late) == "window_closed"
    assert papers.start(contest, person, OPENS).started_at == OPENS
    last = papers.start(contest, staff("PTC0103"), CLOSES - timedelta(microseconds=1))
    assert last.deadline == CLOSES  # the window's close cuts the personal limit


def test_a_draft_contest_cannot_be_started(loaded, tmp_path):
    contest = make_paper(tmp_path, publish=False)
    with pytest.raises(Refused) as refused:
        papers.start(contest, staff("PTC0101"), T0)
    assert code_of(refused) == "contest_not_open"


def test_other_groups_cannot_take_the_paper(loaded, tmp_path):
    contest = make_paper(tmp_path)
    market = loaded.session.scalar(select(Staff).where(Staff.staff_no.like("PTM%")))
    with pytest.raises(Refused) as refused:
        papers.start(contest, market, T0)
    assert code_of(refused) == "not_your_group"


def test_the_deadline_is_start_plus_the_time_limit(loaded, tmp_path):
    contest = make_paper(tmp_path)
    attempt = papers.start(contest, staff("PTC0101"), T0)
    assert attempt.deadline == T0 + timedelta(minutes=30)


def test_an_answer_after_the_personal_deadline_is_refused_and_the_attempt_closes(loaded, tmp_path):
    contest = make_paper(tmp_path)
    person = staff("PTC0101")
    attempt = papers.start(contest, person, T0)
    items = attempt.items
    papers.save(contest, person, 1, right(items[0]), 1, T0 + timedelta(minutes=1))
    # within the grace after the deadline (network latency): still taken
    papers.save(contest, person, 2, right(items[1]), 1, attempt.deadline + GRACE)
    with pytest.raises(Refused) as late:
        papers.save(contest, person, 3, right(items[2]), 1, attempt.deadline + GRACE + timedelta(milliseconds=1))
    assert code_of(late) == "time_up"
    loaded.session.expire_all()
    closed = loaded.session.get(Attempt, attempt.id)
    assert (closed.closed_at, closed.closed_by) == (attempt.deadline, "timeout")
    assert [item.response is not None for item in closed.items][:3] == [True, True, False]
    assert closed.answered == 2 and closed.correct == 2 and closed.points == 4
    with pytest.raises(Refused) as after:
        papers.save(contest, person, 3, right(items[2]), 2, attempt.deadline + timedelta(minutes=1))
    assert code_of(after) == "attempt_closed"


def test_the_sweeper_closes_timed_out_attempts_with_what_was_saved(loaded, tmp_path):
    contest = make_paper(tmp_path)
    person = staff("PTC0101")
    attempt = papers.start(contest, person, T0)
    papers.save(contest, person, 1, wrong(attempt.items[0]), 1, T0 + timedelta(minutes=2))
    assert papers.close_due(attempt.deadline) == 0
    assert papers.close_due(attempt.deadline + GRACE + timedelta(seconds=1)) == 1
    loaded.session.expire_all()
    closed = loaded.session.get(Attempt, attempt.id)
    assert closed.closed_by == "timeout" and closed.answered == 1 and closed.points == 0
    # the wrong answer went into the person's wrong-answer book
    assert [m.question_key for m in book.book(person, attempt.deadline)] == [closed.items[0].question.key]


# --- saving and resuming --------------------------------------------------------------------------


def test_a_reload_or_another_phone_resumes_with_the_servers_remaining_time(loaded, tmp_path):
    contest = make_paper(tmp_path)
    person = staff("PTC0101")
    attempt = papers.start(contest, person, T0)
    papers.save(contest, person, 1, right(attempt.items[0]), 1, T0 + timedelta(minutes=1))
    papers.save(contest, person, 5, ["A", "B"], 1, T0 + timedelta(minutes=2))
    later = T0 + timedelta(minutes=12)
    view = paper_state.state(contest, person, later)
    current = view["current"]
    assert current["number"] == 1
    assert datetime.fromisoformat(current["deadline"]) - datetime.fromisoformat(view["now"]) == timedelta(minutes=18)
    saved = {item["position"]: item["response"] for item in current["items"] if item["response"] is not None}
    assert saved == {1: right(attempt.items[0]), 5: ["A", "B"]}
    # starting again (a second phone signing in) returns the same attempt, same paper
    again = papers.start(contest, person, later)
    assert again.id == attempt.id
    assert loaded.session.scalar(select(Attempt.id).where(Attempt.number == 2)) is None


def test_an_older_revision_never_overwrites_a_newer_one(loaded, tmp_path):
    contest = make_paper(tmp_path)
    person = staff("PTC0101")
    papers.start(contest, person, T0)
    first = papers.save(contest, person, 1, "A", 2, T0 + timedelta(seconds=5))
    stale = papers.save(contest, person, 1, "B", 1, T0 + timedelta(seconds=6))  # overtaken retry
    assert first["revision"] == stale["revision"] == 2
    assert paper_state.state(contest, person, T0 + timedelta(seconds=7))["current"]["items"][0]["response"] == "A"
    papers.save(contest, person, 1, None, 3, T0 + timedelta(seconds=8))  # cleared
    assert paper_state.state(contest, person, T0 + timedelta(seconds=9))["current"]["items"][0]["response"] is None


def test_the_latest_save_wins_across_phones_and_a_stale_retry_never_does(loaded, tmp_path):
    contest = make_paper(tmp_path)
    person = staff("PTC0101")
    papers.start(contest, person, T0)
    at = lambda s: T0 + timedelta(seconds=s)  # noqa: E731
    second_phone = papers.save(contest, person, 1, "A", 1, at(1), client="phone-b")
    assert second_phone["stored"] and second_phone["response"] == "A"
    # the first phone, which still shows no answer there, taps B: its revision is also 1, but it
    # comes from another page and later, so it is the person's latest choice
    first_phone = papers.save(contest, person, 1, "B", 1, at(2), client="phone-a")
    assert first_phone["stored"] and (first_phone["response"], first_phone["client"]) == ("B", "phone-a")
    # a delayed retry of phone A's save changes nothing and says what the server holds
    retry = papers.save(contest, person, 1, "B", 1, at(3), client="phone-a")
    assert not retry["stored"] and retry["response"] == "B"
    with pytest.raises(Refused) as refused:
        papers.save(contest, person, 1, "B", 2, at(4), client="x" * 65)
    assert code_of(refused) == "invalid_payload"


@pytest.mark.parametrize(
    ("position", "response", "revision", "code"),
    [
        (1, "Z", 1, "invalid_response"),
        (1, ["A"], 1, "invalid_response"),
        (99, "A", 1, "unknown_item"),
        ("1", "A", 1, "invalid_payload"),
        (1, "A", 0, "invalid_payload"),
        (1, "A", True, "invalid_payload"),
    ],
)
def test_bad_saves_are_refused_and_change_nothing(loaded, tmp_path, position, response, revision, code):
    contest = make_paper(tmp_path)
    person = staff("PTC0101")
    papers.start(contest, person, T0)
    with pytest.raises(Refused) as refused:
        papers.save(contest, person, position, response, revision, T0 + timedelta(seconds=5))
    assert code_of(refused) == code
    items = paper_state.state(contest, person, T0 + timedelta(seconds=6))["current"]["items"]
    assert all(item["response"] is None and item["revision"] == 0 for item in items)


def test_no_answer_key_is_sent_before_the_attempt_closes(loaded, tmp_path):
    contest = make_paper(tmp_path)
    person = staff("PTC0101")
    attempt = papers.start(contest, person, T0)
    view = paper_state.state(contest, person, T0 + timedelta(seconds=1))
    assert view["review"] is None
    for item in view["current"]["items"]:
        assert set(item) == {
            "position",
            "section",
            "kind",
            "kind_label",
            "stem",
            "options",
            "points",
            "response",
            "revision",
        }
    text = json.dumps(view, ensure_ascii=False)
    for item in attempt.items:
        question = item.question
        if question.explanation:
            assert question.explanation not in text
        assert question.source_document not in text


# --- draws ----------------------------------------------------------------------------------------


def test_every_person_gets_their_own_reproducible_paper_of_the_same_blueprint(loaded, tmp_path):
    contest = make_paper(tmp_path)
    a = papers.start(contest, staff("PTC0101"), T0)
    b = papers.start(contest, staff("PTC0102"), T0)
    assert [i.question.key for i in a.items] != [i.question.key for i in b.items]
    for attempt in (a, b):
        kinds = [item.question.kind for item in attempt.items]
        assert kinds == ["single"] * 4 + ["multiple"] * 2 + ["judge"] * 2
        assert [item.points_value for item in attempt.items][:6] == [2, 2, 2, 2, 4, 4]
        assert len({item.question.key for item in attempt.items}) == 8
        # the stored paper is what its seed draws again (a dispute can be replayed)
        assert attempt.seed == person_seed(7, attempt.player.staff.staff_no, 1)
        stored = [(item.question.key, tuple(item.option_order)) for item in attempt.items]
        assert paper_pool.replay(contest, attempt) == stored
    # option orders are shuffled for some questions, never for judge questions
    orders = [tuple(i.option_order) for i in a.items + b.items if i.question.kind != "judge"]
    assert any(list(order) != sorted(order) for order in orders)
    assert all(i.option_order == [] for i in a.items + b.items if i.question.kind == "judge")


def test_the_same_person_and_seed_draw_the_same_paper_in_another_contest(loaded, tmp_path):
    first = papers.start(make_paper(tmp_path, code="EXAM01"), staff("PTC0101"), T0)
    second = papers.start(make_paper(tmp_path, code="EXAM02"), staff("PTC0101"), T0)
    key = lambda attempt: [(i.question.key, i.option_order) for i in attempt.items]  # noqa: E731
    assert key(first) == key(second)


def test_import_refuses_a_blueprint_the_pool_cannot_fill(loaded, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(
        PAPER.format(code="BIG001", attempts=1, counting="best", results="after_submit").replace(
            "count: 2, types: [judge]", "count: 40, types: [judge]"
        ),
        encoding="utf-8",
    )
    spec, problems = read_contest(path)
    assert problems == []
    contest, problems = import_contest(spec)
    assert contest is None
    assert [(p.line, p.code) for p in problems] == [(19, "draw")]
    assert "需要 40 道" in problems[0].message


# --- attempts and results ---------------------------------------------------------------------------


def test_one_attempt_only(loaded, tmp_path):
    contest = make_paper(tmp_path)
    person = staff("PTC0101")
    papers.start(contest, person, T0)
    papers.submit(contest, person, T0 + timedelta(minutes=5))
    with pytest.raises(Refused) as refused:
        papers.start(contest, person, T0 + timedelta(minutes=6))
    assert code_of(refused) == "no_attempts_left"
    with pytest.raises(Refused) as again:
        papers.submit(contest, person, T0 + timedelta(minutes=6))
    assert code_of(again) == "attempt_closed"


def _sit(contest, person, now, correct: int):
    """Take an attempt answering the first `correct` questions right and the rest wrong; submit after 10 min."""
    attempt = papers.start(contest, person, now)
    for item in attempt.items:
        response = right(item) if item.position <= correct else wrong(item)
        papers.save(contest, person, item.position, response, 1, now + timedelta(minutes=1))
    papers.submit(contest, person, now + timedelta(minutes=10))
    return attempt


@pytest.mark.parametrize(("counting", "expected"), [("best", 2), ("last", 3)])
def test_several_attempts_count_the_best_or_the_last(loaded, tmp_path, counting, expected):
    contest = make_paper(tmp_path, attempts=3, counting=counting)
    person = staff("PTC0101")
    scores = []
    for n, correct in enumerate((2, 8, 4)):
        attempt = _sit(contest, person, T0 + timedelta(hours=n), correct)
        scores.append(attempt.points)
    with pytest.raises(Refused) as refused:
        papers.start(contest, person, T0 + timedelta(hours=4))
    assert code_of(refused) == "no_attempts_left"
    assert len(set(scores)) == 3
    board = leaderboard(contest)
    assert board["people"][0]["score"] == scores[expected - 1]
    assert paper_state.summary(contest, person, T0 + timedelta(hours=5))["counted"]["points"] == scores[expected - 1]


def test_results_after_submit_show_marks_keys_and_sources(loaded, tmp_path):
    contest = make_paper(tmp_path)
    person = staff("PTC0101")
    _sit(contest, person, T0, correct=4)
    view = paper_state.state(contest, person, T0 + timedelta(minutes=11))
    review = view["review"]
    assert review["correct"] == 4 and review["points"] == 8 and review["max_points"] == 36
    assert all(item["source"] for item in review["items"])
    assert [item["correct"] for item in review["items"]] == [True] * 4 + [False] * 4
    assert view["attempts"][0]["points"] == 8


def test_results_after_close_stay_hidden_until_the_window_closes(loaded, tmp_path):
    contest = make_paper(tmp_path, results="after_close")
    person = staff("PTC0101")
    _sit(contest, person, T0, correct=3)
    hidden = paper_state.state(contest, person, T0 + timedelta(minutes=11))
    assert hidden["review"] is None and "points" not in hidden["attempts"][0]
    assert '"answer"' not in json.dumps(hidden) and "explanation" not in json.dumps(hidden)
    shown = paper_state.state(contest, person, CLOSES)
    assert shown["review"]["correct"] == 3


def test_finish_cuts_open_attempts_and_freezes_scores(loaded, tmp_path):
    contest = make_paper(tmp_path)
    done, sitting = staff("PTC0101"), staff("PTC0102")
    _sit(contest, done, T0, correct=8)
    open_attempt = papers.start(contest, sitting, T0)
    papers.save(contest, sitting, 1, right(open_attempt.items[0]), 1, T0 + timedelta(minutes=1))
    assert papers.finish(contest, T0 + timedelta(minutes=3)) == 1
    loaded.session.expire_all()
    assert loaded.session.get(Attempt, open_attempt.id).closed_by == "finish"
    scores = {s.player_id: (s.points, s.rank) for s in loaded.session.scalars(select(Score))}
    assert sorted(scores.values()) == [(2, 2), (36, 1)]
    with pytest.raises(Refused) as closed:
        papers.start(contest, staff("PTC0103"), T0 + timedelta(minutes=4))
    assert code_of(closed) == "window_closed"


def test_the_servers_sweep_closes_attempts_nobody_looks_at(app, loaded, tmp_path):
    from quizengine.sockets import timers

    contest = make_paper(tmp_path)
    now = datetime.now(UTC)
    contest.opens_at, contest.closes_at = now - timedelta(days=1), now + timedelta(days=1)
    loaded.session.commit()
    attempt = papers.start(contest, staff("PTC0101"), now - timedelta(minutes=31))
    papers.start(contest, staff("PTC0102"), now - timedelta(minutes=5))  # still within its time
    attempt_id = attempt.id
    loaded.session.commit()
    assert timers.sweep_once(app) == 1
    loaded.session.expire_all()
    assert loaded.session.get(Attempt, attempt_id).closed_by == "timeout"
    assert loaded.session.scalar(select(func.count(Attempt.id)).where(Attempt.closed_at.is_(None))) == 1


def test_a_paper_of_several_groups_ranks_each_group_apart(loaded, tmp_path):
    from quizengine.services.results import rankings_by_group

    path = tmp_path / "two.yaml"
    text = PAPER.format(code="TWO001", attempts=1, counting="best", results="after_submit")
    path.write_text(text.replace("groups: [community]", "groups: [community, market]"), encoding="utf-8")
    contest, problems = import_contest(read_contest(path)[0])
    assert problems == []
    open_contest(contest, None)
    market = loaded.session.scalar(select(Staff).where(Staff.staff_no == "PTM0101"))
    _sit(contest, staff("PTC0101"), T0, correct=8)
    _sit(contest, staff("PTC0102"), T0, correct=2)
    _sit(contest, market, T0, correct=4)
    groups = rankings_by_group(contest)
    assert [name for name, _, _ in groups] == [g.name for g in sorted(contest.groups, key=lambda g: g.position)]
    (_, community_people, community_centers), (_, market_people, market_centers) = groups
    assert [(r.rank, r.standing.correct) for r in community_people] == [(1, 8), (2, 2)]
    assert [(r.rank, r.standing.correct) for r in market_people] == [(1, 4)]
    assert {c.center for c in market_centers} == {c.name for c in market.center.group.centers}
    assert market_centers[0].center == market.center.name and market_centers[0].joined == 1
    assert not {c.center for c in community_centers} & {c.center for c in market_centers}
    # the frozen ranks are ranks within each group
    papers.finish(contest, T0 + timedelta(hours=1))
    frozen = {
        staff_no: rank
        for staff_no, rank in loaded.session.execute(
            select(Staff.staff_no, Score.rank)
            .join(Player, Player.staff_id == Staff.id)
            .join(Score, Score.player_id == Player.id)
            .where(Score.contest_id == contest.id)
        )
    }
    assert frozen == {"PTC0101": 1, "PTC0102": 2, "PTM0101": 1}


def test_a_papers_questions_stay_out_of_practice_for_its_group_until_it_closes(loaded, tmp_path):
    contest = make_paper(tmp_path)
    pool_keys = {rq.question.key for r in contest.rounds for rq in r.questions}
    person, other_group = staff("PTC0101"), staff("PTM0101")
    during = {q.key for q in practice.practice_pool(person, "contest-plan", now=T0)}
    assert pool_keys and not pool_keys & during
    some_row = next(rq.question for rq in contest.rounds[0].questions)
    assert practice.practisable(person, some_row.id, T0) is None
    with pytest.raises(Refused) as refused:
        practice.answer(person, some_row.id, some_row.answer[0], "n1", T0)
    assert refused.value.code == "unknown_question"
    # staff of a group the paper is not for may practise them; after the close everyone may
    assert not pool_keys & practice.held_back(other_group, T0)
    after = {q.key for q in practice.practice_pool(person, "contest-plan", now=CLOSES + timedelta(seconds=1))}
    assert pool_keys <= after
