"""Site wire format (contract §16.1): representation, summary, subscription. The input side is
``schemas.py``."""

from __future__ import annotations

from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import subscription_active
from refdesk.server.sites.schemas import SITE_FLAGS
from refdesk.server.timefmt import bool_string, plain_date, timestamp

SITE_COLLECTIONS = (
    "games",
    "users",
    "venues",
    "zones",
    "age_groups",
    "leagues",
    "teams",
    "game_types",
    "genders",
    "positions",
    "patterns",
    "groups",
    "game_requests",
)


def site_summary(site: Site, base: str) -> dict[str, Any]:
    return {
        "id": site.id,
        "name": site.name,
        "created": timestamp(site.created, site.timezone),
        "updated": timestamp(site.updated, site.timezone),
        "_links": {"self": link(base, f"/sites/{site.id}", "site")},
    }


def site_repr(site: Site, base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": site.id,
        "name": site.name,
        "timezone": site.timezone,
        "sports": list(site.sports or []),
    }
    for flag in SITE_FLAGS:
        body[flag] = bool_string(getattr(site, flag))
    body.update(
        {
            "decline_cutoff_hours": site.decline_cutoff_hours,
            "currency": site.currency,
            # (ext) E-mail notifications (events/schedules.py).
            "reminder_hours": site.reminder_hours,
            "unfilled_digest": bool_string(site.unfilled_digest),
            "digest_hour": site.digest_hour,
            # (ext) The auto-assign's default caps per official (autoassign/service.py).
            "auto_assign_max_games_per_day": site.auto_assign_max_games_per_day,
            "auto_assign_max_games_per_week": site.auto_assign_max_games_per_week,
            "subscription_status": site.subscription_status,
            "created": timestamp(site.created, site.timezone),
            "updated": timestamp(site.updated, site.timezone),
        }
    )
    links: dict[str, Any] = {"self": link(base, f"/sites/{site.id}", "site")}
    for name in SITE_COLLECTIONS:
        links[name] = link(base, f"/sites/{site.id}/{name}")
    # §16.1: the site's extension links are plain {href} objects, the subscription's too.
    links["subscription"] = link(base, f"/sites/{site.id}/subscription")
    body["_links"] = links
    return body


def subscription_repr(site: Site, base: str, officials_count: int) -> dict[str, Any]:
    return {
        "status": site.subscription_status,
        "active": subscription_active(site),
        "plan": site.subscription_plan,
        "official_limit": site.official_limit,
        "officials_count": officials_count,
        "expires_on": plain_date(site.expires_on),
        "updated": timestamp(site.updated, site.timezone),
        "_links": {
            "self": link(base, f"/sites/{site.id}/subscription", "subscription"),
            "site": link(base, f"/sites/{site.id}", "site"),
        },
    }
