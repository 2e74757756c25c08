"""Webhook subscription endpoints (contract §18.7): ``/webhooks/subscriptions`` and its
aliases ``/sites/{site_id}/webhook_subscriptions`` and ``/webhook_subscriptions/{id}``,
which behave identically; ``rotate_secret``, ``ping`` and ``deliveries`` on both id paths."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from refdesk.server.api.body import unwrap
from refdesk.server.api.deps import API_DEPENDENCIES, Ctx, CtxDep
from refdesk.server.api.openapi import body_doc
from refdesk.server.api.pagination import collection, supplied_filters
from refdesk.server.paging import parse_page_query
from refdesk.server.webhooks import service
from refdesk.server.webhooks.representation import (
    deliveries_repr,
    self_path,
    subscriptions_repr,
)
from refdesk.server.webhooks.schemas import (
    BODY_KEYS,
    SUBSCRIPTION_BODY,
    SUBSCRIPTION_CHANGE_BODY,
    parse_subscription,
    parse_subscription_query,
)

router = APIRouter(prefix="/api/v2", dependencies=API_DEPENDENCIES, tags=["webhooks"])

LIST = "/webhooks/subscriptions"
ONE = "/webhooks/subscriptions/{subscription_id:int}"
ALIAS = "/webhook_subscriptions/{subscription_id:int}"
SITE_LIST = "/sites/{site_id:int}/webhook_subscriptions"
KEY = "webhook_subscriptions"


async def _body(ctx: Ctx) -> dict[str, Any]:
    """The write body, plain or under either singular key of §10.4."""
    return unwrap(await ctx.body(BODY_KEYS[0]), BODY_KEYS[1])


def _page(ctx: Ctx, found: service.Subscriptions, path: str) -> Response:
    assert found.page is not None
    filters = supplied_filters(ctx.raw_query(), service.FILTERS) if path == LIST else {}
    items = subscriptions_repr(found, ctx.base)
    return ctx.respond(collection(ctx.base, path, KEY, items, found.total, found.page, filters))


def _one(ctx: Ctx, found: service.Subscriptions, status: int = 200) -> Response:
    document = subscriptions_repr(found, ctx.base)[0]
    return ctx.created(document) if status == 201 else ctx.respond(document)


@router.get(LIST)
async def list_subscriptions(ctx: CtxDep) -> Response:
    """Subscriptions of every site where the caller is assignor, ordered by id."""
    query = parse_subscription_query(ctx.query(), with_site=True)
    found = await service.list_subscriptions(ctx.session, ctx.principal, query)
    return _page(ctx, found, LIST)


@router.get(SITE_LIST)
async def site_subscriptions(site_id: int, ctx: CtxDep) -> Response:
    """A site's subscriptions (assignors), ordered by id."""
    query = parse_subscription_query(ctx.query(), with_site=False)
    found = await service.site_subscriptions(ctx.session, ctx.principal, site_id, query)
    return _page(ctx, found, f"/sites/{site_id}/webhook_subscriptions")


@router.post(LIST, status_code=201, openapi_extra=body_doc(SUBSCRIPTION_BODY))
async def create_subscription(ctx: CtxDep) -> Response:
    """Subscribe a URL to a site's events; the answer is the only one with the ``secret``
    (besides ``rotate_secret``)."""
    inp = parse_subscription(await _body(ctx), creating=True, with_site=True)
    found = await service.create_subscription(
        ctx.session,
        ctx.principal,
        None,
        inp,
        settings=ctx.runtime.settings,
        hasher=ctx.runtime.hasher,
    )
    return _one(ctx, found, 201)


@router.post(SITE_LIST, status_code=201, openapi_extra=body_doc(SUBSCRIPTION_BODY))
async def create_site_subscription(site_id: int, ctx: CtxDep) -> Response:
    """Subscribe a URL to this site's events (``site_id`` from the path)."""
    inp = parse_subscription(await _body(ctx), creating=True)
    found = await service.create_subscription(
        ctx.session,
        ctx.principal,
        site_id,
        inp,
        settings=ctx.runtime.settings,
        hasher=ctx.runtime.hasher,
    )
    return _one(ctx, found, 201)


@router.get(ONE)
@router.get(ALIAS)
async def get_subscription(subscription_id: int, ctx: CtxDep) -> Response:
    """One subscription (assignors of its site); never its secret."""
    found = await service.get_subscription(ctx.session, ctx.principal, subscription_id)
    return _one(ctx, found)


@router.put(ONE, openapi_extra=body_doc(SUBSCRIPTION_CHANGE_BODY))
@router.patch(ONE, openapi_extra=body_doc(SUBSCRIPTION_CHANGE_BODY))
@router.put(ALIAS, openapi_extra=body_doc(SUBSCRIPTION_CHANGE_BODY))
@router.patch(ALIAS, openapi_extra=body_doc(SUBSCRIPTION_CHANGE_BODY))
async def update_subscription(subscription_id: int, ctx: CtxDep) -> Response:
    """Change the target, topics, ``active`` or description (PUT and PATCH are partial)."""
    inp = parse_subscription(await _body(ctx), creating=False)
    found = await service.update_subscription(
        ctx.session, ctx.principal, subscription_id, inp, settings=ctx.runtime.settings
    )
    return _one(ctx, found)


@router.delete(ONE, status_code=204)
@router.delete(ALIAS, status_code=204)
async def delete_subscription(subscription_id: int, ctx: CtxDep) -> Response:
    """Delete the subscription and its delivery log."""
    await service.delete_subscription(ctx.session, ctx.principal, subscription_id)
    return Response(status_code=204)


@router.post(ONE + "/rotate_secret")
@router.post(ALIAS + "/rotate_secret")
async def rotate_secret(subscription_id: int, ctx: CtxDep) -> Response:
    """A new signing ``secret`` (in this answer only); the old one stops signing at once."""
    found = await service.rotate_secret(
        ctx.session, ctx.principal, subscription_id, hasher=ctx.runtime.hasher
    )
    return _one(ctx, found)


@router.post(ONE + "/ping")
@router.post(ALIAS + "/ping")
async def ping(subscription_id: int, ctx: CtxDep) -> Response:
    """Queue a ``ping`` event to this subscription only; answers with the subscription."""
    found = await service.ping(ctx.session, ctx.principal, subscription_id)
    return _one(ctx, found)


@router.get(ONE + "/deliveries")
@router.get(ALIAS + "/deliveries")
async def deliveries(subscription_id: int, ctx: CtxDep) -> Response:
    """Delivery attempts of the last 30 days, newest first (``limit`` at most 50)."""
    query = parse_page_query(ctx.query())
    found = await service.deliveries(ctx.session, ctx.principal, subscription_id, query)
    path = self_path(subscription_id) + "/deliveries"
    items = deliveries_repr(found)
    return ctx.respond(collection(ctx.base, path, "deliveries", items, found.total, found.page))
