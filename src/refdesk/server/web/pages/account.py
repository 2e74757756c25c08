"""``/account``: the signed-in person's account — name and e-mail, password, e-mail
notifications per site, connected applications, and the way to the calendar feed.

Every form calls the service the API calls, with the same typed input:

* name and e-mail: ``accounts.service.update_account`` with ``parse_account_update`` (what
  ``PUT /api/v2/current_account`` runs: same validation, uniqueness and messages; a new
  e-mail needs the current password, checked behind the sign-in throttle);
* password: the same service with ``password`` and ``current_password``; the repeated new
  password is the page's own check (made first: a typo costs no password attempt). The
  browser session's generation derives from the password hash, so the change ends every
  other session; this browser gets a new cookie and stays signed in;
* notifications: ``users.service.update_user`` with ``parse_user_update`` of
  ``notification_preferences`` (what ``PATCH /api/v2/users/{own id}`` runs);
* revoke: ``accounts.connections.revoke_access``.

Validation problems re-render the form (422) with each message by its field; other refusals
come back as the one-shot error message of the redirect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.accounts.connections import RevokeAccess, revoke_access
from refdesk.server.accounts.schemas import parse_account_update
from refdesk.server.accounts.service import update_account
from refdesk.server.auth.browser_session import start
from refdesk.server.errors import DomainError, NotFound, RateLimited, ValidationFailed
from refdesk.server.users.preferences import PREFERENCES
from refdesk.server.users.schemas import parse_user_update
from refdesk.server.users.service import update_user
from refdesk.server.web import account as account_view
from refdesk.server.web import render
from refdesk.server.web.page import Page, open_page

router = APIRouter(include_in_schema=False)

HREF = "/account"
# Where the forms go back to: the top of the page, where the layout shows the message. (A
# form's action names its section, ``/account/password#password-heading``, so that a form
# shown again with its messages opens at that section; a redirect without a fragment would
# inherit it and open the page there, away from the message.)
BACK = "/account#main"
CALENDAR_HREF = "/account/calendar"
MISMATCH = "doesn't match the new password"
LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail address",
    "login": "Login",
    "current_password": "Current password",
    "password": "New password",
    "password_confirmation": "The repeated password",
}


@dataclass
class FormState:
    """A form shown again: what was typed (never a password) and the messages by field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    shown: tuple[str, ...] = ()  # the fields the form has (set when it is shown)

    def messages(self, name: str) -> list[str]:
        """``E-mail address has already been taken`` for each message of ``name``."""
        return [f"{LABELS.get(name, name)} {m}" for m in self.errors.get(name, [])]

    @property
    def others(self) -> list[str]:
        """Messages of fields the form does not show (said above the form)."""
        return [
            m if name == "base" else f"{LABELS.get(name, name)} {m}"
            for name, messages in self.errors.items()
            if name not in self.shown
            for m in messages
        ]


PROFILE_FIELDS = ("first_name", "last_name", "email", "current_password")
PASSWORD_FIELDS = ("current_password", "password", "password_confirmation")


async def _account_page(
    page: Page,
    *,
    profile: FormState | None = None,
    password: FormState | None = None,
    status: int = 200,
) -> Response:
    tz = page.site.timezone if page.site else page.runtime.settings.default_time_zone
    view = await account_view.account_view(page.session, page.person.principal, tz)
    if profile is None:
        profile = FormState(
            {"first_name": view.first_name, "last_name": view.last_name, "email": view.email}
        )
    profile.shown = PROFILE_FIELDS
    password = password or FormState()
    password.shown = PASSWORD_FIELDS
    return page.render(
        "account.html",
        HREF,
        status=status,
        title="Account",
        view=view,
        profile=profile,
        password=password,
        calendar_href=CALENDAR_HREF,
    )


async def _show_again(request: Request, status: int, **forms: FormState) -> Response:
    async with open_page(request) as page:
        return await _account_page(page, status=status, **forms)


@router.get(HREF)
async def account(request: Request) -> Response:
    async with open_page(request) as page:
        return await _account_page(page)


@router.post(f"{HREF}/profile")
async def save_profile(request: Request) -> Response:
    """Name and e-mail (``PUT /api/v2/current_account``'s service and input)."""
    typed: dict[str, str] = {}
    try:
        async with open_page(request, write=True) as page:
            typed = {name: page.field(name) for name in ("first_name", "last_name", "email")}
            values = parse_account_update(
                {**typed, "current_password": page.field("current_password")}
            )
            await update_account(page.session, page.runtime, page.person.principal, values)
    except ValidationFailed as exc:
        return await _show_again(request, 422, profile=FormState(typed, exc.errors))
    except RateLimited as exc:
        state = FormState(typed, {"base": [exc.message]})
        answer = await _show_again(request, 429, profile=state)
        answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    except DomainError as exc:
        return render.redirect(request, BACK, error=exc.message)
    return render.redirect(request, BACK, notice="Your name and e-mail address are saved.")


@router.post(f"{HREF}/password")
async def change_password(request: Request) -> Response:
    """A new password (``PUT /api/v2/current_account``'s service with ``password`` and
    ``current_password``); this browser stays signed in, every other session ends."""
    try:
        async with open_page(request, write=True) as page:
            new = page.field("password")
            values = parse_account_update(
                {"password": new, "current_password": page.field("current_password")}
            )
            if not values.problems and page.field("password_confirmation") != new:
                raise ValidationFailed.one("password_confirmation", MISMATCH)
            account = await update_account(
                page.session, page.runtime, page.person.principal, values
            )
            # The new hash gives a new generation: a new cookie for this browser only.
            browser = start(page.runtime.hasher, account, page.person.browser.site_id)
    except ValidationFailed as exc:
        return await _show_again(request, 422, password=FormState({}, exc.errors))
    except RateLimited as exc:
        answer = await _show_again(request, 429, password=FormState({}, {"base": [exc.message]}))
        answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    except DomainError as exc:
        return render.redirect(request, BACK, error=exc.message)
    response = render.redirect(
        request,
        BACK,
        notice="Your password is changed. You are still signed in here; "
        "every other browser or device is signed out.",
    )
    render.set_session(request, response, browser)
    return response


def _id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound()
    return int(raw)


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


@router.post(f"{HREF}/notifications")
async def save_notifications(request: Request) -> Response:
    """One site's e-mail choices (``PATCH /api/v2/users/{own id}``'s service and input): the
    kinds the form showed (``kinds[]``), on when ticked (``notify[]``); kinds the form did not
    show keep their value."""
    try:
        async with open_page(request, write=True) as page:
            shown = _texts(page.form.get("kinds"))
            ticked = set(_texts(page.form.get("notify")))
            inp = parse_user_update({PREFERENCES: {kind: kind in ticked for kind in shown}})
            _, member = await update_user(
                page.session, page.person.principal, _id(page.field("user_id")), inp
            )
            site_name = member.site.name
    except DomainError as exc:
        return render.redirect(request, BACK, error=exc.message)
    return render.redirect(request, BACK, notice=f"Your e-mail choices for {site_name} are saved.")


@router.post(HREF + "/applications/{application_id:int}/revoke")
async def revoke(request: Request, application_id: int) -> Response:
    """End an application's access to this account (its other accounts keep theirs)."""
    try:
        async with open_page(request, write=True) as page:
            name = await revoke_access(
                page.session, page.person.principal, RevokeAccess(application_id)
            )
    except DomainError as exc:
        return render.redirect(request, BACK, error=exc.message)
    return render.redirect(request, BACK, notice=f"{name} no longer has access to your account.")
