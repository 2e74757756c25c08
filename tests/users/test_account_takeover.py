"""Issue 9 item 1: account pre-hijacking. Nobody but the person (or an instance operator) ever
sets an account's password: not a site admin creating a user, not a user update."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from refdesk.server.accounts.models import Account
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_member, create_site, create_token, create_user
from tests.support.oauth import login_form, refused_as_incorrect, sign_in, signed_in

NOT_YOURS = "can only be set by the account's owner (invitation link) or an instance operator"
CHOSEN = "chosen by the admin"


async def account_with_email(rt: Runtime, email: str) -> Account | None:
    async with rt.db.session() as session:
        found: Account | None = await session.scalar(
            select(Account).where(func.lower(Account.email) == email)
        )
        return found


async def test_hole_1_site_admin_cannot_preset_the_password_of_a_shared_account(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    first, second = await create_site(runtime), await create_site(runtime)
    admin_a = await create_member(runtime, first, assignor=True, official=False)
    admin_b = await create_member(runtime, second, manager=True, official=False)
    person = {"first_name": "Vic", "last_name": "Tim", "email": "vic@example.org"}

    preset = await client.post(
        f"/api/v2/sites/{first.id}/users",
        json={"user": {**person, "password": CHOSEN, "password_confirmation": CHOSEN}},
        headers=admin_a.headers,
    )
    assert preset.status_code == 422, preset.text
    assert preset.json()["error"] == "validation_failed"
    assert preset.json()["errors"] == {"password": [NOT_YOURS]}
    assert await account_with_email(runtime, "vic@example.org") is None  # no partial write
    for name in ("password", "password_confirmation"):  # either one alone is refused too
        alone = await client.post(
            f"/api/v2/sites/{first.id}/users",
            json={**person, name: CHOSEN},
            headers=admin_a.headers,
        )
        assert alone.status_code == 422 and "password" in alone.json()["errors"]

    created = await client.post(
        f"/api/v2/sites/{first.id}/users", json={"user": person}, headers=admin_a.headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["password_set"] == "false"
    # Another site adds the same person: the profile joins the account, which has no password
    # that the first site's admin could know.
    joined = await client.post(
        f"/api/v2/sites/{second.id}/users", json=person, headers=admin_b.headers
    )
    assert joined.status_code == 201, joined.text
    assert joined.json()["account_id"] == created.json()["account_id"]
    assert joined.json()["password_set"] == "false"
    account = await account_with_email(runtime, "vic@example.org")
    assert account is not None and account.password_hash is None
    form = await login_form(client, runtime, admin_a.account)
    for guess in (CHOSEN, ""):
        response = await sign_in(client, form, "vic@example.org", guess)
        assert not signed_in(response)


async def test_hole_1_operator_sets_a_password_only_for_a_new_account(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime)
    operator = await create_account(runtime, operator=True)
    headers = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    url = f"/api/v2/sites/{site.id}/users"
    person = {"first_name": "Op", "last_name": "Made", "email": "op.made@example.org"}

    invalid = await client.post(
        url, json={**person, "password": "short", "password_confirmation": "x"}, headers=headers
    )
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == {
        "password": ["is too short (minimum is 8 characters)"],
        "password_confirmation": ["doesn't match Password"],
    }
    created = await client.post(
        url,
        json={**person, "password": "operator chosen", "password_confirmation": "operator chosen"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["password_set"] == "true"
    form = await login_form(client, runtime, operator)
    assert signed_in(await sign_in(client, form, "op.made@example.org", "operator chosen"))

    other = await create_site(runtime)
    existing = await client.post(
        f"/api/v2/sites/{other.id}/users",
        json={**person, "password": "a new password", "password_confirmation": "a new password"},
        headers=headers,
    )
    assert existing.status_code == 422
    assert existing.json()["errors"] == {"password": ["can't be set for an existing account"]}
    assert signed_in(await sign_in(client, form, "op.made@example.org", "operator chosen"))


async def test_hole_1_user_update_never_sets_the_password_or_the_account_email(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """A profile shared with another site: its admin can neither overwrite the password nor
    move the account's e-mail (which links profiles and signs in) through PUT/PATCH users."""
    first, second = await create_site(runtime), await create_site(runtime)
    admin = await create_member(runtime, first, assignor=True, official=False)
    person = await create_account(runtime, password="the owner's own")
    mine = await create_user(runtime, first, person)
    await create_user(runtime, second, person)
    operator = await create_account(runtime, operator=True)
    operator_headers = {"Authorization": f"Bearer {await create_token(runtime, operator)}"}
    url = f"/api/v2/users/{mine.id}"

    for headers in (admin.headers, operator_headers):
        for method in ("PUT", "PATCH"):
            overwrite = await client.request(
                method,
                url,
                json={"user": {"password": CHOSEN, "password_confirmation": CHOSEN}},
                headers=headers,
            )
            assert overwrite.status_code == 422, overwrite.text
            assert overwrite.json()["errors"] == {
                "password": [NOT_YOURS],
                "password_confirmation": ["is not allowed"],
            }
    moved = await client.patch(
        url, json={"email": "admin.owned@example.org"}, headers=admin.headers
    )
    assert moved.status_code == 200
    assert moved.json()["email_addresses"] == ["admin.owned@example.org"]
    assert moved.json()["password_set"] == "true"
    account = await account_with_email(runtime, person.email)
    assert account is not None and account.id == person.id  # the account's e-mail is unchanged
    assert await account_with_email(runtime, "admin.owned@example.org") is None
    form = await login_form(client, runtime, admin.account)
    assert refused_as_incorrect(await sign_in(client, form, person.login, CHOSEN))
    assert refused_as_incorrect(await sign_in(client, form, "admin.owned@example.org", CHOSEN))
    assert signed_in(await sign_in(client, form, person.login, "the owner's own"))
