"""Form rules (contract §7.3, §18.5, §18.6)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.days import day_of
from refdesk.server.db.paging import page_of
from refdesk.server.errors import ErrorCollector, Forbidden, NotFound, ValidationFailed
from refdesk.server.forms.models import FormSubmission, FormTemplate
from refdesk.server.forms.schemas import (
    SubmissionInput,
    SubmissionQuery,
    TemplateInput,
    TemplateQuery,
)
from refdesk.server.games.bundle import Bundle, load_bundle
from refdesk.server.games.models import Game
from refdesk.server.games.service import load_game
from refdesk.server.paging import PageRequest
from refdesk.server.sites.access import (
    Membership,
    check_id,
    load_in_site,
    membership_in,
    site_membership,
)
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today
from refdesk.server.users.models import User

FILTERS = ("search[start_date]", "search[end_date]", "search[game_id]")


@dataclass(frozen=True)
class Templates:
    member: Membership
    rows: list[FormTemplate]
    total: int
    page: PageRequest


@dataclass(frozen=True)
class Submissions:
    """Submissions of one template with what their documents show: their games (with the
    games' bundle) and their authors. One submission: ``total`` 1, ``page`` None."""

    template: FormTemplate
    member: Membership
    rows: list[FormSubmission]
    games: dict[int, Game]
    bundle: Bundle
    authors: dict[int, User]
    total: int = 1
    page: PageRequest | None = None


def webview_token(hasher: SecretHasher, salt: str) -> str:
    """32 lowercase hex characters, derived so that the database alone does not reveal it."""
    return hasher.hash(f"webview:{salt}")[:32]


def _may_read_templates(member: Membership) -> bool:
    return member.administers or (
        (member.official or member.observer) and member.site.forms_enabled
    )


async def list_templates(
    session: AsyncSession, principal: Principal, site_id: int, query: TemplateQuery
) -> Templates:
    member = await site_membership(session, principal, site_id)
    member.require(_may_read_templates(member), "read form templates")
    query.raise_if_invalid()
    statement = select(FormTemplate).where(FormTemplate.site_id == site_id)
    order = (func.lower(FormTemplate.name), FormTemplate.id)
    rows, total = await page_of(session, statement, order, query.page)
    return Templates(member, rows, total, query.page)


async def create_template(
    session: AsyncSession, principal: Principal, site_id: int, inp: TemplateInput
) -> tuple[FormTemplate, Membership]:
    member = await site_membership(session, principal, site_id)
    member.require(member.administers, "create form templates")
    inp.raise_if_invalid()
    template = FormTemplate(site_id=site_id, **inp.changes())
    session.add(template)
    await session.flush()
    return template, member


async def load_template(
    session: AsyncSession, principal: Principal, template_id: int, *, write: bool = False
) -> tuple[FormTemplate, Membership]:
    template, member = await load_in_site(
        session, principal, FormTemplate, template_id, for_update=write
    )
    if write:
        member.require(member.administers, "change form templates")
    else:
        member.require(_may_read_templates(member), "read form templates")
    return template, member


async def update_template(
    session: AsyncSession, principal: Principal, template_id: int, inp: TemplateInput
) -> tuple[FormTemplate, Membership]:
    template, member = await load_template(session, principal, template_id, write=True)
    inp.raise_if_invalid()
    for key, value in inp.changes().items():
        setattr(template, key, value)
    await session.flush()
    return template, member


async def delete_template(session: AsyncSession, principal: Principal, template_id: int) -> None:
    template, _ = await load_template(session, principal, template_id, write=True)
    used = await session.scalar(
        select(FormSubmission.id).where(FormSubmission.template_id == template.id).limit(1)
    )
    if used:
        raise ValidationFailed(
            {"base": ["has submissions and can't be deleted; set active to false instead"]}
        )
    await session.delete(template)
    await session.flush()


def _readable(member: Membership) -> ColumnElement[bool]:
    if member.administers:
        return FormSubmission.id.is_not(None)
    return FormSubmission.author_id == (member.user.id if member.user else -1)


async def _submissions(
    session: AsyncSession,
    template: FormTemplate,
    member: Membership,
    rows: list[FormSubmission],
    total: int = 1,
    page: PageRequest | None = None,
) -> Submissions:
    """``rows`` with their games, the games' bundle and their authors."""
    game_ids = {s.game_id for s in rows if s.game_id}
    games = (
        {g.id: g for g in await session.scalars(select(Game).where(Game.id.in_(game_ids)))}
        if game_ids
        else {}
    )
    bundle = await load_bundle(session, list(games.values()), {member.site.id: member.site})
    author_ids = {s.author_id for s in rows if s.author_id}
    authors = (
        {u.id: u for u in await session.scalars(select(User).where(User.id.in_(author_ids)))}
        if author_ids
        else {}
    )
    return Submissions(template, member, rows, games, bundle, authors, total, page)


async def list_submissions(
    session: AsyncSession, principal: Principal, template_id: int, query: SubmissionQuery
) -> Submissions:
    template, member = await load_template(session, principal, template_id)
    query.raise_if_invalid()
    statement = (
        select(FormSubmission)
        .outerjoin(Game, Game.id == FormSubmission.game_id)
        .where(FormSubmission.template_id == template.id, _readable(member))
    )
    today = site_today(member.site).date()
    local = func.coalesce(Game.local_date, func.date(FormSubmission.created))
    if query.start_date is not None:
        statement = statement.where(local >= day_of(query.start_date, today))
    if query.end_date is not None:
        statement = statement.where(local <= day_of(query.end_date, today))
    if query.game_id is not None:
        statement = statement.where(FormSubmission.game_id == query.game_id)
    order = (FormSubmission.created.desc(), FormSubmission.id.desc())
    rows, total = await page_of(session, statement, order, query.page)
    return await _submissions(session, template, member, rows, total, query.page)


async def _may_submit(session: AsyncSession, member: Membership, game: Game) -> bool:
    if member.administers:
        return True
    allowed = False
    if member.user is not None and member.site.forms_enabled:
        if member.official:
            allowed = bool(
                await session.scalar(
                    select(Assignment.id).where(
                        Assignment.game_id == game.id, Assignment.official_id == member.user.id
                    )
                )
            )
        if member.observer and game.published:
            allowed = True
    return allowed


async def create_submission(
    session: AsyncSession,
    hasher: SecretHasher,
    principal: Principal,
    template_id: int,
    inp: SubmissionInput,
) -> Submissions:
    template, member = await load_template(session, principal, template_id)
    inp.errors_of("game_id").raise_if_any()
    assert inp.game_id is not None
    game, _ = await load_game(session, principal, inp.game_id)
    if game.site_id != template.site_id:
        raise ValidationFailed({"game_id": ["does not exist"]})
    if not await _may_submit(session, member, game):
        raise Forbidden("You may not submit this form for this game")
    if not template.active:
        raise ValidationFailed({"base": ["this form is not accepting submissions"]})
    inp.raise_if_invalid()
    values = inp.values or []
    present = {k for k, v in values if v not in ("", "null")}
    errors = ErrorCollector()
    for field in template.fields or []:
        if field.get("required") and field["key"] not in present:
            errors.add(field["key"], "can't be blank")
    errors.raise_if_any()
    salt = secrets.token_hex(16)
    submission = FormSubmission(
        template_id=template.id,
        game_id=game.id,
        author_id=member.user.id if member.user else None,
        values=values,
        webview_salt=salt,
        webview_hash=hasher.hash(webview_token(hasher, salt)),
    )
    session.add(submission)
    await session.flush()
    return await _submissions(session, template, member, [submission])


async def load_submission(
    session: AsyncSession, principal: Principal, submission_id: int, *, write: bool = False
) -> tuple[FormSubmission, FormTemplate, Membership]:
    """A submission has no site of its own: the site is its template's."""
    check_id(submission_id)
    submission = await session.get(FormSubmission, submission_id)
    if submission is None:
        raise NotFound()
    template = await session.get(FormTemplate, submission.template_id)
    site = await session.get(Site, template.site_id) if template else None
    if template is None or site is None:
        raise NotFound()
    member = await membership_in(session, principal, site)
    own = member.user is not None and member.user.id == submission.author_id
    if write:
        member.require(member.administers, "delete form submissions")
    else:
        member.require(member.administers or own, "read this submission")
    return submission, template, member


async def get_submission(
    session: AsyncSession, principal: Principal, submission_id: int
) -> Submissions:
    submission, template, member = await load_submission(session, principal, submission_id)
    return await _submissions(session, template, member, [submission])


async def delete_submission(
    session: AsyncSession, principal: Principal, submission_id: int
) -> None:
    submission, _, _ = await load_submission(session, principal, submission_id, write=True)
    await session.delete(submission)
    await session.flush()


async def by_webview_token(
    session: AsyncSession, hasher: SecretHasher, token: str
) -> tuple[FormSubmission, FormTemplate] | None:
    if len(token) != 32 or any(c not in "0123456789abcdef" for c in token):
        return None
    submission = await session.scalar(
        select(FormSubmission).where(FormSubmission.webview_hash == hasher.hash(token))
    )
    if submission is None:
        return None
    template = await session.get(FormTemplate, submission.template_id)
    return (submission, template) if template else None
