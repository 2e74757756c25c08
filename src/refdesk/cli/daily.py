"""Daily-work commands over the API: login and profiles, sites, assignments, statements.
They talk HTTP through the SDK (``refdesk.client``) and never import the server. Games live in
:mod:`refdesk.cli.games`, availability in :mod:`refdesk.cli.availability`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from refdesk.cli.common import fail
from refdesk.cli.output import (
    EXIT_CONFIG,
    Column,
    OutputFormat,
    api_errors,
    emit,
    emit_one,
    field,
)
from refdesk.cli.profiles import (
    DEFAULT_PROFILE,
    Profile,
    config_path,
    read_profiles,
    save_profile,
)
from refdesk.cli.session import OutputOption, ProfileOption, client_for, open_client
from refdesk.client import Resource

sites_app = typer.Typer(help="Sites you belong to.", no_args_is_help=True)


def iso(value: datetime | None) -> str | None:
    return value.date().isoformat() if value is not None else None


def search(**values: Any) -> dict[str, Any]:
    """``search[name]`` query parameters for the values that are set."""
    return {f"search[{k}]": v for k, v in values.items() if v is not None}


def person(item: Mapping[str, Any] | None) -> str:
    if not item:
        return ""
    return " ".join(str(item.get(k) or "") for k in ("first_name", "last_name")).strip()


def official_name(assignment: Resource) -> str:
    official = assignment.embedded_one("official")
    if official is not None:
        return f"{person(official)} ({official.get('id')})"
    official_id = assignment.get("official_id")
    return "" if official_id is None else str(official_id)


# -- login and profiles -----------------------------------------------------------------------


def login(
    url: Annotated[
        str,
        typer.Option(
            prompt="API URL (e.g. https://refdesk.example.org/api/v2)",
            help="API base URL (a bare origin gets /api/v2).",
        ),
    ],
    client_id: Annotated[str, typer.Option(prompt="Client id", help="OAuth client id.")],
    client_secret: Annotated[
        str,
        typer.Option(
            prompt="Client secret",
            hide_input=True,
            help="OAuth client secret (prompted without echo when omitted).",
        ),
    ],
    token_url: Annotated[
        str | None,
        typer.Option(help="Token endpoint (default: /oauth/token on the API's origin)."),
    ] = None,
    scope: Annotated[
        str | None, typer.Option(help="Scopes to ask for (default: read write).")
    ] = None,
    ca_file: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            resolve_path=True,
            help="CA certificate to trust (the local CA of `refdesk serve`).",
        ),
    ] = None,
    profile: Annotated[str, typer.Option("--profile", "-p", help="Profile name.")] = (
        DEFAULT_PROFILE
    ),
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Verify the credentials first.")
    ] = True,
) -> None:
    """Store connection values in a profile of the per-user config file (mode 0600)."""
    entered = Profile(
        name=profile,
        url=url.strip(),
        token_url=token_url,
        client_id=client_id.strip(),
        client_secret=client_secret,
        scope=scope,
        ca_file=str(ca_file) if ca_file is not None else None,
    )
    who = ""
    with api_errors():
        if check:
            with client_for(entered) as client:
                account = client.get("current_account")
            who = f" as {account.get('name') or account.get('login')}"
        path = save_profile(entered)
    typer.echo(f"logged in to {entered.url}{who}; profile {profile!r} saved to {path}")


def profiles() -> None:
    """List the profiles of the config file (secrets are never shown)."""
    with api_errors():
        path = config_path()
        found = read_profiles(path)
    if not found:
        fail(f"no profiles in {path}; run `refdesk login`", EXIT_CONFIG)
    typer.echo(f"profiles in {path}:")
    for name in sorted(found):
        shown = found[name].describe()
        values = ", ".join(f"{k}={v}" for k, v in shown.items())
        typer.echo(f"  {name}: {values}")


# -- sites -------------------------------------------------------------------------------------

SITE_COLUMNS = [
    field("id"),
    field("name"),
    field("timezone"),
    field("subscription_status", "subscription"),
]


@sites_app.command("list")
def sites_list(profile: ProfileOption = None, output: OutputOption = OutputFormat.table) -> None:
    """The sites where you have a user."""
    with api_errors(), open_client(profile) as client:
        items = list(client.paginate("sites", "sites"))
    emit(items, SITE_COLUMNS, output, title="Sites", empty="no sites")


# -- assignments -------------------------------------------------------------------------------

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
    profile: str | None, output: OutputFormat, path: str, body: Mapping[str, Any] | None, what: str
) -> None:
    with api_errors(), open_client(profile) as client:
        result = client.post(path, dict(body) if body is not None else {})
    if result is None:  # pragma: no cover - the contract answers 200 with the assignment
        typer.echo(what)
        return
    emit_one(result, ASSIGNMENT_COLUMNS, output, title=what)


def assign(
    assignment_id: Annotated[int, typer.Argument(help="Assignment (slot) id.", min=1)],
    user_id: Annotated[int, typer.Argument(help="User id of the official.", min=1)],
    accepted: Annotated[
        bool, typer.Option("--accepted", help="Record the official's acceptance too.")
    ] = False,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Put an official on a slot (replacing any holder)."""
    body: dict[str, Any] = {"user_id": user_id}
    if accepted:
        body["accepted"] = True
    _assignment_action(
        profile,
        output,
        f"assignments/{assignment_id}/assign",
        body,
        f"assigned user {user_id} to assignment {assignment_id}",
    )


def unassign(
    assignment_id: Annotated[int, typer.Argument(help="Assignment (slot) id.", min=1)],
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Vacate a slot."""
    _assignment_action(
        profile,
        output,
        f"assignments/{assignment_id}/unassign",
        None,
        f"assignment {assignment_id} is vacant",
    )


def accept(
    assignment_id: Annotated[int, typer.Argument(help="Assignment (slot) id.", min=1)],
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Accept a slot (as its official, or for them as assignor/manager)."""
    _assignment_action(
        profile,
        output,
        f"assignments/{assignment_id}/accept",
        None,
        f"accepted assignment {assignment_id}",
    )


def decline(
    assignment_id: Annotated[int, typer.Argument(help="Assignment (slot) id.", min=1)],
    reason: Annotated[str | None, typer.Option(help="Why (max 500 characters).")] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Decline a slot."""
    _assignment_action(
        profile,
        output,
        f"assignments/{assignment_id}/decline",
        {"reason": reason} if reason else None,
        f"declined assignment {assignment_id}",
    )


def candidates(
    assignment_id: Annotated[int, typer.Argument(help="Assignment (slot) id.", min=1)],
    query: Annotated[str | None, typer.Option(help="Name substring.")] = None,
    ok_only: Annotated[
        bool, typer.Option("--ok", help="Only candidates without blocking conflicts.")
    ] = False,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Officials who could fill a slot, with their conflict codes (best first)."""
    params = search(query=query, ok="true" if ok_only else None)
    with api_errors(), open_client(profile) as client:
        items = list(
            client.paginate(f"assignments/{assignment_id}/candidates", "candidates", params=params)
        )
    emit(
        items,
        CANDIDATE_COLUMNS,
        output,
        title=f"Candidates for assignment {assignment_id}",
        empty="no candidates",
    )


# -- statements --------------------------------------------------------------------------------

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
    path = f"sites/{site}/statements" if site is not None else "statements"
    with api_errors(), open_client(profile) as client:
        items = list(client.paginate(path, "statements"))
    emit(items, STATEMENT_COLUMNS, output, title="Statements", empty="no statements")


def register(app: typer.Typer) -> None:
    """Add these commands to the ``refdesk`` app."""
    app.command()(login)
    app.command()(profiles)
    app.add_typer(sites_app, name="sites")
    app.command()(assign)
    app.command()(unassign)
    app.command()(candidates)
    app.command()(accept)
    app.command()(decline)
    app.command()(statements)
