"""Form services called with typed inputs against a real session (no HTTP for the calls)."""

from __future__ import annotations

import httpx
import pytest

from refdesk.server.days import RelativeDay as SiteDay
from refdesk.server.errors import Forbidden, ValidationFailed
from refdesk.server.forms import service
from refdesk.server.forms.representation import submissions_repr
from refdesk.server.forms.schemas import (
    SubmissionInput,
    TemplateInput,
    parse_submission,
    parse_submission_query,
    parse_template,
    parse_template_query,
)
from refdesk.server.runtime import Runtime
from tests.factories import create_member
from tests.support.games import load_site as _site
from tests.support.games import make_game, setup_site
from tests.support.services import principal_of

FIELDS = [{"template_key": "score", "label": "Score", "type": "number", "required": True}]


def test_parsing_never_raises_and_keeps_the_messages() -> None:
    inp = parse_template({"name": "", "fields": "x", "active": "maybe"}, creating=True)
    assert inp.problems == (
        ("name", "can't be blank"),
        ("active", "is not a valid boolean"),
        ("fields", "is invalid"),
    )
    assert parse_template({"description": "d"}, creating=False).changes() == {"description": "d"}
    blank = parse_submission({"values": 3})
    assert blank.problems == (("game_id", "can't be blank"), ("values", "is invalid"))
    query = parse_submission_query({"limit": "0", "search": {"start_date": "today"}})
    assert query.start_date == SiteDay(offset=0)
    assert query.problems == (("limit", "must be greater than or equal to 1"),)


async def test_templates_and_submissions_through_the_services(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime, forms_enabled=True)
    site = await _site(runtime, site_id)
    observer = await create_member(runtime, site, official=False, observer=True)
    game = await make_game(client, site_id, assignor.headers)
    boss = principal_of(assignor)

    async with runtime.db.transaction() as session:
        # A caller other than the API builds the input directly.
        made = TemplateInput(
            name="Match report",
            fields=parse_template({"fields": FIELDS}, creating=False).changes()["fields"],
        )
        template, _ = await service.create_template(session, boss, site_id, made)
        template_id = template.id
    async with runtime.db.transaction() as session:
        # The access checks come before the input's problems: a 403, not a 422.
        with pytest.raises(Forbidden):
            await service.create_template(
                session, principal_of(observer), site_id, parse_template({}, creating=True)
            )
        with pytest.raises(ValidationFailed) as failed:
            await service.update_template(
                session, boss, template_id, parse_template({"name": "x" * 91}, creating=False)
            )
        assert failed.value.errors == {"name": ["is too long (maximum is 90 characters)"]}
        found = await service.list_templates(
            session, boss, site_id, parse_template_query({"limit": "5"})
        )
        assert [t.name for t in found.rows] == ["Match report"] and found.total == 1

    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as failed:
            await service.create_submission(
                session,
                runtime.hasher,
                principal_of(observer),
                template_id,
                SubmissionInput(game_id=game["id"], values=[]),
            )
        assert failed.value.errors == {".score": ["can't be blank"]}
    async with runtime.db.transaction() as session:
        created = await service.create_submission(
            session,
            runtime.hasher,
            principal_of(observer),
            template_id,
            SubmissionInput(game_id=game["id"], values=[[".score", "3"]]),
        )
        document = submissions_repr(created, runtime.hasher, "http://test")[0]
        assert document["_embedded"]["game"]["id"] == game["id"]
        assert document["_embedded"]["values"][0]["value"] == "3"
    async with runtime.db.transaction() as session:
        query = parse_submission_query({"search": {"start_date": "today"}})
        listed = await service.list_submissions(session, boss, template_id, query)
        assert listed.total == 1 and listed.rows[0].author_id == observer.user.id
        await service.delete_submission(session, boss, listed.rows[0].id)
    async with runtime.db.transaction() as session:
        await service.delete_template(session, boss, template_id)
