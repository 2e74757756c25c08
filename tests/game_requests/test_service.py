"""Game request services called with typed inputs against a real session."""

from __future__ import annotations

import httpx
import pytest

from refdesk.server.errors import Forbidden, ValidationFailed
from refdesk.server.game_requests import service
from refdesk.server.game_requests.representation import requests_repr
from refdesk.server.game_requests.schemas import (
    ApprovalInput,
    RequestInput,
    parse_approval,
    parse_request,
    parse_request_query,
)
from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import load_site as _site
from tests.support.games import make_game, setup_site
from tests.support.services import principal_of


def test_parsing_never_raises() -> None:
    inp = parse_request({"user_id": "7", "position_id": "x", "comment": "y" * 501})
    assert inp.problems == (
        ("game_id", "can't be blank"),
        ("position_id", "is not a number"),
        ("comment", "is too long (maximum is 500 characters)"),
    )
    assert (inp.user_id, inp.user_sent) == (7, "7")
    assert parse_approval({"assignment_id": "0"}).problems == (
        ("assignment_id", "must be greater than or equal to 1"),
    )
    assert parse_request_query({"search": {"status": "new"}}).problems == (
        ("search[status]", "is not included in the list"),
    )


async def test_requests_through_the_services(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(
        client, runtime, use_abilities=False, use_availability=False, show_game_requests=True
    )
    site = await _site(runtime, site_id)
    official = await create_member(runtime, site)
    other = await create_member(runtime, site)
    game = await make_game(client, site_id, assignor.headers)
    boss = principal_of(assignor)

    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as failed:  # game_id first, before any lookup
            await service.create_request(session, principal_of(official), parse_request({}))
        assert failed.value.errors == {"game_id": ["can't be blank"]}
        with pytest.raises(Forbidden):  # asking for someone else, whatever else is wrong
            await service.create_request(
                session,
                principal_of(official),
                parse_request({"game_id": game["id"], "user_id": other.user.id, "comment": []}),
            )
    async with runtime.db.transaction() as session:
        made = await service.create_request(
            session, principal_of(official), RequestInput(game_id=game["id"], comment="Both")
        )
        request_id = made.requests[0].id
        document = requests_repr(made, "http://test")[0]
        assert document["status"] == "pending" and document["comment"] == "Both"
        assert document["_embedded"]["user"]["id"] == official.user.id
    async with runtime.db.transaction() as session:
        # An assignor asks on an official's behalf.
        for_other = await service.create_request(
            session, boss, RequestInput(game_id=game["id"], user_id=other.user.id, user_sent="x")
        )
        other_id = for_other.requests[0].id
    async with runtime.db.transaction() as session:
        listed = await service.list_requests(
            session, principal_of(official), site_id, parse_request_query({"limit": "10"})
        )
        assert [r.id for r in listed.requests] == [request_id] and listed.total == 1
        with pytest.raises(Forbidden):
            await service.approve(session, principal_of(official), request_id, ApprovalInput())
    async with runtime.db.transaction() as session:
        approved = await service.approve(session, boss, request_id, ApprovalInput())
        assert approved.requests[0].status == "approved"
        assert approved.requests[0].assignment_id is not None
        declined = await service.decline(session, boss, other_id)
        assert declined.requests[0].status == "declined"
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as failed:
            await service.withdraw(session, principal_of(official), request_id)
        assert failed.value.errors == {"base": ["can only withdraw a pending request"]}
