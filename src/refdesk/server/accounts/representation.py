"""Account and application wire formats (contract §15.1, §15.3)."""

from __future__ import annotations

from typing import Any

from refdesk.server.accounts.models import Account
from refdesk.server.api.hal import link
from refdesk.server.auth.models import Application
from refdesk.server.timefmt import timestamp


def account_repr(account: Account, base: str, tz: str) -> dict[str, Any]:
    return {
        "id": account.id,
        "login": account.login,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "name": account.name,
        "email": account.email,
        "operator": account.operator,
        "created": timestamp(account.created, tz),
        "updated": timestamp(account.updated, tz),
        "_links": {
            "self": link(base, "/current_account", "account"),
            "sites": link(base, "/current_account/sites"),
            "users": link(base, "/current_account/users"),
            "games": link(base, "/current_account/games"),
            "applications": link(base, "/current_account/applications"),
            "calendar": link(base, "/current_account/calendar", "calendar"),
        },
    }


def application_repr(
    application: Application,
    base: str,
    tz: str,
    *,
    secret: str | None = None,
    with_secret: bool = False,
) -> dict[str, Any]:
    """An application; ``client_secret`` is shown (``with_secret``) only by create and
    rotation."""
    path = f"/current_account/applications/{application.id}"
    body: dict[str, Any] = {
        "id": application.id,
        "name": application.name,
        "client_id": application.client_id,
    }
    if with_secret:
        body["client_secret"] = secret
    body.update(
        {
            "confidential": application.confidential,
            "redirect_uris": list(application.redirect_uris or []),
            "scopes": application.scopes,
            "created": timestamp(application.created, tz),
            "updated": timestamp(application.updated, tz),
        }
    )
    links: dict[str, Any] = {"self": link(base, path, "application")}
    if application.confidential:
        links["rotate_secret"] = link(base, f"{path}/rotate_secret")
    body["_links"] = links
    return body
