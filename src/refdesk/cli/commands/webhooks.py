"""``refdesk webhooks``: a site's webhook subscriptions and their delivery log (over the API,
through the SDK's ``client.webhooks``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import typer

from refdesk.cli.common import fail
from refdesk.cli.output import OutputFormat, api_errors, emit, emit_one, field
from refdesk.cli.session import OutputOption, ProfileOption, open_client

webhooks_app = typer.Typer(
    help="Webhook subscriptions of the sites where you are assignor.", no_args_is_help=True
)

SUBSCRIPTION_COLUMNS = [
    field("id"),
    field("site_id", "site"),
    field("target_url", "url"),
    field("event_types", "events"),
    field("active"),
    field("description"),
    field("consecutive_failures", "failures"),
    field("last_delivery_at", "last delivery"),
    field("last_delivery_status", "last status"),
]
SECRET_COLUMNS = [*SUBSCRIPTION_COLUMNS, field("secret")]
DELIVERY_COLUMNS = [
    field("id"),
    field("created", "time"),
    field("event_id", "event"),
    field("topic"),
    field("attempt"),
    field("status_code", "status"),
    field("duration_ms", "ms"),
    field("error"),
]
SECRET_NOTE = "keep the secret now: it is not shown again (rotate-secret makes a new one)"

SubscriptionId = Annotated[int, typer.Argument(help="Subscription id.", min=1)]
UrlOption = Annotated[
    str | None, typer.Option("--url", help="Target URL (https; no private addresses).")
]
EventsOption = Annotated[
    str | None,
    typer.Option("--events", help='Comma-separated topics (game.created,...) or "*" for all.'),
]
DescriptionOption = Annotated[str | None, typer.Option(help="Label (max 255).")]


def _topics(events: str | None) -> list[str] | None:
    if events is None:
        return None
    return [topic.strip() for topic in events.split(",") if topic.strip()]


def _fields(
    url: str | None, events: str | None, description: str | None, active: bool | None
) -> dict[str, Any]:
    values = {
        "target_url": url,
        "event_types": _topics(events),
        "description": description,
        "active": active,
    }
    return {name: value for name, value in values.items() if value is not None}


@webhooks_app.command("list")
def webhooks_list(
    site: Annotated[int | None, typer.Option(help="Only this site's subscriptions.", min=1)] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Subscriptions of every site where you are assignor (or of --site)."""
    with api_errors(), open_client(profile) as client:
        items = list(client.webhooks.iter(site))
    emit(
        items, SUBSCRIPTION_COLUMNS, output, title="Webhook subscriptions", empty="no subscriptions"
    )


@webhooks_app.command("create")
def webhooks_create(
    url: Annotated[str, typer.Option("--url", help="Target URL (https; no private addresses).")],
    events: Annotated[
        str, typer.Option("--events", help='Comma-separated topics, or "*" for all.')
    ],
    site: Annotated[
        int | None, typer.Option(help="Site (needed unless you are assignor of one site).", min=1)
    ] = None,
    description: DescriptionOption = None,
    inactive: Annotated[bool, typer.Option("--inactive", help="Create it switched off.")] = False,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Subscribe a URL to a site's events; prints the signing secret (once)."""
    fields = _fields(url, events, description, False if inactive else None)
    with api_errors(), open_client(profile) as client:
        # A key makes the POST safe to retry: a replay answers with the same subscription.
        created = client.webhooks.create(fields, site_id=site, idempotency_key=uuid.uuid4().hex)
    emit_one(created, SECRET_COLUMNS, output, title="Webhook subscription created")
    if output is OutputFormat.table:
        typer.echo(SECRET_NOTE, err=True)


@webhooks_app.command("update")
def webhooks_update(
    subscription_id: SubscriptionId,
    url: UrlOption = None,
    events: EventsOption = None,
    description: DescriptionOption = None,
    active: Annotated[
        bool | None,
        typer.Option(
            "--active/--inactive",
            help="Switch on (resets the failure count) or off.",
            show_default=False,
        ),
    ] = None,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Change a subscription's URL, topics, description or state."""
    fields = _fields(url, events, description, active)
    if not fields:
        fail("nothing to change: give --url, --events, --description, --active or --inactive", 2)
    with api_errors(), open_client(profile) as client:
        updated = client.webhooks.update(subscription_id, fields)
    emit_one(updated, SUBSCRIPTION_COLUMNS, output, title="Webhook subscription updated")


@webhooks_app.command("delete")
def webhooks_delete(subscription_id: SubscriptionId, profile: ProfileOption = None) -> None:
    """Delete a subscription and its delivery log."""
    with api_errors(), open_client(profile) as client:
        client.webhooks.delete(subscription_id)
    typer.echo(f"deleted webhook subscription {subscription_id}")


@webhooks_app.command("ping")
def webhooks_ping(subscription_id: SubscriptionId, profile: ProfileOption = None) -> None:
    """Queue a ping event to this subscription (see `deliveries` for the outcome)."""
    with api_errors(), open_client(profile) as client:
        client.webhooks.ping(subscription_id)
    typer.echo(f"ping queued for webhook subscription {subscription_id}")


@webhooks_app.command("rotate-secret")
def webhooks_rotate_secret(
    subscription_id: SubscriptionId,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """A new signing secret, in force at once; prints it (once)."""
    with api_errors(), open_client(profile) as client:
        rotated = client.webhooks.rotate_secret(subscription_id)
    emit_one(rotated, SECRET_COLUMNS, output, title="Webhook secret rotated")
    if output is OutputFormat.table:
        typer.echo(SECRET_NOTE, err=True)


@webhooks_app.command("deliveries")
def webhooks_deliveries(
    subscription_id: SubscriptionId,
    profile: ProfileOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Delivery attempts of the last 30 days, newest first."""
    with api_errors(), open_client(profile) as client:
        items = list(client.webhooks.iter_deliveries(subscription_id))
    emit(
        items,
        DELIVERY_COLUMNS,
        output,
        title=f"Deliveries of webhook subscription {subscription_id}",
        empty="no deliveries",
    )
