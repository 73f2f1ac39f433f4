"""Corrections after a dispute (复核): void or re-key a question, re-score answers, totals, frozen scores, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from quizengine.formats.contests import read_contest
from quizengine.formats.roster import read_roster
from quizengine.formats.selection import read_selection
from quizengine.models import Answer, AuditEvent, ContestCorrection, Question, Score
from quizengine.services import correctable, corrections, learning_report, live, paper_state, papers
from quizengine.services.contests import import_contest
from quizengine.services.errors import Refused
from quizengine.services.results import maximum_score, rank_contest
from quizengine.services.roster import import_roster
from quizengine.services.screens import reveal_payload
from quizengine.services.selection import run_selection
from tests.conftest import REPO, store_banks
from tests.services.test_bank_import import EXAMPLE
from tests.services.test_live import EXTRA, T0
from tests.services.test_papers import T0 as T_PAPER
from tests.services.test_papers import make_paper, right, staff, wrong
from tests.services.test_scores import offline_contest

# Speed scoring, partial credit for multiple choice; hcp-001 single (A), hcp-002 multiple (ABC),
# hcp-003 judge (对), hcp-004 fill (一评, 20 points); then a buzzer and a risk question.
CONTEST = """
contest:
  title: 复核测试
  groups: [community]
  code: FIX01
  ready_seconds: 0
rounds:
  - title: 必答
    kind: mandatory
    multiple: partial
    time_limit: 10
    questions: [hcp-001, hcp-002, hcp-003, hcp-004]
  - title: 抢答
    kind: buzzer
    points: 20
    time_limit: 10
    questions: [hcp-005]
  - title: 风险
    kind: risk
    stakes: [10, 30]
    time_limit: 10
    questions: [hcp-006]
"""
PEOPLE = ("PTC0101", "PTC0102", "PTC0103")


@pytest.fixture
def contest(db, tmp_path):
    """An open live contest over the example bank (+ a buzzer and a risk question), the sample roster loaded."""
    return make_live(tmp_path)


def make_live(tmp_path):
    """Store the example bank and the sample roster, import CONTEST and open it."""
    bank = tmp_path / "bank.yaml"
    bank.write_text(EXAMPLE.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    store_banks(bank)
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    import_roster(roster)
    path = tmp_path / "contest.yaml"
    path.write_text(CONTEST, encoding="utf-8")
    spec, problems = read_contest(path)
    assert problems == []
    created, problems = import_contest(spec)
    assert problems == []
    live.open_contest(created, None)
    return created


def players():
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    names = {s.staff_no: s.name for s in roster.staff}
    return [live.join("FIX01", no, names[no], None) for no in PEOPLE]


def play(contest, answers: list[dict], *, finish=True):
    """Play the mandatory round: answers[i] maps a player to (response, seconds after the open)."""
    rqs = []
    for position, given in enumerate(answers):
        now = T0 + timedelta(minutes=position)
        rq = live.next_question(contest, now)
        for player, (response, seconds) in given.items():
            live.submit_answer(player.id, rq.id, response, f"k{position}", now + timedelta(seconds=seconds))
        live.close_question(contest, now + timedelta(seconds=10))
        live.set_phase(contest, "reveal")
        rqs.append(rq)
    if finish:
        live.finish(contest)
    return rqs


def frozen(db, contest):
    return dict(db.session.execute(select(Score.player_id, Score.points).where(Score.contest_id == contest.id)).all())


def ranks(db, contest):
    return dict(db.session.execute(select(Score.player_id, Score.rank).where(Score.contest_id == contest.id)).all())


def test_void_rescores_a_finished_live_contest_with_frozen_scores_ranks_and_audit(db, contest):
    a, b, c = players()
    # Q1: a right at 1 s (10), b wrong. Q2: b right at 2 s: round(10 x (1 - 0.2 / 2)) = 9; c two of three (partial).
    q1, _ = play(contest, [{a: ("A", 1), b: ("B", 5)}, {b: (["A", "B", "C"], 2), c: (["A", "B"], 2)}])
    assert frozen(db, contest) == {a.id: 10, b.id: 9, c.id: 5}
    assert ranks(db, contest) == {a.id: 1, b.id: 2, c.id: 3}
    subject = correctable.subject(contest, q1.id)
    changes = corrections.apply(subject, "void", [], "题干有歧义", None, "10.0.0.1")
    assert frozen(db, contest) == {a.id: 0, b.id: 9, c.id: 5}
    assert ranks(db, contest) == {b.id: 1, c.id: 2, a.id: 3}
    people, _ = rank_contest(contest)
    assert [(r.standing.player_id, r.standing.answered, r.standing.correct) for r in people] == [
        (b.id, 1, 1),
        (c.id, 1, 0),
        (a.id, 0, 0),  # the voided question is neither answered nor right
    ]
    assert db.session.scalar(select(func.sum(Answer.points)).where(Answer.round_question_id == q1.id)) == 0
    by_player = {ch.player_id: ch for ch in changes}
    assert (by_player[a.id].old_score, by_player[a.id].new_score) == (10, 0)
    assert (by_player[a.id].old_rank, by_player[a.id].new_rank) == (1, 3)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.correct"))
    assert (event.target, event.detail["kind"], event.detail["reason"]) == ("FIX01", "void", "题干有歧义")
    a_name = a.staff.name
    assert f"PTC0101 {a_name}：本题 10 → —，总分 10 → 0，名次 1 → 3" in event.detail["people"]


def test_voided_question_is_left_out_of_the_maximum(db, contest):
    q1, *_ = play(contest, [{}, {}], finish=False)
    before = maximum_score(contest)
    corrections.apply(correctable.subject(contest, q1.id), "void", [], "作废", None)
    assert maximum_score(contest) == before - 10


def test_rekey_single_rescores_with_the_answers_time(db, contest):
    a, b, c = players()
    (q1,) = play(contest, [{a: ("A", 1), b: ("B", 5)}])
    corrections.apply(correctable.subject(contest, q1.id), "rekey", ["b"], "答案应为 B", None)
    # b answered at 5 s of 10: round(10 x (1 - 0.5 / 2)) = round(7.5) = 8
    assert frozen(db, contest) == {a.id: 0, b.id: 8, c.id: 0}
    question = db.session.get(Question, q1.question_id)
    assert question.answer == ["A"]  # the bank's stored question is not modified


def test_rekey_multiple_gives_partial_credit_under_the_rounds_rule(db, contest):
    a, b, c = players()
    _, q2 = play(contest, [{}, {a: (["A", "B"], 0), b: (["A", "B", "C"], 0), c: (["A", "D"], 0)}])
    corrections.apply(correctable.subject(contest, q2.id), "rekey", ["A", "B"], "C 项表述已过时", None)
    # a is now fully right; b picked a wrong option (C): 0; c too
    assert frozen(db, contest) == {a.id: 10, b.id: 0, c.id: 0}
    corrections.apply(correctable.subject(contest, q2.id), "rekey", ["A", "B", "D"], "再次更正", None)
    assert frozen(db, contest) == {a.id: 5, b.id: 0, c.id: 5}  # a strict subset: half of 10
    active = db.session.scalars(select(ContestCorrection).where(ContestCorrection.active)).all()
    assert [x.answer for x in active] == [["A", "B", "D"]]
    assert db.session.scalar(select(func.count()).select_from(ContestCorrection)) == 2  # history kept


def test_rekey_judge_and_fill(db, contest):
    a, b, _ = players()
    _, _, q3, q4 = play(
        contest,
        [{}, {}, {a: (True, 0), b: (False, 0)}, {a: ("一次", 0), b: ("一评", 0)}],
    )
    corrections.apply(correctable.subject(contest, q3.id), "rekey", ["false"], "应为错", None)
    corrections.apply(correctable.subject(contest, q4.id), "rekey", ["一次", "一评"], "两种说法都对", None)
    points = dict(
        db.session.execute(
            select(Answer.player_id, func.sum(Answer.points))
            .where(Answer.round_question_id.in_([q3.id, q4.id]))
            .group_by(Answer.player_id)
        ).all()
    )
    assert points == {a.id: 20, b.id: 30}


def test_cache_does_not_serve_the_ranking_from_before_a_correction(db, contest):
    a, b, c = players()
    (q1,) = play(contest, [{a: ("A", 1), b: ("B", 1)}], finish=False)
    people, _ = rank_contest(contest)
    assert people[0].standing.player_id == a.id
    corrections.apply(correctable.subject(contest, q1.id), "rekey", ["B"], "答案应为 B", None)
    people, _ = rank_contest(contest)
    assert people[0].standing.player_id == b.id
    assert {r.standing.player_id: r.standing.score for r in people} == {a.id: 0, b.id: 10, c.id: 0}


def test_preview_stores_nothing(db, contest):
    a, b, _ = players()
    (q1,) = play(contest, [{a: ("A", 1), b: ("B", 5)}])
    changes = corrections.preview(
        correctable.subject(contest, q1.id),
        "rekey",
        ["B"],
        "预览",
    )
    assert {ch.player_id: (ch.old_points, ch.new_points) for ch in changes if ch.old_points} == {
        a.id: ((10,), (0,)),
        b.id: ((0,), (8,)),
    }
    assert frozen(db, contest)[a.id] == 10
    assert db.session.scalar(select(func.count()).select_from(ContestCorrection)) == 0
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "contest.correct"))
        == 0
    )


@pytest.mark.parametrize(
    ("kind", "key", "reason", "message"),
    [
        ("void", [], "  ", "请填写复核理由"),
        ("rekey", ["E"], "理由", "答案 E 不在选项 A、B、C、D 中"),
        ("rekey", ["A", "B"], "理由", "单选题应选一个答案"),
        ("rekey", [], "理由", "单选题应选一个答案"),
        ("other", [], "理由", "请选择作废本题或更正答案"),
    ],
)
def test_bad_corrections_are_refused_and_change_nothing(db, contest, kind, key, reason, message):
    a, _, _ = players()
    (q1,) = play(contest, [{a: ("A", 1)}])
    with pytest.raises(Refused) as caught:
        corrections.apply(correctable.subject(contest, q1.id), kind, key, reason, None)
    assert caught.value.code == "invalid_correction" and message in caught.value.message
    assert frozen(db, contest)[a.id] == 10
    assert db.session.scalar(select(func.count()).select_from(ContestCorrection)) == 0


def test_an_empty_fill_key_is_refused(db, contest):
    *_, q4 = play(contest, [{}, {}, {}, {}])
    with pytest.raises(Refused, match="invalid_correction") as caught:
        corrections.apply(correctable.subject(contest, q4.id), "rekey", ["  ", "。"], "理由", None)
    assert "不能为空" in caught.value.message


def test_the_open_question_and_unplayed_ones_cannot_be_corrected(db, contest):
    a, _, _ = players()
    rq = live.next_question(contest, T0)
    live.submit_answer(a.id, rq.id, "A", "k", T0)
    db.session.commit()  # as sockets.writer does
    with pytest.raises(Refused, match="not_correctable") as caught:
        corrections.apply(correctable.subject(contest, rq.id), "void", [], "理由", None)
    assert "正在作答" in caught.value.message
    live.close_question(contest, T0 + timedelta(seconds=10))  # closed, but answers in flight may still count
    with pytest.raises(Refused, match="not_correctable"):
        corrections.apply(correctable.subject(contest, rq.id), "void", [], "理由", None)
    upcoming = live.upcoming_question(contest)
    with pytest.raises(Refused, match="not_correctable") as caught:
        corrections.apply(correctable.subject(contest, upcoming.id), "void", [], "理由", None)
    assert "还没有出题" in caught.value.message
    live.set_phase(contest, "reveal")
    # once the key is revealed, a closed question of a running contest may be corrected
    corrections.apply(correctable.subject(contest, rq.id), "void", [], "理由", None)
    assert db.session.scalar(select(Answer.points)) == 0


def test_paper_corrections_rescore_every_attempt_of_the_question(db, tmp_path):
    loaded_paper = paper_played(tmp_path)
    contest, first, second, question_id = loaded_paper
    with pytest.raises(Refused, match="not_correctable"):
        corrections.apply(correctable.subject(contest, question_id), "void", [], "理由", None)
    papers.finish(contest, T_PAPER + timedelta(hours=1))
    before = {a.player_id: a.points for a in (first, second)}
    subject = correctable.subject(contest, question_id)
    corrections.apply(subject, "void", [], "题目有误", None)
    db.session.refresh(first)
    db.session.refresh(second)
    # first answered it right (2 points), second wrong: the question counts for nobody
    assert (first.points, second.points) == (before[first.player_id] - 2, before[second.player_id])
    assert (first.answered, second.answered) == (7, 7)
    scores = frozen(db, contest)
    assert (scores[first.player_id], scores[second.player_id]) == (34, 34)  # all else right: 36 - 2 each
    assert maximum_score(contest) == 36  # a paper's maximum stays (see results.maximum_score)
    item = next(i for i in first.items if i.question_id == question_id)
    assert (item.correct, item.points) == (None, None)
    review = paper_state.state(contest, first.player.staff, T_PAPER + timedelta(hours=2))["review"]
    shown = next(i for i in review["items"] if i["position"] == item.position)
    assert shown["voided"] is True and review["points"] == 34  # what the person sees on their phone


def test_a_rekeyed_live_question_reveals_the_corrected_key(db, contest):
    a, b, _ = players()
    (q1,) = play(contest, [{a: ("A", 1), b: ("B", 5)}], finish=False)
    corrections.apply(correctable.subject(contest, q1.id), "rekey", ["B"], "答案应为 B", None)
    revealed = reveal_payload(q1)
    assert (revealed["answer"], revealed["correct"]) == (["B"], 1)
    assert db.session.get(Question, q1.question_id).answer == ["A"]


def paper_played(tmp_path):
    """A finished-ready paper: two people drew the same single-choice question; one right, one wrong."""
    store_banks(REPO / "question_banks")
    roster, _ = read_roster(REPO / "examples" / "roster.yaml", max_bytes=10**7)
    import_roster(roster)
    contest = make_paper(tmp_path)
    attempts = [papers.start(contest, staff(no), T_PAPER) for no in ("PTC0101", "PTC0102", "PTC0103", "PTC0104")]
    shared = _shared_single(attempts)
    first, second = shared[1], shared[2]
    question_id = shared[0]
    for attempt, respond in ((first, right), (second, wrong)):
        for item in attempt.items:
            answer = right(item) if item.question_id != question_id else respond(item)
            papers.save(contest, attempt.player.staff, item.position, answer, 1, T_PAPER)
        papers.submit(contest, attempt.player.staff, T_PAPER)
    return contest, first, second, question_id


def _shared_single(attempts):
    """A single-choice question two attempts both drew, and those attempts."""
    for i, one in enumerate(attempts):
        for other in attempts[i + 1 :]:
            mine = {it.question_id for it in one.items if it.question.kind == "single"}
            shared = mine & {it.question_id for it in other.items}
            if shared:
                return min(shared), one, other
    raise AssertionError("no two papers share a question")


def test_offline_contests_have_no_questions_to_correct(loaded):
    contest = offline_contest()
    with pytest.raises(Refused, match="not_correctable") as caught:
        correctable.subject(contest, 1)
    assert "线下竞赛没有题目" in caught.value.message


def test_a_selection_over_the_contest_sees_the_corrected_scores_and_maximum(db, contest, tmp_path):
    a, b, _ = players()
    q1, _ = play(contest, [{a: ("A", 0)}, {b: (["A", "B", "C"], 0)}])
    text = "selection:\n  title: 评选\n  reference_date: 2021-09-30\n  parts:\n"
    text += "    - {key: live, title: 现场, contests: [FIX01], weight: 100}\n"
    path = tmp_path / "selection.yaml"
    path.write_text(text, encoding="utf-8")

    def parts():
        spec, problems = read_selection(path)
        assert problems == []
        result, problems = run_selection(spec)
        rows = result.as_json()["people"]
        return {r["staff_id"]: (r["parts"][0]["score"], r["total"]) for r in rows if r["staff_id"] in PEOPLE[:2]}

    # finished after two questions: a full score of 10 + 10 (the others were never asked)
    assert parts() == {"PTC0101": (10, 50.0), "PTC0102": (10, 50.0)}
    corrections.apply(correctable.subject(contest, q1.id), "void", [], "作废", None)
    # 10 of a maximum of 10
    assert parts() == {"PTC0101": (0, 0.0), "PTC0102": (10, 100.0)}


def test_the_learning_report_leaves_a_voided_question_out_of_the_accuracy(db, contest):
    a, b, _ = players()
    (q1,) = play(contest, [{a: ("A", 1), b: ("B", 5)}])

    def tally():
        reports = learning_report.learning_report(["community"], date(2021, 9, 1), date(2021, 9, 2), 0.5)
        mine = next(r for r in reports if r.center == a.staff.center.name)
        topic = mine.topics.get("haochaping")
        return (topic.answered, topic.correct) if topic else (0, 0)

    assert tally() == (2, 1)
    corrections.apply(correctable.subject(contest, q1.id), "void", [], "作废", None)
    assert tally() == (0, 0)


def test_rekey_keeps_the_buzzer_points_and_the_chosen_stake(db, contest):
    a, _, _ = players()
    play(contest, [{}, {}, {}, {}], finish=False)
    now = T0 + timedelta(minutes=10)
    buzzer = live.next_question(contest, now)
    live.buzz(a.id, buzzer.id, now + timedelta(seconds=1))
    live.submit_answer(a.id, buzzer.id, True, "kb", now + timedelta(seconds=2))  # the key is 错: -20
    live.close_question(contest, now + timedelta(seconds=3))
    risk = live.upcoming_question(contest)
    live.choose_stake(a.id, risk.id, 30, now + timedelta(seconds=4))
    live.next_question(contest, now + timedelta(seconds=5))
    live.submit_answer(a.id, risk.id, "A", "kr", now + timedelta(seconds=6))  # the key is B: -30
    live.close_question(contest, now + timedelta(seconds=7))
    live.set_phase(contest, "reveal")

    def points(rq):
        return db.session.scalar(select(Answer.points).where(Answer.round_question_id == rq.id))

    assert (points(buzzer), points(risk)) == (-20, -30)
    corrections.apply(correctable.subject(contest, buzzer.id), "rekey", ["对"], "应为对", None)
    corrections.apply(correctable.subject(contest, risk.id), "rekey", ["A"], "应为 A", None)
    assert (points(buzzer), points(risk)) == (20, 30)


def test_the_results_report_item_analysis_and_heat_map_follow_a_correction(db, contest):
    from quizengine.services.heatmap import contest_heatmap
    from quizengine.services.item_analysis import contest_analysis
    from quizengine.services.report_questions import answers_by_player, question_stats

    a, b, _ = players()
    q1, q2 = play(contest, [{a: ("A", 1), b: ("B", 1)}, {a: (["A", "B", "C"], 1), b: (["A", "B"], 1)}])
    corrections.apply(correctable.subject(contest, q1.id), "rekey", ["B"], "答案应为 B", None)
    corrections.apply(correctable.subject(contest, q2.id), "void", [], "题干有歧义", None)

    first, second = question_stats(contest)[:2]
    assert (first.answer, first.correct, [o.key for o in first.options if o.is_key]) == ("B", 1, ["B"])
    assert second.voided and second.correct == 0 and second.answer.startswith("已作废（原答案：")
    mine = {row.number: row for row in answers_by_player(contest)[a.id]}
    assert (mine[1].correct, mine[2].voided) == (False, True)

    analysed = contest_analysis(contest)
    assert [row.question.id for row in analysed.rows] == [q1.question_id]  # the voided question left out
    assert analysed.rows[0].stats.facility == pytest.approx(1 / 3)  # b right under the new key, of 3 players
    assert any("作废" in reason for reason in analysed.left_out)

    heat = contest_heatmap(contest)
    total = sum(row.total.answered for group in heat.groups for row in group.rows if row.total)
    assert total == 2  # q1's two answers; q2's are voided
