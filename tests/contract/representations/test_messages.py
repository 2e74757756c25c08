"""Messages (contract §18.8): the document of a sent message, one message and the list."""

from __future__ import annotations

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_token
from tests.support.games import load_site as _site
from tests.support.games import setup_site
from tests.support.shapes import Link, Shape, assert_collection, assert_shape, get_ok, post_ok
from tests.support.tables import TS

# The §18.8 table (sender_id is null when an operator without a user in the site sent it).
MESSAGE = Shape(
    {
        "id": "integer",
        "recipient_ids": "array",
        "subject": "string",
        "body": "string",
        "sender_id": "integer",
        "delivery_status": "string",
        "created": TS,
    },
    links={
        "self": Link("message", "/messages/{id}"),
        "site": Link("site", "/sites/{*}"),
        "sender": Link("user", "/users/{sender_id}"),
    },
)
OPERATOR_MESSAGE = Shape(
    {**MESSAGE.fields, "sender_id": "null"},
    links={"self": Link("message", "/messages/{id}"), "site": Link("site", "/sites/{*}")},
)


async def test_messages(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    blair = await create_member(runtime, site)
    url = f"/api/v2/sites/{site_id}/messages"
    body = {"recipient_ids": [alex.user.id, blair.user.id], "subject": "Hi", "body": "Hello"}

    sent = await post_ok(client, url, assignor, body)
    assert_shape(sent, MESSAGE)
    assert sent["recipient_ids"] == [alex.user.id, blair.user.id]
    assert sent["delivery_status"] in ("queued", "sent", "failed", "not_configured")
    assert_shape(await get_ok(client, f"/api/v2/messages/{sent['id']}", assignor), MESSAGE)

    operator = await create_account(runtime, operator=True)
    token = await create_token(runtime, operator)
    by_operator = await client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert by_operator.status_code == 201, by_operator.text
    assert_shape(by_operator.json(), OPERATOR_MESSAGE)

    listed = await get_ok(client, url, assignor)
    assert_collection(listed, f"/sites/{site_id}/messages", "messages", "array")
    items = {m["id"]: m for m in listed["_embedded"]["messages"]}
    assert_shape(items.pop(by_operator.json()["id"]), OPERATOR_MESSAGE)
    assert_shape(items.pop(sent["id"]), MESSAGE)
    assert items == {}
