"""Question banks in the web admin: upload with exact errors, preview, statistics."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from quizengine.core.bankstats import summarize
from quizengine.core.itemanalysis import MIN_PEOPLE
from quizengine.formats.banks import Problem, load_bank
from quizengine.models.mapping import to_core
from quizengine.services.banks import get_bank, import_banks, list_banks
from quizengine.services.item_analysis import bank_analysis
from quizengine.uploads import UploadRefused, parse_upload
from quizengine.views.access import can, requires
from quizengine.views.admin_analysis import bank_scope
from quizengine.views.forms import BankUploadForm

bp = Blueprint("admin_banks", __name__, url_prefix="/admin/banks")


@bp.route("/", methods=["GET", "POST"])
@requires("bank.view")
def index():
    """List banks; trainers upload a YAML file, checked exactly as `bank check` does."""
    form = BankUploadForm()
    report = None
    if request.method == "POST":
        if not _can_edit():
            return render_template("error.html", code=403, message="只有出题人和管理员可以上传题库。"), 403
        if form.validate_on_submit():
            report = _upload(form.file.data)
            if report is None:
                return redirect(url_for("admin_banks.index"))
    status = 422 if report else 200
    return render_template("admin/banks.html", form=form, banks=list_banks(), report=report), status


def _can_edit() -> bool:
    return can("bank.edit")


def _upload(storage) -> dict | None:
    """Validate and store an uploaded bank; return an error report, or None when stored."""
    name = secure_filename(storage.filename or "") or "bank.yaml"
    data = storage.read(current_app.config["BANK_MAX_BYTES"] + 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            bank, problems = parse_upload(
                load_bank, path, today=date.today(), max_bytes=current_app.config["BANK_MAX_BYTES"], partial=True
            )
        except UploadRefused as refused:
            bank, problems = None, [Problem(str(path), 1, 1, refused.code, refused.message)]
    if bank is not None:
        address = request.remote_addr or ""
        results, problems = import_banks([bank], actor=current_user, address=address, file_problems=problems)
        if not problems:
            result = results[0]
            flash(f"题库 {result.bank_id} 已导入：{result.questions} 道题（{_STATUS[result.status]}）", "ok")
            return None
    return {"file": storage.filename or name, "problems": problems, "lines": _source_lines(data)}


_STATUS = {"created": "新题库", "updated": "新版本", "unchanged": "内容未变"}


def _source_lines(data: bytes) -> list[str]:
    return data.decode("utf-8", errors="replace").splitlines()


@bp.get("/<key>")
@requires("bank.view")
def show(key: str):
    """Preview a bank's questions as a phone shows them, with answers for trainers, stats and item analysis flags."""
    bank = get_bank(key)
    if bank is None or bank.current_revision is None:
        return render_template("error.html", code=404, message="题库不存在。"), 404
    revision = bank.current_revision
    questions = [to_core(row) for row in revision.questions]
    return render_template(
        "admin/bank.html",
        bank=bank,
        revision=revision,
        questions=questions,
        stats=summarize(questions),
        flagged=bank_analysis(bank, bank_scope()).flagged,
        min_people=MIN_PEOPLE,
    )
