"""The ``refdesk`` command line (Typer + Rich): wires the commands of :mod:`refdesk.cli.commands`,
one module per noun, into one app.

Server commands (``serve``, ``db``, ``maintenance``, ``demo``, ``admin``) import the server
inside the command body, so importing this module needs only typer and rich. Settings come from
``REFDESK_*`` environment variables; command-line flags override them. Daily-work commands
(login, sites, games, assignments, auto-assign, availability, statements, webhooks, messages,
calendar) talk HTTP through the SDK's typed helpers and never import the server.
"""

from __future__ import annotations

import typer

from refdesk.cli.commands import (
    admin,
    assignments,
    auto_assign,
    availability,
    calendar,
    db,
    demo,
    games,
    login,
    messages,
    serve,
    sites,
    statements,
    webhooks,
    worker,
)

app = typer.Typer(
    name="refdesk",
    help="refdesk: a self-hostable, Assignr API v2 compatible officials-assigning server.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    # Plain click formatting: a usage error ends in one "Error: ..." line, not a wrapped box.
    rich_markup_mode=None,
)

# Commands, in the order `refdesk --help` lists them.
app.command()(login.login)
app.command()(login.profiles)
app.command()(assignments.assign)
app.command()(assignments.unassign)
app.command()(assignments.candidates)
app.command()(assignments.accept)
app.command()(assignments.decline)
app.command(name="auto-assign")(auto_assign.auto_assign)
app.command()(statements.statements)
app.command()(serve.serve)
app.command()(worker.worker)
app.command()(admin.maintenance)

# Groups of sub-commands.
app.add_typer(db.db_app, name="db")
app.add_typer(demo.demo_app, name="demo")
app.add_typer(admin.admin_app, name="admin")
app.add_typer(sites.sites_app, name="sites")
app.add_typer(availability.availability_app, name="availability")
app.add_typer(games.games_app, name="games")
app.add_typer(webhooks.webhooks_app, name="webhooks")
app.add_typer(messages.messages_app, name="messages")
app.add_typer(calendar.calendar_app, name="calendar")


def main() -> None:  # pragma: no cover - console-script style entry
    app(prog_name="refdesk")
