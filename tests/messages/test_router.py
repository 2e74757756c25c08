"""Messages through HTTP (contract §18.8): sending queues one e-mail per recipient address in
the same transaction, every field's validation, who may send and read, the list's order and
paging, and one message."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select, update

from refdesk.server.accounts.models import Account
from refdesk.server.app import create_app
from refdesk.server.db.base import utcnow
from refdesk.server.events.models import MailJob
from refdesk.server.messages.models import Message
from refdesk.server.runtime import Runtime
from refdesk.server.users.models import User
from tests.factories import create_account, create_member, create_site, create_token
from tests.support.app import client_for, make_settings
from tests.support.queries import counting
from tests.support.services import assignor_site


async def mail_jobs(runtime: Runtime) -> list[MailJob]:
    async with runtime.db.session() as session:
        return list((await session.scalars(select(MailJob).order_by(MailJob.id))).all())


async def count(runtime: Runtime, model: Any) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def url(site_id: int) -> str:
    return f"/api/v2/sites/{site_id}/messages"


def message(recipients: Any, **fields: Any) -> dict[str, Any]:
    return {"recipient_ids": recipients, "subject": "Field change", "body": "Hello", **fields}


async def test_send_queues_one_mail_per_address(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site, assignor = await assignor_site(runtime, name="Harbor Referees")
    alex = await create_member(
        runtime,
        site,
        first_name="Alex",
        email_addresses=["alex@example.org", "Alex.Home@example.org", "ALEX@example.org"],
    )
    parent = await create_member(runtime, site, email_addresses=["alex.home@EXAMPLE.org"])
    silent = await create_member(runtime, site, email_addresses=[])
    gone = await create_member(runtime, site, active=False, email_addresses=["gone@example.org"])
    async with runtime.db.transaction() as session:
        await session.execute(
            update(User)
            .where(User.id == assignor.user.id)
            .values(first_name="Pat", last_name="Morgan", email_addresses=["pat@example.org"])
        )
    ids = [alex.user.id, parent.user.id, silent.user.id, gone.user.id, alex.user.id]
    body = "Games at <Riverside> move to Field 3.\r\nBring flags & whistle.\n\nThanks"
    resp = await client.post(
        url(site.id),
        json={"message": {"recipient_ids": ids, "subject": "  Field change ", "body": body}},
        headers=assignor.headers,
    )
    assert resp.status_code == 201, resp.text
    sent = resp.json()
    assert resp.headers["Location"] == sent["_links"]["self"]["href"]
    assert sent["_links"]["self"] == {
        "resource-type": "message",
        "href": f"https://testserver/api/v2/messages/{sent['id']}.json",
    }
    assert {k: v for k, v in sent.items() if k not in ("id", "created", "_links")} == {
        "recipient_ids": ids[:4],  # repeats left out, the order kept
        "subject": "Field change",
        "body": body,
        "sender_id": assignor.user.id,
        "delivery_status": "not_configured",  # no mail_host in the test settings
    }

    jobs = await mail_jobs(runtime)
    # Every distinct address (case-insensitively) once, in recipient order; the recipient
    # without an address is skipped; a deactivated user is still a user of the site.
    assert [(j.to_address, j.user_id) for j in jobs] == [
        ("alex@example.org", alex.user.id),
        ("Alex.Home@example.org", alex.user.id),
        ("gone@example.org", gone.user.id),
    ]
    for job in jobs:
        assert (job.kind, job.message_id, job.site_id, job.status) == (
            "message",
            sent["id"],
            site.id,
            "queued",
        )
        assert job.subject == "[Harbor Referees] Field change"
        assert job.text_body.startswith(
            "Games at <Riverside> move to Field 3.\nBring flags & whistle.\n\nThanks\n"
        )
        assert "Pat Morgan sent you this message through refdesk for Harbor Referees." in (
            job.text_body
        )
        assert "Reply to Pat Morgan at pat@example.org." in job.text_body
        html = job.html_body or ""
        assert (
            "Games at &lt;Riverside&gt; move to Field 3.<br>\nBring flags &amp; whistle.</p>"
            in (html)
        )
        assert '<p style="margin:0 0 12px;">Thanks</p>' in html
        assert "Harbor Referees &middot; from Pat Morgan" in html
        assert '<a href="mailto:pat@example.org">pat@example.org</a>' in html
        assert "<Riverside>" not in html


async def test_queued_when_a_mail_server_is_configured(
    runtime: Runtime, tmp_path: Path, database_url: str
) -> None:
    settings = make_settings(tmp_path / "mail", database_url, mail_host="127.0.0.1")
    configured = Runtime.build(settings)
    try:
        site, assignor = await assignor_site(configured)
        alex = await create_member(configured, site)
        async with client_for(create_app(runtime=configured)) as client:
            resp = await client.post(
                url(site.id), json=message([alex.user.id]), headers=assignor.headers
            )
            assert resp.status_code == 201, resp.text
            assert resp.json()["delivery_status"] == "queued"
            again = await client.get(resp.headers["Location"], headers=assignor.headers)
            assert again.json()["delivery_status"] == "queued"
    finally:
        await configured.db.dispose()
    assert [(j.to_address, j.status) for j in await mail_jobs(runtime)] == [
        (alex.account.email, "queued")
    ]


async def test_every_field_is_validated(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    alex = await create_member(runtime, site)
    other_site = await create_site(runtime)
    stranger = await create_member(runtime, other_site)
    nowhere = await create_member(runtime, site, email_addresses=[])

    async def errors(body: Any, **kwargs: Any) -> dict[str, list[str]]:
        resp = await client.post(url(site.id), json=body, headers=assignor.headers, **kwargs)
        assert resp.status_code == 422, resp.text
        result: dict[str, list[str]] = resp.json()["errors"]
        return result

    blank = await client.post(url(site.id), json={}, headers=assignor.headers)
    assert blank.status_code == 422
    assert blank.json()["message"] == (
        "Validation failed: Recipient ids can't be blank, Subject can't be blank, "
        "Body can't be blank"
    )
    assert await errors({"recipient_ids": [], "subject": "  ", "body": None}) == {
        "recipient_ids": ["can't be blank"],
        "subject": ["can't be blank"],
        "body": ["can't be blank"],
    }
    a = alex.user.id
    assert await errors(message([a], subject="x" * 201, body="y" * 20001)) == {
        "subject": ["is too long (maximum is 200 characters)"],
        "body": ["is too long (maximum is 20000 characters)"],
    }
    assert await errors(message(["x", "y", 1.5, 0, a])) == {
        "recipient_ids": [
            "is not a number",
            "must be an integer",
            "must be greater than or equal to 1",
        ]
    }
    assert await errors(message([a, 2**63])) == {
        "recipient_ids": ["must be less than or equal to 9223372036854775807"]
    }
    assert await errors(message([{"id": a}])) == {"recipient_ids": ["is invalid"]}
    assert await errors(message({"id": a})) == {"recipient_ids": ["is invalid"]}
    assert await errors(message([a] * 501)) == {
        "recipient_ids": ["is too long (maximum is 500 entries)"]
    }
    # Ids of no user, or of another site's user: one message, with the body's other problems.
    assert await errors(message([a, 999999], subject="")) == {
        "subject": ["can't be blank"],
        "recipient_ids": ["does not exist"],
    }
    assert await errors(message([stranger.user.id])) == {"recipient_ids": ["does not exist"]}
    assert await errors(message([nowhere.user.id])) == {"recipient_ids": ["have no e-mail address"]}
    assert await count(runtime, Message) == 0 and await count(runtime, MailJob) == 0

    # At the limits; a single id; ids as strings; a form body with recipient_ids[].
    at_limit = message([str(a)], subject="s" * 200, body="b" * 20000)
    resp = await client.post(url(site.id), json=at_limit, headers=assignor.headers)
    assert resp.status_code == 201, resp.text
    assert resp.json()["recipient_ids"] == [a]
    single = await client.post(url(site.id), json=message(a), headers=assignor.headers)
    assert single.status_code == 201 and single.json()["recipient_ids"] == [a]
    form = await client.post(
        url(site.id),
        content=f"recipient_ids[]={a}&recipient_ids[]={nowhere.user.id}&subject=Hi&body=Line+1%0ALine+2",
        headers={**assignor.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 201, form.text
    assert (form.json()["recipient_ids"], form.json()["body"]) == (
        [a, nowhere.user.id],
        "Line 1\nLine 2",
    )


async def test_five_hundred_recipients(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    async with runtime.db.transaction() as session:
        logins = [f"crowd{n}@example.org" for n in range(500)]
        await session.execute(insert(Account), [{"login": x, "email": x} for x in logins])
        accounts = (
            await session.scalars(select(Account.id).where(Account.login.in_(logins)))
        ).all()
        users = [
            {"site_id": site.id, "account_id": account, "first_name": "F", "last_name": "L",
             "email_addresses": [f"official{account}@example.org"]}
            for account in accounts
        ]  # fmt: skip
        await session.execute(insert(User), users)
        ids = list((await session.scalars(select(User.id).where(User.first_name == "F"))).all())
    assert len(ids) == 500
    resp = await client.post(url(site.id), json=message(ids), headers=assignor.headers)
    assert resp.status_code == 201, resp.text
    assert resp.json()["recipient_ids"] == ids
    assert await count(runtime, MailJob) == 500


async def test_who_may_send_and_read(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    manager = await create_member(runtime, site, manager=True, official=False)
    official = await create_member(runtime, site)
    observer = await create_member(runtime, site, official=False, observer=True)
    retired = await create_member(runtime, site, assignor=True, active=False)
    reader = await create_member(runtime, site, "read", assignor=True)
    other_site = await create_site(runtime)
    outsider = await create_member(runtime, other_site, assignor=True)
    lapsed = await create_site(runtime, expires_on=date(2020, 1, 1))
    lapsed_assignor = await create_member(runtime, lapsed, assignor=True)
    lapsed_official = await create_member(runtime, lapsed)
    operator = await create_account(runtime, operator=True, first_name="Op", last_name="Erator")
    op_headers = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    body = message([official.user.id])

    async def status(method: str, path: str, who: dict[str, str], payload: Any = None) -> int:
        resp = await client.request(method, path, json=payload, headers=who)
        if resp.status_code >= 400:
            assert resp.json()["status"] == resp.status_code
        return resp.status_code

    for member, expected in (
        (official, 403),
        (observer, 403),
        (retired, 403),
        (outsider, 403),
        (reader, 403),  # insufficient_scope
    ):
        assert await status("POST", url(site.id), member.headers, body) == expected
        # §5: the role is checked before the body (a forbidden caller learns nothing of it).
        assert await status("POST", url(site.id), member.headers, {}) == expected
    assert await status("POST", url(999999), assignor.headers, body) == 404
    assert await status("POST", url(lapsed.id), lapsed_assignor.headers, {}) == 402
    lapsed_body = message([lapsed_official.user.id])
    assert await status("POST", url(lapsed.id), op_headers, lapsed_body) == 201

    sent = await client.post(url(site.id), json=body, headers=manager.headers)
    assert sent.status_code == 201 and sent.json()["sender_id"] == manager.user.id
    by_operator = await client.post(url(site.id), json=body, headers=op_headers)
    assert by_operator.status_code == 201
    assert by_operator.json()["sender_id"] is None  # an operator without a user in the site
    assert "sender" not in by_operator.json()["_links"]
    jobs = await mail_jobs(runtime)
    assert "Op Erator sent you this message" in jobs[-1].text_body
    assert f"Reply to Op Erator at {operator.email}." in jobs[-1].text_body
    one = f"/api/v2/messages/{sent.json()['id']}"

    for path in (url(site.id), one):
        for member in (assignor, manager, reader):
            assert await status("GET", path, member.headers) == 200
        assert await status("GET", path, op_headers) == 200
        for member in (official, observer, retired, outsider):
            assert await status("GET", path, member.headers) == 403
    assert await status("GET", url(lapsed.id), lapsed_assignor.headers) == 402
    lapsed_message = (await client.get(url(lapsed.id), headers=op_headers)).json()
    lapsed_id = lapsed_message["_embedded"]["messages"][0]["id"]
    assert await status("GET", f"/api/v2/messages/{lapsed_id}", lapsed_assignor.headers) == 402
    assert await status("GET", "/api/v2/messages/999999", assignor.headers) == 404
    assert await status("GET", "/api/v2/messages/0", assignor.headers) == 404
    assert await status("GET", url(999999), assignor.headers) == 404


async def _aged(runtime: Runtime, ages: dict[int, timedelta]) -> None:
    now = utcnow()
    async with runtime.db.transaction() as session:
        for message_id, age in ages.items():
            await session.execute(
                update(Message).where(Message.id == message_id).values(created=now - age)
            )


async def test_list_is_newest_first_and_paged(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    alex = await create_member(runtime, site)
    other_site, other_assignor = await assignor_site(runtime)
    elsewhere = await create_member(runtime, other_site)
    ids = []
    for n in range(4):
        resp = await client.post(
            url(site.id), json=message([alex.user.id], subject=f"M{n}"), headers=assignor.headers
        )
        ids.append(resp.json()["id"])
    await client.post(
        url(other_site.id), json=message([elsewhere.user.id]), headers=other_assignor.headers
    )
    # M1 oldest, M0 and M3 at the same instant (ties: ascending id), M2 newest.
    hour = timedelta(hours=1)
    await _aged(runtime, {ids[0]: 2 * hour, ids[1]: 3 * hour, ids[2]: hour, ids[3]: 2 * hour})
    listed = (await client.get(url(site.id), headers=assignor.headers)).json()
    assert [m["id"] for m in listed["_embedded"]["messages"]] == [ids[2], ids[0], ids[3], ids[1]]
    assert listed["page"] == {
        "records": 4,
        "pages": 1,
        "current_page": 1,
        "next_page": None,
        "prev_page": None,
        "limit": 50,
    }
    second = (await client.get(url(site.id) + "?limit=3&page=2", headers=assignor.headers)).json()
    assert [m["id"] for m in second["_embedded"]["messages"]] == [ids[1]]
    assert (second["page"]["pages"], second["page"]["prev_page"]) == (2, 1)
    assert second["_links"]["prev"]["href"].endswith("/messages.json?limit=3&page=1")
    past = (await client.get(url(site.id) + "?page=9", headers=assignor.headers)).json()
    assert past["_embedded"]["messages"] == [] and past["page"]["records"] == 4
    bad = await client.get(url(site.id) + "?limit=51&page=0", headers=assignor.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "page": ["must be greater than or equal to 1"],
        "limit": ["must be less than or equal to 50"],
    }
    official = await create_member(runtime, site)
    forbidden = await client.get(url(site.id) + "?limit=x", headers=official.headers)
    assert forbidden.status_code == 403  # the role before the query (§5)


async def test_get_one_message(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime, timezone="Europe/Berlin")
    alex = await create_member(runtime, site)
    sent = (
        await client.post(url(site.id), json=message([alex.user.id]), headers=assignor.headers)
    ).json()
    got = await client.get(f"/api/v2/messages/{sent['id']}", headers=assignor.headers)
    assert got.status_code == 200
    assert got.json() == sent
    created = datetime.fromisoformat(sent["created"])
    assert created.utcoffset() in (timedelta(hours=1), timedelta(hours=2))  # the site's zone
    assert got.json()["_links"] == {
        "self": {
            "resource-type": "message",
            "href": f"https://testserver/api/v2/messages/{sent['id']}.json",
        },
        "site": {
            "resource-type": "site",
            "href": f"https://testserver/api/v2/sites/{site.id}.json",
        },
        "sender": {
            "resource-type": "user",
            "href": f"https://testserver/api/v2/users/{assignor.user.id}.json",
        },
    }


async def test_list_uses_constant_queries(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site, assignor = await assignor_site(runtime)
    alex = await create_member(runtime, site)
    for _ in range(6):
        await client.post(url(site.id), json=message([alex.user.id]), headers=assignor.headers)
    counts = []
    for limit in (1, 6):
        with counting(runtime) as statements:
            resp = await client.get(f"{url(site.id)}?limit={limit}", headers=assignor.headers)
        assert resp.status_code == 200 and len(resp.json()["_embedded"]["messages"]) == limit
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
