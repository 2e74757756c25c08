"""Running the CLI in tests: the ``invoke`` fixture's type (tests/cli/conftest.py) and reading
a failed command's error line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from typer.testing import Result

Invoke = Callable[..., Awaitable[Result]]


def error_line(result: Result) -> str:
    """The single stderr line of a failed command."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]
