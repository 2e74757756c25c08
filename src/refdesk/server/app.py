"""The composition root: ``create_app(settings)`` wires middleware, routers and error handlers.

Middleware, outermost first (contract §5): common headers + last-resort 500 -> /healthz ->
path normalisation -> (SQLite) read gate -> rate limit -> HTTPS -> maintenance/database -> HEAD
-> route/method -> the FastAPI app (Accept -> auth -> scope -> body -> idempotency -> endpoint).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp

from refdesk.server import errors as domain
from refdesk.server.api.common import CommonHeaders
from refdesk.server.api.errors import (
    ApiError,
    domain_error_response,
    error_response,
    internal_error_response,
    log_incident,
)
from refdesk.server.api.health import HealthCheck
from refdesk.server.api.https import HttpsRedirect
from refdesk.server.api.idempotency import Idempotency
from refdesk.server.api.maintenance import AvailabilityGate
from refdesk.server.api.openapi import documented_openapi
from refdesk.server.api.paths import HeadAsGet, PathNormaliser
from refdesk.server.api.ratelimit import RateLimiter
from refdesk.server.api.read_gate import ReadGate
from refdesk.server.api.routing import MethodGate
from refdesk.server.config import Settings
from refdesk.server.db.engine import is_sqlite
from refdesk.server.logs import install_redaction
from refdesk.server.runtime import Runtime

log = logging.getLogger("refdesk")
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeout,
    ConnectionError,
    OSError,
)


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, CONNECTION_ERRORS)


def _install_handlers(app: FastAPI, runtime: Runtime) -> None:
    settings = runtime.settings

    from refdesk.server.web import errors as web_errors
    from refdesk.server.web.page import EXCEPTION_HANDLERS as web_handlers

    for kind, handler in web_handlers:
        app.add_exception_handler(kind, handler)

    @app.exception_handler(domain.DomainError)
    async def on_domain(request: Request, exc: domain.DomainError) -> Response:
        answer = domain_error_response(request.scope, settings, exc)
        if web_errors.wants_page(request):
            return web_errors.refused(answer.status_code, exc.message)
        return answer

    @app.exception_handler(ApiError)
    async def on_api(request: Request, exc: ApiError) -> Response:
        return exc.response(request.scope, settings)

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            if err.get("loc", ("",))[0] == "path":
                return error_response(
                    request.scope, settings, "not_found", "The requested resource was not found"
                )
            errors.setdefault(".".join(loc) or "base", []).append("is invalid")
        return domain_error_response(request.scope, settings, domain.ValidationFailed(errors))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        if web_errors.wants_page(request) and exc.status_code in (404, 405):
            if exc.status_code == 404:
                return web_errors.not_found()
            return web_errors.method_not_allowed(dict(exc.headers or {}))
        if exc.status_code == 405:
            return error_response(
                request.scope,
                settings,
                "method_not_allowed",
                "Method not allowed",
                headers=dict(exc.headers or {}),
            )
        if exc.status_code == 404:
            return error_response(request.scope, settings, "not_found", "Not found")
        return error_response(request.scope, settings, "bad_request", str(exc.detail))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> Response:
        if _is_connection_error(exc):
            runtime.flags.mark_unreachable()
            log.error(
                "database unreachable during %s %s: %s",
                request.method,
                request.url.path,
                type(exc).__name__,
            )
            if web_errors.wants_page(request):
                return web_errors.unavailable(settings.unavailable_retry_after)
            return error_response(
                request.scope,
                settings,
                "service_unavailable",
                "The database is unreachable; try again later",
                headers={"Retry-After": str(settings.unavailable_retry_after)},
            )
        if web_errors.wants_page(request):
            return web_errors.failed(log_incident(request.scope, exc))
        return internal_error_response(request.scope, settings, exc)


def _include_routers(app: FastAPI) -> None:
    from refdesk.server.accounts.applications_router import router as applications_router
    from refdesk.server.accounts.invitation_router import router as invitation_router
    from refdesk.server.accounts.password_reset_router import router as password_reset_router
    from refdesk.server.accounts.router import router as accounts_router
    from refdesk.server.api.root import router as root_router
    from refdesk.server.assignments.router import router as assignments_router
    from refdesk.server.auth.router import router as oauth_router
    from refdesk.server.autoassign.router import router as autoassign_router
    from refdesk.server.availability.router import router as availability_router
    from refdesk.server.calendar.router import feed as calendar_feed_router
    from refdesk.server.calendar.router import router as calendar_router
    from refdesk.server.events.respond_router import router as respond_router
    from refdesk.server.forms.router import router as forms_router
    from refdesk.server.forms.router import webview as webview_router
    from refdesk.server.game_requests.router import router as game_requests_router
    from refdesk.server.games.router import router as games_router
    from refdesk.server.messages.router import router as messages_router
    from refdesk.server.officials.router import router as officials_router
    from refdesk.server.reference.router import router as reference_router
    from refdesk.server.reports.router import router as reports_router
    from refdesk.server.sites.router import router as sites_router
    from refdesk.server.statements.router import router as statements_router
    from refdesk.server.users.router import router as users_router
    from refdesk.server.web.pages import ROUTERS as web_routers
    from refdesk.server.webhooks.router import router as webhooks_router

    # Routing tries routers in this order and stops at the first match: the busiest paths
    # (games, assignments, availability, users) come first. No two routers share a path
    # (tests/contract/test_transport.py checks that the order decides nothing).
    for router in (
        games_router,
        assignments_router,
        availability_router,
        users_router,
        sites_router,
        root_router,
        oauth_router,
        accounts_router,
        applications_router,
        calendar_router,
        calendar_feed_router,
        reference_router,
        game_requests_router,
        officials_router,
        statements_router,
        reports_router,
        forms_router,
        webview_router,
        invitation_router,
        password_reset_router,
        respond_router,
        webhooks_router,
        messages_router,
        autoassign_router,
        *web_routers,  # the web app (server/web/): HTML pages under /, not in the OpenAPI
    ):
        app.include_router(router)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> ASGIApp:
    """Build the ASGI application. Pass ``runtime`` to share a database with tests."""
    settings = settings or (runtime.settings if runtime else Settings())
    runtime = runtime or Runtime.build(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from refdesk.server.autoassign import jobs as autoassign_jobs

        runtime.tokens.start()  # the principal cache's invalidations from other processes
        try:
            # Auto-assign proposals left queued or solving by a stopped server (jobs.py).
            await autoassign_jobs.recover(runtime)
        except Exception as exc:  # the database may be down at start: the API says so
            log.warning("auto-assign recovery skipped: %s", type(exc).__name__)
        try:
            yield
        finally:
            await autoassign_jobs.jobs_of(runtime).cancel()
            await runtime.tokens.stop()
            await limiter.close()
            await runtime.db.dispose()

    api = FastAPI(
        title="refdesk",
        version="0.1.0",
        summary="Assignr API v2 compatible officials-assigning server",
        lifespan=lifespan,
        docs_url="/docs",
        # §2.2 strips ".json" before routing, so this serves GET /openapi.json (and /openapi).
        openapi_url="/openapi",
        redoc_url=None,
    )
    api.state.runtime = runtime
    _install_handlers(api, runtime)
    _include_routers(api)
    api.openapi = documented_openapi(api)  # type: ignore[method-assign]

    from refdesk.server.web.errors import gate_page

    app: ASGIApp = MethodGate(
        Idempotency(api, runtime), settings, lambda: api.router.routes, gate_page
    )
    app = HeadAsGet(app)
    app = AvailabilityGate(app, settings, runtime.flags)
    app = HttpsRedirect(app, settings)
    limiter = RateLimiter(app, runtime)
    app = limiter
    if is_sqlite(runtime.db.url):  # aiosqlite: a thread per connection (read_gate.py)
        app = ReadGate(app, settings.read_concurrency)
    app = PathNormaliser(app)
    app = HealthCheck(app, runtime)
    app = CommonHeaders(app, settings)
    install_redaction()  # no secrets in any log line, whoever configured logging
    return _Composed(app, api)


class _Composed:
    """The middleware stack, exposing the FastAPI app (``.api``) for OpenAPI and lifespan."""

    def __init__(self, stack: ASGIApp, api: FastAPI) -> None:
        self.stack = stack
        self.api = api

    @property
    def state(self) -> Any:
        return self.api.state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.api(scope, receive, send)
            return
        await self.stack(scope, receive, send)
