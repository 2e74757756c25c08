"""The test tree's own import rule: a module under tests/ imports shared helpers only from
``tests.factories`` and ``tests.support.*`` — never a ``test_*`` module, a ``conftest`` (fixtures
reach tests through pytest, not through imports) or any other module of the tree."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ALLOWED = ("tests.factories", "tests.support")


def module_name(path: Path) -> str:
    parts = path.relative_to(TESTS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, absolute module) of every import in ``tree``, nested ones included; for ``from x
    import y`` both ``x`` and ``x.y`` (``y`` may be a submodule)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def allowed(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in ALLOWED)


def forbidden(name: str) -> bool:
    if name == "conftest" or name.startswith("conftest."):
        return True
    if not name.startswith("tests."):
        return False
    return not allowed(name) or name.rpartition(".")[2].startswith("test_")


def breaks(source: str, module: str, is_package: bool = False) -> list[str]:
    """What ``source`` (the text of ``module``) imports against the rule (a forbidden module
    once per statement, not once more per name taken from it)."""
    seen: set[tuple[int, str]] = set()
    found = []
    for line, name in imported(ast.parse(source), module, is_package):
        if forbidden(name) and (line, name.rpartition(".")[0]) not in seen:
            seen.add((line, name))
            found.append(f"{module}:{line} imports {name}")
    return found


def test_no_module_imports_a_test_module_or_a_conftest() -> None:
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        found += breaks(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
    assert found == [], "\n".join(found)


def test_the_check_catches_what_it_claims() -> None:
    module = "tests.games.test_x"
    assert breaks("from tests.games.test_games import GAME, setup_site\n", module) == [
        "tests.games.test_x:1 imports tests.games.test_games"
    ]
    assert breaks("from tests.auth.conftest import basic\n", module)
    assert breaks("from tests.conftest import make_settings\n", module)
    assert breaks("import tests.contract.test_ratelimit\n", module)
    assert breaks("from tests.cli import test_admin\n", module)
    assert breaks("from . import test_games\n", module)
    assert breaks("from .conftest import Owner\n", module)
    assert breaks("from ..contract.isolation_world import World\n", module)
    assert breaks("def f():\n    from tests.games.test_candidates import make_game\n", module)
    assert breaks("from conftest import thing\n", module)
    assert breaks("from tests.support.test_helpers import x\n", module)
    assert not breaks("from tests.factories import create_site\n", module)
    assert not breaks("from tests.support.games import GAME, setup_site\n", module)
    assert not breaks("from tests.support import games\n", module)
    assert not breaks("import tests.support.oauth\n", module)
    assert not breaks("from refdesk.server.runtime import Runtime\nimport httpx\n", module)
