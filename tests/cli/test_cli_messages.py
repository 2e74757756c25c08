"""``refdesk messages send|list|show`` against the real app: the body from --body or standard
input, the recipients from --to, each output format, and one error line per failure."""

from __future__ import annotations

import json

from sqlalchemy import select

from refdesk.server.events.models import MailJob
from tests.factories import create_member
from tests.support.cli import error_line
from tests.support.desk import Desk, desk_fixture  # noqa: F401


async def test_send_list_and_show(desk: Desk) -> None:
    alex = await create_member(desk.runtime, desk.site, first_name="Alex", last_name="Rivera")
    blair = await create_member(desk.runtime, desk.site)

    typed = await desk.run(
        "messages",
        "send",
        "--site",
        str(desk.site_id),
        "--to",
        f"{alex.user.id}, {blair.user.id}",
        "--subject",
        "Field change",
        "-o",
        "json",
        input="Games at Riverside move to Field 3.\n\nSee you there.\n",
    )
    assert typed.exit_code == 0, typed.output
    first = json.loads(typed.stdout)
    assert first["recipient_ids"] == [alex.user.id, blair.user.id]
    assert first["body"] == "Games at Riverside move to Field 3.\n\nSee you there."
    assert first["delivery_status"] == "not_configured"

    given = await desk.run(
        "messages",
        "send",
        "--site",
        str(desk.site_id),
        "--to",
        str(alex.user.id),
        "--to",
        str(blair.user.id),
        "--subject",
        "[Reminder] bring flags",
        "--body",
        "Bring [/flags] and whistle.",
    )
    assert given.exit_code == 0, given.output
    assert "Message sent" in given.stdout and "[Reminder] bring flags" in given.stdout
    async with desk.runtime.db.session() as session:
        jobs = (await session.scalars(select(MailJob).order_by(MailJob.id))).all()
    assert [j.to_address for j in jobs] == [alex.account.email, blair.account.email] * 2
    assert jobs[-1].subject == "[Harbor Referees] [Reminder] bring flags"

    listed = await desk.run("messages", "list", "--site", str(desk.site_id))
    assert listed.exit_code == 0, listed.output
    assert "Field change" in listed.stdout and "not_configured" in listed.stdout
    rows = (await desk.run("messages", "list", "--site", str(desk.site_id), "-o", "csv")).stdout
    assert rows.splitlines()[0] == "id,created,subject,recipients,sender,delivery"
    assert rows.splitlines()[2].split(",")[2:5] == [
        "Field change",
        "2",
        str(desk.assignor.user.id),
    ]

    shown = await desk.run("messages", "show", str(first["id"]))
    assert shown.exit_code == 0, shown.output
    assert "Games at Riverside move to Field 3." in shown.stdout
    assert f"{alex.user.id} {blair.user.id}" in shown.stdout


async def test_usage_and_api_errors(desk: Desk) -> None:
    alex = await create_member(desk.runtime, desk.site)
    site = str(desk.site_id)
    bad_id = await desk.run(
        "messages", "send", "--site", site, "--to", "12,x", "--subject", "s", "--body", "b"
    )
    assert bad_id.exit_code == 2 and "'x' is not a user id" in bad_id.stderr
    no_ids = await desk.run(
        "messages", "send", "--site", site, "--to", ",", "--subject", "s", "--body", "b"
    )
    assert no_ids.exit_code == 2 and "give at least one user id" in no_ids.stderr

    unknown = await desk.run(
        "messages", "send", "--site", site, "--to", "999999", "--subject", "s", input=""
    )
    assert unknown.exit_code != 0
    line = error_line(unknown)
    assert (
        line == "Error: validation failed (422): body can't be blank; recipient_ids does not exist"
    )

    official = await desk.credentials_for(alex)
    refused = await desk.run("messages", "list", "--site", site, env=desk.env_for(official))
    assert refused.exit_code != 0 and "forbidden" in error_line(refused).lower()
    missing = await desk.run("messages", "show", "999999")
    assert missing.exit_code != 0 and error_line(missing).startswith("Error:")
