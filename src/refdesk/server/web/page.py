"""One way for a page to start: who is signed in, in which site, with which form.

Every signed-in page does the same four things; they live here so that pages stay short:

* ``async with open_page(request) as page:`` — a read session (the request's shared one), the
  signed-in person, their sites and the current one. A visitor is sent to the sign-in form
  (:class:`SignInRequired` → 303 ``/``).
* ``async with open_page(request, write=True) as page:`` — for a POST: the form is read
  first (outside the write lock), then one transaction opens; the form's CSRF token is checked
  before anything else (:class:`CsrfRefused` → the 403 page, nothing changed). The
  transaction commits when the block ends normally and rolls back on any exception, like the
  API's session dependency.
* ``page.render(template, current, **context)`` — the layout's context (nav, site, switcher,
  CSRF token, the flash message of the previous redirect) plus the page's own.
* ``page.redirect(location, notice=…)`` / ``error=…`` — Post/Redirect/Get with a one-shot
  message (``render.flash``).

A service's :class:`~refdesk.server.errors.DomainError` is the page's to show: catch it
*outside* the ``async with`` (so the transaction has rolled back) and redirect with
``error=exc.message``, or re-render the form with the message next to the fields.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import HTMLResponse, Response

from refdesk.server.api.body import read_body
from refdesk.server.db.shared_session import session_for
from refdesk.server.runtime import Runtime
from refdesk.server.sites.access import Membership, accessible_site_ids
from refdesk.server.users.models import User
from refdesk.server.web import render
from refdesk.server.web import session as web_session
from refdesk.server.web.session import SignedIn

CSRF_REFUSED = (
    "This form was sent without a valid security token (it may have expired, or come from "
    "another site). Nothing was changed. Go back, reload the page and try again."
)


class SignInRequired(Exception):
    """A visitor asked for a signed-in page: answered with 303 to the sign-in form."""


class CsrfRefused(Exception):
    """A form without a valid CSRF token: answered with the 403 page, nothing changed."""


@dataclass(frozen=True)
class SiteChoice:
    id: int
    name: str
    timezone: str


def _choice(member: Membership) -> SiteChoice:
    return SiteChoice(member.site.id, member.site.name, member.site.timezone)


def current_member(members: dict[int, Membership], wanted: int | None) -> Membership | None:
    """The session's site when still allowed, else the first by name."""
    if wanted is not None and wanted in members:
        return members[wanted]
    ordered = sorted(members.values(), key=lambda m: (m.site.name.lower(), m.site.id))
    return ordered[0] if ordered else None


@dataclass
class Page:
    """A signed-in request in progress (see the module docstring)."""

    request: Request
    runtime: Runtime
    session: AsyncSession
    person: SignedIn
    members: dict[int, Membership]
    member: Membership | None
    form: dict[str, Any] = field(default_factory=dict)

    @property
    def site(self) -> SiteChoice | None:
        return _choice(self.member) if self.member is not None else None

    @property
    def sites(self) -> list[SiteChoice]:
        return sorted(
            (_choice(m) for m in self.members.values()), key=lambda s: (s.name.lower(), s.id)
        )

    @property
    def official(self) -> User | None:
        """The person's active official profile in the current site, else None."""
        member = self.member
        if member is None or member.user is None or not member.official:
            return None
        return member.user

    @property
    def staff(self) -> bool:
        """An assignor or manager in the current site, or an operator (the issue 13 pages).
        What each may do is still the services' decision (the API's role matrix)."""
        member = self.member
        return member is not None and (member.assignor or member.manager)

    @property
    def csrf_token(self) -> str:
        return web_session.session_csrf(self.runtime.hasher, self.person.browser)

    def field(self, name: str) -> str:
        """A text field of the form ('' when absent or not text)."""
        value = self.form.get(name)
        return value if isinstance(value, str) else ""

    def context(self, current: str, **extra: Any) -> dict[str, Any]:
        flash = render.read_flash(self.request)
        return {
            "current": current,
            "signed": self.person,
            "account_name": self.person.account.name or self.person.account.login,
            "csrf_token": self.csrf_token,
            "sites": self.sites,
            "site": self.site,
            "staff_nav": render.STAFF_NAV if self.staff else (),
            "flash_notice": flash.notice if flash else None,
            "flash_error": flash.error if flash else None,
            **extra,
        }

    def render(
        self, template: str, current: str, *, status: int = 200, **extra: Any
    ) -> HTMLResponse:
        response = render.render(template, self.context(current, **extra), status=status)
        if render.FLASH_COOKIE in self.request.cookies:
            render.clear_flash(self.request, response)
        return response

    def redirect(
        self, location: str, *, notice: str | None = None, error: str | None = None
    ) -> Response:
        return render.redirect(self.request, location, notice=notice, error=error)


async def read_form(request: Request) -> dict[str, Any]:
    """The urlencoded (or JSON) form, within the body size limit."""
    return await read_body(request, None, render.runtime_of(request).settings.max_body_bytes)


async def _page(request: Request, session: AsyncSession, form: dict[str, Any], write: bool) -> Page:
    runtime = render.runtime_of(request)
    person = await web_session.signed_in(
        session, runtime.hasher, request.cookies.get(web_session.COOKIE)
    )
    if person is None:
        raise SignInRequired
    if write and not web_session.session_csrf_valid(
        runtime.hasher, person.browser, form.get("csrf_token")
    ):
        raise CsrfRefused
    members = await accessible_site_ids(session, person.principal)
    member = current_member(members, person.browser.site_id)
    return Page(request, runtime, session, person, members, member, form)


@asynccontextmanager
async def open_page(request: Request, *, write: bool = False) -> AsyncIterator[Page]:
    """A signed-in page (see the module docstring). ``write=True`` is for a POST."""
    runtime = render.runtime_of(request)
    if not write:
        async with session_for(request.scope, runtime.db) as session:
            yield await _page(request, session, {}, write=False)
        return
    form = await read_form(request)
    async with runtime.db.transaction() as session:
        yield await _page(request, session, form, write=True)


def sign_in_required(request: Request, exc: Exception) -> Response:
    return render.see_other("/")


def csrf_refused(request: Request, exc: Exception) -> Response:
    return render.forbidden(CSRF_REFUSED)


EXCEPTION_HANDLERS = ((SignInRequired, sign_in_required), (CsrfRefused, csrf_refused))
