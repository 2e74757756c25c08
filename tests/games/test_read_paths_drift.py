"""The API's reads select plain column rows (games, one game, a game's assignments, an
availability list); the writes and the web pages represent ORM entities. Both go through the
one representation of each resource, and this guard renders every demo game, its slots, the
site lists (every page, with a filter in the links) and the officials' availability through
both and requires byte-identical JSON, for an operator (everything shown) and for officials
(what a member sees of others' slots)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select

from refdesk.server.accounts.models import Account
from refdesk.server.api.body import decode_pairs
from refdesk.server.api.pagination import collection
from refdesk.server.assignments.representation import game_assignments_document
from refdesk.server.auth.principal import Principal
from refdesk.server.availability import service as availability_service
from refdesk.server.availability.models import Availability
from refdesk.server.availability.representation import availability_repr
from refdesk.server.availability.schemas import parse_availability_query
from refdesk.server.config import Settings
from refdesk.server.demo.seed import ensure_demo
from refdesk.server.games import lists
from refdesk.server.games.models import Game
from refdesk.server.games.representation import game_collection, game_document
from refdesk.server.games.schemas import parse_game_list
from refdesk.server.games.service import read_game
from refdesk.server.paging import PageRequest
from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User
from tests.factories import create_account, create_token
from tests.support.app import BASE_URL, make_settings
from tests.support.services import principal_of

BASE = BASE_URL  # the test client's origin: the links of both paths start with it


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """A test walks every demo game: far more requests than the default limit allows."""
    return make_settings(tmp_path, database_url, rate_limit_rules="1000000/60")


async def _seed(runtime: Runtime) -> None:
    await ensure_demo(
        runtime, base_url="https://testserver", token_url="https://testserver/oauth/token",
        ca_cert=None,
    )  # fmt: skip


def _same(fast: httpx.Response, slow: dict[str, Any], what: str) -> None:
    assert fast.status_code == 200, (what, fast.text)
    assert fast.content == orjson.dumps(slow), what


async def _games_of(
    client: httpx.AsyncClient, runtime: Runtime, principal: Principal, headers: dict[str, str]
) -> int:
    """Every game visible to ``principal``, one by one: the game and its assignments."""
    async with runtime.db.session() as session:
        ids = list((await session.scalars(select(Game.id).order_by(Game.id))).all())
    seen = 0
    for game_id in ids:
        fast = await client.get(f"/api/v2/games/{game_id}", headers=headers)
        if fast.status_code == 403:
            continue
        async with runtime.db.session() as session:
            game, member = await read_game(session, principal, game_id)
            _same(fast, await game_document(session, game, member, BASE), f"game {game_id}")
            slots = await client.get(
                f"/api/v2/games/{game_id}/assignments?limit=2&page=2", headers=headers
            )
            doc = await game_assignments_document(
                session, game, member, PageRequest(2, 2, True), BASE
            )
            _same(slots, doc, f"assignments of {game_id}")
        seen += 1
    return seen


async def test_every_demo_game_renders_the_same_through_rows_and_entities(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await _seed(runtime)
    operator = await create_account(runtime, operator=True)
    headers = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    async with runtime.db.session() as session:
        total = await session.scalar(select(func.count()).select_from(Game))
    assert total and total > 500
    assert await _games_of(client, runtime, principal_of(operator), headers) == total
    # Officials: their own slots answerable, others' without fees or decline reasons.
    async with runtime.db.session() as session:
        accounts = (
            await session.scalars(
                select(User.account_id)
                .where(User.official.is_(True), User.account_id.is_not(None))
                .order_by(User.id)
                .limit(3)
            )
        ).all()
    for account_id in accounts:
        async with runtime.db.session() as session:
            account = await session.get(Account, account_id)
        assert account is not None
        token = await create_token(runtime, account)
        auth = {"Authorization": f"Bearer {token}"}
        seen = await _games_of(client, runtime, principal_of(account), auth)
        assert seen > 0


async def test_every_list_page_renders_the_same_through_rows_and_entities(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await _seed(runtime)
    operator = await create_account(runtime, operator=True)
    principal = principal_of(operator)
    headers = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    async with runtime.db.session() as session:
        site_ids = list((await session.scalars(select(Game.site_id).distinct())).all())
    pages = 0
    for site_id in site_ids:
        path = f"/sites/{site_id}/games"
        for raw in ({"limit": "40"}, {"search[status]": "A", "limit": "25"}):
            page_number, last = 1, 1
            while page_number <= last:
                params = {**raw, "page": str(page_number)}
                fast = await client.get(f"/api/v2{path}", params=params, headers=headers)
                async with runtime.db.session() as session:
                    query, page = parse_game_list(decode_pairs(list(params.items())), "all")
                    listing = await lists.site_games(session, principal, site_id, query, page)
                    assert all(isinstance(g, Game) for g in listing.games)
                    filters = {k: v for k, v in raw.items() if k.startswith("search")}
                    slow = await game_collection(session, listing, BASE, path, filters)
                _same(fast, slow, f"{path} {params}")
                last = fast.json()["page"]["pages"]
                page_number += 1
                pages += 1
    assert pages > len(site_ids) * 2  # more than one page per list: the paging links too


async def test_every_availability_list_renders_the_same_through_rows_and_entities(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await _seed(runtime)
    operator = await create_account(runtime, operator=True)
    principal = principal_of(operator)
    headers = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    async with runtime.db.session() as session:
        user_ids = list(
            await session.scalars(select(Availability.user_id).distinct().order_by("user_id"))
        )
    assert user_ids
    entries = 0
    for user_id in user_ids:
        params = {"limit": "7", "page": "2"}
        fast = await client.get(
            f"/api/v2/users/{user_id}/availability", params=params, headers=headers
        )
        async with runtime.db.session() as session:
            user, member, found, total, page = await availability_service.list_entries(
                session,
                principal,
                user_id,
                parse_availability_query(decode_pairs(list(params.items()))),
            )
            assert all(isinstance(e, Availability) for e in found)
            items = (availability_repr(e, member.site, BASE) for e in found)
            path = f"/users/{user.id}/availability"
            slow = collection(BASE, path, "availability", items, total, page, {})
        _same(fast, slow, f"availability of {user_id}")
        entries += len(found)
    assert entries > 0
