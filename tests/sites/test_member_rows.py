"""In a read session the caller's membership (the site, the caller's profile there) and the
record of a one-record read are plain rows (``sites/member_rows.py``, issue 15); a write
session still loads the entities. Both must read alike: every loaded attribute (columns and
column properties such as a user's ``password_set``), the roles, and the same refusals, for
every account of the demo in every site, and for every game and user record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from refdesk.server.auth.principal import Principal
from refdesk.server.demo.seed import ensure_demo
from refdesk.server.errors import DomainError
from refdesk.server.games.models import Game
from refdesk.server.runtime import Runtime
from refdesk.server.sites.access import Membership, load_in_site, load_row_in_site, site_membership
from refdesk.server.sites.member_rows import fields_of
from refdesk.server.sites.models import Site
from refdesk.server.users.models import User
from refdesk.server.users.service import load_user


def _principal(account_id: int, operator: bool = False) -> Principal:
    expires = datetime(2100, 1, 1, tzinfo=UTC)
    return Principal(account_id, operator, frozenset({"read"}), 1, 1, expires)


def _values(record: Any, model: type[Any]) -> dict[str, Any]:
    return {
        key: (type(getattr(record, key)).__name__, getattr(record, key)) for key in fields_of(model)
    }


def _member(found: Membership) -> tuple[Any, ...]:
    roles = (found.operator, found.assignor, found.manager, found.official, found.observer)
    user = None if found.user is None else _values(found.user, User)
    return roles, _values(found.site, Site), user


async def _outcome(runtime: Runtime, write: bool, load: Any) -> Any:
    async with runtime.db.session(write=write) as session:
        try:
            return await load(session)
        except DomainError as exc:
            return type(exc).__name__
        finally:
            if write:
                await session.rollback()


async def _demo(runtime: Runtime) -> tuple[list[int], list[int], list[int], list[int]]:
    await ensure_demo(
        runtime, base_url="https://testserver", token_url="https://testserver/oauth/token",
        ca_cert=None,
    )  # fmt: skip
    async with runtime.db.session() as session:
        accounts = sorted(set((await session.scalars(select(User.account_id))).all()) - {None})
        sites = list((await session.scalars(select(Site.id).order_by(Site.id))).all())
        games = list((await session.scalars(select(Game.id).order_by(Game.id))).all())
        users = list((await session.scalars(select(User.id).order_by(User.id))).all())
    return accounts, sites, games, users


async def test_a_read_sessions_membership_rows_read_like_the_entities(runtime: Runtime) -> None:
    accounts, sites, _, _ = await _demo(runtime)
    assert len(accounts) > 3 and sites
    principals = [_principal(a) for a in accounts] + [_principal(10**9, operator=True)]
    kinds: set[str] = set()
    for principal in principals:
        for site_id in [*sites, 10**9]:

            async def load(session: Any, site_id: int = site_id, p: Principal = principal) -> Any:
                return _member(await site_membership(session, p, site_id))

            fast = await _outcome(runtime, False, load)
            assert fast == await _outcome(runtime, True, load)
            kinds.add(fast if isinstance(fast, str) else "member")
    assert {"member", "Forbidden", "NotFound"} <= kinds


async def test_one_record_reads_as_rows_read_like_the_entities(runtime: Runtime) -> None:
    accounts, _, games, users = await _demo(runtime)
    principals = [_principal(a) for a in accounts[:6]] + [_principal(10**9, operator=True)]
    password_set: set[bool] = set()
    for principal in principals:
        for game_id in games[:: max(1, len(games) // 15)]:

            async def row(session: Any, g: int = game_id, p: Principal = principal) -> Any:
                record, member = await load_row_in_site(session, p, Game, g)
                return _values(record, Game), _member(member)

            async def entity(session: Any, g: int = game_id, p: Principal = principal) -> Any:
                record, member = await load_in_site(session, p, Game, g)
                return _values(record, Game), _member(member)

            assert await _outcome(runtime, False, row) == await _outcome(runtime, True, entity)
        for user_id in users:

            async def user(session: Any, u: int = user_id, p: Principal = principal) -> Any:
                record, member = await load_user(session, p, u)
                return _values(record, User), _member(member)

            fast = await _outcome(runtime, False, user)
            assert fast == await _outcome(runtime, True, user)
            if not isinstance(fast, str):
                password_set.add(fast[0]["password_set"][1])
    assert password_set == {True, False}  # the column property, both ways
