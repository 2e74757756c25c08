"""Statement documents (contract §18.3)."""

from __future__ import annotations

from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.money import amount_json, formatted
from refdesk.server.sites.models import Site
from refdesk.server.sites.representation import site_summary
from refdesk.server.statements.models import Statement, StatementLine
from refdesk.server.statements.service import Statements
from refdesk.server.timefmt import localized_date, timestamp
from refdesk.server.users.models import User
from refdesk.server.users.representation import user_summary


def statement_repr(
    statement: Statement, lines: list[StatementLine], official: User | None, site: Site, base: str
) -> dict[str, Any]:
    embedded: dict[str, Any] = {"site": site_summary(site, base)}
    if official is not None:
        embedded["official"] = user_summary(official, site, base)
    return {
        "id": statement.id,
        "statement_date": statement.statement_date.isoformat(),
        "description": statement.description,
        "status": statement.status,
        "amount": amount_json(statement.amount),
        "amount_paid": amount_json(statement.amount_paid),
        "currency": site.currency,
        "formatted_amount": formatted(statement.amount, site.currency),
        "formatted_amount_paid": formatted(statement.amount_paid, site.currency),
        "payor_name": site.name,
        "line_items": [
            {
                "assignment_id": line.assignment_id,
                "game_id": line.game_id,
                "localized_date": localized_date(line.local_date),
                "description": line.description,
                "amount": amount_json(line.amount),
            }
            for line in lines
        ],
        "created": timestamp(statement.created, site.timezone),
        "updated": timestamp(statement.updated, site.timezone),
        "_links": {"self": link(base, f"/statements/{statement.id}", "statement")},
        "_embedded": embedded,
    }


def statements_repr(found: Statements, base: str) -> list[dict[str, Any]]:
    """The documents of statements loaded with their lines, officials and sites."""
    return [
        statement_repr(
            s,
            found.lines.get(s.id, []),
            found.officials.get(s.user_id),
            found.members[s.site_id].site,
            base,
        )
        for s in found.statements
    ]
