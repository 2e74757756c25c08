"""Statements, game reports, forms and applications through the SDK (contract §15.3,
§18.3–§18.6), sync and async."""

from __future__ import annotations

from datetime import date

import pytest

from refdesk.client import Forbidden, NotFound, Unauthorized, ValidationError
from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_token
from tests.support.sdk import SDK
from tests.support.world import World, make_world


async def _worked_game(world: World) -> tuple[int, int]:
    """A published game in October 2031 with the official on the first slot (fee 40)."""
    game = await world.game(is_public=True)
    slot_id = game.embedded_list("assignments")[0].id
    official_id = world.official.user.id
    await world.api(lambda c: c.assignments.assign(slot_id, official_id, accepted=True))
    await world.api(lambda c: c.assignments.update(slot_id, {"fee": 40}))
    return game.id, slot_id


async def test_statements(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime)
    api = world.api
    _, slot_id = await _worked_game(world)
    official_id = world.official.user.id

    made = await api(
        lambda c: c.statements.create(
            world.site_id,
            user_id=official_id,
            period_start=date(2031, 10, 1),
            period_end="2031-10-31",
            fields={"description": "October games", "statement_date": "2031-11-01"},
            idempotency_key="st-1",
        )
    )
    assert (made["amount"], made["status"], made["description"]) == (40, "unpaid", "October games")
    assert [line["assignment_id"] for line in made["line_items"]] == [slot_id]
    with pytest.raises(ValidationError) as nothing_left:
        await api(
            lambda c: c.statements.create(
                world.site_id,
                user_id=official_id,
                period_start="2031-10-01",
                period_end="2031-10-31",
            )
        )
    assert nothing_left.value.errors == {"base": ["no unpaid assignments in this period"]}

    paid = await api(lambda c: c.statements.update(made.id, {"amount_paid": 40}))
    assert paid["status"] == "paid"
    listed = await api(lambda c: c.statements.list(world.site_id, user_id=official_id))
    assert [s.id for s in listed.resources] == [made.id]
    walked = await api.collect(lambda c: c.statements.iter(world.site_id, status="paid"))
    assert [s.id for s in walked] == [made.id]

    me = world.as_(sdk, world.official)
    mine = await me(lambda c: c.statements.mine(start_date="2031-11-01", end_date="2031-11-30"))
    assert [s.id for s in mine.resources] == [made.id]
    assert [s.id for s in await me.collect(lambda c: c.statements.iter_mine(limit=1))] == [made.id]
    assert (await me(lambda c: c.statements.get(made.id)))["payor_name"]
    with pytest.raises(Forbidden):
        await me(lambda c: c.statements.list(world.site_id))
    voided = await api(lambda c: c.statements.update(made.id, {"status": "void"}))
    assert voided["status"] == "void"


async def test_game_reports(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime, show_game_reports=True)
    api = world.api
    game_id, slot_id = await _worked_game(world)
    other_game = await world.game(localized_date="10/12/2031")

    report = await api(
        lambda c: c.game_reports.create(
            game_id,
            {"home_team_score": 2, "away_team_score": 1, "text": "Quiet game."},
            idempotency_key="gr-1",
        )
    )
    assert report["html"] == "<p>Quiet game.</p>" and report["misconduct"] is False
    assert report.embedded_one("game")["id"] == game_id
    second = await api(lambda c: c.game_reports.create(other_game.id, {"misconduct": True}))

    page = await api(lambda c: c.game_reports.list(world.site_id, limit=1))
    assert page.records == 2 and [r.id for r in page.resources] == [second.id]
    flagged = await api.collect(lambda c: c.game_reports.iter(world.site_id, misconduct=True))
    assert [r.id for r in flagged] == [second.id]
    by_date = await api.collect(
        lambda c: c.game_reports.iter(world.site_id, start_date="2031-10-11", end_date="2031-10-11")
    )
    assert [r.id for r in by_date] == [report.id]
    for_game = await api(lambda c: c.game_reports.for_game(game_id))
    assert [r.id for r in for_game.resources] == [report.id]
    assert [r.id for r in await api.collect(lambda c: c.game_reports.iter_for_game(game_id))] == [
        report.id
    ]

    changed = await api(
        lambda c: c.game_reports.update(
            report.id,
            {
                "officials": [
                    {"assignment_id": slot_id, "no_show": True, "no_show_status": "excused"}
                ]
            },
        )
    )
    officials = changed.embedded_list("officials")
    assert officials[0]["no_show"] is True and officials[0]["no_show_status"] == "excused"
    assert (await api(lambda c: c.game_reports.get(report.id)))["home_team_score"] == 2
    assert await api(lambda c: c.game_reports.delete(report.id)) is None
    with pytest.raises(NotFound):
        await api(lambda c: c.game_reports.get(report.id))


async def test_forms(sdk: SDK, runtime: Runtime) -> None:
    world = await make_world(sdk, runtime, forms_enabled=True)
    api = world.api
    game_id, _ = await _worked_game(world)
    template = await api(
        lambda c: c.form_templates.create(
            world.site_id,
            {
                "name": "Match report",
                "fields": [
                    {
                        "template_key": "homeScore",
                        "label": "Home",
                        "type": "number",
                        "required": True,
                    }
                ],
                "mappings": {"home_team_score": ".homeScore"},
            },
        )
    )
    assert template["fields"][0]["key"] == ".homeScore"
    note = {"template_key": "note", "label": "Note", "type": "text", "required": False}
    spare = await api(
        lambda c: c.form_templates.create(world.site_id, {"name": "Spare", "fields": [note]})
    )
    page = await api(lambda c: c.form_templates.list(world.site_id, limit=1))
    assert page.records == 2
    every = await api.collect(lambda c: c.form_templates.iter(world.site_id, limit=1))
    assert {t.id for t in every} == {template.id, spare.id}
    renamed = await api(lambda c: c.form_templates.update(template.id, {"description": "After"}))
    assert renamed["description"] == "After"
    assert (await api(lambda c: c.form_templates.get(template.id)))["name"] == "Match report"

    me = world.as_(sdk, world.official)
    with pytest.raises(ValidationError) as missing:
        await me(lambda c: c.form_submissions.create(template.id, game_id=game_id, values={}))
    assert missing.value.errors == {".homeScore": ["can't be blank"]}
    sent = await me(
        lambda c: c.form_submissions.create(
            template.id, game_id=game_id, values=[{"key": ".homeScore", "value": 3}]
        )
    )
    assert sent["home_team_score"] == 3 and sent.link("game_report_webview")
    listed = await api(lambda c: c.form_templates.submissions(template.id, game_id=game_id))
    assert [s.id for s in listed.resources] == [sent.id]
    walked = await me.collect(
        lambda c: c.form_templates.iter_submissions(template.id, start_date="2031-10-11")
    )
    assert [s.id for s in walked] == [sent.id]
    got = await api(lambda c: c.form_submissions.get(sent.id))
    assert got.embedded_list("values")[0]["value"] == "3"

    with pytest.raises(ValidationError):
        await api(lambda c: c.form_templates.delete(template.id))  # it has a submission
    assert await api(lambda c: c.form_submissions.delete(sent.id)) is None
    assert await api(lambda c: c.form_templates.delete(template.id)) is None
    assert await api(lambda c: c.form_templates.delete(spare.id)) is None
    with pytest.raises(NotFound):
        await api(lambda c: c.form_submissions.get(sent.id))


async def test_applications_and_rotate_secret(sdk: SDK, runtime: Runtime) -> None:
    account = await create_account(runtime)
    api = sdk(token=await create_token(runtime, account))
    created = await api(
        lambda c: c.applications.create(
            {"name": "League sync", "redirect_uris": ["https://app.example.org/cb"]}
        )
    )
    secret = created["client_secret"]
    assert created["confidential"] is True and secret and created["scopes"] == "read write"
    fetched = await api(lambda c: c.applications.get(created.id))
    assert "client_secret" not in fetched

    robot = sdk(client_id=created["client_id"], client_secret=secret)
    me = await robot(lambda c: c.current_account.get())
    assert me.id == account.id

    rotated = await api(lambda c: c.applications.rotate_secret(created.id))
    assert rotated["client_secret"] and rotated["client_secret"] != secret
    stale = sdk(client_id=created["client_id"], client_secret=secret)
    with pytest.raises(Unauthorized):
        await stale(lambda c: c.current_account.get())
    fresh = sdk(client_id=created["client_id"], client_secret=rotated["client_secret"])
    assert (await fresh(lambda c: c.current_account.get())).id == account.id

    renamed = await api(lambda c: c.applications.update(created.id, {"name": "Renamed"}))
    assert renamed["name"] == "Renamed"
    second = await api(lambda c: c.applications.create({"name": "Second"}))
    page = await api(lambda c: c.applications.list(limit=1))
    assert page.records is not None and page.records >= 3  # plus the test token's own app
    every = await api.collect(lambda c: c.applications.iter(limit=1))
    assert {created.id, second.id} <= {a.id for a in every}
    assert await api(lambda c: c.applications.delete(second.id)) is None
    with pytest.raises(NotFound):
        await api(lambda c: c.applications.get(second.id))
