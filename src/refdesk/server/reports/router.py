"""Game report endpoints (contract §18.4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.hal import link
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.games.bundle import Bundle, load_bundle
from refdesk.server.games.models import Game
from refdesk.server.games.representation import public_note_html
from refdesk.server.reports import service
from refdesk.server.reports.models import GameReport, GameReportOfficial
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import localized_date, localized_time, timestamp, zone
from refdesk.server.users.representation import user_summary

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["game reports"])


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


async def _officials(
    session: AsyncSession, reports: list[GameReport]
) -> dict[int, list[GameReportOfficial]]:
    if not reports:
        return {}
    rows = (
        await session.scalars(
            select(GameReportOfficial).where(
                GameReportOfficial.report_id.in_([r.id for r in reports])
            )
        )
    ).all()
    result: dict[int, list[GameReportOfficial]] = {}
    for row in rows:
        result.setdefault(row.report_id, []).append(row)
    return result


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


async def represent_all(ctx: CtxDep, reports: list[GameReport], site: Site) -> list[dict[str, Any]]:
    game_ids = {r.game_id for r in reports}
    games = (
        {
            g.id: g
            for g in (await ctx.session.scalars(select(Game).where(Game.id.in_(game_ids)))).all()
        }
        if game_ids
        else {}
    )
    bundle = await load_bundle(ctx.session, list(games.values()), {site.id: site})
    authors = {r.author_id for r in reports if r.author_id} - bundle.users.keys()
    if authors:
        from refdesk.server.users.models import User

        for user in (await ctx.session.scalars(select(User).where(User.id.in_(authors)))).all():
            bundle.users[user.id] = user
    officials = await _officials(ctx.session, reports)
    return [
        report_repr(r, games[r.game_id], bundle, officials.get(r.id, []), ctx.base) for r in reports
    ]


@router.get("/sites/{site_id:int}/game_reports")
async def list_site_reports(site_id: int, ctx: CtxDep) -> Response:
    """A site's game reports the caller may read, newest first."""
    member, reports, total, page = await service.list_site_reports(
        ctx.session, ctx.principal, site_id, ctx.query()
    )
    items = await represent_all(ctx, reports, member.site)
    filters = supplied_filters(ctx.raw_query(), service.FILTERS)
    return ctx.respond(
        collection(
            ctx.base, f"/sites/{site_id}/game_reports", "game_reports", items, total, page, filters
        )
    )


@router.get("/games/{game_id:int}/game_reports")
async def list_game_reports(game_id: int, ctx: CtxDep) -> Response:
    """Reports filed for one game."""
    member, game, reports, total, page = await service.list_game_reports(
        ctx.session, ctx.principal, game_id, ctx.query()
    )
    items = await represent_all(ctx, reports, member.site)
    return ctx.respond(
        collection(ctx.base, f"/games/{game.id}/game_reports", "game_reports", items, total, page)
    )


@router.post("/games/{game_id:int}/game_reports", status_code=201)
async def create_report(game_id: int, ctx: CtxDep) -> Response:
    """File a report (assignors, managers; officials of the game; observers)."""
    data = await ctx.body("game_report")
    report, _, member = await service.create_report(ctx.session, ctx.principal, game_id, data)
    body = (await represent_all(ctx, [report], member.site))[0]
    await ctx.session.commit()
    return ctx.created(body)


@router.get("/game_reports/{report_id:int}")
async def get_report(report_id: int, ctx: CtxDep) -> Response:
    """One game report."""
    report, _, member = await service.load_report(ctx.session, ctx.principal, report_id)
    return ctx.respond((await represent_all(ctx, [report], member.site))[0])


@router.put("/game_reports/{report_id:int}")
@router.patch("/game_reports/{report_id:int}")
async def update_report(report_id: int, ctx: CtxDep) -> Response:
    """Update a report (its author, assignors, managers)."""
    data = await ctx.body("game_report")
    report, _, member = await service.update_report(ctx.session, ctx.principal, report_id, data)
    body = (await represent_all(ctx, [report], member.site))[0]
    await ctx.session.commit()
    return ctx.respond(body)


@router.delete("/game_reports/{report_id:int}", status_code=204)
async def delete_report(report_id: int, ctx: CtxDep) -> Response:
    """Delete a report (its author, assignors, managers)."""
    await service.delete_report(ctx.session, ctx.principal, report_id)
    await ctx.session.commit()
    return Response(status_code=204)
