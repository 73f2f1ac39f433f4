"""The booklet (汇编成册): the chosen cases and the deeds of the people selected, as chapters.

`booklet_docx` (quizengine.services.booklet_docx) writes them as a Word
document, the printable page renders the same chapters. Which cases are
offered first comes from `preselected_cases` (the awarded cases of 成果评审,
wired in when judging lands); which deeds, from a frozen selection's awarded
people when one is chosen, else every deed handed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from quizengine.core.submissions import clean_text
from quizengine.extensions import db
from quizengine.formats.attachments import IMAGE_KINDS
from quizengine.models import Center, Group, Requirement, Review, Selection, Staff, Submission
from quizengine.services.review_results import awarded_cases
from quizengine.services.selections import list_selections
from quizengine.services.submissions import attachment_path

ISSUER = "普陀区人民政府办公室"
PARTS = {"case": "优秀工作案例", "deed": "先进个人事迹"}
CHINESE_NUMBERS = "一二三四五六七八九十"
DEFAULT_TITLE = "普陀区“一网通办”专项立功竞赛优秀工作案例和先进事迹汇编"


@dataclass
class Chapter:
    """One chapter: a case (title, center, category, text, images) or a person's deed (name, center, text)."""

    kind: str  # case | deed
    title: str
    center: str
    text: str
    category: str = ""
    person: str = ""
    images: list[Path] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        """The text's non-empty lines, one paragraph each."""
        return [line.strip() for line in self.text.splitlines() if line.strip()]


def preselected_cases() -> list[int]:
    """Ids of the case submissions offered as chosen: those awarded 优秀工作案例 by a review whose scores are
    released (services.review_results.awarded_cases, ties at the cut-off included)."""
    reviews = db.session.scalars(
        select(Review).where(Review.requirement_id.is_not(None), Review.released_at.is_not(None)).order_by(Review.id)
    )
    return [submission.id for review in reviews for submission in awarded_cases(review)]


def _live(kind: str, scope: set[str] | None):
    query = (
        select(Submission)
        .join(Requirement, Submission.requirement_id == Requirement.id)
        .join(Center, Submission.center_id == Center.id)
        .join(Group, Center.group_id == Group.id)
        .where(Requirement.kind == kind, Submission.withdrawn_at.is_(None))
        .order_by(Group.position, Center.name, Submission.id)
    )
    if scope is not None:
        query = query.where(Group.key.in_(scope))
    return list(db.session.scalars(query))


def case_submissions(scope: set[str] | None) -> list[Submission]:
    """The cases handed in (not withdrawn) by centers of the scope's groups."""
    return _live("case", scope)


def frozen_selections(scope: set[str] | None) -> list[Selection]:
    """Frozen selections in scope, whose awarded people may fill the deeds."""
    return [s for s in list_selections(scope) if s.frozen_at is not None and s.document]


def awarded_staff_numbers(selection: Selection) -> set[str]:
    """The staff numbers (工号) of the people awarded in a frozen selection's document."""
    return {p["staff_id"] for p in (selection.document or {}).get("people", []) if p.get("award")}


def deed_submissions(scope: set[str] | None, selection: Selection | None = None) -> list[Submission]:
    """The deeds handed in within scope; with a frozen selection only those of its awarded people."""
    deeds = [s for s in _live("deed", scope) if s.staff is not None]
    if selection is None:
        return deeds
    awarded = awarded_staff_numbers(selection)
    return [s for s in deeds if s.staff.staff_no in awarded]


def chapters(cases: list[Submission], deeds: list[Submission]) -> list[Chapter]:
    """The chapters in order: the cases, then the people's deeds."""
    made = []
    for case in cases:
        images = [attachment_path(a.sha256) for a in case.attachments if a.kind in IMAGE_KINDS]
        made.append(
            Chapter(
                "case",
                clean_text(case.title),
                clean_text(case.center.name),
                clean_text(case.text),
                category=case.category,
                images=[p for p in images if p.is_file()],
            )
        )
    for deed in deeds:
        person: Staff = deed.staff
        name = clean_text(person.name)
        made.append(Chapter("deed", name, clean_text(deed.center.name), clean_text(deed.text), person=name))
    return made


def pick(submissions: list[Submission], ids) -> list[Submission] | None:
    """The submissions with the chosen ids, in the list's order; None when an id is not among them."""
    chosen = set(ids)
    picked = [s for s in submissions if s.id in chosen]
    return picked if len(picked) == len(chosen) else None


def part_title(index: int, kind: str) -> str:
    """The heading of a part: 第一部分 优秀工作案例."""
    return f"第{CHINESE_NUMBERS[index]}部分　{PARTS[kind]}"


def parts(chapters) -> list[tuple[str, list]]:
    """The chapters grouped into their parts (cases, then deeds), each part with its heading."""
    grouped = [(kind, [c for c in chapters if c.kind == kind]) for kind in PARTS]
    return [(part_title(i, kind), items) for i, (kind, items) in enumerate(k for k in grouped if k[1])]
