"""The error classes: built from the contract's error body (§4.2), one per status family."""

from __future__ import annotations

import httpx
import pytest

import refdesk.client._errors as errors_module
from refdesk.client import (
    APIError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PaymentRequired,
    RateLimited,
    RefdeskError,
    ServerError,
    ServiceUnavailable,
    Unauthorized,
    ValidationError,
)
from refdesk.client._errors import error_from_response
from refdesk.server.runtime import Runtime
from tests.factories import create_member, create_site
from tests.support.sdk import SDK


async def test_statuses_map_to_their_classes(sdk: SDK, runtime: Runtime) -> None:
    site = await create_site(runtime)
    lapsed = await create_site(runtime, status="expired")
    assignor = await create_member(runtime, site, assignor=True, official=False)
    official = await create_member(runtime, site)
    reader = await create_member(runtime, site, scopes="read", assignor=True)
    lapsed_assignor = await create_member(runtime, lapsed, assignor=True)

    with pytest.raises(Unauthorized) as unauthorized:
        await sdk(token="0" * 64)(lambda c: c.current_account.get())
    assert unauthorized.value.code == "invalid_token" and unauthorized.value.status == 401

    api = sdk(token=lapsed_assignor.token)
    with pytest.raises(PaymentRequired) as payment:
        await api(lambda c: c.sites.update(lapsed.id, {"name": "Renamed"}))
    assert payment.value.site_id == lapsed.id
    assert payment.value.code == "payment_required"
    assert payment.value.message  # the server's sentence, for the CLI's one-line message
    assert payment.value.request_id

    with pytest.raises(Forbidden) as forbidden:
        await sdk(token=official.token)(lambda c: c.sites.update(site.id, {"name": "Mine"}))
    assert forbidden.value.code == "forbidden"
    with pytest.raises(Forbidden) as scope:
        await sdk(token=reader.token)(lambda c: c.sites.update(site.id, {"name": "Mine"}))
    assert scope.value.code == "insufficient_scope"

    api = sdk(token=assignor.token)
    with pytest.raises(NotFound):
        await api(lambda c: c.sites.get(999_999_999))
    with pytest.raises(ValidationError) as invalid:
        await api(lambda c: c.sites.update(site.id, {"timezone": "Mars/Base"}))
    assert invalid.value.errors == {"timezone": ["is invalid"]}
    assert invalid.value.message == "Validation failed: Timezone is invalid"
    with pytest.raises(Conflict) as stale:
        await api(lambda c: c.users.update(official.user.id, {"grade": "A"}, lock_version=7))
    assert stale.value.lock_version == 0
    with pytest.raises(APIError) as not_allowed:
        await api(lambda c: c.delete(f"users/{official.user.id}"))
    assert type(not_allowed.value) is APIError and not_allowed.value.status == 405
    # Client errors are never retried: one request each.
    assert api.wire.statuses() == [404, 422, 409, 405]


def _response(status: int, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=body,
        headers=headers or {},
        request=httpx.Request("GET", "https://x/api/v2/sites"),
    )


def test_errors_from_bodies_that_are_not_the_contracts() -> None:
    gateway = error_from_response(_response(502, b"<html>Bad Gateway</html>"))
    assert type(gateway) is ServerError and gateway.code == "http_502"
    assert "Bad Gateway" in gateway.message

    busy = error_from_response(
        _response(503, b'{"error":"maintenance","message":"Down"}', {"Retry-After": "300"})
    )
    assert isinstance(busy, ServiceUnavailable) and isinstance(busy, ServerError)
    assert busy.retry_after == 300 and busy.message == "Down"

    limited = error_from_response(
        _response(429, b'{"error":"rate_limited","message":"Slow down","retry_after":7}')
    )
    assert isinstance(limited, RateLimited) and limited.retry_after == 7
    limited = error_from_response(
        _response(429, b"", {"X-Ratelimit-Reset-Seconds-Remaining": "12", "Retry-After": "12"})
    )
    assert isinstance(limited, RateLimited) and limited.retry_after == 12

    oauth = error_from_response(
        _response(400, b'{"error":"invalid_grant","error_description":"Code used"}')
    )
    assert isinstance(oauth, BadRequest) and oauth.message == "Code used"
    teapot = error_from_response(_response(418, b""))
    assert type(teapot) is APIError and teapot.status == 418
    assert "418" in str(teapot)


def test_the_hierarchy_is_written_out_in_the_module_docstring() -> None:
    doc = errors_module.__doc__ or ""
    for name in dir(errors_module):
        value = getattr(errors_module, name)
        if isinstance(value, type) and issubclass(value, RefdeskError):
            assert name in doc, name
            assert issubclass(value, RefdeskError)
    for cls in (
        BadRequest,
        Unauthorized,
        PaymentRequired,
        Forbidden,
        NotFound,
        Conflict,
        ValidationError,
        RateLimited,
        ServerError,
    ):
        assert issubclass(cls, APIError)
