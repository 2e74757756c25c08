"""The API's game lists build one statement per *shape* of their filters and bind each
request's values into it (``games/queries.py``, ``games/lists.py``; issue 15). A later request
of the same shape must answer with its own values, never the first one's: compared here with
the entity path, which builds its statement afresh every time, over many filter values of
each shape, for an assignor, an official and an observer-like caller of every demo site."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from refdesk.server.auth.principal import Principal
from refdesk.server.demo.seed import ensure_demo
from refdesk.server.errors import DomainError
from refdesk.server.games import lists
from refdesk.server.games.models import Game
from refdesk.server.games.schemas import GameListQuery
from refdesk.server.paging import PageRequest
from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User


def _principal(account_id: int) -> Principal:
    return Principal(account_id, False, frozenset({"read"}), 1, 1, datetime(2100, 1, 1, tzinfo=UTC))


async def _both(runtime: Runtime, run: Any) -> Any:
    """(ids, total) from the rows path (read session) and the entity path (write session)."""
    answers = []
    for write, select_of in ((False, lists.ROWS), (True, lists.ENTITIES)):
        async with runtime.db.session(write=write) as session:
            try:
                listing = await run(session, select_of)
                answers.append(([g.id for g in listing.games], listing.total))
            except DomainError as exc:
                answers.append(type(exc).__name__)
            if write:
                await session.rollback()
    assert answers[0] == answers[1]
    return answers[0]


async def test_each_request_of_a_shape_lists_with_its_own_values(runtime: Runtime) -> None:
    await ensure_demo(
        runtime, base_url="https://testserver", token_url="https://testserver/oauth/token",
        ca_cert=None,
    )  # fmt: skip
    async with runtime.db.session() as session:
        games = list((await session.execute(select(Game))).scalars().all())
        users = list((await session.execute(select(User))).scalars().all())
    days = sorted({g.local_date for g in games})
    assert len(days) > 5
    picks = [days[0], days[len(days) // 3], days[len(days) // 2], days[-1]]
    queries: list[GameListQuery] = []
    for start in picks:
        for width in (0, 6, 30):
            queries.append(GameListQuery(start_date=start, end_date=start + timedelta(days=width)))
    queries += [GameListQuery(start_date=day) for day in picks]
    queries += [GameListQuery(end_date=day) for day in picks]
    queries += [GameListQuery(start_date=date.min), GameListQuery(end_date=date.max)]
    queries += [GameListQuery(status=("A",)), GameListQuery(status=("C",))]
    queries += [GameListQuery(status=("A", "C")), GameListQuery(status=("C", "P"))]
    queries += [GameListQuery(published=True), GameListQuery(published=False)]
    for game in games[:: max(1, len(games) // 6)]:
        queries.append(GameListQuery(venue_id=game.venue_id, age_group_id=game.age_group_id))
        queries.append(GameListQuery(team_id=game.home_team_id))
        queries.append(GameListQuery(kind="open"))
        queries.append(GameListQuery(kind="needing", team_id=game.away_team_id))
    for user in users[:: max(1, len(users) // 6)]:
        queries.append(GameListQuery(user_id=user.id))
    callers = sorted({(u.site_id, u.account_id, u.assignor, u.official) for u in users})
    chosen = {}
    for site_id, account_id, assignor, official in callers:
        chosen.setdefault((site_id, assignor, official), account_id)
    seen: set[Any] = set()
    non_empty = 0
    for (site_id, _, _), account_id in chosen.items():
        principal = _principal(account_id)
        for query in queries:
            page = PageRequest(1, 7, True)

            async def run(
                session: Any,
                select_of: Any,
                q: GameListQuery = query,
                p: Principal = principal,
                site: int = site_id,
                page: PageRequest = page,
            ) -> Any:
                return await lists.site_games(session, p, site, q, page, select_of)

            found = await _both(runtime, run)
            seen.add(repr(found))
            non_empty += bool(found[0]) if not isinstance(found, str) else 0
    assert len(seen) > 20 and non_empty > 20  # the values made a difference

    owner = users[0]
    for user in users[:: max(1, len(users) // 10)]:
        for query in (GameListQuery(), GameListQuery(start_date=picks[1])):

            async def mine(session: Any, select_of: Any, u: int = user.id, q: Any = query) -> Any:
                principal = _principal(owner.account_id)
                page = PageRequest(1, 50, True)
                return await lists.user_games(session, principal, u, q, page, select_of)

            await _both(runtime, mine)
