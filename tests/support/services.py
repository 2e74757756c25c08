"""What the service tests share to call a service directly, as a web page, a worker or the CLI
would: the principal of an account or member (no bearer token is looked up), the first page of
a list, and a site with its assignor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from refdesk.server.accounts.models import Account
from refdesk.server.auth.principal import Principal
from refdesk.server.db.base import utcnow
from refdesk.server.paging import PageRequest
from refdesk.server.runtime import Runtime
from refdesk.server.sites.models import Site
from tests.factories import Member, create_member, create_site

# Page 1, 50 rows, no ``limit`` sent: what a list call without paging parameters reads.
FIRST_PAGE = PageRequest(1, 50, False)


def principal_of(who: Account | Member, scopes: str = "read write") -> Principal:
    """The principal a valid token of ``who``'s account would give, with ``scopes`` (space
    separated); an operator account acts as an operator."""
    account = who.account if isinstance(who, Member) else who
    return Principal(
        account_id=account.id,
        operator=account.operator,
        scopes=frozenset(scopes.split()),
        token_id=0,
        application_id=0,
        expires_at=utcnow() + timedelta(hours=1),
    )


async def assignor_site(runtime: Runtime, **site: Any) -> tuple[Site, Member]:
    """A new site (``site``: its columns) and a member who is its assignor."""
    created = await create_site(runtime, **site)
    return created, await create_member(runtime, created, assignor=True)
