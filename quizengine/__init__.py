"""quizengine: live and self-paced “一网通办” knowledge contests for service-center staff.

Importing the package is cheap on purpose: the command line must be able to
monkey-patch for eventlet before Flask, SQLAlchemy or sockets are imported.
"""

from __future__ import annotations

__version__ = "0.1.0"


def create_app(config=None):
    """Build the Flask application (see `quizengine.app.create_app`)."""
    from quizengine.app import create_app as build

    return build(config)
