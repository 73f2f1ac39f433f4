"""Entry point of the `quizengine` command.

It monkey-patches for eventlet (or gevent) *before* Flask, SQLAlchemy or the
database drivers are imported, when the command is going to serve, as both
libraries require; every other command runs unpatched.
"""

from __future__ import annotations

import os
import sys
import warnings

SERVING_COMMANDS = {"serve", "demo"}


def _patch_for_async_mode(argv: list[str]) -> None:
    if not SERVING_COMMANDS.intersection(argv[:2]):
        return
    mode = os.environ.get("QUIZ_ASYNC_MODE") or "eventlet"
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def main() -> None:
    """Run the `quizengine` command line."""
    # eventlet announces its maintenance mode on import; the choice is documented.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    _patch_for_async_mode(sys.argv[1:])
    from quizengine.cli import cli

    cli()


if __name__ == "__main__":
    main()
