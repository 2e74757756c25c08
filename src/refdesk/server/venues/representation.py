"""Venue and zone kinds on the wire (contract §18.1)."""

from __future__ import annotations

from typing import Any

from refdesk.server.reference.kinds import Kind
from refdesk.server.reference.representation import base_fields, self_links, stamps
from refdesk.server.sites.models import Site
from refdesk.server.venues.models import Venue, Zone
from refdesk.server.venues.schemas import VENUE_BODY, ZONE_BODY, parse_venue, parse_zone
from refdesk.server.venues.service import clear_zone


def represent_zone(zone: Zone, site: Site, base: str, _extra: Any) -> dict[str, Any]:
    return {
        **base_fields(zone, site),
        "location": zone.location,
        **stamps(zone, site),
        "_links": self_links(base, "zones", "zone", zone.id),
    }


def represent_venue(venue: Venue, site: Site, base: str, _extra: Any) -> dict[str, Any]:
    return {
        **base_fields(venue, site),
        "street_1": venue.street_1,
        "street_2": venue.street_2,
        "city": venue.city,
        "state_or_province": venue.state_or_province,
        "postal": venue.postal,
        "country": venue.country,
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "zone_id": venue.zone_id,
        "lock_version": venue.lock_version,
        **stamps(venue, site),
        "_links": self_links(base, "venues", "venue", venue.id),
    }


ZONES = Kind(
    "zones",
    "zone",
    "zone",
    Zone,
    parse_zone,
    ZONE_BODY,
    represent_zone,
    before_delete=clear_zone,
)
VENUES = Kind(
    "venues",
    "venue",
    "venue",
    Venue,
    parse_venue,
    VENUE_BODY,
    represent_venue,
    references=(("zone_id", Zone),),
    versioned=True,
)
