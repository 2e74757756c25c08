"""The "Messages" page: writing to selected officials or to everyone on a day's games through
the API's message service (the API then lists the message and mail jobs are queued),
validation errors re-rendered with what was entered, the sent list (the API's), CSRF, and
people who are not assignors or managers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.web.pages.messages import plain_day
from tests.support.app import client_for
from tests.support.games import make_game
from tests.support.mail import mail_jobs
from tests.support.web import signed_in_client
from tests.support.web_open import ZONE, official_in, request_site
from tests.support.web_requests import (
    MESSAGES,
    alert_of,
    api_messages,
    checked_ids,
    field_errors,
    listed_officials,
    notice_of,
    send_message,
    sent_subjects,
    staff_in,
)


def day(days: int) -> str:
    return (datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=days)).isoformat()


def label(days: int) -> str:
    return plain_day(datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=days))


async def world(client: httpx.AsyncClient, runtime: Runtime) -> dict[str, Any]:
    site_id, assignor = await request_site(client, runtime, name="Bay Referees")
    staff = await staff_in(runtime, site_id, first_name="Alex", last_name="Staff")
    people = {
        name: await official_in(runtime, site_id, first_name=name, last_name=last)
        for name, last in (("Sam", "Lee"), ("Kim", "Park"), ("Ana", "Diaz"), ("Bo", "Chen"))
    }
    return {"site_id": site_id, "assignor": assignor, "staff": staff, **people}


async def assign(client: httpx.AsyncClient, slot: int, user_id: int, headers: Any) -> None:
    answer = await client.post(
        f"/api/v2/assignments/{slot}/assign", json={"user_id": user_id}, headers=headers
    )
    assert answer.status_code == 200, answer.text


async def test_a_message_to_selected_officials_is_the_apis_with_mail_queued(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    w = await world(client, runtime)
    await signed_in_client(client, w["staff"].account.login)
    page = await client.get(MESSAGES)
    assert page.status_code == 200
    assert 'aria-current="page">Messages<' in page.text
    # by last name; the staff member (no official) is not listed
    assert listed_officials(page.text) == ["Bo Chen", "Ana Diaz", "Sam Lee", "Kim Park"]
    assert listed_officials((await client.get(f"{MESSAGES}?q=pa")).text) == ["Kim Park"]
    jobs_before = len(await mail_jobs(runtime))
    ids = [w["Sam"].user.id, w["Kim"].user.id]
    answer = await send_message(
        client,
        to="selected",
        recipient_ids=[str(i) for i in ids],
        subject="Field 2 closed",
        body="Use field 3 this weekend.\nThanks",
    )
    assert answer.status_code == 303 and answer.headers["location"] == MESSAGES
    page = await client.get(MESSAGES)
    assert notice_of(page.text) == "Message “Field 2 closed” sent to 2 officials."
    (message,) = await api_messages(client, w["site_id"], w["staff"])
    assert sorted(message["recipient_ids"]) == sorted(ids)
    assert (message["subject"], message["body"]) == (
        "Field 2 closed",
        "Use field 3 this weekend.\nThanks",
    )
    assert message["sender_id"] == w["staff"].user.id
    jobs = (await mail_jobs(runtime))[jobs_before:]
    assert sorted((j.kind, j.to_address) for j in jobs) == sorted(
        ("message", w[n].account.email) for n in ("Sam", "Kim")
    )
    assert all(j.message_id == message["id"] for j in jobs)
    # the sent list is the API's
    status = {
        "queued": "Queued",
        "not_configured": "Not sent (e-mail is not set up: written to files)",
    }
    assert sent_subjects(page.text) == [("Field 2 closed", status[message["delivery_status"]])]
    assert "to 2 officials: Sam Lee, Kim Park" in page.text


async def test_everyone_on_a_days_games_is_exactly_that_days_officials(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    w = await world(client, runtime)
    h = w["assignor"].headers
    morning = await make_game(client, w["site_id"], h, localized_date=day(2))
    # 11:30 PM in Los Angeles is the next day in UTC: still this day's game
    late = await make_game(
        client, w["site_id"], h, localized_date=day(2), localized_time="11:30 PM"
    )
    other_day = await make_game(client, w["site_id"], h, localized_date=day(3))
    unpublished = await make_game(
        client, w["site_id"], h, localized_date=day(2), is_public="n", localized_time="1:00 PM"
    )
    await assign(client, morning["_embedded"]["assignments"][0]["id"], w["Sam"].user.id, h)
    await assign(client, late["_embedded"]["assignments"][1]["id"], w["Kim"].user.id, h)
    await assign(client, other_day["_embedded"]["assignments"][0]["id"], w["Ana"].user.id, h)
    await assign(client, unpublished["_embedded"]["assignments"][0]["id"], w["Bo"].user.id, h)
    # another site's game that day does not count either
    other_site, other_assignor = await request_site(client, runtime)
    stranger = await official_in(runtime, other_site)
    theirs = await make_game(client, other_site, other_assignor.headers, localized_date=day(2))
    await assign(
        client,
        theirs["_embedded"]["assignments"][0]["id"],
        stranger.user.id,
        other_assignor.headers,
    )
    await signed_in_client(client, w["staff"].account.login)
    jobs_before = len(await mail_jobs(runtime))
    answer = await send_message(
        client,
        to="day",
        day=day(2),
        recipient_ids=str(w["Ana"].user.id),  # ticked but ignored: the day decides
        subject="Heat warning",
        body="Bring water.",
    )
    assert answer.status_code == 303, answer.text
    page = await client.get(MESSAGES)
    assert notice_of(page.text) == (
        f"Message “Heat warning” sent to 2 officials on the games of {label(2)}."
    )
    (message,) = await api_messages(client, w["site_id"], w["staff"])
    assert sorted(message["recipient_ids"]) == sorted([w["Sam"].user.id, w["Kim"].user.id])
    jobs = (await mail_jobs(runtime))[jobs_before:]
    assert sorted(j.to_address for j in jobs) == sorted(w[n].account.email for n in ("Sam", "Kim"))


async def test_validation_errors_rerender_with_the_values_kept(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    w = await world(client, runtime)
    await signed_in_client(client, w["staff"].account.login)
    answer = await send_message(client, to="selected", subject="", body="Kept text <b>")
    assert answer.status_code == 422
    assert field_errors(answer.text) == {
        "recipient_ids": ["Choose at least one official"],
        "subject": ["Write a subject"],
    }
    assert "Kept text &lt;b&gt;</textarea>" in answer.text
    assert alert_of(answer.text) == ("The message was not sent: see the notes by the fields below.")
    answer = await send_message(
        client, to="selected", recipient_ids=str(w["Ana"].user.id), subject="Hello", body=""
    )
    assert answer.status_code == 422
    assert field_errors(answer.text) == {"body": ["Write the message"]}
    assert checked_ids(answer.text) == [w["Ana"].user.id]
    assert 'value="Hello"' in answer.text
    # a day without games
    answer = await send_message(client, to="day", day=day(9), subject="S", body="B")
    assert answer.status_code == 422
    assert field_errors(answer.text) == {"day": [f"No official holds a slot on {label(9)}"]}
    assert (
        f'value="{day(9)}"' in answer.text
        and 'id="to-day" name="to" value="day" checked' in answer.text
    )
    answer = await send_message(client, to="day", day="12/45/2026", subject="S", body="")
    assert answer.status_code == 422
    assert field_errors(answer.text) == {"day": ["Choose a date"], "body": ["Write the message"]}
    # officials without an e-mail address
    await runtime_without_email(runtime, w["Bo"].user.id)
    answer = await send_message(
        client, to="selected", recipient_ids=str(w["Bo"].user.id), subject="S", body="B"
    )
    assert answer.status_code == 422
    assert field_errors(answer.text) == {
        "recipient_ids": ["None of the chosen officials has an e-mail address"]
    }
    assert "(no e-mail address)" in answer.text
    assert await api_messages(client, w["site_id"], w["staff"]) == []


async def runtime_without_email(runtime: Runtime, user_id: int) -> None:
    from sqlalchemy import update

    from refdesk.server.users.models import User

    async with runtime.db.transaction() as session:
        await session.execute(update(User).where(User.id == user_id).values(email_addresses=[]))


async def test_csrf_and_people_who_may_not_send(
    app: Any, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    w = await world(client, runtime)
    await signed_in_client(client, w["staff"].account.login)
    forged = await client.post(
        MESSAGES,
        data={
            "csrf_token": "0" * 30,
            "to": "selected",
            "recipient_ids": str(w["Sam"].user.id),
            "subject": "S",
            "body": "B",
        },
    )
    assert forged.status_code == 403
    assert await api_messages(client, w["site_id"], w["staff"]) == []
    async with client_for(app) as official:
        await signed_in_client(official, w["Sam"].account.login)
        page = await official.get(MESSAGES)
        assert page.status_code == 200
        assert "This page is for the assignors and managers of Bay Referees" in page.text
        assert "recipient_ids" not in page.text
        answer = await send_message(
            official, to="selected", recipient_ids=str(w["Kim"].user.id), subject="S", body="B"
        )
        assert answer.status_code == 303
        refused = await official.get(MESSAGES)
        assert alert_of(refused.text) == (
            "Not sent: Your roles in this site do not allow you to send messages"
        )
        # a day without games: the same refusal (no hint whether games exist that day)
        answer = await send_message(official, to="day", day=day(9), subject="S", body="B")
        assert answer.status_code == 303
    manager = await staff_in(runtime, w["site_id"], assignor=False, manager=True)
    async with client_for(app) as browser:
        await signed_in_client(browser, manager.account.login)
        answer = await send_message(
            browser, to="selected", recipient_ids=str(w["Kim"].user.id), subject="M", body="B"
        )
        assert answer.status_code == 303
    assert [m["subject"] for m in await api_messages(client, w["site_id"], w["staff"])] == ["M"]
