"""Subscription rules (contract §7.6)."""

from __future__ import annotations

from datetime import datetime

from refdesk.server.sites.models import Site
from refdesk.server.timefmt import zone

SUBSCRIPTION_STATUSES = ("active", "trial", "expired", "suspended")


def site_today(site: Site) -> datetime:
    return datetime.now(zone(site.timezone))


def subscription_active(site: Site) -> bool:
    if site.subscription_status not in ("active", "trial"):
        return False
    return site.expires_on is None or site.expires_on >= site_today(site).date()
