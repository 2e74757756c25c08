"""Account wire format (contract §15.1)."""

from __future__ import annotations

from typing import Any

from refdesk.server.accounts.models import Account
from refdesk.server.api.hal import link
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
