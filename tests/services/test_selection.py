"""Running a selection from the database: parts from contests' rankings, eligibility from the roster."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from quizengine.formats.contests import read_contest
from quizengine.formats.scores import read_scores
from quizengine.formats.selection import read_selection
from quizengine.models import Center, Group, Staff
from quizengine.services.contests import contest_by_code, import_contest
from quizengine.services.scores import import_scores
from quizengine.services.selection import run_selection
from tests.test_scores import write_xlsx

SELECTION = """\
selection:
  title: 专项立功竞赛评选
  reference_date: 2021-09-30
  parts:
    - {key: paper, title: 笔试, contests: [PAPER1], weight: 40}
    - {key: biwu, title: 岗位比武, contests: [BIWU01, BIWU02], weight: 60}
  people: {award: 3, recommend: 2}
  centers: {award: 2, recommend: 1}
"""


def offline(tmp_path, code: str, groups: str, max_score: int):
    path = tmp_path / f"{code}.yaml"
    path.write_text(
        f"contest:\n  title: {code}\n  code: {code}\n  groups: [{groups}]\n  mode: offline\n  max_score: {max_score}\n",
        encoding="utf-8",
    )
    spec, problems = read_contest(path)
    assert problems == []
    return import_contest(spec)[0]


def store(contest, tmp_path, rows):
    sheet, problems = read_scores(write_xlsx(tmp_path / f"{contest.code}.xlsx", rows), max_bytes=10**6)
    assert problems == []
    assert import_scores(contest, sheet).problems == ()


def staff_of(db, group_key: str, count: int) -> list[Staff]:
    query = select(Staff).join(Center).join(Group).where(Group.key == group_key).order_by(Staff.staff_no)
    return list(db.session.scalars(query.limit(count)))


def setup_contests(db, tmp_path):
    """Four community people (A-D) and one market person (E), window dates set for the boundaries."""
    a, b, c, d = staff_of(db, "community", 4)
    (e,) = staff_of(db, "market", 1)
    dates = {
        a: (date(2020, 9, 30), None, True),  # exactly one year on the reference date: eligible
        b: (date(2020, 10, 1), None, True),  # one day short
        c: (date(2018, 1, 1), date(2021, 10, 15), False),  # left after the reference date: eligible
        d: (date(2018, 1, 1), date(2021, 9, 29), False),  # left the day before
        e: (None, None, True),  # start unknown
    }
    for person, (since, until, at_window) in dates.items():
        person.window_since, person.window_until, person.at_window = since, until, at_window
    db.session.commit()
    paper = offline(tmp_path, "PAPER1", "community, market", 100)
    biwu1 = offline(tmp_path, "BIWU01", "community", 100)
    biwu2 = offline(tmp_path, "BIWU02", "market", 50)
    store(paper, tmp_path, [[p.staff_no, p.name, s, None, None] for p, s in ((a, 90), (b, 100), (c, 70), (e, 80))])
    store(biwu1, tmp_path, [[p.staff_no, p.name, s, None, None] for p, s in ((a, 50), (b, 90), (c, 60), (d, 80))])
    store(biwu2, tmp_path, [[e.staff_no, e.name, 45, None, None]])
    return a, b, c, d, e


def run(tmp_path, text=SELECTION):
    path = tmp_path / "selection.yaml"
    path.write_text(text, encoding="utf-8")
    spec, problems = read_selection(path)
    assert problems == []
    return run_selection(spec)


def test_a_selection_combines_parts_of_several_contests_with_eligibility_from_the_roster(loaded, tmp_path):
    a, b, c, d, e = setup_contests(loaded, tmp_path)
    result, problems = run(tmp_path)
    assert problems == []
    document = result.as_json()
    rows = {row["staff_id"]: row for row in document["people"]}
    # b: 1.0 x 40 + 0.9 x 60 = 94; e: 0.8 x 40 + 45/50 x 60 = 86; a: 36 + 30 = 66; c: 28 + 36 = 64;
    # d: absent from the paper, 0.8 x 60 = 48.
    assert [(r["staff_id"], r["total"], r["rank"]) for r in document["people"]] == [
        (b.staff_no, 94.0, 1),
        (e.staff_no, 86.0, 2),
        (a.staff_no, 66.0, 3),
        (c.staff_no, 64.0, 4),
        (d.staff_no, 48.0, 5),
    ]
    assert [(p["key"], p["absent"], p["score"]) for p in rows[d.staff_no]["parts"]] == [
        ("paper", True, None),
        ("biwu", False, 80),
    ]
    assert rows[e.staff_no]["parts"][1]["contest"] == "BIWU02"
    assert [r["code"] for r in rows[b.staff_no]["reasons"]] == ["under_one_year"]
    assert rows[e.staff_no]["reason"] == "窗口工作起始日期不详"
    assert [r["code"] for r in rows[d.staff_no]["reasons"]] == ["left_window"]
    assert (rows[a.staff_no]["eligible"], rows[c.staff_no]["eligible"]) == (True, True)
    awarded = [r["staff_id"] for r in document["people"] if r["award"]]
    assert awarded == [a.staff_no, c.staff_no]  # b, e and d are ineligible: skipped, not removed
    assert [r["staff_id"] for r in document["people"] if r["recommended"]] == [a.staff_no, c.staff_no]
    people_quota = document["quotas"][0]
    # community and market, not every group: the one ranking is named by its groups, not 全区
    assert document["scope_name"] == people_quota["scope_name"] == "第一组、第二组"
    assert (people_quota["award"], people_quota["awarded"], people_quota["award_exceeded"]) == (3, 2, False)
    assert people_quota["warnings"] == ["符合条件的只有 2 个，不足名额 3 个"]
    centers = document["centers"]
    assert {row["name"] for row in centers} >= {a.center.name, e.center.name}
    assert all(
        set(row) >= {"center", "parts", "total", "rank", "eligible", "reason", "award", "tied"} for row in centers
    )


def test_ties_at_the_cut_off_are_included_or_broken_as_the_file_says(loaded, tmp_path):
    a, b, c, d, e = setup_contests(loaded, tmp_path)
    for person in (b, d, e):  # everyone eligible
        person.window_since, person.window_until, person.at_window = date(2018, 1, 1), None, True
    loaded.session.commit()
    # New sheets replace the first ones.
    rows = [[p.staff_no, p.name, 80, n, None] for p, n in ((a, 40), (b, 38), (c, 40), (d, 40))]
    store(contest_by_code("BIWU01"), tmp_path, rows)
    store(contest_by_code("PAPER1"), tmp_path, [[p.staff_no, p.name, 50, None, None] for p in (a, b, c, d, e)])
    store(contest_by_code("BIWU02"), tmp_path, [[e.staff_no, e.name, 10, None, None]])
    text = SELECTION.replace("award: 3, recommend: 2", "award: 2, recommend: 1")
    document = run(tmp_path, text)[0].as_json()
    # a, b, c, d all total 20 + 48 = 68: everyone tied at the last place is awarded, and it is said.
    awarded = {r["staff_id"] for r in document["people"] if r["award"]}
    assert awarded == {a.staff_no, b.staff_no, c.staff_no, d.staff_no}
    assert all(r["tied"] and r["tied_at_cutoff"] for r in document["people"] if r["award"])
    quota = document["quotas"][0]
    assert (quota["awarded"], quota["award_exceeded"], quota["recommend_exceeded"]) == (4, True, True)
    broken = run(tmp_path, text.replace("  parts:", "  tie_mode: tie_break\n  parts:"))[0].as_json()
    # The chain: total, then each part by weight (equal), then more correct answers: b (38) drops out.
    awarded = {r["staff_id"] for r in broken["people"] if r["award"]}
    assert awarded == {a.staff_no, c.staff_no, d.staff_no}  # still tied on every step of the chain: shown
    assert broken["quotas"][0]["award_exceeded"] is True


def test_unknown_contests_and_groups_sharing_a_part_are_reported_at_their_lines(loaded, tmp_path):
    setup_contests(loaded, tmp_path)
    text = SELECTION.replace("contests: [BIWU01, BIWU02]", "contests: [BIWU01, PAPER2, PAPER1]")
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("contests: [PAPER1]", "contests: [NOPE]"), encoding="utf-8")
    spec, _ = read_selection(path)
    result, problems = run_selection(spec)
    assert result is None
    assert [(p.line, p.code) for p in problems] == [(5, "unknown-contest"), (6, "unknown-contest"), (6, "value")]
    assert "同一项中每组只能有一场竞赛" in problems[2].message
