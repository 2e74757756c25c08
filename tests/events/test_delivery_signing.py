"""The §19.2 body and headers (pure), and the README's verification recipe run against a real
delivery: both signatures verify, a tampered body or a stale timestamp does not."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from refdesk.server.config import Settings
from refdesk.server.events import signing
from refdesk.server.events.worker import Worker
from refdesk.server.runtime import Runtime
from tests.factories import create_site
from tests.support.receiver import receiver
from tests.support.webhooks import (
    all_finished,
    create_subscription,
    delivery_settings,
    record_game_event,
    run_until,
)

README = Path(__file__).resolve().parents[2] / "README.md"
SECRET = "ab" * 32
EVENT = signing.EventFacts(
    id=8812345,
    topic="game.official.changed",
    site_id=7,
    occurred_at=datetime(2026, 10, 1, 13, 0, tzinfo=UTC),
    resource_type="assignment",
    resource_id=123456,
    game_id=14532529,
    data={"action": "accepted", "user_id": 1234, "previous_user_id": None},
)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return delivery_settings(tmp_path, database_url)


def readme_recipe() -> dict[str, Any]:
    """Execute the README's verification recipe: the Python block that defines
    ``verify_refdesk`` (wherever the webhook sections put it)."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    recipes = [block for block in blocks if "def verify_refdesk(" in block]
    assert len(recipes) == 1, "no single verification recipe in README.md"
    namespace: dict[str, Any] = {}
    exec(compile(recipes[0], "README.md", "exec"), namespace)
    return namespace


def test_body_is_the_contract_example() -> None:
    body = signing.body_bytes(EVENT, "https://refdesk.example.org/", "UTC")
    assert json.loads(body) == {
        "id": 8812345,
        "topic": "game.official.changed",
        "timestamp": "2026-10-01T13:00:00.000+00:00",
        "site_id": 7,
        "data": {"action": "accepted", "user_id": 1234, "previous_user_id": None},
        "_links": {
            "resource": {
                "resource-type": "assignment",
                "href": "https://refdesk.example.org/api/v2/assignments/123456.json",
            },
            "game": {
                "resource-type": "game",
                "href": "https://refdesk.example.org/api/v2/games/14532529.json",
            },
            "site": {
                "resource-type": "site",
                "href": "https://refdesk.example.org/api/v2/sites/7.json",
            },
        },
    }
    assert body == signing.body_bytes(EVENT, "https://refdesk.example.org", "UTC")
    assert body.startswith(b'{"id":8812345,"topic":')


def test_timestamp_uses_the_default_time_zone() -> None:
    body = json.loads(signing.body_bytes(EVENT, "https://x.org", "America/New_York"))
    assert body["timestamp"] == "2026-10-01T09:00:00.000-04:00"


def test_availability_links_name_the_user_and_no_game() -> None:
    event = signing.EventFacts(
        id=1,
        topic="availability.changed",
        site_id=7,
        occurred_at=datetime(2026, 10, 1, tzinfo=UTC),
        resource_type="availability",
        resource_id=55,
        game_id=None,
        data={"action": "created", "user_id": 12, "date": "2026-10-11"},
    )
    links = json.loads(signing.body_bytes(event, "https://x.org", "UTC"))["_links"]
    assert list(links) == ["resource", "site"]
    assert links["resource"] == {
        "resource-type": "availability",
        "href": "https://x.org/api/v2/users/12/availability/55.json",
    }


def test_headers_follow_section_19_2() -> None:
    body = b'{"id":8812345}'
    headers = signing.request_headers(
        secret=SECRET,
        t=1790000000,
        event_id=8812345,
        topic="game.official.changed",
        body=body,
        delivery_id=99120,
        attempt=2,
    )
    v1 = hmac.new(SECRET.encode(), b"1790000000.8812345." + body, hashlib.sha256).hexdigest()
    hook0 = hmac.new(
        SECRET.encode(),
        b"1790000000.x-event-id x-event-type.8812345.game.official.changed." + body,
        hashlib.sha256,
    ).hexdigest()
    assert headers == {
        "Content-Type": "application/json",
        "User-Agent": "refdesk-webhooks/1.0",
        "X-Event-Id": "8812345",
        "X-Event-Type": "game.official.changed",
        "X-Refdesk-Timestamp": "1790000000",
        "X-Refdesk-Signature": f"t=1790000000,v1={v1}",
        "X-Hook0-Signature": f"t=1790000000,h=x-event-id x-event-type,v1={hook0}",
        "X-Refdesk-Delivery": "99120",
        "X-Refdesk-Attempt": "2",
    }


async def test_readme_recipe_verifies_a_real_delivery(runtime: Runtime) -> None:
    recipe = readme_recipe()
    site = await create_site(runtime)
    async with receiver() as hook:
        _, secret = await create_subscription(runtime, site.id, hook.url())
        await record_game_event(runtime, site.id)
        worker = Worker(runtime, "w1")
        try:
            await run_until(worker, lambda: all_finished(runtime))
        finally:
            await worker.aclose()
        (request,) = hook.requests
    headers = httpx.Headers(request.headers)
    for verify in (recipe["verify_refdesk"], recipe["verify_hook0"]):
        assert verify(secret, headers, request.body)
        assert not verify(secret, headers, request.body + b" ")
        assert not verify("cd" * 32, headers, request.body)
        assert not verify(secret, headers, request.body, tolerance=-1)
    stale = httpx.Headers(request.headers)
    t = int(headers["X-Refdesk-Timestamp"])
    assert abs(time.time() - t) < 60
    # A signature made 10 minutes ago is rejected even though it is otherwise valid.
    old = signing.request_headers(
        secret=secret,
        t=t - 600,
        event_id=int(headers["X-Event-Id"]),
        topic=headers["X-Event-Type"],
        body=request.body,
        delivery_id=1,
        attempt=1,
    )
    stale.update(old)
    assert not recipe["verify_refdesk"](secret, stale, request.body)
    assert not recipe["verify_hook0"](secret, stale, request.body)
    assert recipe["verify_refdesk"](secret, stale, request.body, tolerance=900)
