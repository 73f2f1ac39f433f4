"""A center's submissions (报送): hand in, edit, withdraw; their attachments, stored by SHA-256 and checked by content.

Every function that takes a `center` works inside that center only: a
center contact passes their own center, so another center's submission is
simply not found. A late submission is accepted; its time says it is late
(core.submissions.standing). Every change is audited.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from quizengine.core.submissions import CASE_CATEGORIES, clean_text
from quizengine.extensions import db
from quizengine.formats.attachments import EXTENSIONS, read_attachment
from quizengine.models import Attachment, Center, Requirement, Staff, Submission
from quizengine.models.types import utcnow
from quizengine.services import audit
from quizengine.services.errors import Refused
from quizengine.uploads import UploadRefused, parse_upload

MAX_ATTACHMENTS = 10
MAX_TEXT_CHARS = 50_000


def live_submissions(center: Center, requirement: Requirement) -> list[Submission]:
    """The center's submissions for a requirement that count (not withdrawn), oldest first."""
    return list(
        db.session.scalars(
            select(Submission)
            .where(
                Submission.center_id == center.id,
                Submission.requirement_id == requirement.id,
                Submission.withdrawn_at.is_(None),
            )
            .order_by(Submission.submitted_at, Submission.id)
        )
    )


def center_submission(center: Center, submission_id: int) -> Submission | None:
    """The center's own submission with this id (None for another center's, or none)."""
    submission = db.session.get(Submission, submission_id)
    return submission if submission is not None and submission.center_id == center.id else None


def _checked_fields(requirement: Requirement, center: Center, title: str, category: str, text: str, staff_id):
    title, text = clean_text(title).strip(), clean_text(text).strip()
    if not title or len(title) > 200:
        raise Refused("submission_invalid", "请填写标题（不超过 200 字）")
    if len(text) > MAX_TEXT_CHARS:
        raise Refused("submission_invalid", f"正文不能超过 {MAX_TEXT_CHARS} 字，较长的内容请作为附件上传")
    if requirement.kind == "case":
        if category not in CASE_CATEGORIES:
            raise Refused("submission_invalid", "请选择案例类别")
    else:
        category = ""
    staff = None
    if requirement.kind == "deed":
        staff = db.session.get(Staff, staff_id) if staff_id else None
        if staff is None or staff.center_id != center.id:
            raise Refused("submission_invalid", "请选择本中心的一位工作人员")
    return title, category, text, staff


def submit(
    requirement: Requirement, center: Center, *, title, category="", text="", staff_id=None, actor=None, address=""
) -> Submission:
    """Hand in a submission for the center (late ones too, marked by their time); one only unless `multiple`."""
    if center.group_id not in {g.id for g in requirement.groups}:
        raise Refused("not_found")
    if not requirement.multiple and live_submissions(center, requirement):
        raise Refused("submission_invalid", "这项材料每个中心报送一份，请修改已报送的那份")
    title, category, text, staff = _checked_fields(requirement, center, title, category, text, staff_id)
    now = utcnow()
    submission = Submission(
        requirement=requirement,
        center_id=center.id,
        staff_id=staff.id if staff else None,
        title=title,
        category=category,
        text=text,
        submitted_by=actor.id if actor else None,
        submitted_at=now,
        updated_at=now,
    )
    db.session.add(submission)
    db.session.flush()
    late = now > requirement.due_at
    audit.record(actor, "submission.create", title, address, submission=submission.id, center=center.name, late=late)
    db.session.commit()
    return submission


def update(submission: Submission, *, title, category="", text="", staff_id=None, actor=None, address="") -> None:
    """Change a submission's title, category, person or text (its hand-in time stays; the edit is audited)."""
    if submission.withdrawn_at is not None:
        raise Refused("submission_withdrawn")
    title, category, text, staff = _checked_fields(
        submission.requirement, submission.center, title, category, text, staff_id
    )
    submission.title, submission.category, submission.text = title, category, text
    submission.staff_id = staff.id if staff else None
    submission.updated_at = utcnow()
    submission.redacted_text = submission.redaction_checked_at = None  # a blind preview must be checked again
    audit.record(actor, "submission.edit", title, address, submission=submission.id)
    db.session.commit()


def withdraw(submission: Submission, *, actor=None, address="") -> None:
    """Withdraw a submission: it no longer counts (kept for the record)."""
    if submission.withdrawn_at is not None:
        raise Refused("submission_withdrawn")
    submission.withdrawn_at = utcnow()
    audit.record(actor, "submission.withdraw", submission.title, address, submission=submission.id)
    db.session.commit()


def attachment_path(sha256: str) -> Path:
    """Where the file with this SHA-256 is kept, under the instance folder."""
    return Path(current_app.instance_path) / "attachments" / sha256[:2] / sha256


def add_attachment(submission: Submission, filename: str, data: bytes, *, actor=None, address="") -> Attachment:
    """Check an uploaded file by its content (in a limited child process) and store it; nothing kept on refusal."""
    if submission.withdrawn_at is not None:
        raise Refused("submission_withdrawn")
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if len(data) > limit:
        raise Refused("attachment_too_large", f"每个附件不超过 {limit // (1024 * 1024)} MB")
    if not data:
        raise Refused("attachment_refused", "文件是空的")
    if len(submission.attachments) >= MAX_ATTACHMENTS:
        raise Refused("attachment_refused", f"每份材料最多 {MAX_ATTACHMENTS} 个附件")
    with tempfile.TemporaryDirectory(prefix="quizengine-attachment-") as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        try:
            info = parse_upload(read_attachment, path)
        except UploadRefused as refused:
            raise Refused("attachment_refused", refused.message) from refused
    if info.problem or info.kind is None:
        raise Refused("attachment_refused", info.problem)
    sha256 = hashlib.sha256(data).hexdigest()
    stored = attachment_path(sha256)
    if not stored.exists():
        stored.parent.mkdir(parents=True, exist_ok=True)
        partial = stored.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(stored)
    attachment = Attachment(
        submission_id=submission.id,
        filename=_display_name(filename, info.kind),
        kind=info.kind,
        size=len(data),
        sha256=sha256,
        text=info.text,
    )
    db.session.add(attachment)
    submission.updated_at = utcnow()
    submission.redacted_text = submission.redaction_checked_at = None
    db.session.flush()
    audit.record(
        actor, "attachment.add", attachment.filename, address, submission=submission.id, kind=info.kind, sha256=sha256
    )
    db.session.commit()
    return attachment


def _display_name(filename: str, kind: str) -> str:
    """The uploaded name without any folder, its extension made to match the checked kind (a PNG named .pdf: .png)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "附件"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return (stem[:150] or "附件") + EXTENSIONS[kind]


def remove_attachment(attachment: Attachment, *, actor=None, address="") -> None:
    """Remove an attachment from its submission (the stored file stays while any attachment names it)."""
    submission = attachment.submission
    if submission.withdrawn_at is not None:
        raise Refused("submission_withdrawn")
    audit.record(actor, "attachment.remove", attachment.filename, address, submission=submission.id)
    db.session.delete(attachment)
    submission.updated_at = utcnow()
    db.session.commit()


def center_staff(center: Center) -> list[Staff]:
    """The center's staff, for choosing the person of a deed."""
    return list(db.session.scalars(select(Staff).where(Staff.center_id == center.id).order_by(Staff.staff_no)))
