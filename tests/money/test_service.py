"""Statement and game report services called with typed inputs against a real session."""

from __future__ import annotations

import httpx
import pytest

from refdesk.server.days import RelativeDay as SiteDay
from refdesk.server.errors import Forbidden, ValidationFailed
from refdesk.server.reports import service as reports
from refdesk.server.reports.representation import reports_repr
from refdesk.server.reports.schemas import (
    OfficialEntry,
    ReportInput,
    parse_report,
    parse_report_query,
)
from refdesk.server.runtime import Runtime
from refdesk.server.statements import service as statements
from refdesk.server.statements.representation import statements_repr
from refdesk.server.statements.schemas import (
    StatementChange,
    StatementInput,
    parse_statement,
    parse_statement_change,
    parse_statement_query,
)
from tests.factories import create_member
from tests.support.games import load_site as _site
from tests.support.games import make_game, setup_site
from tests.support.services import principal_of


def test_parsing_keeps_problems_and_relative_days() -> None:
    assert parse_statement({"period_start": "today", "user_id": "x"}).problems == (
        ("user_id", "is not a number"),
        ("period_end", "can't be blank"),
    )
    assert parse_statement({"period_start": "yesterday"}).period_start == SiteDay(offset=-1)
    change = parse_statement_change({"amount_paid": "1.234", "status": "paid"})
    assert change.problems == (
        ("amount_paid", "is invalid"),
        ("status", "is not included in the list"),
    )
    assert parse_statement_query({"search": {"status": "x"}}, with_user=True).problems == (
        ("search[status]", "is not included in the list"),
    )
    report = parse_report({"misconduct": "", "officials": [{"assignment_id": "a"}]})
    assert report.changes() == {"misconduct": False}
    assert report.officials == (OfficialEntry(None, "is not a number"),)
    assert parse_report({"officials": 3}).problems == (("officials", "is invalid"),)
    assert parse_report_query({"search": {"misconduct": "z"}}, filters=False).problems == ()


async def test_statements_and_reports_through_the_services(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    site_id, assignor = await setup_site(client, runtime, show_game_reports=True)
    site = await _site(runtime, site_id)
    alex = await create_member(runtime, site)
    manager = await create_member(runtime, site, manager=True, official=False)
    game = await make_game(client, site_id, assignor.headers)
    slot = game["_embedded"]["assignments"][0]
    assigned = await client.post(
        f"/api/v2/assignments/{slot['id']}/assign",
        json={"user_id": alex.user.id},
        headers=assignor.headers,
    )
    assert assigned.status_code == 200, assigned.text
    boss = principal_of(assignor)

    async with runtime.db.transaction() as session:
        with pytest.raises(Forbidden):  # 403 before the input's problems
            await statements.create_statement(
                session, principal_of(manager), site_id, parse_statement({})
            )
        with pytest.raises(ValidationFailed) as failed:
            bad = parse_statement({"user_id": 2**40, "period_start": "?", "period_end": "today"})
            await statements.create_statement(session, boss, site_id, bad)
        # The official is checked (a database rule) before the period's problems.
        assert list(failed.value.errors.items()) == [
            ("user_id", ["does not exist"]),
            ("period_start", ["is not a valid date"]),
        ]
    async with runtime.db.transaction() as session:
        made = await statements.create_statement(
            session,
            boss,
            site_id,
            StatementInput(
                user_id=alex.user.id,
                period_start=SiteDay(offset=-1),
                period_end=SiteDay(offset=60),
            ),
        )
        statement_id = made.statements[0].id
        document = statements_repr(made, "http://test")[0]
        assert document["line_items"][0]["assignment_id"] == slot["id"]
        assert document["_embedded"]["official"]["id"] == alex.user.id
    async with runtime.db.transaction() as session:
        voided = await statements.update_statement(
            session, boss, statement_id, StatementChange(description="Paid later", void=True)
        )
        assert voided.statements[0].status == "void"
        mine = await statements.my_statements(
            session, principal_of(alex), parse_statement_query({}, with_user=False)
        )
        assert [s.id for s in mine.statements] == [statement_id]

    async with runtime.db.transaction() as session:
        filed = await reports.create_report(
            session,
            principal_of(alex),
            game["id"],
            ReportInput(
                text="Fine",
                officials=(OfficialEntry(slot["id"], no_show=True, no_show_status="excused"),),
            ),
        )
        report_id = filed.reports[0].id
        document = reports_repr(filed.reports, filed.context, "http://test")[0]
        assert document["_embedded"]["officials"][0]["no_show_status"] == "excused"
        assert document["misconduct"] is False
    async with runtime.db.transaction() as session:
        with pytest.raises(ValidationFailed) as failed:
            await reports.update_report(
                session,
                boss,
                report_id,
                parse_report({"officials": [{"assignment_id": slot["id"], "no_show_status": "x"}]}),
            )
        assert failed.value.errors == {"officials": ["is not included in the list"]}
        listed = await reports.list_site_reports(
            session,
            boss,
            site_id,
            parse_report_query({"search": {"start_date": "today", "misconduct": "false"}}),
        )
        assert [r.id for r in listed.reports] == [report_id] and listed.total == 1
        await reports.delete_report(session, boss, report_id)
