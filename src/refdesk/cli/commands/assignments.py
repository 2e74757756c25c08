"""``refdesk assign``, ``unassign``, ``accept``, ``decline`` and ``candidates``: the slots of
games (top-level commands, as they were before the CLI was split by noun)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from refdesk.cli.output import (
    Column,
    OutputFormat,
    api_errors,
    emit,
    emit_one,
    field,
    official_name,
    person,
)
from refdesk.cli.session import OutputOption, ProfileOption, open_client
from refdesk.client import Client, Resource

AssignmentId = Annotated[int, typer.Argument(help="Assignment (slot) id.", min=1)]

ASSIGNMENT_COLUMNS = [
    field("id"),
    field("game_id", "game"),
    field("position"),
    Column("official", lambda a: official_name(Resource(a))),
    field("assigned"),
    field("accepted"),
    field("declined"),
    field("decline_reason", "reason"),
    field("lock_version"),
]

CANDIDATE_COLUMNS = [
    field("user_id", "user"),
    Column("name", person),
    Column("ok", lambda c: "OK" if c.get("ok") else "no"),
    Column("conflicts", lambda c: " ".join(c.get("conflicts") or [])),
    field("requested"),
    field("current"),
    field("games_same_day", "same day"),
]


def _assignment_action(
    profile: str | None, output: OutputFormat, action: Callable[[Client], Resource], what: str
) -> None:
    with api_errors(), open_client(profile) as client:
        result = action(client)
    emit_one(result, ASSIGNMENT_COLUMNS, output, title=what)


def assign(
    assignment_id: AssignmentId,
    user_id: Annotated[int, typer.Argument(help="User id of the official.", min=1)],
    accepted: Annotated[
        bool, typer.Option("--accepted", help="Record the official's acceptance too.")
    ] = False,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Put an official on a slot (replacing any holder)."""
    _assignment_action(
        profile,
        output,
        lambda c: c.assignments.assign(assignment_id, user_id, accepted=accepted or None),
        f"assigned user {user_id} to assignment {assignment_id}",
    )


def unassign(
    assignment_id: AssignmentId,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Vacate a slot."""
    _assignment_action(
        profile,
        output,
        lambda c: c.assignments.unassign(assignment_id),
        f"assignment {assignment_id} is vacant",
    )


def accept(
    assignment_id: AssignmentId,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Accept a slot (as its official, or for them as assignor/manager)."""
    _assignment_action(
        profile,
        output,
        lambda c: c.assignments.accept(assignment_id),
        f"accepted assignment {assignment_id}",
    )


def decline(
    assignment_id: AssignmentId,
    reason: Annotated[str | None, typer.Option(help="Why (max 500 characters).")] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Decline a slot."""
    _assignment_action(
        profile,
        output,
        lambda c: c.assignments.decline(assignment_id, reason=reason or None),
        f"declined assignment {assignment_id}",
    )


def candidates(
    assignment_id: AssignmentId,
    query: Annotated[str | None, typer.Option(help="Name substring.")] = None,
    ok_only: Annotated[
        bool, typer.Option("--ok", help="Only candidates without blocking conflicts.")
    ] = False,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Officials who could fill a slot, with their conflict codes (best first)."""
    with api_errors(), open_client(profile) as client:
        found = client.assignments.iter_candidates(
            assignment_id, query=query, ok=True if ok_only else None
        )
        items = list(found)
    emit(
        items,
        CANDIDATE_COLUMNS,
        output,
        title=f"Candidates for assignment {assignment_id}",
        empty="no candidates",
    )
