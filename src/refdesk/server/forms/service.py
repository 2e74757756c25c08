"""Form rules (contract §7.3, §18.5, §18.6)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.assignments.models import Assignment
from refdesk.server.auth.principal import Principal
from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.errors import ErrorCollector, Forbidden, NotFound, ValidationFailed
from refdesk.server.fields import INVALID, is_blank, read_date, read_int
from refdesk.server.forms.models import FormSubmission, FormTemplate
from refdesk.server.forms.representation import read_template, read_values
from refdesk.server.games.models import Game
from refdesk.server.games.service import load_game
from refdesk.server.paging import PageRequest, parse_page
from refdesk.server.sites.access import Membership, check_id, membership_in, site_membership
from refdesk.server.sites.models import Site
from refdesk.server.sites.rules import site_today

FILTERS = ("search[start_date]", "search[end_date]", "search[game_id]")


def webview_token(hasher: SecretHasher, salt: str) -> str:
    """32 lowercase hex characters, derived so that the database alone does not reveal it."""
    return hasher.hash(f"webview:{salt}")[:32]


def _may_read_templates(member: Membership) -> bool:
    return member.administers or (
        (member.official or member.observer) and member.site.forms_enabled
    )


async def list_templates(
    session: AsyncSession, principal: Principal, site_id: int, query: dict[str, Any]
) -> tuple[Membership, list[FormTemplate], int, PageRequest]:
    member = await site_membership(session, principal, site_id)
    member.require(_may_read_templates(member), "read form templates")
    errors = ErrorCollector()
    page = parse_page(query, errors)
    errors.raise_if_any()
    statement = select(FormTemplate).where(FormTemplate.site_id == site_id)
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = (
        await session.scalars(
            statement.order_by(func.lower(FormTemplate.name), FormTemplate.id)
            .offset(page.offset)
            .limit(page.limit)
        )
    ).all()
    return member, list(rows), int(total or 0), page


async def create_template(
    session: AsyncSession, principal: Principal, site_id: int, data: dict[str, Any]
) -> tuple[FormTemplate, Membership]:
    member = await site_membership(session, principal, site_id)
    member.require(member.administers, "create form templates")
    errors = ErrorCollector()
    values = read_template(data, errors, creating=True)
    errors.raise_if_any()
    template = FormTemplate(site_id=site_id, **values)
    session.add(template)
    await session.flush()
    return template, member


async def load_template(
    session: AsyncSession, principal: Principal, template_id: int, *, write: bool = False
) -> tuple[FormTemplate, Membership]:
    check_id(template_id)
    template = await session.get(FormTemplate, template_id, with_for_update=write)
    if template is None:
        raise NotFound()
    site = await session.get(Site, template.site_id)
    if site is None:
        raise NotFound()
    member = await membership_in(session, principal, site)
    if write:
        member.require(member.administers, "change form templates")
    else:
        member.require(_may_read_templates(member), "read form templates")
    return template, member


async def update_template(
    session: AsyncSession, principal: Principal, template_id: int, data: dict[str, Any]
) -> tuple[FormTemplate, Membership]:
    template, member = await load_template(session, principal, template_id, write=True)
    errors = ErrorCollector()
    values = read_template(data, errors, creating=False)
    errors.raise_if_any()
    for key, value in values.items():
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


async def list_submissions(
    session: AsyncSession, principal: Principal, template_id: int, query: dict[str, Any]
) -> tuple[FormTemplate, Membership, list[FormSubmission], int, PageRequest]:
    template, member = await load_template(session, principal, template_id)
    errors = ErrorCollector()
    page = parse_page(query, errors)
    statement = (
        select(FormSubmission)
        .outerjoin(Game, Game.id == FormSubmission.game_id)
        .where(FormSubmission.template_id == template.id, _readable(member))
    )
    search = query.get("search")
    if isinstance(search, dict):
        today = site_today(member.site).date()
        local = func.coalesce(Game.local_date, func.date(FormSubmission.created))
        for key, upper in (("start_date", False), ("end_date", True)):
            if not is_blank(search.get(key)):
                day = read_date(search[key], f"search[{key}]", errors, today)
                if day is not INVALID:
                    statement = statement.where(local <= day if upper else local >= day)
        if not is_blank(search.get("game_id")):
            game = read_int(search["game_id"], "search[game_id]", errors, 1, 2**63 - 1)
            if game is not INVALID:
                statement = statement.where(FormSubmission.game_id == game)
    errors.raise_if_any()
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = (
        await session.scalars(
            statement.order_by(FormSubmission.created.desc(), FormSubmission.id.desc())
            .offset(page.offset)
            .limit(page.limit)
        )
    ).all()
    return template, member, list(rows), int(total or 0), page


async def create_submission(
    session: AsyncSession,
    hasher: SecretHasher,
    principal: Principal,
    template_id: int,
    data: dict[str, Any],
) -> tuple[FormSubmission, FormTemplate, Membership]:
    template, member = await load_template(session, principal, template_id)
    errors = ErrorCollector()
    if is_blank(data.get("game_id")):
        raise ValidationFailed({"game_id": ["can't be blank"]})
    game_id = read_int(data["game_id"], "game_id", errors, 1, 2**63 - 1)
    errors.raise_if_any()
    game, _ = await load_game(session, principal, int(game_id))
    if game.site_id != template.site_id:
        raise ValidationFailed({"game_id": ["does not exist"]})
    if not member.administers:
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
        if not allowed:
            raise Forbidden("You may not submit this form for this game")
    if not template.active:
        raise ValidationFailed({"base": ["this form is not accepting submissions"]})
    values = read_values(data.get("values"), errors)
    errors.raise_if_any()
    assert values is not None
    present = {k for k, v in values if v not in ("", "null")}
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
    return submission, template, member


async def load_submission(
    session: AsyncSession, principal: Principal, submission_id: int, *, write: bool = False
) -> tuple[FormSubmission, FormTemplate, Membership]:
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
