"""Venue and zone kinds (contract §18.1)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.fields import INVALID, is_blank, read_number, read_str
from refdesk.server.reference.common import (
    base_fields,
    read_name,
    read_optional_str,
    read_reference,
    self_links,
    stamps,
)
from refdesk.server.reference.kinds import Changes, Kind, WriteContext
from refdesk.server.sites.models import Site
from refdesk.server.venues.models import Venue, Zone

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


async def read_zone(ctx: WriteContext, data: dict[str, Any]) -> Changes:
    columns: dict[str, Any] = {}
    await read_name(ctx, data, Zone, columns)
    read_optional_str(ctx, data, "location", 255, columns)
    return Changes(columns)


def represent_zone(zone: Zone, site: Site, base: str, _extra: Any) -> dict[str, Any]:
    return {
        **base_fields(zone, site),
        "location": zone.location,
        **stamps(zone, site),
        "_links": self_links(base, "zones", "zone", zone.id),
    }


async def clear_zone(session: AsyncSession, zone: Zone) -> None:
    await session.execute(update(Venue).where(Venue.zone_id == zone.id).values(zone_id=None))


async def read_venue(ctx: WriteContext, data: dict[str, Any]) -> Changes:
    columns: dict[str, Any] = {}
    await read_name(ctx, data, Venue, columns)
    read_optional_str(
        ctx, data, "street_1", 90, columns, aliases=("street1", "address", "address1")
    )
    read_optional_str(ctx, data, "street_2", 90, columns, aliases=("street2", "address2"))
    read_optional_str(ctx, data, "city", 90, columns)
    read_optional_str(ctx, data, "state_or_province", 90, columns, aliases=("state",))
    read_optional_str(ctx, data, "postal", 20, columns, aliases=("postal_code", "zip"))
    if "country" in data:
        country = read_str(data["country"], "country", ctx.errors, 2)
        if country is not INVALID:
            if country is not None and not _COUNTRY.match(country):
                ctx.errors.add("country", "is invalid")
            else:
                columns["country"] = country.upper() if country else None
    for field, bound in (("latitude", 90.0), ("longitude", 180.0)):
        if field in data:
            if is_blank(data[field]):
                columns[field] = None
            else:
                value = read_number(data[field], field, ctx.errors, -bound, bound)
                if value is not INVALID:
                    columns[field] = value
    await read_reference(ctx, data, "zone_id", Zone, columns)
    return Changes(columns)


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


ZONES = Kind("zones", "zone", "zone", Zone, read_zone, represent_zone, before_delete=clear_zone)
VENUES = Kind("venues", "venue", "venue", Venue, read_venue, represent_venue, versioned=True)
