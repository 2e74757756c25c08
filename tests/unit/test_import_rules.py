"""The house's boundaries, read from the source (like the SDK and CLI isolation tests):

* a service module (every module of a concept package that is neither a router nor a
  representation) never imports the wire layer ``refdesk.server.api``, nor FastAPI/Starlette:
  the web app, the worker and the CLI call services with typed inputs, not HTTP requests;
* a router never imports ``sqlalchemy``: it parses, calls one service, represents, responds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "src" / "refdesk" / "server"
# Packages that are not business concepts: the wire layer itself, the database plumbing, the
# demo seeder (a script that fills the database).
NOT_CONCEPTS = {"api", "db", "demo"}
WIRE = ("refdesk.server.api", "fastapi", "starlette")
# Modules allowed to break a rule, each with the reason. Keep this short.
EXCEPTIONS: dict[str, str] = {}


def imported_modules(path: Path) -> set[str]:
    """Every module the file imports, at any depth (function-level imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def is_router(path: Path) -> bool:
    return path.stem == "router" or path.stem.endswith("_router") or path.stem == "pages"


def is_representation(path: Path) -> bool:
    return path.stem == "representation"


def concept_modules() -> list[Path]:
    return sorted(
        p
        for p in SERVER.glob("*/*.py")
        if p.parent.name not in NOT_CONCEPTS and p.name != "__init__.py"
    )


def name_of(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def breaks(path: Path) -> list[str]:
    imported = imported_modules(path)
    if is_router(path):
        return sorted(m for m in imported if m == "sqlalchemy" or m.startswith("sqlalchemy."))
    if is_representation(path):
        return []
    return sorted(m for m in imported if any(m == w or m.startswith(w + ".") for w in WIRE))


def test_the_rules_see_every_concept() -> None:
    """The test cannot pass by reading nothing: it finds the concepts' services and routers."""
    modules = {name_of(p) for p in concept_modules()}
    assert {"games/service.py", "games/router.py", "assignments/service.py"} <= modules


@pytest.mark.parametrize("path", concept_modules(), ids=name_of)
def test_module_keeps_its_boundary(path: Path) -> None:
    if name_of(path) in EXCEPTIONS:
        return
    assert breaks(path) == [], (
        f"{name_of(path)} imports across its boundary (services never import the wire layer "
        "or FastAPI; routers never import sqlalchemy)"
    )


def test_exceptions_are_still_needed() -> None:
    """An exception that no longer breaks a rule is removed from the list."""
    stale = [n for n in EXCEPTIONS if not breaks(SERVER / n)]
    assert stale == []
