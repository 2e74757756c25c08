"""How the pages name a game and a moment: "Home vs Away", the venue with its field, the age
group · league line, a time in the site's zone with Today/Tomorrow, and the ``?page=`` of a
listing. Display only: every value comes from the games' bundle (``games.bundle``)."""

from __future__ import annotations

from datetime import datetime

from refdesk.server.games.bundle import Bundle
from refdesk.server.games.models import Game
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today
from refdesk.server.timefmt import localized_time, zone
from refdesk.server.web.home import day_label

MAX_PAGE = 1000


def page_number(raw: str | None) -> int:
    """``?page=`` of a listing: a positive number (at most :data:`MAX_PAGE`), else 1."""
    if raw and raw.isdigit() and len(raw) <= 4:
        return min(max(int(raw), 1), MAX_PAGE)
    return 1


def moment(value: datetime, site: Site) -> str:
    """``Saturday 5 December 2026, 9:00 AM`` (with Today/Tomorrow) in the site's zone."""
    local = value.astimezone(zone(site.timezone))
    return f"{day_label(local.date(), site_today(site).date())}, {localized_time(local)}"


def teams(bundle: Bundle, game: Game) -> str:
    home = bundle.name("team", game.home_team_id) or "?"
    away = bundle.name("team", game.away_team_id) or "?"
    return f"{home} vs {away}"


def venue(bundle: Bundle, game: Game) -> str:
    """The venue's name, with the field (``subvenue``) in brackets."""
    found = bundle.venues.get(game.venue_id)
    name = found.name if found is not None else ""
    return name + (f" ({game.subvenue})" if game.subvenue else "")


def details(bundle: Bundle, game: Game, *, gender: bool = False) -> str:
    """``U12 · Spring League`` (and the gender when asked)."""
    names = [bundle.name("age_group", game.age_group_id), bundle.name("league", game.league_id)]
    if gender:
        names.append(bundle.name("gender", game.gender_id))
    return " · ".join(n for n in names if n)
