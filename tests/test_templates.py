"""What the Content-Security-Policy (quizengine/security.py: style-src and script-src 'self') allows in templates."""

from __future__ import annotations

import re

from tests.conftest import REPO

TEMPLATES = sorted((REPO / "templates").rglob("*.html"))
# A style attribute in markup, or one a WTForms field renders (`style='...'` passed to the field).
INLINE_STYLE = re.compile(r"""<[a-zA-Z][^>]*\sstyle\s*=|\bstyle\s*=\s*['"]""")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*['\"]")


def test_the_templates_are_found():
    assert len(TEMPLATES) > 40


def test_no_template_has_an_inline_style_the_browser_would_block():
    offenders = [
        f"{p.relative_to(REPO)}:{n}"
        for p in TEMPLATES
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if INLINE_STYLE.search(line)
    ]
    assert offenders == []


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = [
        f"{p.relative_to(REPO)}:{n}"
        for p in TEMPLATES
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if INLINE_SCRIPT.search(line)
    ]
    assert offenders == []
