"""Judged work in the selection: a judged contest part, a case review part (units' best case), the cases award."""

from __future__ import annotations

import io

from flask import current_app, render_template
from openpyxl import load_workbook
from sqlalchemy import select

from quizengine.formats.selection import read_selection
from quizengine.models import Center, Group, JudgeScore, Requirement, Review, ReviewJudge, Rubric, Submission
from quizengine.services import judged
from quizengine.services.judged_results import case_scores
from quizengine.services.selection import run_selection
from quizengine.views.exports import selection_workbook
from tests.conftest import REPO
from tests.services.test_judged import NOW, import_file, make_judges, points

CASE_TOTALS = [  # (center index, title, judge 1's total, judge 2's total)
    (0, "一件事一次办", 92, 88),  # 90
    (0, "好差评闭环", 72, 68),  # 70: center 0's weaker case
    (1, "两个免于提交", 85, 85),  # 85
    (2, "快办窗口", 78, 82),  # 80
    (3, "好办专窗", 80, 80),  # 80: tied with the one above at the cut-off of 3
]


def community_centers(db) -> list[Center]:
    query = select(Center).join(Group).where(Group.key == "community").order_by(Center.name)
    return list(db.session.scalars(query))


def case_review(db, centers) -> Review:
    """A case requirement with the submissions above, two judges' totals, and one unscored case of center 4."""
    community = db.session.scalar(select(Group).where(Group.key == "community"))
    requirement = Requirement(title="工作案例征集", kind="case", due_at=NOW, multiple=True, groups=[community])
    rubric = Rubric(title="案例评审表", categories=[{"key": "q", "label": "质量", "weight": 100, "max": 10}])
    review = Review(title="优秀工作案例评审", rubric=rubric, requirement=requirement, min_judges=2)
    db.session.add_all([requirement, rubric, review])
    judges = make_judges(db, 2, prefix="casejudge")
    db.session.flush()
    for judge in judges:
        db.session.add(ReviewJudge(review_id=review.id, user_id=judge.id))
    for index, title, first, second in CASE_TOTALS:
        submission = Submission(requirement=requirement, center_id=centers[index].id, title=title)
        db.session.add(submission)
        db.session.flush()
        for judge, total in zip(judges, (first, second), strict=True):
            db.session.add(
                JudgeScore(review_id=review.id, judge_id=judge.id, submission_id=submission.id, total=total, scores={})
            )
    db.session.add(Submission(requirement=requirement, center_id=centers[4].id, title="未评的案例"))
    db.session.commit()
    return review


def skill_contest(db, centers):
    """The example skill contest: one entrant of center 0 (combined 85) and one of center 1 (70), five judges."""
    users = make_judges(db, 5)
    contest = import_file(REPO / "examples" / "contests" / "skill.yaml")
    a, b = (centers[i].staff[0] for i in (0, 1))
    assert judged.add_entrants(contest, [a.staff_no, b.staff_no]) == []
    judged.open_judged(contest, NOW)
    ids = {e.name: e.id for e in judged.visible_entrants(contest, users[0])}
    for judge in users:
        judged.save_score(contest, judge, "people", ids[a.name], points(8.5), NOW)
        judged.save_score(contest, judge, "people", ids[b.name], points(7), NOW)
    return a, b


def run(tmp_path, text: str):
    path = tmp_path / "selection.yaml"
    path.write_text(text, encoding="utf-8")
    spec, problems = read_selection(path)
    assert problems == []
    return run_selection(spec)


def test_case_scores_combine_each_submissions_judges_by_the_reviews_rule(loaded):
    centers = community_centers(loaded)
    review = case_review(loaded, centers)
    titles = {s.id: s.title for s in loaded.session.scalars(select(Submission))}
    assert {titles[sid]: score for sid, score in case_scores(review).items()} == {
        "一件事一次办": 90,
        "好差评闭环": 70,
        "两个免于提交": 85,
        "快办窗口": 80,
        "好办专窗": 80,
    }


def test_a_selection_weighs_a_judged_contest_and_the_units_best_case_and_awards_cases_with_ties(loaded, tmp_path):
    centers = community_centers(loaded)
    review = case_review(loaded, centers)
    a, b = skill_contest(loaded, centers)
    result, problems = run(
        tmp_path,
        f"""\
selection:
  title: 岗位比武与案例评选
  reference_date: 2021-09-30
  parts:
    - {{key: skill, title: 岗位比武, contests: [PTG1SKIL], weight: 60}}
    - {{key: cases, title: 工作案例, review: {review.id}, weight: 40}}
  people: {{award: 1, recommend: 1}}
  centers: {{award: 2, recommend: 1}}
  cases: {{review: {review.id}, award: 3}}
""",
    )
    assert problems == []
    document = result.as_json()
    parts = {p["key"]: p for p in document["parts"]}
    assert parts["skill"]["contests"] == [{"code": "PTG1SKIL", "title": "第一组岗位比武练兵（示例）", "maximum": 100}]
    assert parts["cases"]["review"] == {"id": review.id, "title": "优秀工作案例评审", "maximum": 100}
    assert (parts["cases"]["units_only"], parts["skill"]["units_only"]) == (True, False)
    # people: the skill contest only (a case is a unit's work): 0.85 x 60 and 0.7 x 60
    people = {row["name"]: row for row in document["people"]}
    assert [(p["key"], p["score"]) for p in people[a.name]["parts"]] == [("skill", 85.0)]
    assert (people[a.name]["total"], people[b.name]["total"]) == (51.0, 42.0)
    # units: skill (the center's mean) x 60 + best case x 40: 51 + 36, 42 + 34, then the case alone 32 and 32
    units = {row["name"]: row for row in document["centers"]}
    assert units[centers[0].name]["total"] == 87.0
    assert units[centers[1].name]["total"] == 76.0
    assert units[centers[2].name]["total"] == units[centers[3].name]["total"] == 32.0
    assert [p["absent"] for p in units[centers[4].name]["parts"]] == [True, True]  # its case nobody scored
    assert [row["name"] for row in document["centers"] if row["award"]] == [centers[0].name, centers[1].name]
    # cases: 90, 85, 80, 80 (tied at the cut-off of 3: both awarded, quota exceeded), 70, unscored
    assert [(c["title"], c["score"], c["rank"], c["award"], c["tied_at_cutoff"]) for c in document["cases"]] == [
        ("一件事一次办", 90.0, 1, True, False),
        ("两个免于提交", 85.0, 2, True, False),
        ("快办窗口", 80.0, 3, True, True),
        ("好办专窗", 80.0, 3, True, True),
        ("好差评闭环", 70.0, 5, False, False),
        ("未评的案例", None, None, False, False),
    ]
    quota = document["cases_quota"]
    assert (quota["award"], quota["awarded"], quota["award_exceeded"]) == (3, 4, True)
    assert quota["warnings"] == ["名额 3 个，因末位并列评出 4 个，超出名额"]
    assert document["cases"][0]["center"] == centers[0].name and document["cases"][0]["group"] == "community"
    book = load_workbook(io.BytesIO(selection_workbook(document)))
    sheet = book["优秀工作案例"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert [(r[0], r[1], r[4], r[5], r[7]) for r in rows] == [
        (1, "一件事一次办", 90, "是", None),
        (2, "两个免于提交", 85, "是", None),
        (3, "快办窗口", 80, "是", "是"),
        (3, "好办专窗", 80, "是", "是"),
        (5, "好差评闭环", 70, None, None),
        (None, "未评的案例", "未评分", None, None),
    ]
    people_head = [cell.value for cell in book["个人评选"][2]]
    assert "岗位比武（得分）" in people_head and "工作案例（得分）" not in people_head
    assert "工作案例（得分）" in [cell.value for cell in book["单位评选"][2]]
    with current_app.test_request_context():
        page = render_template("admin/_selection_result.html", document=document)
    assert "优秀工作案例" in page and "名额 3 个，因末位并列评出 4 个，超出名额" in page
    assert page.count("末位并列</span>") >= 2 and "未评分" in page


def test_an_unknown_review_or_a_contests_review_is_reported_at_its_line(loaded, tmp_path):
    centers = community_centers(loaded)
    case_review(loaded, centers)
    skill_contest(loaded, centers)
    contest_review = loaded.session.scalar(select(Review).where(Review.contest_id.is_not(None)))
    result, problems = run(
        tmp_path,
        f"""\
selection:
  title: 错误的评选
  reference_date: 2021-09-30
  parts:
    - {{key: cases, review: 999, weight: 40}}
    - {{key: skill, contests: [PTG1SKIL], weight: 60}}
  cases: {{review: {contest_review.id}, award: 5}}
""",
    )
    assert result is None
    assert [(p.line, p.column, p.code) for p in problems] == [(5, 28, "unknown-review"), (7, 19, "unknown-review")]
    assert "没有编号为 999 的成果评审" in problems[0].message
    assert "评的是岗位比武" in problems[1].message


def test_a_part_needs_contests_or_a_review_but_not_both(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "selection:\n  title: 评选\n  reference_date: 2021-09-30\n  parts:\n"
        "    - {contests: [A1B2], review: 3, weight: 40}\n    - {weight: 60}\n",
        encoding="utf-8",
    )
    spec, problems = read_selection(path)
    assert spec is None
    assert [(p.line, p.code) for p in problems] == [(5, "missing-key"), (6, "missing-key")]
    assert all("contests（竞赛代码）或 review（成果评审编号）之一" in p.message for p in problems)
