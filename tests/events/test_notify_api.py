"""The notification fields of the API (refdesk extensions): a user's
``notification_preferences`` and a site's ``reminder_hours``, ``unfilled_digest`` and
``digest_hour``, through HTTP."""

from __future__ import annotations

import httpx

from refdesk.server.events.mail_queue import OPTIONAL_KINDS
from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import load_site, setup_site

ALL_ON = dict.fromkeys(OPTIONAL_KINDS, True)


async def test_the_person_reads_and_sets_their_own_preferences(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    ref = await create_member(runtime, await load_site(runtime, site_id))
    path = f"/api/v2/users/{ref.user.id}"

    shown = (await client.get(path, headers=ref.headers)).json()
    assert shown["notification_preferences"] == ALL_ON

    resp = await client.patch(
        path, json={"user": {"notification_preferences": {"reminder": False}}}, headers=ref.headers
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["notification_preferences"] == {**ALL_ON, "reminder": False}
    # Partial: kinds not sent keep their value; the form encoding works too.
    resp = await client.put(
        path,
        data={"user[notification_preferences][changed]": "false"},
        headers=ref.headers,
    )
    assert resp.status_code == 200, resp.text
    expected = {**ALL_ON, "reminder": False, "changed": False}
    assert resp.json()["notification_preferences"] == expected
    # The site's assignors read it (as the rest of the user).
    as_assignor = (await client.get(path, headers=assignor.headers)).json()
    assert as_assignor["notification_preferences"] == expected
    listed = (await client.get("/api/v2/current_account/users", headers=ref.headers)).json()
    assert listed["_embedded"]["users"][0]["notification_preferences"] == expected
    # null: everything on again.
    resp = await client.patch(path, json={"notification_preferences": None}, headers=ref.headers)
    assert resp.json()["notification_preferences"] == ALL_ON


async def test_preferences_are_the_persons_alone_and_validated(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime)
    ref = await create_member(runtime, await load_site(runtime, site_id))
    path = f"/api/v2/users/{ref.user.id}"

    refused = await client.patch(
        path, json={"notification_preferences": {"reminder": False}}, headers=assignor.headers
    )
    assert refused.status_code == 403, refused.text
    assert "notification_preferences" in refused.json()["message"]
    # The assignor still sets its own.
    own = await client.patch(
        f"/api/v2/users/{assignor.user.id}",
        json={"notification_preferences": {"digest": False}},
        headers=assignor.headers,
    )
    assert own.status_code == 200, own.text
    assert own.json()["notification_preferences"]["digest"] is False

    for body, errors in (
        (
            {"notification_preferences": {"weekly": False, "reminder": "maybe"}},
            {
                "notification_preferences[weekly]": ["is not included in the list"],
                "notification_preferences[reminder]": ["is not a valid boolean"],
            },
        ),
        ({"notification_preferences": "off"}, {"notification_preferences": ["is invalid"]}),
    ):
        resp = await client.patch(path, json=body, headers=ref.headers)
        assert resp.status_code == 422, resp.text
        assert resp.json()["errors"] == errors
    # Messages, invitations and password resets cannot be switched off.
    resp = await client.patch(
        path, json={"notification_preferences": {"message": False}}, headers=ref.headers
    )
    assert resp.json()["errors"] == {
        "notification_preferences[message]": ["is not included in the list"]
    }
    assert (await client.get(path, headers=ref.headers)).json()[
        "notification_preferences"
    ] == ALL_ON


async def test_site_notification_settings(client: httpx.AsyncClient, runtime: Runtime) -> None:
    site_id, assignor = await setup_site(client, runtime)
    path = f"/api/v2/sites/{site_id}"
    site = (await client.get(path, headers=assignor.headers)).json()
    assert (site["reminder_hours"], site["unfilled_digest"], site["digest_hour"]) == (
        24,
        "true",
        7,
    )

    resp = await client.put(
        path,
        json={"site": {"reminder_hours": 48, "unfilled_digest": "false", "digest_hour": 18}},
        headers=assignor.headers,
    )
    assert resp.status_code == 200, resp.text
    site = resp.json()
    assert (site["reminder_hours"], site["unfilled_digest"], site["digest_hour"]) == (
        48,
        "false",
        18,
    )
    resp = await client.patch(path, json={"reminder_hours": None}, headers=assignor.headers)
    assert resp.status_code == 200 and resp.json()["reminder_hours"] is None

    resp = await client.patch(
        path,
        json={"reminder_hours": 169, "digest_hour": 24, "unfilled_digest": "sometimes"},
        headers=assignor.headers,
    )
    assert resp.status_code == 422
    assert resp.json()["errors"] == {
        "reminder_hours": ["must be less than or equal to 168"],
        "unfilled_digest": ["is not a valid boolean"],
        "digest_hour": ["must be less than or equal to 23"],
    }
    resp = await client.patch(
        path, json={"reminder_hours": 0, "digest_hour": -1}, headers=assignor.headers
    )
    assert resp.json()["errors"] == {
        "reminder_hours": ["must be greater than or equal to 1"],
        "digest_hour": ["must be greater than or equal to 0"],
    }

    # Site admins only, like the other settings.
    official = await create_member(runtime, await load_site(runtime, site_id))
    resp = await client.patch(path, json={"digest_hour": 5}, headers=official.headers)
    assert resp.status_code == 403
