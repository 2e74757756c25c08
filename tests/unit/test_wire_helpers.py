"""Pure helpers of the wire layer: Accept negotiation, bracket decoding, encodings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from refdesk.server.api.body import decode_form, unwrap
from refdesk.server.api.hal import encode_query
from refdesk.server.api.media import JSON_CT, PROBLEM_CT, VENDOR_CT, negotiate
from refdesk.server.api.paths import normalise_path
from refdesk.server.errors import ErrorCollector, humanise, validation_message
from refdesk.server.fields import INVALID, read_bool, read_date, read_int
from refdesk.server.timefmt import localized_date, localized_time, timestamp


@pytest.mark.parametrize(
    ("accept", "acceptable", "content_type"),
    [
        (None, True, VENDOR_CT),
        ("", True, VENDOR_CT),
        ("*/*", True, VENDOR_CT),
        ("application/*", True, VENDOR_CT),
        ("application/json", True, JSON_CT),
        ("application/json, text/plain", True, JSON_CT),
        ("application/hal+json", True, VENDOR_CT),
        ("application/vnd.assignr.v2.hal+json", True, VENDOR_CT),
        ("text/html", False, JSON_CT),
        ("application/json;q=0", False, JSON_CT),
        ("*/*;q=0, text/html", False, JSON_CT),
        ("application/*;q=0.5, application/json;q=0", True, VENDOR_CT),
        ("garbage", False, JSON_CT),
    ],
)
def test_accept_negotiation(accept: str | None, acceptable: bool, content_type: str) -> None:
    result = negotiate(accept)
    assert result.acceptable is acceptable
    assert result.content_type == content_type


def test_problem_json_only_when_named() -> None:
    assert negotiate("application/json, application/problem+json").error_content_type == PROBLEM_CT
    assert negotiate("*/*").error_content_type == VENDOR_CT


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v2//sites", "/api/v2/sites"),
        ("/api/v2/sites/", "/api/v2/sites"),
        ("/api/v2/sites/7/games.json", "/api/v2/sites/7/games"),
        ("/v2/sites", "/api/v2/sites"),
        ("/v2", "/api/v2"),
        ("//v2//sites.json", "/api/v2/sites"),
        ("/oauth/token.json", "/oauth/token"),
        ("/", "/"),
    ],
)
def test_path_normalisation(path: str, expected: str) -> None:
    assert normalise_path(path) == expected


def test_form_bracket_notation() -> None:
    body = decode_form(
        b"a=1&game[status]=X&event_types[]=a&event_types[]=b&positions[0][name]=Referee"
        b"&positions[1][name]=AR&a=2"
    )
    assert body == {
        "a": "2",
        "game": {"status": "X"},
        "event_types": ["a", "b"],
        "positions": [{"name": "Referee"}, {"name": "AR"}],
    }
    assert unwrap({"game": {"status": "X"}, "lock_version": 3, "status": "A"}, "game") == {
        "lock_version": 3,
        "status": "X",
    }


def test_query_encoding_sorts_and_escapes() -> None:
    assert (
        encode_query({"search[start_date]": "01/01/2024", "page": "1", "q": "a b~"})
        == "page=1&q=a%20b~&search%5Bstart_date%5D=01%2F01%2F2024"
    )


def test_validation_message_humanises_keys() -> None:
    assert humanise("home_team_name") == "Home team name"
    assert humanise("search[end_date]") == "search[end_date]"
    message = validation_message({"home_team_name": ["can't be blank"], "base": ["Oops"]})
    assert message == "Validation failed: Home team name can't be blank, Oops"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True),
        (0, False),
        ("Y", True),
        ("n", False),
        ("True", True),
        ("t", True),
        ("F", False),
        ("yes", True),
        ("1", True),
        ("maybe", INVALID),
        (2, INVALID),
    ],
)
def test_boolean_inputs(raw: object, expected: object) -> None:
    assert read_bool(raw, "flag", ErrorCollector()) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-10-11", date(2026, 10, 11)),
        ("10/01/2026", date(2026, 10, 1)),
        ("1/1/2024", date(2024, 1, 1)),
        ("2026-10-11T09:00:00-04:00", date(2026, 10, 11)),
        ("2026-10-11 09:00:00", date(2026, 10, 11)),
        (" Oct 11 2026 ", date(2026, 10, 11)),
        ("TOMORROW", date(2026, 1, 2)),
        ("02/30/2024", INVALID),
        ("soon", INVALID),
    ],
)
def test_date_inputs(raw: str, expected: object) -> None:
    errors = ErrorCollector()
    value = read_date(raw, "d", errors, today=date(2026, 1, 1))
    assert value == expected if expected is not INVALID else value is INVALID
    if expected is INVALID:
        assert errors.errors == {"d": ["is not a valid date"]}


def test_integer_messages() -> None:
    errors = ErrorCollector()
    assert read_int("4.5", "n", errors) is INVALID
    assert read_int("x", "m", errors) is INVALID
    assert read_int("0", "k", errors, minimum=1) is INVALID
    assert errors.errors == {
        "n": ["must be an integer"],
        "m": ["is not a number"],
        "k": ["must be greater than or equal to 1"],
    }


def test_output_encodings() -> None:
    instant = datetime(2026, 10, 11, 13, 0, 0, 123456, tzinfo=UTC)
    assert timestamp(instant, "America/New_York") == "2026-10-11T09:00:00.123-04:00"
    assert timestamp(datetime(2026, 1, 11, 13, 0, tzinfo=UTC), "America/New_York") == (
        "2026-01-11T08:00:00.000-05:00"
    )
    assert timestamp(instant, "UTC") == "2026-10-11T13:00:00.123+00:00"
    assert localized_date(date(2023, 4, 3)) == "Apr 3 2023"
    assert localized_time(datetime(2026, 1, 1, 0, 0)) == "12:00 AM"
    assert localized_time(datetime(2026, 1, 1, 12, 30)) == "12:30 PM"
    assert localized_time(datetime(2026, 1, 1, 9, 0)) == "9:00 AM"
