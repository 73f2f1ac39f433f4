"""Response headers and error pages of the security baseline."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError

from quizengine.services.errors import Refused

# JSON endpoints (docs/learning.md): their errors keep the JSON shape, never an HTML page.
API_PREFIX = "/learn/api/"

# Pages load scripts and styles from this origin only (static/vendor for
# libraries): no inline script, so an injected name cannot run.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its signer built once per set of keys.

    Flask builds a new signer for every request, and Flask-SocketIO pushes a
    request (and so opens the session) for every socket event; itsdangerous
    checks each new signer by encoding an empty dict. In a hall of phones that
    was a few percent of the server's CPU. A changed SECRET_KEY (or its
    fallbacks) gets a new signer.
    """

    _signer = None
    _keys = None

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._keys != keys:
            self._signer, self._keys = super().get_signing_serializer(app), keys
        return self._signer


def init_security(app: Flask) -> None:
    """The session's signer, security headers on every response, and friendly refusal pages."""
    app.session_interface = SessionInterface()

    @app.after_request
    def _headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(CSRFError)
    def _csrf_failed(error):
        return _refusal(403, "csrf_failed")

    @app.errorhandler(403)
    def _forbidden(error):
        return _refusal(403, "forbidden")

    @app.errorhandler(404)
    def _not_found(error):
        return _refusal(404, "not_found")

    @app.errorhandler(405)
    def _wrong_method(error):
        if not request.path.startswith(API_PREFIX):
            return error.get_response()
        return _refusal(405, "invalid_payload", "请求方式不正确")

    @app.errorhandler(413)
    def _too_large(error):
        if request.path.startswith(API_PREFIX):
            return _refusal(413, "invalid_payload", "请求内容太大")
        return _refusal(413, "too_large")

    @app.errorhandler(429)
    def _too_many(error):
        return _refusal(429, "rate_limited")


def _refusal(status: int, code: str, detail: str | None = None):
    """The error page, or for the JSON API the documented `{"ok": false, "error": {code, message}}` (one catalogue)."""
    error = Refused(code, detail)
    if request.path.startswith(API_PREFIX):
        return jsonify({"ok": False, "error": error.as_error()}), status
    return render_template("error.html", code=status, message=error.message), status
