"""Staff self-service on the phone (/learn): sign in by roster, practise, the wrong-answer book, papers.

Staff sign in with staff id + name (the roster is the identity, DESIGN §4.6);
the signed session cookie keeps them in on that phone. Another phone signs in
the same way and resumes an open paper where it was.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, g, jsonify, make_response, redirect, render_template, request, session, url_for

from quizengine.core.identity import fold_staff_no
from quizengine.core.live import GRACE
from quizengine.models.mapping import to_core
from quizengine.models.types import utcnow
from quizengine.services import announcements, identity, learning_report, papers
from quizengine.services import book as wrong_answers
from quizengine.services import paper_state as paper_views
from quizengine.services import practice as practising
from quizengine.services.contests import contest_by_code
from quizengine.services.errors import Refused
from quizengine.sockets.payloads import INT_MAX, field
from quizengine.sockets.ratelimit import join_attempts
from quizengine.views.forms import ActionForm, StaffLoginForm
from quizengine.views.jsonbody import json_body

bp = Blueprint("learn", __name__, url_prefix="/learn")

STATUS = {
    "invalid_payload": 400,
    "invalid_response": 422,
    "no_response": 422,
    "page_expired": 400,
    "unknown_question": 400,
    "unknown_item": 422,
    "not_self_paced": 404,
    "rate_limited": 429,
}


def current_staff():
    """The signed-in staff member of this phone, or None."""
    if "staff" not in g:
        staff_id = session.get("staff_id")
        g.staff = identity.staff_by_id(staff_id) if isinstance(staff_id, int) else None
    return g.staff


def staff_required(view):
    """Send a phone that has not signed in to the sign-in page (JSON 401 for the API)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_staff() is None:
            if request.path.startswith(url_for("learn.index") + "api/"):
                return _refused(Refused("signed_out"), 401)
            return redirect(url_for("learn.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def _refused(error: Refused, status: int | None = None):
    return jsonify({"ok": False, "error": error.as_error()}), status or STATUS.get(error.code, 409)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no //host) may be the page after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("learn.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with staff id and name, checked against the roster."""
    form = StaffLoginForm()
    error = None
    if form.validate_on_submit():
        address = request.remote_addr or ""
        staff_no = fold_staff_no(form.staff_no.data)
        try:
            join_attempts.check(address, staff_no)
            staff = identity.identify(staff_no, form.name.data)
        except Refused as refused:
            if refused.code != "rate_limited":
                join_attempts.fail(address, staff_no)
            error = refused.message
        else:
            session.clear()
            session.permanent = True
            session["staff_id"] = staff.id
            return redirect(_safe_next(request.args.get("next")))
    return render_template("learn/login.html", form=form, error=error), (422 if error else 200)


@bp.post("/logout")
def logout():
    """Forget this phone's sign-in."""
    if ActionForm().validate_on_submit():
        session.pop("staff_id", None)
    return redirect(url_for("learn.login"))


@bp.get("/")
@staff_required
def index():
    """Home: papers of the person's group, practice by bank and topic, the wrong-answer book."""
    staff = current_staff()
    now = utcnow()
    return render_template(
        "learn/index.html",
        staff=staff,
        papers=[(c, paper_views.summary(c, staff, now)) for c in papers.papers_for(staff)],
        banks=practising.practice_banks(staff),
        progress=practising.my_progress(staff, now),
        announced=announcements.published_for(staff),
        action_form=ActionForm(),
    )


# --- practice --------------------------------------------------------------------------


def _filters() -> dict:
    """The practice filters of the query string (bank, tag; book=1 for the wrong-answer book)."""
    found = {k: v for k in ("bank", "tag") if (v := request.args.get(k, "").strip()[:64])}
    if request.args.get("book") == "1":
        found["book"] = "1"
    return found


@bp.get("/practice")
@staff_required
def practice():
    """Pick a practice question of the chosen bank/topic (never practised first) and show it at its own address."""
    filters = _filters()
    question = practising.next_question(current_staff(), filters.get("bank"), filters.get("tag"), now=utcnow())
    if question is None:
        return _question_page(None, filters)
    return redirect(url_for("learn.question", question_id=question.id, **filters))


@bp.get("/practice/questions/<int:question_id>")
@staff_required
def question(question_id: int):
    """One practice question; a reload or the back button shows the same one again."""
    row = practising.practisable(current_staff(), question_id, utcnow())
    if row is None:
        abort(404)
    response = make_response(_question_page(row, _filters()))
    # never from the back-forward cache: every visit gets its own one-time key and a clean form
    response.headers["Cache-Control"] = "no-store"
    return response


def _question_page(question, filters: dict, *, error: str | None = None):
    """A practice question's form (a fresh nonce each time), or the empty-pool message."""
    staff = current_staff()
    from_book = filters.get("book") == "1"
    return render_template(
        "learn/question.html",
        staff=staff,
        question=to_core(question) if question else None,
        row=question,
        nonce=practising.new_nonce(),
        filters=filters,
        from_book=from_book,
        heading="错题重练" if from_book else _heading(filters),
        entry=wrong_answers.book_entry(staff, question.key) if question else None,
        error=error,
        action_form=ActionForm(),
    )


def _heading(filters: dict) -> str:
    if "tag" in filters:
        return f"专题练习：{learning_report.topic_labels().get(filters['tag'], filters['tag'])}"
    if "bank" in filters:
        bank = next((b for b in practising.practice_banks(current_staff()) if b.key == filters["bank"]), None)
        return f"题库练习：{bank.title}" if bank else "练习"
    return "随机练习"


@bp.post("/practice")
@staff_required
def answer():
    """Check a practice answer and show the feedback page (POST, then redirect: a reload does not resubmit)."""
    staff = current_staff()
    if not ActionForm().validate_on_submit():
        abort(400)
    filters = _filters()
    response = _form_response(request.form)
    try:
        question_id = int(request.form.get("question_id", ""))
        if not 0 < question_id <= INT_MAX:  # a huge id would fail in the database driver
            raise ValueError(question_id)
        nonce = request.form.get("nonce", "")
        record = practising.answer(staff, question_id, response, nonce, utcnow(), from_book="book" in filters)
    except ValueError:
        return _message(Refused("invalid_payload").message, 400)
    except Refused as error:
        row = practising.practisable(staff, question_id, utcnow())
        # the same question again, with the reason
        if error.code in ("invalid_response", "no_response") and row is not None:
            return _question_page(row, filters, error=error.message), 422
        return _message(error.message, 422)
    return redirect(url_for("learn.feedback", answer_id=record.id, **filters))


def _message(text: str, status: int):
    return render_template("learn/message.html", staff=current_staff(), message=text, action_form=ActionForm()), status


def _form_response(form):
    """A form's answer in the shape core.questions expects."""
    kind = form.get("kind")
    if kind == "multiple":
        return form.getlist("choice") or None
    if kind == "judge":
        value = form.get("choice")
        return {"true": True, "false": False}.get(value)
    value = form.get("choice")
    return value if value not in (None, "") else None


@bp.get("/practice/answers/<int:answer_id>")
@staff_required
def feedback(answer_id: int):
    """Right or wrong, the key, the explanation and the policy source of one of the person's practice answers."""
    staff = current_staff()
    record = practising.practice_answer(staff, answer_id)
    if record is None:
        abort(404)
    question = to_core(record.question)
    return render_template(
        "learn/feedback.html",
        staff=staff,
        record=record,
        question=question,
        entry=record.book,
        filters=_filters(),
        action_form=ActionForm(),
    )


@bp.get("/book")
@staff_required
def book():
    """The wrong-answer book (错题本)."""
    staff = current_staff()
    entries = [(m, to_core(wrong_answers.book_question(m))) for m in wrong_answers.book(staff, utcnow())]
    return render_template("learn/book.html", staff=staff, entries=entries, action_form=ActionForm())


@bp.get("/book/retry")
@staff_required
def retry():
    """The next question to retry from the book."""
    question = wrong_answers.next_from_book(current_staff(), utcnow(), request.args.get("after"))
    if question is None:
        return _question_page(None, {"book": "1"})
    return redirect(url_for("learn.question", question_id=question.id, book="1"))


# --- self-paced papers ---------------------------------------------------------------------


def _paper_contest(code: str):
    contest = contest_by_code(code)
    if contest is None or contest.mode != "self_paced" or contest.status == "draft":
        abort(404)
    return contest


@bp.get("/paper/<code>")
@staff_required
def paper(code: str):
    """The paper page (static/js/paper.js drives it through the API below)."""
    contest = _paper_contest(code)
    grace_ms = int(GRACE.total_seconds() * 1000)  # paper.js waits this long past the deadline
    return render_template(
        "learn/paper.html", staff=current_staff(), contest=contest, action_form=ActionForm(), grace_ms=grace_ms
    )


def _api(action):
    @wraps(action)
    @staff_required
    def wrapped(code: str):
        contest = contest_by_code(code)
        staff = current_staff()
        try:
            papers.paper_contest(contest, staff)
            return jsonify(action(contest, staff, json_body()))
        except Refused as error:
            return _refused(error)

    return wrapped


@bp.get("/api/paper/<code>")
@_api
def paper_state(contest, staff, _body):
    """The person's paper state (closing a timed-out attempt first)."""
    return {"ok": True, **paper_views.state(contest, staff, utcnow())}


@bp.post("/api/paper/<code>/start")
@_api
def paper_start(contest, staff, _body):
    """Start an attempt (or resume the open one)."""
    now = utcnow()
    papers.start(contest, staff, now)
    return {"ok": True, **paper_views.state(contest, staff, now)}


@bp.post("/api/paper/<code>/save")
@_api
def paper_save(contest, staff, body):
    """Save one answer: {position, response, revision, client}."""
    if not isinstance(body, dict):
        raise Refused("invalid_payload")
    # integers within the columns' range before any query (a huge one would fail in the driver)
    position, revision = field(body, "position", int, minimum=0), field(body, "revision", int, minimum=1)
    client = field(body, "client", str, required=False, max_length=64)
    return papers.save(contest, staff, position, body.get("response"), revision, utcnow(), client or "")


@bp.post("/api/paper/<code>/submit")
@_api
def paper_submit(contest, staff, _body):
    """Hand in (交卷)."""
    now = utcnow()
    papers.submit(contest, staff, now)
    return {"ok": True, **paper_views.state(contest, staff, now)}
