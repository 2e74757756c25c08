"""``refdesk messages``: e-mail users of a site, and read what was sent (over the API, through
the SDK's ``client.messages``)."""

from __future__ import annotations

import sys
import uuid
from typing import Annotated

import typer

from refdesk.cli.output import Column, OutputFormat, api_errors, emit, emit_one, field
from refdesk.cli.session import OutputOption, ProfileOption, open_client

messages_app = typer.Typer(help="Messages to users of a site.", no_args_is_help=True)

LIST_COLUMNS = [
    field("id"),
    field("created"),
    field("subject"),
    Column("recipients", lambda m: len(m.get("recipient_ids") or [])),
    field("sender_id", "sender"),
    field("delivery_status", "delivery"),
]
SHOW_COLUMNS = [
    *LIST_COLUMNS[:3],
    field("recipient_ids", "recipient ids"),
    *LIST_COLUMNS[4:],
    field("body"),
]

SiteOption = Annotated[int, typer.Option("--site", help="Site id.", min=1, show_default=False)]


def recipient_ids(values: list[str]) -> list[int]:
    """``--to 12,13 --to 14`` as user ids (a usage error names what is not an id)."""
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            text = part.strip()
            if not text:
                continue
            if not text.isascii() or not text.isdigit() or int(text) < 1:
                raise typer.BadParameter(f"{text!r} is not a user id", param_hint="'--to'")
            ids.append(int(text))
    if not ids:
        raise typer.BadParameter("give at least one user id", param_hint="'--to'")
    return ids


def read_body() -> str:
    """The message body from standard input (until end of file)."""
    stdin = typer.get_text_stream("stdin")
    if stdin.isatty():
        print("Type the message; end it with Ctrl-D.", file=sys.stderr)
    return stdin.read()


@messages_app.command("send")
def messages_send(
    site: SiteOption,
    to: Annotated[
        list[str],
        typer.Option(
            "--to", help="Recipient user ids, comma-separated (repeatable).", show_default=False
        ),
    ],
    subject: Annotated[str, typer.Option(help="Subject (max 200).", show_default=False)],
    body: Annotated[
        str | None, typer.Option(help="Plain-text body (max 20000); default: standard input.")
    ] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """E-mail users of a site (assignors, managers); the server sends it asynchronously."""
    ids = recipient_ids(to)
    text = body if body is not None else read_body()
    # One key per command: the SDK's retries of this POST can never send the message twice.
    key = str(uuid.uuid4())
    with api_errors(), open_client(profile) as client:
        sent = client.messages.send(
            site, recipient_ids=ids, subject=subject, body=text, idempotency_key=key
        )
    emit_one(sent, SHOW_COLUMNS, output, title="Message sent")


@messages_app.command("list")
def messages_list(
    site: SiteOption,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """A site's messages, newest first."""
    with api_errors(), open_client(profile) as client:
        items = list(client.messages.iter(site))
    emit(items, LIST_COLUMNS, output, title=f"Messages of site {site}", empty="no messages")


@messages_app.command("show")
def messages_show(
    message_id: Annotated[int, typer.Argument(help="Message id.", min=1)],
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """One message, with its recipients and body."""
    with api_errors(), open_client(profile) as client:
        found = client.messages.get(message_id)
    emit_one(found, SHOW_COLUMNS, output, title=f"Message {message_id}")
