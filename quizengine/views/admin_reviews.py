"""Reviews of submissions (成果评审) in the web admin: the review and its rubric, judges, assignments,
the blind preview, progress, the combined scores and the 5 优秀工作案例, open / close / release, the xlsx.

Scoped like contests: an organizer sees a review only when all the groups of
its requirement are theirs (another's is a 404).
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from quizengine.core.judging import COMBINE_LABELS, categories_from
from quizengine.core.submissions import REQUIREMENT_KINDS
from quizengine.models import Submission
from quizengine.models.types import utcnow
from quizengine.services import blind, judging, review_results
from quizengine.services.errors import Refused
from quizengine.views.access import ensure_scope, requires, user_group_keys
from quizengine.views.exports import XLSX
from quizengine.views.forms import ActionForm
from quizengine.views.judging_exports import review_workbook
from quizengine.views.judging_forms import RUBRIC_ROWS, ReviewForm

bp = Blueprint("admin_reviews", __name__, url_prefix="/admin/reviews")
PERMISSION = "judging.manage"
CATEGORY_FIELDS = ("key", "label", "weight", "max")


def _scope() -> set[str] | None:
    return None if current_user.role == "admin" else user_group_keys()


def _scoped(review_id: int):
    """The review, or 404 when it does not exist or its requirement has a group that is not the user's."""
    review = judging.get_review(review_id)
    if review is None:
        abort(404)
    ensure_scope(PERMISSION, judging.requirement_groups(review.requirement))
    return review


def _address() -> str:
    return request.remote_addr or ""


@bp.get("/")
@requires(PERMISSION)
def index():
    """The reviews of one's groups."""
    return render_template("admin/reviews.html", reviews=judging.list_reviews(_scope()), combine=COMBINE_LABELS)


def _submitted_categories() -> list[dict]:
    """The rubric rows of the form, empty rows left out (the service checks the rest)."""
    rows = []
    for n in range(RUBRIC_ROWS):
        row = {name: request.form.get(f"cat-{name}-{n}", "").strip()[:100] for name in CATEGORY_FIELDS}
        if any(row.values()):
            rows.append(row)
    return rows


@bp.route("/new", methods=["GET", "POST"])
@requires(PERMISSION)
def new():
    """Create a review and its rubric."""
    return _edit_page(None)


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
@requires(PERMISSION)
def edit(review_id: int):
    """Change a review (its rubric only until judging starts)."""
    return _edit_page(_scoped(review_id))


def _edit_page(review):
    form = ReviewForm(obj=review if request.method == "GET" else None)
    form.requirement_id.choices = [
        SelectChoice(r.id, f"{r.title}（{REQUIREMENT_KINDS.get(r.kind, r.kind)}）")
        for r in judging.requirements_in_scope(_scope())
    ]
    if request.method == "GET" and review is not None:
        form.rubric_title.data = review.rubric.title
    categories = review.rubric.categories if review is not None else []
    error = None
    if request.method == "POST":
        categories = _submitted_categories()
        if form.validate_on_submit():
            try:
                saved = judging.save_review(
                    review,
                    title=form.title.data,
                    requirement_id=form.requirement_id.data,
                    blind=form.blind.data,
                    combine=form.combine.data,
                    normalise_judges=form.normalise_judges.data,
                    min_judges=form.min_judges.data,
                    rubric_title=form.rubric_title.data or "",
                    categories=categories,
                    scope=_scope(),
                    actor=current_user,
                    address=_address(),
                )
            except Refused as refused:
                error = refused.message
            else:
                flash(f"已保存评审「{saved.title}」", "ok")
                return redirect(url_for("admin_reviews.show", review_id=saved.id))
        else:
            error = "；".join(_chinese_errors(form))
    rows = [dict(c) for c in categories] + [{} for _ in range(RUBRIC_ROWS - len(categories))]
    page = render_template("admin/review_edit.html", form=form, review=review, rows=rows, error=error)
    return page, (422 if error else 200)


# WTForms' own messages for a choice or number it cannot read are English.
FIELD_MESSAGES = {
    "requirement_id": "请选择要评审的材料",
    "combine": "请选择合成方式",
    "min_judges": "最少评委人数请填写 1 到 50 之间的整数",
}


def _chinese_errors(form) -> list[str]:
    """The form's errors as the organizer reads them: ours as written, WTForms' English ones by field."""
    out = []
    for name, errors in form.errors.items():
        for error in errors:
            text = FIELD_MESSAGES.get(name, error) if error.isascii() else error
            if text not in out:
                out.append(text)
    return out


@bp.get("/<int:review_id>")
@requires(PERMISSION)
def show(review_id: int):
    """The review: settings, judges and assignments, progress, the combined scores, awards and the steps."""
    review = _scoped(review_id)
    submissions = review_results.entrants(review)
    return render_template(
        "admin/review.html",
        review=review,
        categories=categories_from(review.rubric.categories),
        result=review_results.review_result(review),
        progress=review_results.progress(review),
        submissions=submissions,
        judges=judging.judge_accounts(),
        chosen={j.id for j in review.judges},
        assigned=judging.assignments(review),
        unchecked=sum(1 for s in submissions if s.redaction_checked_at is None),
        combine=COMBINE_LABELS,
        action_form=ActionForm(),
    )


def _back(review_id: int):
    return redirect(url_for("admin_reviews.show", review_id=review_id))


def _act(review_id: int, action, done: str):
    """Run one step of a review (a CSRF-checked POST), flash what happened, back to the review."""
    review = _scoped(review_id)
    if ActionForm().validate_on_submit():
        try:
            action(review)
        except Refused as refused:
            flash(refused.message, "error")
        else:
            flash(done, "ok")
    else:
        flash(Refused("csrf_failed").message, "error")
    return _back(review_id)


def _ids(name: str) -> list[int]:
    """Integer ids from a multi-valued form field; a malformed one is dropped (it can name nothing)."""
    return [int(v) for v in request.form.getlist(name) if v.isdigit() and len(v) < 10]


@bp.post("/<int:review_id>/judges")
@requires(PERMISSION)
def judges(review_id: int):
    """Choose the review's judges."""
    return _act(
        review_id,
        lambda r: judging.set_judges(r, _ids("judge"), actor=current_user, address=_address()),
        "已保存评委",
    )


@bp.post("/<int:review_id>/assignments")
@requires(PERMISSION)
def assignments(review_id: int):
    """Give each judge their submissions (none ticked: every judge judges every submission)."""
    pairs = []
    for value in request.form.getlist("pair"):
        judge_id, _, submission_id = value.partition(":")
        if judge_id.isdigit() and submission_id.isdigit() and len(value) < 20:
            pairs.append((int(judge_id), int(submission_id)))
    return _act(
        review_id,
        lambda r: judging.set_assignments(r, pairs, actor=current_user, address=_address()),
        "已保存分配" if pairs else "已取消分配：每位评委评审全部材料（回避的除外）",
    )


@bp.post("/<int:review_id>/open")
@requires(PERMISSION)
def open_review(review_id: int):
    """Let the judges score."""
    return _act(
        review_id,
        lambda r: judging.open_review(r, utcnow(), actor=current_user, address=_address()),
        "评审已开始，评委可以评分",
    )


@bp.post("/<int:review_id>/close")
@requires(PERMISSION)
def close_review(review_id: int):
    """End the scoring."""
    return _act(
        review_id,
        lambda r: judging.close_review(r, utcnow(), actor=current_user, address=_address()),
        "评审已结束，评分不能再修改",
    )


@bp.post("/<int:review_id>/release")
@requires(PERMISSION)
def release(review_id: int):
    """Show the combined scores and ranks to the centers."""
    return _act(
        review_id,
        lambda r: judging.release_review(r, utcnow(), actor=current_user, address=_address()),
        "成绩已公布，各中心可以看到本中心材料的得分和名次",
    )


@bp.route("/<int:review_id>/blind/<int:submission_id>", methods=["GET", "POST"])
@requires(PERMISSION)
def redaction(review_id: int, submission_id: int):
    """The blind preview of a submission: what was removed, highlighted; the text judges get, to correct and save."""
    review = _scoped(review_id)
    submission = next((s for s in review_results.entrants(review) if s.id == submission_id), None)
    if not isinstance(submission, Submission):
        abort(404)
    form = ActionForm()
    if request.method == "POST":
        if form.validate_on_submit():
            texts = {a.id: request.form.get(f"attachment-{a.id}", "") for a in submission.attachments}
            try:
                left = blind.save_redaction(
                    submission, request.form.get("text", ""), texts, utcnow(), actor=current_user, address=_address()
                )
            except Refused as refused:
                flash(refused.message, "error")
            else:
                if left:
                    flash(f"已保存；文本中仍有名单中的名称：{'、'.join(dict.fromkeys(left))}", "warning")
                else:
                    flash("已保存，评委将看到这份匿名文本", "ok")
                return redirect(url_for("admin_reviews.redaction", review_id=review.id, submission_id=submission.id))
        else:
            flash(Refused("csrf_failed").message, "error")
    return render_template("admin/review_blind.html", review=review, shown=blind.preview(submission), form=form)


@bp.get("/<int:review_id>/review.xlsx")
@requires(PERMISSION)
def workbook(review_id: int):
    """Download the combined scores, the awards and every judge's scores as an Excel workbook."""
    review = _scoped(review_id)
    data = review_workbook(review_results.review_result(review), categories_from(review.rubric.categories))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"成果评审_{review.id}.xlsx")
