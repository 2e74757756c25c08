"""Shared CLI plumbing: one-line errors, settings from the environment, running coroutines.

Nothing here imports ``refdesk.server`` at module level.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

if TYPE_CHECKING:
    from refdesk.server.config import Settings

T = TypeVar("T")


class CliError(Exception):
    """A problem the user can fix: printed as one ``Error: ...`` line, exit code ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def redact(url: str) -> str:
    """The database URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<database url>"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _database_problem(exc: BaseException) -> str | None:
    """A one-line description when ``exc`` is about reaching or naming the database."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return f"invalid database URL: {_first_line(exc)}"
    if isinstance(exc, DBAPIError):
        return _first_line(exc.orig if exc.orig is not None else exc)
    if isinstance(exc, ConnectionError | TimeoutError):
        return _first_line(exc)
    if isinstance(exc, OSError) and exc.errno is not None:
        return _first_line(exc)
    return None


@contextmanager
def cli_errors(database_url: str | None = None) -> Iterator[None]:
    """Turn expected failures into one line on stderr and a non-zero exit code."""
    try:
        yield
    except CliError as exc:
        fail(exc.message, exc.code)
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if isinstance(exc, OSError) and exc.filename:
            fail(f"{exc.strerror or exc}: {exc.filename}")
        problem = _database_problem(exc) if database_url is not None else None
        if problem is None:
            raise
        fail(f"cannot use the database at {redact(database_url or '')}: {problem}")


def load_settings(**overrides: Any) -> Settings:
    """``Settings()`` from ``REFDESK_*`` variables; command-line flags in ``overrides`` win."""
    try:
        from pydantic import ValidationError

        from refdesk.server.config import Settings
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise CliError(
            f"the server is not installed ({exc.name} missing): pip install 'refdesk[server]'"
        ) from exc
    values = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        raise CliError(f"invalid setting {name}: {first.get('msg', 'is invalid')}") from exc


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)
