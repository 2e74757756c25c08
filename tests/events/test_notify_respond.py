"""The accept/decline links of the e-mails, end to end over HTTP: the link from a queued
mail shows the game without acting (GET), answers through the assignments service on the
confirm (POST), and refuses reuse, expiry, tampering and slots that changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from refdesk.server.events import topics
from refdesk.server.events.respond_links import Claims, make_token, read_token
from refdesk.server.logs import redact
from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User
from tests.factories import Member
from tests.support.notify import Desk, assign, build_desk, emit, mail_jobs, respond_paths, set_game


async def _links(runtime: Runtime, desk: Desk, slot: int, member: Member) -> dict[str, str]:
    """Plan the ``assigned`` mail of ``member`` on ``slot``; its accept/decline paths."""
    before = len(await mail_jobs(runtime))
    await emit(
        runtime,
        topics.GAME_OFFICIAL_CHANGED,
        site_id=desk.site_id,
        game_id=desk.game_id,
        resource_id=slot,
        data={"action": "assigned", "user_id": member.user.id, "previous_user_id": None},
        actor=desk.assignor,
    )
    job = (await mail_jobs(runtime))[before]
    html_links = respond_paths(job.html_body or "")
    text_links = respond_paths(job.text_body)
    assert html_links == text_links and set(text_links) == {"accept", "decline"}
    return text_links


async def _slot(client: httpx.AsyncClient, desk: Desk, slot: int) -> dict[str, object]:
    resp = await client.get(f"/api/v2/assignments/{slot}", headers=desk.assignor.headers)
    assert resp.status_code == 200
    return dict(resp.json())


async def test_accept_link_shows_then_accepts_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime)
    ref = desk.officials[0]
    slot = desk.slot_ids[0]
    await assign(client, desk, slot, ref)
    links = await _links(runtime, desk, slot, ref)

    # Opening the link (as a mail scanner would) changes nothing.
    browser = {"Accept": "text/html,application/xhtml+xml;q=0.9", "User-Agent": "Mozilla/5.0"}
    for _ in range(2):
        page = await client.get(links["accept"], headers=browser)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert "Accept this game?" in page.text
        assert "Hawks vs Falcons" in page.text and "Riverside Park" in page.text
        assert f'<form method="post" action="{links["accept"]}">' in page.text
    assert (await _slot(client, desk, slot))["accepted"] is False

    done = await client.post(links["accept"], data={}, headers=browser)
    assert done.status_code == 200
    assert "Game accepted" in done.text
    assert (await _slot(client, desk, slot))["accepted"] is True

    # Both links of the mail are used now.
    for path in links.values():
        again = await client.post(path, data={"reason": "changed my mind"})
        assert "This link can no longer be used" in again.text
        shown = await client.get(path)
        assert "This link can no longer be used" in shown.text and "<form" not in shown.text
    state = await _slot(client, desk, slot)
    assert (state["accepted"], state["declined"]) == (True, False)


async def test_decline_link_sends_the_reason_through_the_service(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime)
    ref = desk.officials[0]
    slot = desk.slot_ids[1]
    await assign(client, desk, slot, ref)
    links = await _links(runtime, desk, slot, ref)

    page = await client.get(links["decline"])
    assert "Decline this game?" in page.text and 'name="reason"' in page.text

    too_long = await client.post(links["decline"], data={"reason": "x" * 501})
    assert "Reason is too long" in too_long.text
    assert (await _slot(client, desk, slot))["declined"] is False

    done = await client.post(links["decline"], data={"reason": "Out of town <Fri>"})
    assert "Game declined" in done.text
    state = await _slot(client, desk, slot)
    assert (state["declined"], state["decline_reason"]) == (True, "Out of town <Fri>")


async def test_the_decline_cutoff_applies_to_links(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime)
    ref = desk.officials[0]
    slot = desk.slot_ids[0]
    await assign(client, desk, slot, ref)
    # The site's cut-off is 36 hours; the game now starts in 10.
    await set_game(runtime, desk.game_id, start_time=datetime.now(UTC) + timedelta(hours=10))
    links = await _links(runtime, desk, slot, ref)

    refused = await client.post(links["decline"], data={"reason": "ill"})
    assert refused.status_code == 200
    assert "less than 36 hours before the game" in refused.text
    assert 'name="reason"' in refused.text and ">ill</textarea>" in refused.text
    assert (await _slot(client, desk, slot))["declined"] is False
    # Accepting has no cut-off.
    assert "Game accepted" in (await client.post(links["accept"])).text


async def test_expired_tampered_and_reassigned_links_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime)
    first, second = desk.officials[:2]
    slot = desk.slot_ids[0]
    await assign(client, desk, slot, first)
    links = await _links(runtime, desk, slot, first)
    token = links["accept"].rsplit("/", 1)[1]
    claims = read_token(runtime.hasher, token)
    assert claims is not None and claims.user_id == first.user.id

    past = int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())
    expired = make_token(
        runtime.hasher,
        Claims("accept", slot, first.user.id, claims.lock_version, past),
    )
    page = await client.get(f"/respond/{expired}")
    assert page.status_code == 200 and "This link has expired" in page.text
    assert "expired" in (await client.post(f"/respond/{expired}")).text

    # Another slot, another person, a later expiry or a changed signature: not ours.
    forged = [
        token.replace(f"-{slot}-", f"-{desk.slot_ids[1]}-", 1),
        token.replace(f"-{first.user.id}-", f"-{second.user.id}-", 1),
        token[:-1] + ("0" if token[-1] != "0" else "1"),
        "a-1-2-3-4-" + "0" * 64,
        "not-a-token",
    ]
    for bad in forged:
        for method in ("GET", "POST"):
            resp = await client.request(method, f"/respond/{bad}")
            assert resp.status_code == 404, (bad, resp.text)
            assert resp.json()["error"] == "not_found"
    assert (await _slot(client, desk, slot))["accepted"] is False

    # The slot went to someone else: the first official's links are dead.
    await assign(client, desk, slot, second)
    assert "no longer be used" in (await client.get(links["accept"])).text
    assert "no longer be used" in (await client.post(links["accept"])).text
    state = await _slot(client, desk, slot)
    assert (state["accepted"], state["official_id"]) == (False, second.user.id)


async def test_an_official_who_lost_access_cannot_use_a_link(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await build_desk(client, runtime)
    ref = desk.officials[0]
    slot = desk.slot_ids[0]
    await assign(client, desk, slot, ref)
    links = await _links(runtime, desk, slot, ref)
    async with runtime.db.transaction() as session:
        user = await session.get(User, ref.user.id)
        assert user is not None
        user.active = False

    refused = await client.post(links["accept"])
    assert "This link cannot be used" in refused.text
    assert (await _slot(client, desk, slot))["accepted"] is False


def test_link_tokens_are_redacted_from_logs() -> None:
    line = '127.0.0.1 - "GET /respond/a-12-34-0-1800000000-' + "ab" * 32 + ' HTTP/1.1" 200'
    assert redact(line) == '127.0.0.1 - "GET /respond/REDACTED HTTP/1.1" 200'
