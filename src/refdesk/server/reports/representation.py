"""Game report documents (contract §18.4), and the game summary embedded by reports and
form submissions."""

from __future__ import annotations

from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.games.bundle import Bundle
from refdesk.server.games.models import Game
from refdesk.server.games.representation import public_note_html
from refdesk.server.reports.models import GameReport, GameReportOfficial
from refdesk.server.reports.service import ReportContext
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import localized_date, localized_time, timestamp, zone
from refdesk.server.users.representation import user_summary


def game_summary(game: Game, bundle: Bundle, base: str) -> dict[str, Any]:
    site = bundle.sites[game.site_id]
    start = game.start_time.astimezone(zone(site.timezone))
    venue = bundle.venues.get(game.venue_id)
    return {
        "id": game.id,
        "start_time": timestamp(game.start_time, site.timezone),
        "localized_date": localized_date(start.date()),
        "localized_time": localized_time(start),
        "home_team": bundle.name("team", game.home_team_id),
        "away_team": bundle.name("team", game.away_team_id),
        "age_group": bundle.name("age_group", game.age_group_id),
        "game_type": bundle.name("game_type", game.game_type_id),
        "venue": venue.name if venue else None,
        "subvenue": game.subvenue,
        "_links": {"self": link(base, f"/games/{game.id}", "game")},
    }


def report_repr(
    report: GameReport, game: Game, bundle: Bundle, officials: list[GameReportOfficial], base: str
) -> dict[str, Any]:
    site: Site = bundle.sites[game.site_id]
    tz = site.timezone
    by_slot = {o.assignment_id: o for o in officials}
    entries = []
    for slot, position in bundle.slots.get(game.id, []):
        row = by_slot.get(slot.id)
        links: dict[str, Any] = {}
        worker = row.official_id if row else slot.official_id
        if worker is not None:
            links["official"] = link(base, f"/users/{worker}", "user")
        if slot.official_id is not None:
            links["scheduled_official"] = link(base, f"/users/{slot.official_id}", "user")
        links["assignment"] = link(base, f"/assignments/{slot.id}", "assignment")
        entries.append(
            {
                "id": row.id if row else None,
                "no_show": row.no_show if row else False,
                "position_name": position.name,
                "no_show_status": row.no_show_status if row else None,
                "created": timestamp(row.created if row else report.created, tz),
                "updated": timestamp(row.updated if row else report.updated, tz),
                "_links": links,
            }
        )
    embedded: dict[str, Any] = {"game": game_summary(game, bundle, base), "officials": entries}
    author = bundle.users.get(report.author_id) if report.author_id else None
    if author is not None:
        embedded["author"] = user_summary(author, site, base)
    return {
        "id": report.id,
        "date": game.local_date.isoformat(),
        "misconduct": report.misconduct,
        "home_team_score": report.home_team_score,
        "away_team_score": report.away_team_score,
        "text": report.text,
        "html": public_note_html(report.text),
        "created": timestamp(report.created, tz),
        "updated": timestamp(report.updated, tz),
        "_links": {"self": link(base, f"/game_reports/{report.id}", "game-report")},
        "_embedded": embedded,
    }


def reports_repr(
    reports: list[GameReport], context: ReportContext, base: str
) -> list[dict[str, Any]]:
    """The documents of reports loaded with their :class:`ReportContext`."""
    return [
        report_repr(
            r,
            context.games[r.game_id],
            context.bundle,
            context.officials.get(r.id, []),
            base,
        )
        for r in reports
    ]
