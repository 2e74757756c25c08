"""The rule described by the X-Ratelimit-* headers and the IETF fields (contract §8.5, §8.6)."""

from __future__ import annotations

from refdesk.server.api.ratelimit import header_values
from refdesk.server.config import RateLimitRule, parse_rate_limit_rules

DEFAULT = parse_rate_limit_rules("180/60,500/300,5000/3600")
NOW = 1490302038.4


def test_contract_example() -> None:
    assert header_values(DEFAULT, (1, 1, 1), NOW, rejected=False) == [
        ("X-Ratelimit-Limit", "180"),
        ("X-Ratelimit-Period", "60"),
        ("X-Ratelimit-Remaining", "179"),
        ("X-Ratelimit-Reset", "1490302080"),
        ("X-Ratelimit-Reset-Seconds-Remaining", "42"),
        ("RateLimit-Policy", '"w60";q=180;w=60, "w300";q=500;w=300, "w3600";q=5000;w=3600'),
        ("RateLimit", '"w60";r=179;t=42, "w300";r=499;t=162, "w3600";r=4999;t=762'),
    ]


def test_fewest_remaining_is_described() -> None:
    values = dict(header_values(DEFAULT, (10, 495, 20), NOW, rejected=False))
    assert values["X-Ratelimit-Period"] == "300"
    assert values["X-Ratelimit-Remaining"] == "5"
    assert values["X-Ratelimit-Reset"] == "1490302200"
    assert values["X-Ratelimit-Reset-Seconds-Remaining"] == "162"


def test_ties_go_to_the_rule_resetting_last() -> None:
    rules = (RateLimitRule(10, 60), RateLimitRule(10, 3600), RateLimitRule(10, 300))
    values = dict(header_values(rules, (10, 10, 10), NOW, rejected=True))
    assert values["X-Ratelimit-Period"] == "3600"
    assert values["X-Ratelimit-Remaining"] == "0"
    assert values["X-Ratelimit-Reset"] == "1490302800"
    values = dict(header_values(rules, (4, 7, 7), NOW, rejected=False))
    assert (values["X-Ratelimit-Period"], values["X-Ratelimit-Remaining"]) == ("3600", "3")


def test_rejected_request_describes_an_exhausted_rule() -> None:
    # Counts are unchanged on a 429: rule 2 is exhausted, rule 1 still has room.
    values = dict(header_values(DEFAULT, (100, 500, 600), NOW, rejected=True))
    assert values["X-Ratelimit-Period"] == "300"
    assert values["X-Ratelimit-Remaining"] == "0"
    assert values["RateLimit"] == '"w60";r=80;t=42, "w300";r=0;t=162, "w3600";r=4400;t=762'


def test_forced_rule_for_an_unreachable_store() -> None:
    limits = tuple(r.limit for r in DEFAULT)
    values = dict(header_values(DEFAULT, limits, NOW, rejected=True, describe=0))
    assert values["X-Ratelimit-Period"] == "60"
    assert values["X-Ratelimit-Remaining"] == "0"
    assert values["X-Ratelimit-Reset-Seconds-Remaining"] == "42"
    assert values["RateLimit"] == '"w60";r=0;t=42, "w300";r=0;t=162, "w3600";r=0;t=762'


def test_seconds_remaining_stays_within_one_and_period() -> None:
    rules = (RateLimitRule(5, 60),)
    on_boundary = dict(header_values(rules, (1,), 1490302080.0, rejected=False))
    assert on_boundary["X-Ratelimit-Reset"] == "1490302140"
    assert on_boundary["X-Ratelimit-Reset-Seconds-Remaining"] == "60"
    just_before = dict(header_values(rules, (1,), 1490302079.999, rejected=False))
    assert just_before["X-Ratelimit-Reset"] == "1490302080"
    assert just_before["X-Ratelimit-Reset-Seconds-Remaining"] == "1"


def test_equal_resets_prefer_the_longer_period() -> None:
    # At 1490302130 the 60 s and the 300 s windows both end at 1490302200.
    rules = (RateLimitRule(2, 60), RateLimitRule(2, 300))
    values = dict(header_values(rules, (1, 1), 1490302130.0, rejected=False))
    assert values["X-Ratelimit-Reset"] == "1490302200"
    assert values["X-Ratelimit-Period"] == "300"
