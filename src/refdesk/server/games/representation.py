"""Game and assignment wire format (contract §16.3, §16.4) for one viewer."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.api.hal import link
from refdesk.server.api.pagination import collection
from refdesk.server.games.bundle import (
    AssignmentLike,
    Bundle,
    GameLike,
    PositionRef,
    load_bundle,
)
from refdesk.server.games.lists import Listing
from refdesk.server.games.models import is_cancelled
from refdesk.server.money import amount_json, formatted
from refdesk.server.sites.access import Membership
from refdesk.server.sites.models import Site
from refdesk.server.sites.representation import site_summary
from refdesk.server.timefmt import localized_date, localized_time, timestamp, zone
from refdesk.server.users.representation import user_summary
from refdesk.server.venues.representation import represent_venue, represent_zone


@dataclass(frozen=True)
class Viewer:
    """The caller as seen from one site: its membership decides what is shown. The role and
    the profile id are read once: a page asks for them for every game and slot."""

    member: Membership
    admin: bool = field(init=False)
    user_id: int | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "admin", self.member.administers)
        object.__setattr__(self, "user_id", self.member.user.id if self.member.user else None)


@dataclass(frozen=True, slots=True)
class GameFacts:
    """What every slot of one game reads from the game and its site, read once per game."""

    game_id: int
    site: Site
    tz: str
    currency: str
    published: bool
    status: str
    age_group_id: int | None
    pattern_id: int | None
    game_link: dict[str, str]

    @classmethod
    def of(cls, game: GameLike, bundle: Bundle, base: str) -> GameFacts:
        site = bundle.sites[game.site_id]
        return cls(
            game.id,
            site,
            site.timezone,
            site.currency,
            game.published,
            game.status,
            game.age_group_id,
            game.pattern_id,
            link(base, f"/games/{game.id}", "game"),
        )


def public_note_html(note: str | None) -> str | None:
    """§16.3.3: escape, paragraphs on blank lines, ``<br />`` for single newlines."""
    if note is None:
        return None
    text = html.escape(note, quote=True)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = re.split(r"\n{2,}", text)
    return "\n\n".join(f"<p>{p.replace(chr(10), '<br />')}</p>" for p in paragraphs)


def external_id_json(value: str | None) -> int | str | None:
    if value is None:
        return None
    if (
        value.isascii()
        and value.isdigit()
        and (value == "0" or not value.startswith("0"))
        and len(value) <= 16
        and int(value) < 2**53
    ):
        return int(value)
    return value


def assignment_repr(
    assignment: AssignmentLike,
    position: PositionRef,
    game: GameLike,
    bundle: Bundle,
    viewer: Viewer,
    base: str,
    facts: GameFacts | None = None,
) -> dict[str, Any]:
    facts = facts or GameFacts.of(game, bundle, base)
    site = facts.site
    tz = facts.tz
    official_id = assignment.official_id
    admin = viewer.admin
    sees_own = admin or (viewer.user_id is not None and official_id == viewer.user_id)
    body: dict[str, Any] = {
        "id": assignment.id,
        "position_id": position.id,
        "position": position.name,
        "position_abbreviation": position.abbreviation,
        "accepted": assignment.accepted,
        "declined": assignment.declined,
        "assigned": official_id is not None,
        "sort_order": assignment.sort_order,
        "lock_version": assignment.lock_version,
        "game_id": facts.game_id,
        "official_id": official_id,
    }
    if sees_own:
        body["decline_reason"] = assignment.decline_reason
    if admin:
        body["fee"] = amount_json(assignment.fee) if assignment.fee is not None else None
    body["created"] = timestamp(assignment.created, tz)
    body["updated"] = timestamp(assignment.updated, tz)
    # The same hrefs link() builds (§2.4), concatenated once per slot: a page has hundreds.
    own = f"{base}/api/v2/assignments/{assignment.id}"
    links: dict[str, Any] = {
        "self": {"resource-type": "assignment", "href": own + ".json"},
        "game": facts.game_link,
    }
    # accept/decline: held, unanswered, published, and the caller may answer for it.
    answerable = official_id is not None and not (assignment.accepted or assignment.declined)
    if answerable and facts.published and sees_own:
        links["accept"] = {"href": own + "/accept.json"}
        links["decline"] = {"href": own + "/decline.json"}
    if admin:
        links["assign"] = {"href": own + "/assign.json"}
        links["candidates"] = {"href": own + "/candidates.json"}
    body["_links"] = links
    if official_id is not None:
        embedded: dict[str, Any] = {}
        official = bundle.users.get(official_id)
        if official is not None:
            embedded["official"] = bundle.part(
                "user", official.id, site.id, lambda: user_summary(official, site, base)
            )
        if sees_own:
            value = bundle.fee_of(facts, assignment)
            key = (value, facts.currency)
            fees = bundle.fee_parts.get(key)
            if fees is None:
                amount = amount_json(value)
                fees = bundle.fee_parts[key] = [
                    {
                        "value": amount,
                        "formatted": formatted(value, facts.currency),
                        "currency": facts.currency,
                        "description": "Game fee",
                        "game_fees": amount,
                        "travel_fees": 0,
                    }
                ]
            embedded["fees"] = fees
        body["_embedded"] = embedded
    return body


def game_repr(game: GameLike, bundle: Bundle, viewer: Viewer, base: str) -> dict[str, Any]:
    site = bundle.sites[game.site_id]
    tz = site.timezone
    start_local = game.start_time.astimezone(zone(tz))
    end_local = game.end_time.astimezone(zone(tz)) if game.end_time else None
    body: dict[str, Any] = {
        "id": game.id,
        "start_time": timestamp(game.start_time, tz),
        "end_time": timestamp(game.end_time, tz),
        "localized_date": localized_date(start_local.date()),
        "localized_time": localized_time(start_local),
        "localized_end_time": localized_time(end_local) if end_local else None,
        "age_group": bundle.name("age_group", game.age_group_id),
        "home_team": bundle.name("team", game.home_team_id),
        "away_team": bundle.name("team", game.away_team_id),
        "game_type": bundle.name("game_type", game.game_type_id),
        "gender": bundle.name("gender", game.gender_id),
        "league": bundle.name("league", game.league_id),
        "pattern": bundle.name("pattern", game.pattern_id),
        "status": game.status,
        "cancelled": is_cancelled(game.status),
        "published": game.published,
        "user_defined_id": game.user_defined_id,
        "external_id": external_id_json(game.external_id),
        "lock_version": game.lock_version,
        "subvenue": game.subvenue,
        "public_note": game.public_note,
        "public_note_html": public_note_html(game.public_note),
    }
    if viewer.admin:
        body["private_note"] = game.private_note
        body["paid_via"] = game.paid_via
    body.update(
        {
            "time_zone": tz,
            "site_id": game.site_id,
            "venue_id": game.venue_id,
            "age_group_id": game.age_group_id,
            "home_team_id": game.home_team_id,
            "away_team_id": game.away_team_id,
            "league_id": game.league_id,
            "game_type_id": game.game_type_id,
            "gender_id": game.gender_id,
            "pattern_id": game.pattern_id,
            "assignor_id": game.assignor_id,
            "created": timestamp(game.created, tz),
            "updated": timestamp(game.updated, tz),
        }
    )
    links: dict[str, Any] = {
        "self": link(base, f"/games/{game.id}", "game"),
        "site": link(base, f"/sites/{site.id}", "site"),
        "assignments": link(base, f"/games/{game.id}/assignments"),
    }
    if viewer.admin:
        links["unassign"] = link(base, f"/games/{game.id}/unassign")
    body["_links"] = links
    venue = bundle.venues.get(game.venue_id)
    embedded: dict[str, Any] = {}
    if venue is not None:
        embedded["venue"] = bundle.part(
            "venue", venue.id, site.id, lambda: represent_venue(venue, site, base, None)
        )
        zone_ = bundle.zones.get(venue.zone_id) if venue.zone_id is not None else None
        if zone_ is not None:
            embedded["zone"] = bundle.part(
                "zone", zone_.id, site.id, lambda: represent_zone(zone_, site, base, None)
            )
    embedded["site"] = bundle.part("site", site.id, site.id, lambda: site_summary(site, base))
    assignor = bundle.users.get(game.assignor_id) if game.assignor_id is not None else None
    if assignor is not None:
        embedded["assignor"] = bundle.part(
            "user", assignor.id, site.id, lambda: user_summary(assignor, site, base)
        )
    facts = GameFacts.of(game, bundle, base)
    embedded["assignments"] = [
        assignment_repr(a, p, game, bundle, viewer, base, facts)
        for a, p in bundle.slots.get(game.id, [])
    ]
    body["_embedded"] = embedded
    return body


async def game_document(
    session: AsyncSession, game: GameLike, member: Membership, base: str
) -> dict[str, Any]:
    """One game as its caller sees it, with what it embeds loaded in one go."""
    bundle = await load_bundle(session, [game], {member.site.id: member.site})
    return game_repr(game, bundle, Viewer(member), base)


async def game_collection(
    session: AsyncSession,
    listing: Listing,
    base: str,
    path: str,
    filters: dict[str, str],
) -> dict[str, Any]:
    """A page of games (§9.2 envelope), each for the caller's membership in its site."""
    bundle = await load_bundle(session, listing.games, listing.sites)
    items = (game_repr(g, bundle, Viewer(listing.members[g.site_id]), base) for g in listing.games)
    return collection(base, path, "games", items, listing.total, listing.page, filters)
