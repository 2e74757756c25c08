"""Output of the daily-work commands and their error lines.

Every command prints a Rich table by default, or ``--output json`` (the server's
representations, unchanged) or ``--output csv`` (the table's columns, one header row) for
scripts. Errors are one ``Error: ...`` line on stderr and an exit code per kind of failure:

====  ===============================================================
code  meaning
====  ===============================================================
1     any other failure (bad file, some rows of an import failed, ...)
2     command-line usage error (from click)
3     configuration missing or invalid (no URL, no credentials, CA file)
4     the server could not be reached (network, TLS, timeout)
5     401 not authenticated (bad client id/secret, expired token)
6     402 the site's subscription is not active
7     403 forbidden (role or scope)
8     404 not found
9     409 conflict (stale lock_version, request in flight)
10    422 validation failed (field errors are listed on the line)
11    429 rate limited
12    5xx server error or 503 maintenance / unavailable
====  ===============================================================
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from refdesk.cli.common import CliError, fail
from refdesk.client import (
    APIError,
    ConfigurationError,
    Conflict,
    Forbidden,
    NotFound,
    PaymentRequired,
    RateLimited,
    RefdeskError,
    Resource,
    ServerError,
    ServiceUnavailable,
    TransportError,
    Unauthorized,
    ValidationError,
)
from refdesk.games_csv import csv_safe

EXIT_FAILURE = 1
EXIT_CONFIG = 3
EXIT_TRANSPORT = 4
EXIT_UNAUTHORIZED = 5
EXIT_PAYMENT = 6
EXIT_FORBIDDEN = 7
EXIT_NOT_FOUND = 8
EXIT_CONFLICT = 9
EXIT_VALIDATION = 10
EXIT_RATE_LIMITED = 11
EXIT_SERVER = 12


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@dataclass(frozen=True)
class Column:
    """One output column: its header and how to get the cell from a resource."""

    header: str
    get: Callable[[Mapping[str, Any]], Any]


def field(name: str, header: str | None = None) -> Column:
    return Column(header or name, lambda item: item.get(name))


def person(item: Mapping[str, Any] | None) -> str:
    """ "First Last" of an embedded person (an official, a user), or ""."""
    if not item:
        return ""
    return " ".join(str(item.get(k) or "") for k in ("first_name", "last_name")).strip()


def official_name(assignment: Resource) -> str:
    """The holder of a slot: "First Last (id)" when embedded, else the bare official id."""
    official = assignment.embedded_one("official")
    if official is not None:
        return f"{person(official)} ({official.get('id')})"
    official_id = assignment.get("official_id")
    return "" if official_id is None else str(official_id)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


# -- CSV cells a spreadsheet would run (CSV / formula injection): refdesk.games_csv --------------
# (csv_safe, csv_restore and FORMULA_TRIGGERS are shared with the web app's import)


def console(stderr: bool = False) -> Console:
    """A console on the current stdout/stderr (created per call so CliRunner captures it)."""
    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False, soft_wrap=False)


def to_csv(columns: Sequence[Column], items: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in columns])
    for item in items:
        writer.writerow([csv_safe(cell(c.get(item))) for c in columns])
    return buffer.getvalue()


def emit(
    items: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    fmt: OutputFormat,
    *,
    title: str | None = None,
    empty: str = "nothing found",
) -> None:
    """A list of resources in the chosen format."""
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(list(items), indent=2, ensure_ascii=False))
        return
    if fmt is OutputFormat.csv:
        typer.echo(to_csv(columns, items), nl=False)
        return
    if not items:
        typer.echo(empty)
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column.header, overflow="fold")
    for item in items:
        # Text, not str: a cell is data, never Rich markup ("[/x]" in a note or subject).
        table.add_row(*(Text(cell(c.get(item))) for c in columns))
    console().print(table)


def emit_one(
    item: Mapping[str, Any], columns: Sequence[Column], fmt: OutputFormat, *, title: str | None
) -> None:
    """One resource: a two-column field/value table, the JSON object, or a one-row CSV."""
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(item, indent=2, ensure_ascii=False))
        return
    if fmt is OutputFormat.csv:
        typer.echo(to_csv(columns, [item]), nl=False)
        return
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for column in columns:
        table.add_row(column.header, Text(cell(column.get(item))))
    console().print(table)


# -- errors ---------------------------------------------------------------------------------------


def _field_errors(errors: Mapping[str, list[str]]) -> str:
    return "; ".join(f"{name} {', '.join(messages)}" for name, messages in errors.items())


def describe_error(exc: RefdeskError) -> tuple[str, int]:
    """The one-line message and exit code for an SDK exception."""
    if isinstance(exc, ConfigurationError):
        return f"{exc}; run `refdesk login` or set REFDESK_URL", EXIT_CONFIG
    if isinstance(exc, TransportError):
        return f"cannot reach the server: {exc.message}", EXIT_TRANSPORT
    if not isinstance(exc, APIError):
        return str(exc), EXIT_FAILURE
    detail = f"{exc.message} ({exc.status} {exc.code})"
    if isinstance(exc, Unauthorized):
        return (
            f"not authenticated: {detail}; check the profile's client id and secret "
            "(refdesk login)",
            EXIT_UNAUTHORIZED,
        )
    if isinstance(exc, PaymentRequired):
        site = f"site {exc.site_id}" if exc.site_id is not None else "the site"
        return f"{site} has no active subscription: {detail}", EXIT_PAYMENT
    if isinstance(exc, Forbidden):
        return f"forbidden: {detail}", EXIT_FORBIDDEN
    if isinstance(exc, NotFound):
        return f"not found: {detail}", EXIT_NOT_FOUND
    if isinstance(exc, Conflict):
        current = (
            f"; the server's lock_version is now {exc.lock_version}"
            if exc.lock_version is not None
            else ""
        )
        return f"conflict: {detail}{current}; re-read and try again", EXIT_CONFLICT
    if isinstance(exc, ValidationError):
        fields_text = _field_errors(exc.errors)
        return (
            f"validation failed ({exc.status}): {fields_text or exc.message}",
            EXIT_VALIDATION,
        )
    if isinstance(exc, RateLimited):
        wait = f"; retry in {exc.retry_after} s" if exc.retry_after is not None else ""
        return f"rate limited: {detail}{wait}", EXIT_RATE_LIMITED
    if isinstance(exc, ServiceUnavailable):
        wait = f"; retry in {exc.retry_after} s" if exc.retry_after is not None else ""
        return f"service unavailable: {detail}{wait}", EXIT_SERVER
    if isinstance(exc, ServerError):
        request_id = f" [request id {exc.request_id}]" if exc.request_id else ""
        return f"server error: {detail}{request_id}", EXIT_SERVER
    return f"request failed: {detail}", EXIT_FAILURE


def row_error(exc: Exception) -> str:
    """A short message for one failed row of an import (no exit)."""
    if isinstance(exc, ValidationError) and exc.errors:
        return _field_errors(exc.errors)
    if isinstance(exc, RefdeskError):
        return describe_error(exc)[0]
    return str(exc)


@contextmanager
def api_errors() -> Iterator[None]:
    """SDK and CLI failures become one ``Error: ...`` line and the exit code above."""
    try:
        yield
    except CliError as exc:
        fail(exc.message, exc.code)
    except RefdeskError as exc:
        message, code = describe_error(exc)
        fail(message, code)
