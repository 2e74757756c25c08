"""``/officials``: the site's officials for assignors and managers (``web/officials.py``),
inviting a person, sending the invitation again, deactivating and reactivating a user, and
one official's schedule (``/officials/{id}``).

Every write calls the service of the matching API endpoint with the input the API parses:

* invite: ``parse_user_create`` → ``users.service.create_user`` with
  ``send_authorization_email`` (``POST /api/v2/sites/{id}/users``), which queues part 1's
  ``invitation`` e-mail in the same transaction;
* send the invitation again: ``parse_user_update({"send_authorization_email": true})`` →
  ``users.service.update_user`` (``PUT /api/v2/users/{id}``);
* deactivate / reactivate: ``parse_user_update({"active": …, "lock_version": …})`` →
  ``users.service.update_user`` — the confirmation page carries the ``lock_version`` it
  showed, so a user changed meanwhile is not deactivated blindly.

What an assignor and a manager may do is the services' decision (a manager may invite an
official, not deactivate anyone): a refusal comes back as the page's error message. A person
who is not an assignor or manager of the current site gets a polite page instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from refdesk.server.accounts.invitation_mail import Invites
from refdesk.server.api.origin import base_url
from refdesk.server.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PaymentRequired,
    ValidationFailed,
    humanise,
)
from refdesk.server.users import service as users_service
from refdesk.server.users.schemas import parse_user_create, parse_user_update
from refdesk.server.web import official_schedule as schedule_view
from refdesk.server.web import officials as view
from refdesk.server.web import render
from refdesk.server.web.page import Page, open_page

router = APIRouter(include_in_schema=False)
HREF = "/officials"
STALE = (
    "This user changed since you loaded the page (someone else may have edited it). "
    "Nothing was changed: check the details below and try again."
)
NOT_HERE = (
    "There is no such user in this site. If the person belongs to another of your sites, "
    "switch to that site first."
)
FRIENDLIER = {
    ("email", "has already been taken"): "E-mail is already used by a user of this site",
    ("official", "exceeds the official limit of this site's plan"): (
        "This site's plan allows no more active officials"
    ),
}


def _staff_only(page: Page, title: str = "Officials") -> Response:
    """The polite page for a person who is not an assignor or manager here."""
    return page.render("officials.html", HREF, title=title, staff=False, roster=None, problem=None)


def _not_found(page: Page) -> Response:
    return page.render("error.html", HREF, status=404, title="No such user", message=NOT_HERE)


def _user_id(raw: int) -> int | None:
    return raw if 1 <= raw <= 2**63 - 1 else None


@router.get(HREF)
async def officials(request: Request) -> Response:
    """The site's officials (``?who=all`` every user) with grade, abilities, groups, load and
    availability coverage; ``?q=`` searches names, ``?sort=name|week|month``."""
    filters = view.Filters.read(dict(request.query_params))
    async with open_page(request) as page:
        if not page.staff or page.member is None:
            return _staff_only(page)
        roster: view.Roster | None = None
        problem: str | None = None
        try:
            roster = await view.roster(page.session, page.person.principal, page.member, filters)
        except DomainError as exc:  # a read: nothing to roll back (402, 403)
            problem = exc.message
        return page.render(
            "officials.html",
            HREF,
            title="Officials",
            staff=True,
            roster=roster,
            filters=filters,
            problem=problem,
            sorts=view.SORTS,
            who_choices=view.WHO,
            statuses=view.STATUSES,
            coverage_days=view.COVERAGE_DAYS,
        )


@dataclass
class InviteForm:
    """The invitation form, as entered."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    official: bool = True
    assignor: bool = False
    send: bool = True
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, page: Page) -> InviteForm:
        return cls(
            first_name=page.field("first_name").strip(),
            last_name=page.field("last_name").strip(),
            email=page.field("email").strip(),
            official=page.field("official") == "yes",
            assignor=page.field("assignor") == "yes",
            send=page.field("send") == "yes",
        )

    def body(self) -> dict[str, Any]:
        """The ``user`` body of ``POST /api/v2/sites/{id}/users``. The role flags travel only
        when they differ from the API's defaults (official, not assignor), so a manager, who
        may create users with the default roles only, is refused only for a real change."""
        data: dict[str, Any] = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "send_authorization_email": "true" if self.send else "false",
        }
        if not self.official:
            data["official"] = "false"
        if self.assignor:
            data["assignor"] = "true"
        return data


def messages(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The service's field errors as sentences, by the form's field names."""
    rename = {"email_addresses": "email", "email2": "email"}
    found: dict[str, list[str]] = {}
    for key, texts in errors.items():
        target = rename.get(key, key)
        for text in texts:
            sentence = FRIENDLIER.get((target, text))
            if sentence is None:
                sentence = text if key == "base" else f"{humanise(target)} {text}"
            found.setdefault(target, []).append(sentence)
    return found


def _invite_page(
    page: Page, form: InviteForm, *, status: int = 200, error: str | None = None
) -> Response:
    member = page.member
    return page.render(
        "officials_invite.html",
        HREF,
        status=status,
        title="Invite a person",
        staff=page.staff,
        form=form,
        may_assign=bool(member is not None and member.assignor),
        problem=error,
    )


@router.get(f"{HREF}/invite")
async def invite_form(request: Request) -> Response:
    """The invitation form."""
    async with open_page(request) as page:
        if not page.staff or page.member is None:
            return _staff_only(page, "Invite a person")
        return _invite_page(page, InviteForm())


@router.post(f"{HREF}/invite")
async def invite(request: Request) -> Response:
    """Create the user (and queue the invitation e-mail) as ``POST …/sites/{id}/users``."""
    form = InviteForm()
    try:
        async with open_page(request, write=True) as page:
            form = InviteForm.read(page)
            if page.member is None:
                return page.redirect(HREF)
            invites = Invites(page.runtime, base_url(request.scope, page.runtime.settings))
            user, _ = await users_service.create_user(
                page.session,
                page.runtime.passwords,
                page.person.principal,
                page.member.site.id,
                parse_user_create(form.body()),
                invites,
            )
            name, user_id, send = f"{user.first_name} {user.last_name}", user.id, form.send
            has_password = user.password_set
    except ValidationFailed as exc:
        form.errors = messages(exc.errors)
        async with open_page(request) as page:
            return _invite_page(page, form, status=422)
    except DomainError as exc:
        async with open_page(request) as page:
            return _invite_page(page, form, status=_status(exc), error=exc.message)
    if has_password:
        notice = (
            f"{name} was added. They already have a refdesk account with a password, so no "
            "invitation e-mail was needed: they can sign in now."
        )
    elif send:
        notice = f"{name} was added; the invitation e-mail is on its way to {form.email}."
    else:
        notice = f"{name} was added (no invitation e-mail was sent)."
    return render.redirect(request, f"{HREF}/{user_id}", notice=notice)


def _status(exc: DomainError) -> int:
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, PaymentRequired):
        return 402
    if isinstance(exc, NotFound):
        return 404
    return 409 if isinstance(exc, Conflict) else 400


@router.get(HREF + "/{user_id:int}")
async def official(request: Request, user_id: int) -> Response:
    """One user's schedule: their games in this site (upcoming and recent, with every slot's
    state), their availability for the next weeks, load, groups and abilities."""
    async with open_page(request) as page:
        if not page.staff or page.member is None:
            return _staff_only(page, "Official")
        if _user_id(user_id) is None:
            return _not_found(page)
        try:
            shown = await schedule_view.schedule(
                page.session, page.person.principal, user_id, page.member.site.id
            )
        except (NotFound, Forbidden):
            return _not_found(page)
        except DomainError as exc:
            return page.render(
                "error.html", HREF, status=_status(exc), title="Official", message=exc.message
            )
        if shown is None:
            return _not_found(page)
        return page.render(
            "officials_schedule.html",
            HREF,
            title=shown.name,
            s=shown,
            may_assign=page.member.assignor,
        )


@router.get(HREF + "/{user_id:int}/deactivate")
async def confirm_deactivate(request: Request, user_id: int) -> Response:
    """The confirmation page of a deactivation."""
    async with open_page(request) as page:
        if not page.staff or page.member is None:
            return _staff_only(page, "Deactivate")
        try:
            user, _ = await users_service.read_user(page.session, page.person.principal, user_id)
        except (NotFound, Forbidden):
            return _not_found(page)
        except DomainError as exc:
            return page.render(
                "error.html", HREF, status=_status(exc), title="Deactivate", message=exc.message
            )
        if user.site_id != page.member.site.id:
            return _not_found(page)
        return page.render(
            "officials_deactivate.html",
            HREF,
            title=f"Deactivate {user.first_name} {user.last_name}",
            user=user,
            name=f"{user.first_name} {user.last_name}",
        )


async def _update(
    request: Request, user_id: int, body: dict[str, Any], done: str, *, back_to: str
) -> Response:
    """One user update through the API's service, back to ``back_to`` with the outcome."""
    location = back_to
    try:
        async with open_page(request, write=True) as page:
            if page.member is None:
                return page.redirect(HREF)
            fields = dict(body)
            if "active" in fields:
                fields["lock_version"] = page.field("lock_version")
            user, _ = await users_service.update_user(
                page.session,
                page.person.principal,
                user_id,
                parse_user_update(fields),
                Invites(page.runtime, base_url(request.scope, page.runtime.settings)),
            )
            if user.site_id != page.member.site.id:
                raise NotFound()
            name = f"{user.first_name} {user.last_name}"
            password_set = user.password_set
    except NotFound:
        return render.redirect(request, HREF, error=NOT_HERE)
    except Conflict:
        return render.redirect(request, location, error=STALE)
    except Forbidden as exc:
        text = exc.message
        if text.startswith("You have no active profile"):
            return render.redirect(request, HREF, error=NOT_HERE)
        return render.redirect(request, location, error=f"Nothing was changed: {text}.")
    except ValidationFailed as exc:
        parts = [m for texts in messages(exc.errors).values() for m in texts]
        text = "Nothing was changed: " + "; ".join(parts) + "."
        return render.redirect(request, location, error=text)
    except DomainError as exc:
        return render.redirect(request, location, error=exc.message)
    if "send_authorization_email" in body and password_set:
        return render.redirect(
            request, location, notice=f"{name} has already set a password: no invitation sent."
        )
    return render.redirect(request, location, notice=done.format(name=name))


@router.post(HREF + "/{user_id:int}/invite")
async def invite_again(request: Request, user_id: int) -> Response:
    """Send the invitation e-mail again (the API's ``send_authorization_email`` on update);
    the account's older links stop working."""
    return await _update(
        request,
        user_id,
        {"send_authorization_email": "true"},
        "A new invitation e-mail is on its way to {name}; older links no longer work.",
        back_to=f"{HREF}/{user_id}",
    )


@router.post(HREF + "/{user_id:int}/deactivate")
async def deactivate(request: Request, user_id: int) -> Response:
    """Deactivate the user (the API's user update ``active: false``); their slots are kept."""
    return await _update(
        request,
        user_id,
        {"active": "false"},
        "{name} was deactivated. Their games and slots are kept; reactivate them any time.",
        back_to=f"{HREF}/{user_id}",
    )


@router.post(HREF + "/{user_id:int}/reactivate")
async def reactivate(request: Request, user_id: int) -> Response:
    """Reactivate the user (the API's user update ``active: true``)."""
    return await _update(
        request,
        user_id,
        {"active": "true"},
        "{name} is active again.",
        back_to=f"{HREF}/{user_id}",
    )
