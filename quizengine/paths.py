"""Where the shipped data folders are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `name` (static, templates, question_banks, examples).

    A wheel carries them under `quizengine/_data/`; a checkout keeps them at the
    repository's top level, beside the package.
    """
    installed = PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / name
