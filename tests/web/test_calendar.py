"""``/account/calendar``: the feed URL (made on the first visit, the same the API gives),
the webcal link, the Copy button as progressive enhancement, and rotation (CSRF-checked; the
old URL stops working)."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_site, create_user
from tests.support.calendar import parse
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.web import official_with_games, signed_in_client
from tests.support.web_calendar import api_feed_url, shown_url, shown_webcal

PAGE = "/account/calendar"


async def test_a_visitor_is_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    resp = await client.get(PAGE)
    assert resp.status_code == 303 and resp.headers["location"] == "/"
    posted = await client.post(PAGE + "/rotate", data={"csrf_token": "x"})
    assert posted.status_code == 303 and posted.headers["location"] == "/"


async def test_the_page_shows_the_feed_the_api_gives_and_it_works(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await official_with_games(client, runtime, [(2, "9:00 AM")], name="Harbor League")
    await signed_in_client(client, desk.account.login)
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    url = shown_url(page)
    assert urlsplit(url).path.startswith("/calendar/") and url.endswith(".ics")
    assert shown_webcal(page) == "webcal://" + url.removeprefix("https://")
    # the same feed as the API's (the page made it; the API finds it)
    assert await api_feed_url(client, runtime, desk.account) == url
    assert shown_url(await client.get(PAGE)) == url  # stable
    # the feed lists the official's game
    feed = await client.get(urlsplit(url).path)
    assert feed.status_code == 200
    (event,) = parse(feed.text).events
    assert event["SUMMARY"] == "Referee: Home 0 vs Away 0"
    # without JavaScript: a labelled read-only field; the Copy button waits for copy.js
    text = page.text
    assert '<label for="feed-url">' in text and " readonly " in text
    assert 'data-copy="feed-url"' in text and "hidden>Copy</button>" in text
    assert '<script src="/static/copy.js" defer></script>' in text
    assert '<link rel="stylesheet" href="/static/calendar.css">' in text
    assert "<h1>Calendar feed</h1>" in text and "(America/Los_Angeles)" in text
    assert 'action="/account/calendar/rotate"' in text and "stops working" in text
    for asset, media in (
        ("/static/copy.js", "text/javascript"),
        ("/static/calendar.css", "text/css"),
    ):
        served = await client.get(asset)
        assert served.status_code == 200 and served.headers["content-type"].startswith(media)


async def test_rotate_makes_a_new_url_and_the_old_one_is_404(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    await create_user(runtime, await create_site(runtime), person)
    await signed_in_client(client, person.login)
    page = await client.get(PAGE)
    old = shown_url(page)
    rotated = await client.post(PAGE + "/rotate", data={"csrf_token": csrf_of(page.text)})
    assert rotated.status_code == 303 and rotated.headers["location"] == PAGE
    after = await client.get(PAGE)
    new = shown_url(after)
    assert new != old
    assert "You have a new calendar feed URL. The old one no longer works" in after.text
    assert "You have a new calendar feed URL" not in (await client.get(PAGE)).text  # one-shot
    assert (await client.get(urlsplit(old).path)).status_code == 404
    assert (await client.get(urlsplit(new).path)).status_code == 200
    # the API agrees
    assert await api_feed_url(client, runtime, person) == new


async def test_rotate_without_a_csrf_token_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    person = await create_account(runtime, password=PASSWORD)
    await signed_in_client(client, person.login)  # no site at all: the feed is the account's
    page = await client.get(PAGE)
    assert page.status_code == 200
    url = shown_url(page)
    for data in ({}, {"csrf_token": "forged"}):
        refused = await client.post(PAGE + "/rotate", data=data)
        assert refused.status_code == 403 and "Nothing was changed" in refused.text
    assert shown_url(await client.get(PAGE)) == url
    assert (await client.get(urlsplit(url).path)).status_code == 200
