"""quizengine.core is plain Python: no framework, database or YAML import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import quizengine.core

CORE = Path(quizengine.core.__file__).parent
FORBIDDEN = {
    "flask",
    "flask_socketio",
    "flask_sqlalchemy",
    "sqlalchemy",
    "socketio",
    "engineio",
    "yaml",
    "eventlet",
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_core_module_imports_a_framework():
    offenders = {path.name: sorted(imported_roots(path) & FORBIDDEN) for path in sorted(CORE.glob("*.py"))}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_importing_core_loads_no_framework_at_run_time():
    modules = ", ".join(f"quizengine.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__")
    code = f"import sys, {modules}; print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
