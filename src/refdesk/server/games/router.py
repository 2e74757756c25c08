"""Game endpoints (contract §16.3)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.games import lists, service
from refdesk.server.games.bundle import load_bundle
from refdesk.server.games.models import Game
from refdesk.server.games.queries import FILTER_KEYS
from refdesk.server.games.representation import Viewer, game_repr
from refdesk.server.sites.access import Membership

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["games"])


async def one_game(ctx: CtxDep, game: Game, member: Membership) -> dict[str, object]:
    bundle = await load_bundle(ctx.session, [game], {member.site.id: member.site})
    return game_repr(game, bundle, Viewer(member), ctx.base)


async def game_page(ctx: CtxDep, page: lists.Listing, path: str) -> Response:
    bundle = await load_bundle(ctx.session, page.games, page.sites)
    items = (game_repr(g, bundle, Viewer(page.members[g.site_id]), ctx.base) for g in page.games)
    filters = supplied_filters(ctx.raw_query(), FILTER_KEYS)
    return ctx.respond(collection(ctx.base, path, "games", items, page.total, page.page, filters))


@router.get("/sites/{site_id:int}/games")
async def list_site_games(site_id: int, ctx: CtxDep) -> Response:
    """A site's games visible to the caller, by start time."""
    page = await lists.site_games(ctx.session, ctx.principal, site_id, ctx.query())
    return await game_page(ctx, page, f"/sites/{site_id}/games")


@router.get("/sites/{site_id:int}/games/unassigned")
async def list_open_games(site_id: int, ctx: CtxDep) -> Response:
    """Open games: published, active, in the future, with a vacant slot."""
    page = await lists.site_games(ctx.session, ctx.principal, site_id, ctx.query(), kind="open")
    return await game_page(ctx, page, f"/sites/{site_id}/games/unassigned")


@router.get("/sites/{site_id:int}/games/officials/unassigned")
async def list_games_needing_officials(site_id: int, ctx: CtxDep) -> Response:
    """Non-cancelled games with a vacant slot (assignors, managers)."""
    page = await lists.site_games(ctx.session, ctx.principal, site_id, ctx.query(), kind="needing")
    return await game_page(ctx, page, f"/sites/{site_id}/games/officials/unassigned")


@router.get("/games/unassigned")
async def list_all_open_games(ctx: CtxDep) -> Response:
    """Open games of every site where the caller may see them."""
    page = await lists.cross_site_games(ctx.session, ctx.principal, ctx.query(), kind="open")
    return await game_page(ctx, page, "/games/unassigned")


@router.get("/current_account/games")
async def list_my_games(ctx: CtxDep) -> Response:
    """Games in which one of the account's users holds a slot."""
    page = await lists.cross_site_games(ctx.session, ctx.principal, ctx.query(), kind="mine")
    return await game_page(ctx, page, "/current_account/games")


@router.get("/users/{user_id:int}/games")
async def list_user_games(user_id: int, ctx: CtxDep) -> Response:
    """Games where the user holds a slot (officials: published only)."""
    page = await lists.user_games(ctx.session, ctx.principal, user_id, ctx.query())
    return await game_page(ctx, page, f"/users/{user_id}/games")


@router.post("/sites/{site_id:int}/games", status_code=201)
async def create_game(site_id: int, ctx: CtxDep) -> Response:
    """Create a game (assignors, managers) with one vacant slot per pattern position."""
    data = await ctx.body("game")
    game, member = await service.create_game(ctx.session, ctx.principal, site_id, data)
    body = await one_game(ctx, game, member)
    await ctx.session.commit()
    return ctx.created(body)


@router.get("/games/{game_id:int}")
async def get_game(game_id: int, ctx: CtxDep) -> Response:
    """One game with its venue, site, assignor and assignments embedded."""
    game, member = await service.read_game(ctx.session, ctx.principal, game_id)
    return ctx.respond(await one_game(ctx, game, member))


@router.put("/games/{game_id:int}")
@router.patch("/games/{game_id:int}")
async def update_game(game_id: int, ctx: CtxDep) -> Response:
    """Partial update with ``lock_version``; a new pattern rebuilds the slots."""
    data = await ctx.body("game")
    game, member = await service.update_game(ctx.session, ctx.principal, game_id, data)
    body = await one_game(ctx, game, member)
    await ctx.session.commit()
    return ctx.respond(body)


@router.delete("/games/{game_id:int}", status_code=204)
async def delete_game(game_id: int, ctx: CtxDep) -> Response:
    """Delete a game and its assignments."""
    await service.delete_game(ctx.session, ctx.principal, game_id)
    await ctx.session.commit()
    return Response(status_code=204)


@router.put("/games/{game_id:int}/unassign")
@router.post("/games/{game_id:int}/unassign")
async def unassign_game(game_id: int, ctx: CtxDep) -> Response:
    """Vacate all held slots (or those named by assignment_ids / position_id)."""
    data = await ctx.body("game")
    game, member = await service.unassign_game(ctx.session, ctx.principal, game_id, data)
    body = await one_game(ctx, game, member)
    await ctx.session.commit()
    return ctx.respond(body)
