"""The account page: name and e-mail, password, e-mail notifications, connected applications.
Every change is checked through the API afterwards (the page calls the API's services), and
every refusal leaves the account as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from refdesk.server.config import Settings
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_site, create_token, create_user
from tests.support.app import client_for, make_settings
from tests.support.oauth import PASSWORD
from tests.support.web import (
    SESSION,
    set_cookie,
    sign_in,
    sign_in_page,
    signed_in_client,
    signed_in_page,
)
from tests.support.web_account import (
    ACCOUNT,
    BACK,
    account_page,
    api_account,
    applications_listed,
    bearer,
    field_error,
    flash_error,
    input_value,
    new_application,
    notice,
    submit,
    submit_and_follow,
    ticked,
    token_of,
)

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # Every sign-in and password check counts against the login's throttle; these tests make
    # more than the default 5 a minute (the throttle test sets its own rule).
    return make_settings(tmp_path, database_url, login_throttle_rules="100/60")


async def test_the_page_shows_the_account_and_its_sections(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    person = await create_account(
        runtime, password=PASSWORD, first_name="Robin", last_name="Okafor"
    )
    await signed_in_client(client, person.login)
    page = await account_page(client)
    text = page.text
    assert "<h1>Account</h1>" in text
    assert input_value(text, "profile", "first_name") == "Robin"
    assert input_value(text, "profile", "last_name") == "Okafor"
    assert input_value(text, "profile", "email") == person.email
    assert f"You sign in as <strong>{person.login}</strong>" in text
    for heading in (
        "Name and e-mail",
        "Password",
        "E-mail notifications",
        "Connected applications",
        "Calendar feed",
    ):
        assert f">{heading}</h2>" in text, heading
    assert '<a href="/account/calendar">' in text
    assert '<a href="/account" aria-current="page">Account</a>' in text
    assert "No application has access to your account." in text
    assert "You have no active profile in any site yet" in text
    # passwords are never written into the page
    assert input_value(text, "password", "current_password") is None


async def test_a_visitor_is_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    answer = await client.get(ACCOUNT)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


async def test_name_and_email_change_is_seen_through_the_api(
    client: httpx.AsyncClient, runtime: Runtime, app: Any
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    token = await create_token(runtime, person)
    await signed_in_client(client, person.login)
    # A name alone needs no password.
    page = await submit_and_follow(
        client,
        "/account/profile",
        {"first_name": "Sam", "last_name": "Stone", "email": person.email},
    )
    assert notice(page.text) == "Your name and e-mail address are saved."
    assert "Signed in as Sam Stone" in page.text
    shown = await api_account(client, token)
    assert (shown["first_name"], shown["last_name"]) == ("Sam", "Stone")
    # A new e-mail needs the current password; it is stored lower-cased, as the API does.
    page = await submit_and_follow(
        client,
        "/account/profile",
        {
            "first_name": "Sam",
            "last_name": "Stone",
            "email": "Sam.Stone@Example.org",
            "current_password": PASSWORD,
        },
    )
    assert input_value(page.text, "profile", "email") == "sam.stone@example.org"
    assert (await api_account(client, token))["email"] == "sam.stone@example.org"
    # and the person still signs in with it
    async with client_for(app) as other:
        await signed_in_client(other, "sam.stone@example.org")


async def test_a_refused_change_shows_messages_by_the_fields_and_writes_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    taken = await create_account(runtime, email="taken@example.org")
    person = await create_account(runtime, password=PASSWORD, first_name="Lee", last_name="Ng")
    token = await create_token(runtime, person)
    await signed_in_client(client, person.login)
    before = await api_account(client, token)

    duplicate = await submit(
        client,
        "/account/profile",
        {
            "first_name": "Changed",
            "last_name": "Ng",
            "email": taken.email.upper(),
            "current_password": PASSWORD,
        },
    )
    assert duplicate.status_code == 422
    assert field_error(duplicate.text, "profile", "email") == (
        "E-mail address has already been taken"
    )
    assert 'id="profile-email" name="email" value="TAKEN@EXAMPLE.ORG"' in duplicate.text
    assert 'aria-invalid="true" aria-describedby="profile-email-error"' in duplicate.text
    assert input_value(duplicate.text, "profile", "first_name") == "Changed"  # as typed
    assert "Your name and e-mail were not changed." in duplicate.text

    invalid = await submit(
        client,
        "/account/profile",
        {"first_name": "", "last_name": "Ng", "email": "not an address"},
    )
    assert invalid.status_code == 422
    assert field_error(invalid.text, "profile", "first_name") == "First name can't be blank"
    assert field_error(invalid.text, "profile", "email") == "E-mail address is invalid"

    # A new e-mail without the current password (or a wrong one) is refused.
    for current in ("", "not my password"):
        refused = await submit(
            client,
            "/account/profile",
            {
                "first_name": "Lee",
                "last_name": "Ng",
                "email": "new@example.org",
                "current_password": current,
            },
        )
        assert refused.status_code == 422
        assert field_error(refused.text, "profile", "current_password") == (
            "Current password is invalid"
        )
        assert field_error(refused.text, "profile", "email") is None
    assert await api_account(client, token) == before


async def test_a_password_change_needs_the_current_password(
    client: httpx.AsyncClient, runtime: Runtime, app: Any
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    await signed_in_client(client, person.login)

    wrong = await submit(
        client,
        "/account/password",
        {
            "current_password": "not my password",
            "password": NEW_PASSWORD,
            "password_confirmation": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422
    assert field_error(wrong.text, "password", "current_password") == (
        "Current password is invalid"
    )
    assert "Your password was not changed." in wrong.text
    assert NEW_PASSWORD not in wrong.text and "not my password" not in wrong.text

    short = await submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": "short", "password_confirmation": "short"},
    )
    assert short.status_code == 422
    assert field_error(short.text, "password", "password") == (
        "New password is too short (minimum is 8 characters)"
    )

    differ = await submit(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirmation": "a brand new passw0rd",
        },
    )
    assert differ.status_code == 422
    assert field_error(differ.text, "password", "password_confirmation") == (
        "The repeated password doesn't match the new password"
    )
    # nothing changed: the old password still signs in, the new one does not
    async with client_for(app) as other:
        assert (await sign_in(other, person.login, NEW_PASSWORD)).status_code == 200
        await signed_in_client(other, person.login, PASSWORD)
    assert signed_in_page(await client.get("/"))


async def test_a_password_change_keeps_this_session_and_ends_the_others(
    client: httpx.AsyncClient, runtime: Runtime, app: Any
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    await signed_in_client(client, person.login)
    async with client_for(app) as laptop:
        await signed_in_client(laptop, person.login)
        changed = await submit(
            client,
            "/account/password",
            {
                "current_password": PASSWORD,
                "password": NEW_PASSWORD,
                "password_confirmation": NEW_PASSWORD,
            },
        )
        assert changed.status_code == 303 and changed.headers["location"] == BACK
        assert "httponly" in set_cookie(changed, SESSION).lower()
        page = await account_page(client)  # this browser is still signed in
        assert notice(page.text) == (
            "Your password is changed. You are still signed in here; "
            "every other browser or device is signed out."
        )
        assert signed_in_page(await client.get("/"))
        assert sign_in_page(await laptop.get("/"))  # the other session ended
        assert (await laptop.get(ACCOUNT)).headers["location"] == "/"
        old = await sign_in(laptop, person.login, PASSWORD)
        assert old.status_code == 200 and sign_in_page(old)  # the old password is refused
        await signed_in_client(laptop, person.login, NEW_PASSWORD)


async def test_wrong_current_passwords_are_throttled_like_sign_in(
    client: httpx.AsyncClient, runtime: Runtime, app: Any
) -> None:
    runtime.settings.login_throttle_rules = "3/3600"
    person = await create_account(runtime, password=PASSWORD)
    await signed_in_client(client, person.login)  # attempt 1
    form = {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
    for _ in range(2):  # attempts 2 and 3
        wrong = await submit(client, "/account/password", {**form, "current_password": "guess"})
        assert wrong.status_code == 422
    refused = await submit(client, "/account/password", {**form, "current_password": PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "Too many sign-in attempts for this login" in refused.text
    # the same count as sign-in: the right password does not sign in either now
    async with client_for(app) as other:
        assert (await sign_in(other, person.login, PASSWORD)).status_code == 429


async def test_notification_choices_are_saved_per_site_and_seen_through_the_api(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    token = await create_token(runtime, person)
    alpha = await create_site(runtime, name="Alpha League")
    beta = await create_site(runtime, name="Beta League")
    official = await create_user(runtime, alpha, person, official=True)
    assignor = await create_user(
        runtime, beta, person, assignor=True, notification_preferences={"digest": False}
    )
    lapsed = await create_site(runtime, name="Lapsed League", status="expired")
    await create_user(runtime, lapsed, person, official=True)
    await signed_in_client(client, person.login)
    page = await account_page(client)
    assert "<strong>Lapsed League</strong>: this site's subscription has lapsed" in page.text
    assert "Lapsed League: e-mail me when" not in page.text  # no form for it
    everything = {"assigned": True, "changed": True, "removed": True, "reminder": True}
    assert ticked(page.text, official.id) == everything  # assignors' kinds only to assignors
    assert ticked(page.text, assignor.id) == {**everything, "declined": True, "digest": False}
    assert "Alpha League: e-mail me when" in page.text

    kinds = ["assigned", "changed", "removed", "reminder"]
    saved = await submit_and_follow(
        client,
        "/account/notifications",
        [("user_id", str(official.id))]
        + [("kinds[]", k) for k in kinds]
        + [("notify[]", "assigned"), ("notify[]", "removed")],
    )
    assert notice(saved.text) == "Your e-mail choices for Alpha League are saved."
    assert ticked(saved.text, official.id) == {
        "assigned": True,
        "changed": False,
        "removed": True,
        "reminder": False,
    }
    shown = await client.get(f"/api/v2/users/{official.id}", headers=bearer(token))
    assert shown.json()["notification_preferences"] == {
        "assigned": True,
        "changed": False,
        "removed": True,
        "reminder": False,
        "declined": True,
        "digest": True,
    }
    other = await client.get(f"/api/v2/users/{assignor.id}", headers=bearer(token))
    assert other.json()["notification_preferences"]["digest"] is False  # the other site kept


async def test_nobody_saves_another_persons_choices(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime, name="Gamma League")
    person = await create_account(runtime, password=PASSWORD)
    await create_user(runtime, site, person, assignor=True)
    someone = await create_account(runtime)
    their = await create_user(runtime, site, someone, official=True)
    await signed_in_client(client, person.login)
    page = await submit_and_follow(
        client,
        "/account/notifications",
        [("user_id", str(their.id)), ("kinds[]", "reminder")],
    )
    assert flash_error(page.text) == "Only the person may change the field notification_preferences"
    token = await create_token(runtime, someone)
    shown = await client.get(f"/api/v2/users/{their.id}", headers=bearer(token))
    assert shown.json()["notification_preferences"]["reminder"] is True


async def test_revoking_an_application_ends_its_access_to_this_account_only(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_account(runtime)
    person = await create_account(runtime, password=PASSWORD)
    friend = await create_account(runtime)
    scoreboard = await new_application(runtime, owner, "Scoreboard")
    calendar = await new_application(runtime, owner, "Calendar Sync")
    scoreboard_token = await token_of(runtime, scoreboard, person, "read")
    calendar_token = await token_of(runtime, calendar, person, "read write")
    friend_token = await token_of(runtime, scoreboard, friend)
    await signed_in_client(client, person.login)
    page = await account_page(client)
    # the most recently authorized first
    assert applications_listed(page.text) == [
        (calendar, "Calendar Sync"),
        (scoreboard, "Scoreboard"),
    ]
    assert "May read your data." in page.text
    assert "May read your data and make changes." in page.text

    revoked = await submit_and_follow(client, f"/account/applications/{scoreboard}/revoke", {})
    assert notice(revoked.text) == "Scoreboard no longer has access to your account."
    assert applications_listed(revoked.text) == [(calendar, "Calendar Sync")]
    gone = await client.get("/api/v2/current_account", headers=bearer(scoreboard_token))
    assert gone.status_code == 401
    kept = await client.get("/api/v2/current_account", headers=bearer(calendar_token))
    assert kept.status_code == 200
    # the application keeps working for its other accounts
    theirs = await client.get("/api/v2/current_account", headers=bearer(friend_token))
    assert theirs.status_code == 200 and theirs.json()["id"] == friend.id

    again = await submit_and_follow(client, f"/account/applications/{scoreboard}/revoke", {})
    assert flash_error(again.text) == "This application has no access to your account"
    # nor can it revoke an application that never had access (another account's)
    elsewhere = await new_application(runtime, owner, "Elsewhere")
    await token_of(runtime, elsewhere, friend)
    refused = await submit_and_follow(client, f"/account/applications/{elsewhere}/revoke", {})
    assert flash_error(refused.text) == "This application has no access to your account"


async def test_forms_without_a_csrf_token_are_refused_and_change_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    person = await create_account(runtime, password=PASSWORD, first_name="Ada")
    site = await create_site(runtime)
    user = await create_user(runtime, site, person, official=True)
    token = await create_token(runtime, person)
    application = await new_application(runtime, await create_account(runtime), "Connected")
    connected = await token_of(runtime, application, person)
    await signed_in_client(client, person.login)
    posts = {
        "/account/profile": {"first_name": "Eve", "last_name": "X", "email": person.email},
        "/account/password": {
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirmation": NEW_PASSWORD,
        },
        "/account/notifications": {"user_id": str(user.id), "kinds[]": "reminder"},
        f"/account/applications/{application}/revoke": {},
    }
    for action, data in posts.items():
        for forged in (None, "forged"):
            form = dict(data) if forged is None else {**data, "csrf_token": forged}
            refused = await client.post(action, data=form)
            assert refused.status_code == 403, action
            assert "without a valid security token" in refused.text
    assert (await api_account(client, token))["first_name"] == "Ada"
    shown = await client.get(f"/api/v2/users/{user.id}", headers=bearer(token))
    assert shown.json()["notification_preferences"]["reminder"] is True
    still = await client.get("/api/v2/current_account", headers=bearer(connected))
    assert still.status_code == 200
    assert signed_in_page(await client.get("/"))  # the password did not change
