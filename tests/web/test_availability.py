"""The availability page: the month calendar in the site's time zone, adding and deleting an
entry, marking a day not available, the weekly pattern — each checked through the API — and
what the page refuses."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from refdesk.server.runtime import Runtime
from refdesk.server.web.availability import add_months, month_param, month_title
from refdesk.server.web.home import day_label
from tests.factories import create_account, create_site, create_user
from tests.support.oauth import PASSWORD
from tests.support.web import signed_in_client
from tests.support.web_availability import (
    calendar,
    delete_forms,
    entries,
    field_errors,
    input_value,
    is_checked,
    official_in,
    open_availability,
    post_form,
)

# Kiritimati is UTC+14: for ten hours of every UTC day its date is already the next one, so
# a calendar that used the server's (UTC) date would put "today" on the wrong cell.
ZONE = "Pacific/Kiritimati"


async def test_the_calendar_shows_each_entry_on_its_local_day(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await official_in(runtime, timezone=ZONE, name="Island League")
    today = desk.today()
    later = add_months(today.replace(day=1), 1).replace(day=12)
    for body in (
        {"date": "today"},  # the site's today, whatever the server's clock says
        {"date": today.isoformat(), "start_time": "6:00 PM", "end_time": "9:30 PM"},
        {"date": later.isoformat(), "start_time": "8am", "end_time": "2pm", "description": "U12"},
    ):
        made = await client.post(desk.base, json=body, headers=desk.headers)
        assert made.status_code == 201, made.text
    other = await official_in(runtime, desk.site)  # another official's entry is not shown
    made = await client.post(other.base, json={"date": "today"}, headers=other.headers)
    assert made.status_code == 201

    page = await open_availability(client, desk)
    shown = calendar(page.text)
    assert shown[today.isoformat()] == ["Available all day", "Available 6:00 PM – 9:30 PM"]
    assert sum(len(lines) for lines in shown.values()) == 2
    assert len(shown) == (add_months(today.replace(day=1), 1) - today.replace(day=1)).days
    cell = page.text.split(f'id="day-{today.isoformat()}"')[1].split("</td>")[0]
    assert '<span class="today-tag">Today</span>' in cell
    assert f'<h2 id="calendar-title">{month_title(today)}</h2>' in page.text
    assert "times in Pacific/Kiritimati" in page.text and "Island League" in page.text
    assert '<a href="/availability" aria-current="page">Availability</a>' in page.text
    assert "A day without an entry counts as not available" in page.text
    # the table: a caption and a header per weekday
    assert page.text.count('<th scope="col">') == 7 and "<caption" in page.text

    following = await client.get(f"/availability?month={month_param(later)}")
    assert following.status_code == 200
    shown = calendar(following.text)
    assert shown[later.isoformat()] == ["Available 8:00 AM – 2:00 PM “U12”"]
    assert [day for day, lines in shown.items() if lines] == [later.isoformat()]
    assert "Today</span>" not in following.text


@pytest.mark.parametrize(
    "month", ["2026-13", "2026-00", "abc", "2026-1", "0000-01", "9999-12", "", "2026-12-01"]
)
async def test_a_bad_month_falls_back_to_the_current_one(
    client: httpx.AsyncClient, runtime: Runtime, month: str
) -> None:
    desk = await official_in(runtime, timezone=ZONE)
    await open_availability(client, desk)
    page = await client.get("/availability", params={"month": month, "day": "2026-02-30"})
    assert page.status_code == 200, page.text
    assert f'<h2 id="calendar-title">{month_title(desk.today())}</h2>' in page.text
    assert input_value(page.text, "entry-date") == ""  # an impossible ?day is ignored


async def test_month_links_go_back_and_forth(client: httpx.AsyncClient, runtime: Runtime) -> None:
    desk = await official_in(runtime, timezone=ZONE)
    await open_availability(client, desk)
    page = await client.get("/availability?month=2026-12&day=2026-12-05")
    assert '<h2 id="calendar-title">December 2026</h2>' in page.text
    assert 'href="/availability?month=2026-11" rel="prev"' in page.text
    assert 'href="/availability?month=2027-01" rel="next"' in page.text
    assert "November 2026" in page.text and "January 2027" in page.text
    assert input_value(page.text, "entry-date") == "2026-12-05"  # the cell's "Add" link
    assert 'href="/availability?month=2026-12&amp;day=2026-12-31#add-title"' in page.text
    # 1 December 2026 is a Tuesday: the first week starts with one empty Monday
    first_row = page.text.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.count('<td class="pad">') == 1 and 'id="day-2026-12-01"' in first_row


async def test_add_an_entry_then_delete_it(client: httpx.AsyncClient, runtime: Runtime) -> None:
    desk = await official_in(runtime, timezone="America/Chicago")
    page = await open_availability(client, desk)
    day = desk.today() + timedelta(days=3)

    added = await post_form(
        client,
        "/availability/entries",
        page.text,
        {
            "date": day.isoformat(),
            "status": "available",
            "start_time": "08:00",
            "end_time": "14:00",
        },
    )
    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"/availability?month={month_param(day)}"
    assert await entries(client, desk) == [
        (day.isoformat(), "false", "8:00 AM", "2:00 PM", "8a-2p")
    ]
    shown = await client.get(added.headers["location"])
    assert f"{day_label(day, desk.today())}: Available 8:00 AM – 2:00 PM." in shown.text
    assert calendar(shown.text)[day.isoformat()] == ["Available 8:00 AM – 2:00 PM"]

    all_day = await post_form(
        client,
        "/availability/entries",
        shown.text,
        {"date": day.isoformat(), "status": "available", "description": "after school"},
    )
    assert all_day.status_code == 303
    assert (day.isoformat(), "true", None, None, "after school") in await entries(client, desk)

    shown = await client.get(all_day.headers["location"])
    forms = delete_forms(shown.text)
    assert set(forms.values()) == {day.isoformat()} and len(forms) == 2
    window_id = min(forms)  # the first one added
    deleted = await post_form(
        client,
        f"/availability/entries/{window_id}/delete",
        shown.text,
        {"month": month_param(day)},
    )
    assert deleted.status_code == 303
    assert deleted.headers["location"] == f"/availability?month={month_param(day)}"
    assert await entries(client, desk) == [(day.isoformat(), "true", None, None, "after school")]
    shown = await client.get(deleted.headers["location"])
    assert f"Deleted: available 8:00 AM – 2:00 PM on {day_label(day, desk.today())}." in (
        shown.text
    )
    assert calendar(shown.text)[day.isoformat()] == ["Available all day “after school”"]


async def test_marking_a_day_not_available_removes_its_entries(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await official_in(runtime, timezone=ZONE)
    day, next_day = date(2027, 3, 6), date(2027, 3, 7)
    for body in (
        {"date": day.isoformat()},
        {"date": day.isoformat(), "start_time": "9am", "end_time": "12:00 PM"},
        {"date": next_day.isoformat()},
    ):
        made = await client.post(desk.base, json=body, headers=desk.headers)
        assert made.status_code == 201, made.text
    page = await open_availability(client, desk)
    marked = await post_form(
        client, "/availability/entries", page.text, {"date": "2027-03-06", "status": "unavailable"}
    )
    assert marked.status_code == 303, marked.text
    assert marked.headers["location"] == "/availability?month=2027-03"
    assert await entries(client, desk) == [(next_day.isoformat(), "true", None, None, "all day")]
    shown = await client.get(marked.headers["location"])
    assert "Saturday 6 March 2027: not available (2 entries removed)." in shown.text
    assert calendar(shown.text)["2027-03-06"] == []
    again = await post_form(
        client, "/availability/entries", shown.text, {"date": "2027-03-06", "status": "unavailable"}
    )
    assert "not available (it had no entries)" in (await client.get(again.headers["location"])).text


async def test_a_weekly_pattern_becomes_the_apis_records(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await official_in(runtime, timezone="America/New_York")
    # an entry on a Saturday of the range is replaced; a Friday's stays
    for body in ({"date": "2027-01-09"}, {"date": "2027-01-08"}):
        assert (await client.post(desk.base, json=body, headers=desk.headers)).status_code == 201
    page = await open_availability(client, desk)
    applied = await post_form(
        client,
        "/availability/weekly",
        page.text,
        {
            "days[]": ["sat"],
            "status": "available",
            "start_time": "08:00",
            "end_time": "14:00",
            "start_date": "2027-01-01",
            "end_date": "2027-01-31",
        },
    )
    assert applied.status_code == 303, applied.text
    assert applied.headers["location"] == "/availability?month=2027-01"
    saturdays = ["2027-01-02", "2027-01-09", "2027-01-16", "2027-01-23", "2027-01-30"]
    assert await entries(client, desk) == [
        ("2027-01-02", "false", "8:00 AM", "2:00 PM", "8a-2p"),
        ("2027-01-08", "true", None, None, "all day"),
        *[(d, "false", "8:00 AM", "2:00 PM", "8a-2p") for d in saturdays[1:]],
    ]
    shown = await client.get(applied.headers["location"])
    assert (
        "Weekly pattern applied from Friday 1 January 2027 to Sunday 31 January 2027: "
        "5 days added, 0 already set, 1 other entry removed."
    ) in shown.text
    days = calendar(shown.text)
    assert [d for d, lines in days.items() if lines] == ["2027-01-02", "2027-01-08", *saturdays[1:]]
    assert days["2027-01-16"] == ["Available 8:00 AM – 2:00 PM"]

    # Sundays and Saturdays not available in the second half: the Saturdays' entries go
    cleared = await post_form(
        client,
        "/availability/weekly",
        shown.text,
        {
            "days[]": ["sat", "sun"],
            "status": "unavailable",
            "start_date": "2027-01-15",
            "end_date": "2027-01-31",
        },
    )
    assert cleared.status_code == 303, cleared.text
    assert [e[0] for e in await entries(client, desk)] == ["2027-01-02", "2027-01-08", "2027-01-09"]
    shown = await client.get(cleared.headers["location"])
    assert "3 entries removed." in shown.text


async def test_invalid_entries_come_back_with_messages_and_nothing_is_written(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await official_in(runtime, timezone=ZONE)
    page = await open_availability(client, desk)
    answer = await post_form(
        client,
        "/availability/entries",
        page.text,
        {
            "date": "2027-02-10",
            "status": "available",
            "start_time": "14:00",
            "end_time": "09:00",
            "description": "late shift",
            "month": "2027-02",
        },
    )
    assert answer.status_code == 422, answer.text
    assert field_errors(answer.text) == {
        "entry-end_time-error": "End time must be after the start time."
    }
    assert 'aria-describedby="entry-end_time-error" aria-invalid="true"' in answer.text
    assert input_value(answer.text, "entry-date") == "2027-02-10"
    assert input_value(answer.text, "entry-start") == "14:00"
    assert input_value(answer.text, "entry-end") == "09:00"
    assert input_value(answer.text, "entry-description") == "late shift"
    assert '<p class="error" role="alert">The entry was not saved. Nothing changed.' in answer.text
    assert '<a href="#add-title">See the messages by the form</a>' in answer.text
    assert '<h2 id="calendar-title">February 2027</h2>' in answer.text  # the month it came from

    for data, errors in (
        (
            {"date": "", "start_time": "9am"},
            {
                "entry-date-error": "Date can't be blank.",
                "entry-end_time-error": "End time can't be blank.",
            },
        ),
        ({"date": "2027-02-30"}, {"entry-date-error": "Date is not a valid date."}),
        (
            {"date": "2027-02-10", "start_time": "25:00", "end_time": "26:00"},
            {
                "entry-start_time-error": "Start time is not a valid time.",
                "entry-end_time-error": "End time is not a valid time.",
            },
        ),
        (
            {
                "date": "2027-02-10",
                "status": "unavailable",
                "start_time": "9:00",
                "end_time": "10:00",
            },
            {
                "entry-status-error": "Not available is for whole days: leave both times empty.",
            },
        ),
        (
            {"date": "someday", "status": "unavailable"},
            {
                "entry-date-error": "Date is not a valid date.",
            },
        ),
    ):
        answer = await post_form(client, "/availability/entries", page.text, data)
        assert answer.status_code == 422, (data, answer.text)
        assert field_errors(answer.text) == errors, data
    assert await entries(client, desk) == []


async def test_an_invalid_weekly_pattern_comes_back_and_writes_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await official_in(runtime, timezone=ZONE)
    page = await open_availability(client, desk)
    answer = await post_form(
        client,
        "/availability/weekly",
        page.text,
        {
            "status": "available",
            "start_time": "08:00",
            "end_time": "14:00",
            "start_date": "2027-06-01",
            "end_date": "2027-01-01",
            "keep": "yes",
        },
    )
    assert answer.status_code == 422, answer.text
    assert field_errors(answer.text) == {
        "weekly-days-error": "Choose at least one day of the week."
    }
    assert input_value(answer.text, "weekly-start-date") == "2027-06-01"
    assert input_value(answer.text, "weekly-end-date") == "2027-01-01"
    assert input_value(answer.text, "weekly-start") == "08:00"
    assert is_checked(answer.text, "weekly-keep") and is_checked(answer.text, "weekly-available")
    # the days given, the range is checked next: until before start
    answer = await post_form(
        client,
        "/availability/weekly",
        page.text,
        {"days[]": ["sat", "sun"], "start_date": "2027-06-01", "end_date": "2027-01-01"},
    )
    assert answer.status_code == 422
    assert field_errors(answer.text) == {
        "weekly-end_date-error": "Until must be on or after the start date, at most a year later."
    }
    assert is_checked(answer.text, "weekly-sat") and is_checked(answer.text, "weekly-sun")
    assert not is_checked(answer.text, "weekly-mon")
    answer = await post_form(
        client,
        "/availability/weekly",
        page.text,
        {
            "days[]": "sat",
            "status": "unavailable",
            "start_time": "8am",
            "end_time": "",
            "start_date": "2027-01-01",
            "end_date": "",
        },
    )
    assert answer.status_code == 422
    assert field_errors(answer.text) == {
        "weekly-end_date-error": "Until can't be blank.",
        "weekly-end_time-error": "End time can't be blank.",
        "weekly-status-error": "Not available is for whole days: leave both times empty.",
    }
    assert is_checked(answer.text, "weekly-unavailable")
    assert await entries(client, desk) == []


async def test_another_officials_or_sites_entry_cannot_be_deleted(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await official_in(runtime, timezone=ZONE, name="Alpha League")
    colleague = await official_in(runtime, desk.site)
    elsewhere = await official_in(runtime, timezone="Europe/Berlin", name="Zulu League")
    # the same person in another site: that site's entries are not this page's either
    own_elsewhere = await official_in(runtime, elsewhere.site, account=desk.account)
    targets = []
    for someone in (colleague, elsewhere, own_elsewhere):
        made = await client.post(someone.base, json={"date": "2027-01-05"}, headers=someone.headers)
        assert made.status_code == 201, made.text
        targets.append((someone, made.json()["id"]))
    page = await open_availability(client, desk)
    for someone, entry_id in targets:
        refused = await post_form(
            client, f"/availability/entries/{entry_id}/delete", page.text, {"month": "2027-01"}
        )
        assert refused.status_code == 303
        assert refused.headers["location"] == "/availability?month=2027-01"
        shown = await client.get(refused.headers["location"])
        assert "That entry is not one of yours" in shown.text and 'role="alert"' in shown.text
        assert len(await entries(client, someone)) == 1
    for month in ("", "2027-1", "２０２７-01", "2027-01\r\nSet-Cookie: x=y"):
        missing = await post_form(
            client, "/availability/entries/999999999/delete", page.text, {"month": month}
        )
        assert missing.status_code == 303 and missing.headers["location"] == "/availability"


async def test_forms_without_a_csrf_token_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    desk = await official_in(runtime, timezone=ZONE)
    made = await client.post(desk.base, json={"date": "2027-01-05"}, headers=desk.headers)
    await open_availability(client, desk)
    for path, data in (
        ("/availability/entries", {"date": "2027-01-06"}),
        ("/availability/entries", {"date": "2027-01-05", "status": "unavailable"}),
        (f"/availability/entries/{made.json()['id']}/delete", {}),
        (
            "/availability/weekly",
            {"days[]": "mon", "start_date": "2027-01-01", "end_date": "2027-01-31"},
        ),
    ):
        for token in ({}, {"csrf_token": "forged"}):
            refused = await client.post(path, data={**data, **token})
            assert refused.status_code == 403, (path, token)
            assert "Nothing was changed" in refused.text
    assert await entries(client, desk) == [("2027-01-05", "true", None, None, "all day")]


async def test_a_person_who_is_not_an_official_is_told_so(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site = await create_site(runtime, name="Harbor League")
    assignor = await create_account(runtime, password=PASSWORD)
    await create_user(runtime, site, assignor, assignor=True, official=False)
    home = await signed_in_client(client, assignor.login)
    page = await client.get("/availability")
    assert page.status_code == 200
    assert "you are not an official in Harbor League" in page.text
    assert 'action="/availability/entries"' not in page.text
    refused = await post_form(client, "/availability/entries", home.text, {"date": "2027-01-05"})
    assert refused.status_code == 303 and refused.headers["location"] == "/availability"
    assert "not an official" in (await client.get("/availability")).text


async def test_visitors_are_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    page = await client.get("/availability")
    assert page.status_code == 303 and page.headers["location"] == "/"
    posted = await client.post("/availability/weekly", data={})
    assert posted.status_code == 303 and posted.headers["location"] == "/"


async def test_a_site_without_availability_checks_still_keeps_entries_api_and_page_alike(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """``use_availability`` only decides whether conflict code D is computed (contract
    §17.1 site fields): neither the API's single create, nor its weekly apply, nor the page
    refuse an entry when it is false — they agree."""
    desk = await official_in(runtime, timezone=ZONE, use_availability=False)
    single = await client.post(desk.base, json={"date": "2027-01-04"}, headers=desk.headers)
    assert single.status_code == 201, single.text
    weekly = await client.post(
        f"{desk.base}/weekly",
        json={"days": ["tue"], "start_date": "2027-01-05", "end_date": "2027-01-05"},
        headers=desk.headers,
    )
    assert weekly.status_code == 200, weekly.text
    page = await open_availability(client, desk)
    assert "does not check availability when assigning games" in page.text
    added = await post_form(client, "/availability/entries", page.text, {"date": "2027-01-06"})
    assert added.status_code == 303
    assert [e[0] for e in await entries(client, desk)] == ["2027-01-04", "2027-01-05", "2027-01-06"]
