"""Typed inputs of venues and zones (contract §18.1), parsed from the wire by their tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from refdesk.server.errors import ErrorCollector
from refdesk.server.fields import INVALID, read_lock_version, read_str
from refdesk.server.inputs import UNSET, Body, Field, Unset, problems_of
from refdesk.server.reference.schemas import NAME, ReferenceWrite, read_body

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


@dataclass(frozen=True, kw_only=True)
class ZoneWrite(ReferenceWrite):
    location: str | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class VenueWrite(ReferenceWrite):
    """An address (each part optional), a position and a zone; ``lock_version`` compares."""

    street_1: str | Unset | None = UNSET
    street_2: str | Unset | None = UNSET
    city: str | Unset | None = UNSET
    state_or_province: str | Unset | None = UNSET
    postal: str | Unset | None = UNSET
    country: str | Unset | None = UNSET
    latitude: float | Unset | None = UNSET
    longitude: float | Unset | None = UNSET
    zone_id: int | Unset | None = UNSET


ZONE_BODY = Body("Zone", (NAME, Field("location", max_length=255)), root="zone")
VENUE_BODY = Body(
    "Venue",
    (
        NAME,
        Field("street_1", max_length=90, aliases=("street1", "address", "address1")),
        Field("street_2", max_length=90, aliases=("street2", "address2")),
        Field("city", max_length=90),
        Field("state_or_province", max_length=90, aliases=("state",)),
        Field("postal", max_length=20, aliases=("postal_code", "zip")),
        Field("country", max_length=2, description="ISO 3166-1 alpha-2 code"),
        Field("latitude", "number", minimum=-90, maximum=90),
        Field("longitude", "number", minimum=-180, maximum=180),
        Field("zone_id", "id", "A zone of the same site"),
        Field("lock_version", "integer", "Optimistic lock (§12); compared on update"),
    ),
    root="venue",
)


def parse_zone(data: dict[str, Any]) -> ZoneWrite:
    errors = ErrorCollector()
    values = read_body(data, ZONE_BODY, errors)
    return ZoneWrite(**values, problems=problems_of(errors))


def _read_country(data: dict[str, Any], errors: ErrorCollector) -> str | Unset | None:
    if "country" not in data:
        return UNSET
    country = read_str(data["country"], "country", errors, 2)
    if country is INVALID:
        return UNSET
    if country is not None and not _COUNTRY.match(country):
        errors.add("country", "is invalid")
        return UNSET
    return country.upper() if country else None


def _read_lock_version(data: dict[str, Any], errors: ErrorCollector) -> int | Unset:
    value = read_lock_version(data, errors)
    return UNSET if value is None else value


def parse_venue(data: dict[str, Any]) -> VenueWrite:
    errors = ErrorCollector()
    values = read_body(
        data,
        VENUE_BODY,
        errors,
        {"country": _read_country, "lock_version": _read_lock_version},
    )
    return VenueWrite(**values, problems=problems_of(errors))
