"""The officials pages for assignors and managers: the list is the API's users with their
grades, groups and abilities, and load and availability coverage counted from data made
through the API, in a bounded number of SQL statements; inviting creates the user (the API
shows it) and queues the ``invitation`` e-mail; the invitation again; deactivating (with a
confirmation and the ``lock_version`` it showed) and reactivating, as the API then shows;
one official's schedule; another site's user, a non-staff person, a manager's refusals and a
CSRF-less post."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx

from refdesk.server.runtime import Runtime
from refdesk.server.web.home import day_label
from refdesk.server.web.pages.officials import NOT_HERE, STALE
from tests.factories import create_account, create_site, create_user
from tests.support.mail import mail_jobs
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.queries import counting
from tests.support.web import signed_in_client
from tests.support.web_officials import (
    Office,
    api_get,
    api_user,
    error_of,
    game_on,
    give_password,
    make_office,
    names_in_order,
    notice_of,
    official_member,
    rows_of,
    text_of,
    today,
)


async def followed(client: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    assert answer.status_code == 303, answer.text
    page = await client.get(answer.headers["location"])
    assert page.status_code == 200, page.text
    return page


async def signed_in(client: httpx.AsyncClient, office: Office) -> None:
    await signed_in_client(client, office.assignor.account.login)


def week_and_month_counts(days: list[Any]) -> tuple[int, int]:
    now = today()
    monday = now - timedelta(days=now.weekday())
    week = sum(1 for d in days if monday <= d < monday + timedelta(days=7))
    month = sum(1 for d in days if (d.year, d.month) == (now.year, now.month))
    return week, month


async def test_the_list_is_the_apis_users_with_load_coverage_groups_and_abilities(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    kim = await api_user(client, office, "Kim", "Park", grade="A")
    ana = await api_user(client, office, "Ana", "Diaz", grade="B", max_games_per_week=3)
    lee = await official_member(runtime, office, "Lee", "Chen")
    crew = await client.post(
        f"/api/v2/sites/{office.site_id}/groups", json={"name": "Crew"}, headers=office.headers
    )
    assert crew.status_code == 201, crew.text
    joined = await client.post(
        f"/api/v2/users/{kim['id']}/groups/{crew.json()['id']}", headers=office.headers
    )
    assert joined.status_code == 200, joined.text
    day = today()
    # Kim: Referee today and in 10 days; Ana: AR today; Lee: AR in 3 days, then declines it
    first = await game_on(client, office, day, 0, [kim["id"], ana["id"]])
    await game_on(client, office, day + timedelta(days=10), 1, [kim["id"]])
    declined = await game_on(client, office, day + timedelta(days=3), 2, [lee.user.id])
    slot = declined["_embedded"]["assignments"][0]
    answer = await client.post(
        f"/api/v2/assignments/{slot['id']}/decline",
        json={},
        headers=lee.headers,
    )
    assert answer.status_code == 200, answer.text
    # Kim's availability: 3 days of the next 14 (two windows on one), one day after them
    for offset, span in (
        (0, {}),
        (1, {"start_time": "08:00", "end_time": "10:00"}),
        (1, {"start_time": "18:00", "end_time": "20:00"}),
        (13, {}),
        (14, {}),
    ):
        made = await client.post(
            f"/api/v2/users/{kim['id']}/availability",
            json={"date": (day + timedelta(days=offset)).isoformat(), **span},
            headers=office.headers,
        )
        assert made.status_code == 201, made.text
    abilities = await client.put(
        f"/api/v2/users/{kim['id']}/abilities",
        json={
            "abilities": [
                {"age_group_id": first["age_group_id"], "allowed": True},
                {
                    "age_group_id": first["age_group_id"],
                    "position_id": first["_embedded"]["assignments"][0]["position_id"],
                    "allowed": False,
                },
            ]
        },
        headers=office.headers,
    )
    assert abilities.status_code == 200, abilities.text

    await signed_in(client, office)
    page = await client.get("/officials")
    assert page.status_code == 200, page.text
    assert '<a href="/officials" aria-current="page">Officials</a>' in page.text
    rows = rows_of(page.text)
    api = await api_get(client, office, f"/sites/{office.site_id}/users?search[official]=true")
    listed = {u["id"]: u for u in api["_embedded"]["users"]}
    assert set(rows) == set(listed)  # the assignor (not an official) is not listed
    for user_id, row in rows.items():
        user = listed[user_id]
        assert row["name"] == f"{user['first_name']} {user['last_name']}"
        assert row["Grade"] == (user["grade"] or "—")
        groups = await api_get(client, office, f"/users/{user_id}/groups")
        names = [g["name"] for g in groups["_embedded"]["groups"]]
        assert row["Groups"] == (", ".join(names) or "—")
    assert names_in_order(page.text) == ["Lee Chen", "Ana Diaz", "Kim Park"]  # API's order
    kim_week, kim_month = week_and_month_counts([day, day + timedelta(days=10)])
    assert rows[kim["id"]]["This week"] == f"{kim_week}"
    assert rows[kim["id"]]["This month"] == f"{kim_month}"
    assert rows[ana["id"]]["This week"] == "1 (max 3)"
    assert rows[lee.user.id]["This week"] == "0"  # the declined slot is not held
    assert rows[lee.user.id]["This month"] == "0"
    assert rows[kim["id"]]["Availability"] == "3 of 14 days"
    assert rows[ana["id"]]["Availability"] == "0 of 14 days"
    assert rows[kim["id"]]["Abilities"] == "U12 Boys: all positions except Referee"
    assert "Crew" in rows[kim["id"]]["Groups"]
    assert "No password yet" in page.text

    # every user; a name search; sorted by load
    everyone = rows_of((await client.get("/officials?who=all")).text)
    assert office.assignor.user.id in everyone and len(everyone) == 4
    found = rows_of((await client.get("/officials?q=par")).text)
    assert list(found) == [kim["id"]]
    by_month = await client.get("/officials?sort=month")
    assert names_in_order(by_month.text)[0] == "Kim Park"


async def test_the_list_takes_the_same_statements_for_2_or_10_officials(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    crew = await client.post(
        f"/api/v2/sites/{office.site_id}/groups", json={"name": "Crew"}, headers=office.headers
    )
    day = today()

    async def add(n: int) -> None:
        user = await api_user(client, office, f"Name{n}", f"Person{n}", grade="A")
        await client.post(
            f"/api/v2/users/{user['id']}/groups/{crew.json()['id']}", headers=office.headers
        )
        await client.post(
            f"/api/v2/users/{user['id']}/availability",
            json={"date": day.isoformat()},
            headers=office.headers,
        )
        await game_on(client, office, day, n, [user["id"]])

    await signed_in(client, office)
    counts = []
    made = 0
    for total in (2, 10):
        while made < total:
            await add(made)
            made += 1
        with counting(runtime) as statements:
            page = await client.get("/officials")
        assert page.status_code == 200
        assert len(rows_of(page.text)) == total
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


async def test_invite_creates_the_user_and_queues_the_invitation_then_again(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    await signed_in(client, office)
    form = await client.get("/officials/invite")
    assert form.status_code == 200
    assert 'id="assignor"' in form.text  # an assignor may make an assignor
    data = {
        "csrf_token": csrf_of(form.text),
        "first_name": "Kim",
        "last_name": "Park",
        "email": "kim.park@example.org",
        "official": "yes",
        "send": "yes",
    }
    answer = await client.post("/officials/invite", data=data)
    page = await followed(client, answer)
    assert "the invitation e-mail is on its way to kim.park@example.org" in notice_of(page)
    user_id = int(answer.headers["location"].rsplit("/", 1)[1])
    user = await api_get(client, office, f"/users/{user_id}")
    assert (user["first_name"], user["last_name"], user["email_addresses"]) == (
        "Kim",
        "Park",
        ["kim.park@example.org"],
    )
    assert (user["official"], user["assignor"], user["password_set"]) == ("true", "false", "false")
    jobs = await mail_jobs(runtime)
    assert [(j.kind, j.to_address, j.user_id) for j in jobs] == [
        ("invitation", "kim.park@example.org", user_id)
    ]

    # the same e-mail again: 422 with the reason by the field, the entered values kept
    again = await client.post("/officials/invite", data=data)
    assert again.status_code == 422, again.text
    assert "E-mail is already used by a user of this site" in text_of(again.text)
    assert 'value="Kim"' in again.text
    blank = await client.post("/officials/invite", data={**data, "first_name": ""})
    assert blank.status_code == 422
    assert "First name can't be blank" in text_of(blank.text)

    # a person whose account (from another site) has a password: added, nothing sent
    known = await create_account(runtime, password=PASSWORD, email="lee@example.org")
    added = await client.post(
        "/officials/invite",
        data={**data, "first_name": "Lee", "last_name": "Chen", "email": known.email},
    )
    assert "no invitation e-mail was needed" in notice_of(await followed(client, added))
    assert len(await mail_jobs(runtime)) == 1

    # the invitation again, from the official's page
    shown = await client.get(f"/officials/{user_id}")
    assert "Send the invitation again" in shown.text
    resent = await client.post(
        f"/officials/{user_id}/invite", data={"csrf_token": csrf_of(shown.text)}
    )
    page = await followed(client, resent)
    assert "A new invitation e-mail is on its way to Kim Park" in notice_of(page)
    jobs = await mail_jobs(runtime)
    assert [j.kind for j in jobs] == ["invitation", "invitation"]

    # a person with a password gets none
    await give_password(runtime, (await _account_of(runtime, user_id)))
    shown = await client.get(f"/officials/{user_id}")
    assert "Send the invitation again" not in shown.text
    resent = await client.post(
        f"/officials/{user_id}/invite", data={"csrf_token": csrf_of(shown.text)}
    )
    page = await followed(client, resent)
    assert "already set a password: no invitation sent" in notice_of(page)
    assert len(await mail_jobs(runtime)) == 2


async def _account_of(runtime: Runtime, user_id: int) -> Any:
    from refdesk.server.accounts.models import Account
    from refdesk.server.users.models import User

    async with runtime.db.session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return await session.get(Account, user.account_id)


async def test_deactivate_with_confirmation_then_reactivate(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    kim = await api_user(client, office, "Kim", "Park")
    await signed_in(client, office)
    shown = await client.get(f"/officials/{kim['id']}")
    assert f'href="/officials/{kim["id"]}/deactivate"' in shown.text
    confirm = await client.get(f"/officials/{kim['id']}/deactivate")
    assert confirm.status_code == 200
    assert "Deactivate Kim Park?" in text_of(confirm.text)
    lock = re.search(r'name="lock_version" value="(\d+)"', confirm.text)
    assert lock

    # a stale confirmation (the user changed since) is refused, nothing changed
    changed = await client.patch(
        f"/api/v2/users/{kim['id']}", json={"grade": "C"}, headers=office.headers
    )
    assert changed.status_code == 200
    data = {"csrf_token": csrf_of(confirm.text), "lock_version": lock.group(1)}
    stale = await client.post(f"/officials/{kim['id']}/deactivate", data=data)
    assert error_of(await followed(client, stale)) == STALE
    assert (await api_get(client, office, f"/users/{kim['id']}"))["active"] == "true"

    confirm = await client.get(f"/officials/{kim['id']}/deactivate")
    lock = re.search(r'name="lock_version" value="(\d+)"', confirm.text)
    assert lock
    data = {"csrf_token": csrf_of(confirm.text), "lock_version": lock.group(1)}
    done = await client.post(f"/officials/{kim['id']}/deactivate", data=data)
    page = await followed(client, done)
    assert "Kim Park was deactivated" in notice_of(page)
    assert (await api_get(client, office, f"/users/{kim['id']}"))["active"] == "false"
    assert kim["id"] not in rows_of((await client.get("/officials")).text)
    inactive = rows_of((await client.get("/officials?status=inactive")).text)
    assert list(inactive) == [kim["id"]]

    fresh = re.search(r'name="lock_version" value="(\d+)"', page.text)  # the reactivate form
    assert fresh
    again = await client.post(
        f"/officials/{kim['id']}/reactivate",
        data={"csrf_token": csrf_of(page.text), "lock_version": fresh.group(1)},
    )
    page = await followed(client, again)
    assert "Kim Park is active again" in notice_of(page)
    assert (await api_get(client, office, f"/users/{kim['id']}"))["active"] == "true"


async def test_schedule_shows_games_with_slot_states_and_availability(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    kim = await api_user(client, office, "Kim", "Park")
    ana = await api_user(client, office, "Ana", "Diaz")
    day = today()
    await game_on(client, office, day + timedelta(days=2), 0, [kim["id"], ana["id"]])
    await game_on(client, office, day - timedelta(days=5), 1, [ana["id"], kim["id"]])
    await game_on(client, office, day + timedelta(days=4), 2, [ana["id"]])  # not Kim's
    await client.post(
        f"/api/v2/users/{kim['id']}/availability",
        json={
            "date": (day + timedelta(days=2)).isoformat(),
            "start_time": "08:00",
            "end_time": "14:00",
        },
        headers=office.headers,
    )
    await signed_in(client, office)
    page = await client.get(f"/officials/{kim['id']}")
    assert page.status_code == 200, page.text
    text = text_of(page.text)
    upcoming = text_of(page.text.split('id="upcoming"')[1].split("</section>")[0])
    recent = text_of(page.text.split('id="recent"')[1].split("</section>")[0])
    assert "Home 0 vs Away 0" in upcoming and "Home 2" not in upcoming
    assert "Referee: Kim Park – Not answered yet" in upcoming
    assert "Assistant Referee: Ana Diaz – Not answered yet" in upcoming
    assert "Assistant Referee: open" in upcoming
    assert "Home 1 vs Away 1" in recent
    assert "Assistant Referee: Kim Park" in recent
    availability = page.text.split('id="availability"')[1]
    label = day_label(day + timedelta(days=2), day)
    assert re.search(
        rf"<th scope=\"row\">{label}</th>\s*<td>Available 8:00 AM – 2:00 PM</td>\s*"
        r"<td class=\"num\">1</td>",
        availability,
    ), availability
    assert "1 of 28 days with an entry" in text
    assert "times in America/Los_Angeles" in page.text


async def test_another_sites_user_is_a_404_page_and_non_staff_get_a_polite_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    other = await make_office(client, runtime, name="Other League")
    stranger = await api_user(client, other, "Sam", "Stranger")
    await signed_in(client, office)
    for path in (f"/officials/{stranger['id']}", f"/officials/{stranger['id']}/deactivate"):
        answer = await client.get(path)
        assert answer.status_code == 404, answer.text
        assert NOT_HERE in text_of(answer.text)
    form = await client.get("/officials")
    refused = await client.post(
        f"/officials/{stranger['id']}/deactivate", data={"csrf_token": csrf_of(form.text)}
    )
    assert error_of(await followed(client, refused)) == NOT_HERE
    assert (await api_get(client, other, f"/users/{stranger['id']}"))["active"] == "true"
    # no CSRF token: 403, nothing changed
    forged = await client.post("/officials/invite", data={"first_name": "X", "last_name": "Y"})
    assert forged.status_code == 403
    users = await api_get(client, office, f"/sites/{office.site_id}/users")
    assert [u["last_name"] for u in users["_embedded"]["users"]] == ["Morgan"]

    # an official of the site: a polite page, no list
    site = await create_site(runtime, name="Plain")
    account = await create_account(runtime, password=PASSWORD)
    await create_user(runtime, site, account, official=True)
    async with httpx.AsyncClient(transport=client._transport, base_url=client.base_url) as mine:
        await signed_in_client(mine, account.login)
        polite = await mine.get("/officials")
        assert polite.status_code == 200
        assert "This page is for the assignors and managers of Plain" in text_of(polite.text)
        assert 'class="roster"' not in polite.text
        assert '<nav aria-label="Assigning"' not in polite.text


async def test_a_manager_may_invite_an_official_but_not_an_assignor_nor_deactivate(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    office = await make_office(client, runtime)
    kim = await api_user(client, office, "Kim", "Park")
    from tests.support.games import load_site

    account = await create_account(runtime, password=PASSWORD)
    await create_user(
        runtime, await load_site(runtime, office.site_id), account, manager=True, official=False
    )
    await signed_in_client(client, account.login)
    listed = await client.get("/officials")
    assert kim["id"] in rows_of(listed.text)
    form = await client.get("/officials/invite")
    assert 'id="assignor"' not in form.text
    data = {
        "csrf_token": csrf_of(form.text),
        "first_name": "Ana",
        "last_name": "Diaz",
        "email": "ana@example.org",
        "official": "yes",
        "assignor": "yes",
        "send": "yes",
    }
    refused = await client.post("/officials/invite", data=data)
    assert refused.status_code == 403
    assert "Nobody was added: You may not set the field assignor" in text_of(refused.text)
    made = await client.post("/officials/invite", data={**data, "assignor": ""})
    assert made.status_code == 303, made.text
    confirm = await client.get(f"/officials/{kim['id']}/deactivate")
    lock = re.search(r'name="lock_version" value="(\d+)"', confirm.text)
    assert lock
    answer = await client.post(
        f"/officials/{kim['id']}/deactivate",
        data={"csrf_token": csrf_of(confirm.text), "lock_version": lock.group(1)},
    )
    error = error_of(await followed(client, answer))
    assert error.startswith("Nothing was changed: You may not change the field active"), error
    assert (await api_get(client, office, f"/users/{kim['id']}"))["active"] == "true"
