"""The addresses phones are given: the join link and the projector's QR code, the paper's address.

With QUIZ_PUBLIC_URL set they start with it (the address phones reach this
server at); otherwise with the address the page itself was opened at, which
on the organizer's laptop is often 127.0.0.1: the board warns about that.
"""

from __future__ import annotations

from flask import current_app, request, url_for

from quizengine.core.addresses import is_loopback_url


def public_url(endpoint: str, **values) -> str:
    """The full address of a page as phones should open it."""
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    root = request.script_root if request else ""
    if root and path.startswith(root):
        path = path[len(root) :]  # QUIZ_PUBLIC_URL already holds the site's root as phones reach it
    return base + path


def unreachable(url: str) -> bool:
    """Whether phones cannot open `url` (it points at the machine that opens it)."""
    return is_loopback_url(url)
