"""``refdesk statements``: statements paid to you, or a site's statements."""

from __future__ import annotations

from typing import Annotated

import typer

from refdesk.cli.output import Column, OutputFormat, api_errors, emit, field, person
from refdesk.cli.session import OutputOption, ProfileOption, open_client
from refdesk.client import Resource

STATEMENT_COLUMNS = [
    field("id"),
    field("statement_date", "date"),
    field("payor_name", "payor"),
    Column("official", lambda s: person(Resource(s).embedded_one("official"))),
    field("description"),
    field("status"),
    field("formatted_amount", "amount"),
    field("formatted_amount_paid", "paid"),
]


def statements(
    site: Annotated[
        int | None, typer.Option(help="A site's statements (assignors/managers).", min=1)
    ] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Statements paid to you, or with --site a site's statements."""
    with api_errors(), open_client(profile) as client:
        found = client.statements.iter(site) if site is not None else client.statements.iter_mine()
        items = list(found)
    emit(items, STATEMENT_COLUMNS, output, title="Statements", empty="no statements")
