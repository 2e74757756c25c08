"""The house's boundaries, read from the source (like the SDK and CLI isolation tests):

* a service module (every module of a concept package that is neither a router nor a
  representation) never imports the wire layer ``refdesk.server.api``, nor FastAPI/Starlette:
  the web app, the worker and the CLI call services with typed inputs, not HTTP requests;
* a router never imports ``sqlalchemy``: it parses, calls one service, represents, responds;
* the web app (``server/web/``) never imports ``refdesk.client`` or ``httpx`` (pages call
  services, never the API over HTTP), takes from the wire layer only what it shares with it
  (``WEB_API_ALLOWED``); its pages (``web/pages/``) never import ``sqlalchemy``, and its
  modules outside ``pages/`` and ``render.py`` keep the service boundary.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "src" / "refdesk" / "server"
# Packages that are not business concepts: the wire layer itself, the database plumbing, the
# demo seeder (a script that fills the database).
# The web app has rules of its own (below).
NOT_CONCEPTS = {"api", "db", "demo", "web"}
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


# -- the web app --------------------------------------------------------------------------

WEB = SERVER / "web"
# What the web app may take from ``refdesk.server.api``, and why.
WEB_API_ALLOWED = {
    "refdesk.server.api.body": "form bodies are decoded and size-limited as the API does",
    "refdesk.server.api.origin": "is_https decides the cookies' Secure flag as the API does",
}
# Modules that build responses or read requests, and so may import FastAPI/Starlette:
# render.py (responses, cookies), page.py (the request's session, form and CSRF check),
# errors.py (the error pages). View modules (reads for display) never do.
WEB_WIRE_MODULES = {"render.py", "page.py", "errors.py"}
NEVER_IN_WEB = ("refdesk.client", "httpx")


def web_modules() -> list[Path]:
    return sorted(WEB.rglob("*.py"))


def web_name(path: Path) -> str:
    return str(path.relative_to(SERVER))


def _under(module: str, roots: tuple[str, ...] | list[str]) -> bool:
    return any(module == r or module.startswith(r + ".") for r in roots)


def web_breaks(path: Path) -> list[str]:
    imported = imported_modules(path)
    found = {m for m in imported if _under(m, NEVER_IN_WEB)}
    found |= {
        m
        for m in imported
        if _under(m, ["refdesk.server.api"]) and not _under(m, list(WEB_API_ALLOWED))
    }
    if path.parent.name == "pages":
        found |= {m for m in imported if _under(m, ["sqlalchemy"])}
    elif path.name not in WEB_WIRE_MODULES and path.name != "__init__.py":
        found |= {m for m in imported if _under(m, ["fastapi", "starlette"])}
    return sorted(found)


def test_the_rules_see_the_web_app() -> None:
    names = {web_name(p) for p in web_modules()}
    assert {"web/pages/home.py", "web/session.py", "web/home.py", "web/render.py"} <= names


@pytest.mark.parametrize("path", web_modules(), ids=web_name)
def test_web_module_keeps_its_boundary(path: Path) -> None:
    assert web_breaks(path) == [], (
        f"{web_name(path)} imports across the web app's boundary (no refdesk.client or httpx, "
        "only WEB_API_ALLOWED from the wire layer, no sqlalchemy in pages/)"
    )


def test_the_web_rules_catch_a_page_that_breaks_them(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    page = pages / "bad.py"
    page.write_text(
        "import httpx\nfrom sqlalchemy import select\nfrom refdesk.client import Client\n"
        "from refdesk.server.api.deps import CtxDep\n"
        "from refdesk.server.api.body import read_body\n"
    )
    assert web_breaks(page) == [
        "httpx",
        "refdesk.client",
        "refdesk.client.Client",
        "refdesk.server.api.deps",
        "refdesk.server.api.deps.CtxDep",
        "sqlalchemy",
        "sqlalchemy.select",
    ]
