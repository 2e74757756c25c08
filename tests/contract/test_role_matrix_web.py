"""Every route of the web app (``server/web/pages``) x every kind of person.

The pages' permissions are the API's (each page calls the service the API calls); what this
matrix adds is the web app's own contract, for every route that exists now or is added later:

* a visitor asking for a signed-in page is sent to the sign-in form (303 ``/``), and a
  visitor's POST changes nothing (303 ``/``);
* every POST of a signed-in person without a valid CSRF token is refused with the 403 page
  (a missing token and a forged one alike);
* every signed-in page answers every kind of person with a page (200, or a 4xx page for an id
  that is not theirs) — never a 500, never a JSON error body.

Roles: O official, A assignor (not an official), M manager, Ob observer, Op operator without
a profile, N an account with no site at all. ``PUBLIC`` lists the routes a visitor may use;
every other route is checked as a signed-in one, so a new page is covered the day it lands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from refdesk.server.runtime import Runtime
from refdesk.server.web.page import CSRF_REFUSED
from refdesk.server.web.pages import ROUTERS
from tests.factories import create_account, create_site, create_user
from tests.support.app import client_for
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import sign_in, signed_in_page

# Routes a visitor may use, with what they get.
PUBLIC = {
    ("GET", "/"): 200,  # the sign-in form
    ("POST", "/sign-in"): 403,  # without the visitor's CSRF token
    ("GET", "/static/{name}"): 404,  # an unknown asset name
}
ROLES = ("O", "A", "M", "Ob", "Op", "N")
NOT_THEIRS = 987654  # an id no test row has


def web_routes() -> list[tuple[str, str]]:
    found = set()
    for router in ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute), route
            for method in route.methods - {"HEAD"}:
                found.add((method, route.path))
    return sorted(found)


def concrete(path: str) -> str:
    """``/games/{slot_id:int}/accept`` -> ``/games/987654/accept``."""
    return re.sub(r"\{[^}]+\}", str(NOT_THEIRS), path)


def is_page(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").startswith("text/html") and (
        "<!DOCTYPE html>" in response.text
    )


@dataclass
class Person:
    role: str
    login: str


async def people(runtime: Runtime) -> list[Person]:
    site = await create_site(runtime, name="Matrix Referees")
    flags = {
        "O": {"official": True},
        "A": {"assignor": True, "official": False},
        "M": {"manager": True, "official": False},
        "Ob": {"observer": True, "official": False},
    }
    found = []
    for role in ROLES:
        account = await create_account(runtime, password=PASSWORD, operator=role == "Op")
        if role in flags:
            await create_user(runtime, site, account, **flags[role])
        found.append(Person(role, account.login))
    return found


def test_the_matrix_sees_every_page() -> None:
    routes = web_routes()
    assert ("GET", "/") in routes and ("POST", "/sign-out") in routes
    public = set(PUBLIC)
    assert public <= set(routes), public - set(routes)


@pytest.mark.parametrize(("method", "path"), web_routes())
async def test_a_visitor_is_sent_to_sign_in(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    answer = await client.request(method, concrete(path), headers={"Accept": "text/html"})
    if (method, path) in PUBLIC:
        assert answer.status_code == PUBLIC[(method, path)], answer.text
        return
    assert answer.status_code == 303, (method, path, answer.status_code, answer.text[:300])
    assert answer.headers["location"] == "/"


@pytest.mark.parametrize(
    ("method", "path"), [r for r in web_routes() if r[0] == "POST" and r not in PUBLIC]
)
async def test_a_post_without_a_valid_csrf_token_is_refused_for_everyone(
    app: Any, runtime: Runtime, method: str, path: str
) -> None:
    for person in await people(runtime):
        async with client_for(app) as browser:
            assert (await sign_in(browser, person.login)).status_code == 303
            token = csrf_of((await browser.get("/")).text)
            for sent in ({}, {"csrf_token": "0" * len(token)}, {"csrf_token": token[:-1]}):
                answer = await browser.post(concrete(path), data=sent)
                assert answer.status_code == 403, (person.role, path, sent, answer.text[:300])
                assert is_page(answer) and CSRF_REFUSED in answer.text
            # still signed in: the refusal ended nothing
            assert signed_in_page(await browser.get("/"))


@pytest.mark.parametrize(
    ("method", "path"), [r for r in web_routes() if r[0] == "GET" and r not in PUBLIC]
)
async def test_every_signed_in_page_answers_every_role_with_a_page(
    app: Any, runtime: Runtime, method: str, path: str
) -> None:
    for person in await people(runtime):
        async with client_for(app) as browser:
            assert (await sign_in(browser, person.login)).status_code == 303
            answer = await browser.get(concrete(path), headers={"Accept": "text/html"})
            expected = {200} if concrete(path) == path else {200, 403, 404}
            assert answer.status_code in expected, (person.role, path, answer.text[:300])
            if answer.headers.get("content-type", "").startswith("text/html"):
                assert is_page(answer), (person.role, path)
            # a download (e.g. CSV) is fine too, but never the API's JSON error body
            assert "json" not in answer.headers.get("content-type", "")


async def test_home_answers_every_role(app: Any, runtime: Runtime) -> None:
    """The home page in particular: each role sees the sentence for its situation."""
    expected = {
        "O": "You have no upcoming games",
        "A": "You are not an official in Matrix Referees",
        "M": "You are not an official in Matrix Referees",
        "Ob": "You are not an official in Matrix Referees",
        "N": "Your account is not a member of any active site yet",
    }
    for person in await people(runtime):
        async with client_for(app) as browser:
            assert (await sign_in(browser, person.login)).status_code == 303
            home = await browser.get("/")
            assert signed_in_page(home), person.role
            if person.role in expected:
                assert expected[person.role] in home.text, (person.role, home.text)
