"""Blind judging (匿名评审): the roster's names out of a submission, the organizer's check, and the judge's copy.

The names are the roster's (every center with its short forms, every
bureau, every person: core.redaction). A submission's text and its
attachments' extracted text are redacted automatically until the organizer
has checked and saved them (`redacted_text`, `redaction_checked_at`); its
title and category are always redacted automatically. A judge of a blind review gets only
`judge_copy`: no center, no person, no file name, no file, no image.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from quizengine.core.redaction import Piece, Redactor, roster_names
from quizengine.extensions import db
from quizengine.models import Center, Review, Staff, Submission, User
from quizengine.services import audit
from quizengine.services.errors import Refused

MAX_TEXT = 200_000
KIND_LABELS = {"pdf": "PDF", "docx": "Word 文档", "png": "图片", "jpeg": "图片"}


def roster_redactor() -> Redactor:
    """A redactor of every center, bureau and person on the roster (one query each)."""
    centers = list(db.session.execute(select(Center.name, Center.bureau)).all())
    people = db.session.scalars(select(Staff.name))
    return Redactor(roster_names([c.name for c in centers], [c.bureau for c in centers], people))


@dataclass(frozen=True)
class AttachmentCopy:
    """An attachment as a judge sees it: a label (file name only when not blind), its kind and its text."""

    id: int
    label: str
    kind: str
    text: str


@dataclass(frozen=True)
class JudgeCopy:
    """A submission as a judge sees it; `center` and `person` are None in a blind review."""

    id: int
    title: str
    category: str
    text: str
    attachments: tuple[AttachmentCopy, ...]
    center: str | None
    person: str | None


def judge_copy(review: Review, submission: Submission, redactor: Redactor | None = None) -> JudgeCopy:
    """What a judge is shown of a submission (the caller got it through judge_access.visible)."""
    if not review.blind:
        files = tuple(
            AttachmentCopy(a.id, a.filename, KIND_LABELS.get(a.kind, a.kind), a.text) for a in submission.attachments
        )
        person = submission.staff.name if submission.staff else None
        return JudgeCopy(
            submission.id,
            submission.title,
            submission.category,
            submission.text,
            files,
            submission.center.name,
            person,
        )
    redactor = redactor or roster_redactor()
    files = tuple(
        AttachmentCopy(
            a.id,
            f"附件 {n}",
            KIND_LABELS.get(a.kind, a.kind),
            a.redacted_text if a.redacted_text is not None else redactor.redact(a.text),
        )
        for n, a in enumerate(submission.attachments, 1)
    )
    text = submission.redacted_text if submission.redacted_text is not None else redactor.redact(submission.text)
    return JudgeCopy(
        submission.id, redactor.redact(submission.title), redactor.redact(submission.category), text, files, None, None
    )


@dataclass(frozen=True)
class Preview:
    """A submission's redaction for the organizer: the automatic one highlighted, the current one, what remains."""

    submission: Submission
    title: str
    pieces: list[Piece]
    current: str
    remaining: list[str]
    attachments: list[tuple[object, list[Piece], str, list[str]]]


def preview(submission: Submission, redactor: Redactor | None = None) -> Preview:
    """The organizer's preview: the automatic redaction with each removed name, the saved text, names still in it."""
    redactor = redactor or roster_redactor()
    current = submission.redacted_text if submission.redacted_text is not None else redactor.redact(submission.text)
    attachments = []
    for a in submission.attachments:
        saved = a.redacted_text if a.redacted_text is not None else redactor.redact(a.text)
        attachments.append((a, redactor.pieces(a.text), saved, redactor.found(saved)))
    return Preview(
        submission,
        redactor.redact(submission.title),
        redactor.pieces(submission.text),
        current,
        redactor.found(current),
        attachments,
    )


def save_redaction(
    submission: Submission,
    text: str,
    attachment_texts: dict[int, str],
    now: datetime,
    *,
    actor: User | None = None,
    address: str = "",
) -> list[str]:
    """Store the organizer's checked redaction; returns the roster names still in it (stored all the same)."""
    texts = [text, *attachment_texts.values()]
    if any(len(t) > MAX_TEXT for t in texts):
        raise Refused("invalid_review", f"匿名文本不能超过 {MAX_TEXT} 字")
    own = {a.id: a for a in submission.attachments}
    if set(attachment_texts) - set(own):
        raise Refused("not_found")
    submission.redacted_text = text.replace("\r\n", "\n")
    for attachment_id, value in attachment_texts.items():
        own[attachment_id].redacted_text = value.replace("\r\n", "\n")
    submission.redaction_checked_at = now
    audit.record(actor, "judging.redaction", f"submission:{submission.id}", address=address)
    db.session.commit()
    redactor = roster_redactor()
    return [name for t in texts for name in redactor.found(t)]
