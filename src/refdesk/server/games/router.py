"""Game endpoints (contract §16.3): parse, call one service, represent, respond."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.deps import API_DEPENDENCIES, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import supplied_filters
from refdesk.server.games import lists, service
from refdesk.server.games.representation import game_collection, game_document
from refdesk.server.games.schemas import (
    FILTER_KEYS,
    GAME_BODY,
    UNASSIGN_BODY,
    ListKind,
    parse_game_list,
    parse_game_unassign,
    parse_game_write,
)

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["games"])


async def _site_list(ctx: CtxDep, site_id: int, kind: ListKind, path: str) -> Response:
    query, page = parse_game_list(ctx.query(), kind)
    listing = await lists.site_games(ctx.session, ctx.principal, site_id, query, page, lists.ROWS)
    return await _respond_page(ctx, listing, path)


async def _cross_site_list(ctx: CtxDep, kind: ListKind, path: str) -> Response:
    query, page = parse_game_list(ctx.query(), kind, across_sites=True)
    listing = await lists.cross_site_games(ctx.session, ctx.principal, query, page, lists.ROWS)
    return await _respond_page(ctx, listing, path)


async def _respond_page(ctx: CtxDep, listing: lists.Listing, path: str) -> Response:
    filters = supplied_filters(ctx.raw_query(), FILTER_KEYS)
    return ctx.respond(await game_collection(ctx.session, listing, ctx.base, path, filters))


@router.get("/sites/{site_id:int}/games")
async def list_site_games(site_id: int, ctx: CtxDep) -> Response:
    """A site's games visible to the caller, by start time."""
    return await _site_list(ctx, site_id, "all", f"/sites/{site_id}/games")


@router.get("/sites/{site_id:int}/games/unassigned")
async def list_open_games(site_id: int, ctx: CtxDep) -> Response:
    """Open games: published, active, in the future, with a vacant slot."""
    return await _site_list(ctx, site_id, "open", f"/sites/{site_id}/games/unassigned")


@router.get("/sites/{site_id:int}/games/officials/unassigned")
async def list_games_needing_officials(site_id: int, ctx: CtxDep) -> Response:
    """Non-cancelled games with a vacant slot (assignors, managers)."""
    path = f"/sites/{site_id}/games/officials/unassigned"
    return await _site_list(ctx, site_id, "needing", path)


@router.get("/games/unassigned")
async def list_all_open_games(ctx: CtxDep) -> Response:
    """Open games of every site where the caller may see them."""
    return await _cross_site_list(ctx, "open", "/games/unassigned")


@router.get("/current_account/games")
async def list_my_games(ctx: CtxDep) -> Response:
    """Games in which one of the account's users holds a slot."""
    return await _cross_site_list(ctx, "mine", "/current_account/games")


@router.get("/users/{user_id:int}/games")
async def list_user_games(user_id: int, ctx: CtxDep) -> Response:
    """Games where the user holds a slot (officials: published only)."""
    query, page = parse_game_list(ctx.query())
    listing = await lists.user_games(ctx.session, ctx.principal, user_id, query, page, lists.ROWS)
    return await _respond_page(ctx, listing, f"/users/{user_id}/games")


@router.post("/sites/{site_id:int}/games", status_code=201, openapi_extra=body_doc(GAME_BODY))
async def create_game(site_id: int, ctx: CtxDep) -> Response:
    """Create a game (assignors, managers) with one vacant slot per pattern position."""
    inp = parse_game_write(await ctx.body("game"), creating=True)
    game, member = await service.create_game(ctx.session, ctx.principal, site_id, inp)
    return ctx.created(await game_document(ctx.session, game, member, ctx.base))


@router.get("/games/{game_id:int}")
async def get_game(game_id: int, ctx: CtxDep) -> Response:
    """One game with its venue, site, assignor and assignments embedded."""
    game, member = await service.read_game_row(ctx.session, ctx.principal, game_id)
    return ctx.respond(await game_document(ctx.session, game, member, ctx.base))


@router.put("/games/{game_id:int}", openapi_extra=body_doc(GAME_BODY))
@router.patch("/games/{game_id:int}", openapi_extra=body_doc(GAME_BODY))
async def update_game(game_id: int, ctx: CtxDep) -> Response:
    """Partial update with ``lock_version``; a new pattern rebuilds the slots."""
    inp = parse_game_write(await ctx.body("game"))
    game, member = await service.update_game(ctx.session, ctx.principal, game_id, inp)
    return ctx.respond(await game_document(ctx.session, game, member, ctx.base))


@router.delete("/games/{game_id:int}", status_code=204)
async def delete_game(game_id: int, ctx: CtxDep) -> Response:
    """Delete a game and its assignments."""
    await service.delete_game(ctx.session, ctx.principal, game_id)
    return Response(status_code=204)


@router.put("/games/{game_id:int}/unassign", openapi_extra=body_doc(UNASSIGN_BODY))
@router.post("/games/{game_id:int}/unassign", openapi_extra=body_doc(UNASSIGN_BODY))
async def unassign_game(game_id: int, ctx: CtxDep) -> Response:
    """Vacate all held slots (or those named by assignment_ids / position_id)."""
    inp = parse_game_unassign(await ctx.body("game"))
    game, member = await service.unassign_game(ctx.session, ctx.principal, game_id, inp)
    return ctx.respond(await game_document(ctx.session, game, member, ctx.base))
