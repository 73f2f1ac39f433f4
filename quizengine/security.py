"""Response headers and error pages of the security baseline."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

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


def init_security(app: Flask) -> None:
    """Add security headers to every response and friendly refusal pages."""

    @app.after_request
    def _headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(CSRFError)
    def _csrf_failed(error):
        return render_template("error.html", code=403, message="页面已过期或请求来源不可信，请刷新页面后重试。"), 403

    @app.errorhandler(403)
    def _forbidden(error):
        return render_template("error.html", code=403, message="您没有权限进行此操作。"), 403

    @app.errorhandler(404)
    def _not_found(error):
        return render_template("error.html", code=404, message="页面不存在。"), 404

    @app.errorhandler(413)
    def _too_large(error):
        return render_template("error.html", code=413, message="上传的文件太大。"), 413

    @app.errorhandler(429)
    def _too_many(error):
        return render_template("error.html", code=429, message="尝试次数过多，请稍后再试。"), 429
