"""``refdesk webhooks`` against the real app: create (secret printed once), list, update,
ping, rotate-secret, deliveries, delete, and the error lines of a refused target and of a
manager."""

from __future__ import annotations

import json
from typing import Any

from tests.factories import create_member
from tests.support.cli import error_line
from tests.support.desk import Desk, desk_fixture  # noqa: F401
from tests.support.subscriptions import HOOK_URL, create_attempts


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


async def test_webhooks_commands(desk: Desk) -> None:
    created = _json(
        await desk.run(
            "webhooks", "create", "--url", HOOK_URL, "--events", "game.created,ping",
            "--description", "Payroll", "-o", "json",
        )
    )  # fmt: skip
    sub_id = created["id"]
    assert (created["site_id"], created["event_types"]) == (desk.site_id, ["game.created", "ping"])
    assert len(created["secret"]) == 64

    table = await desk.run("webhooks", "list")
    assert table.exit_code == 0, table.output
    assert HOOK_URL in table.stdout and "Payroll" in table.stdout
    assert created["secret"] not in table.stdout
    listed = _json(await desk.run("webhooks", "list", "--site", str(desk.site_id), "-o", "json"))
    assert [s["id"] for s in listed] == [sub_id]

    off = _json(
        await desk.run(
            "webhooks", "update", str(sub_id), "--inactive", "--events", "*", "-o", "json"
        )
    )
    assert (off["active"], off["event_types"]) == (False, ["*"])
    nothing = await desk.run("webhooks", "update", str(sub_id))
    assert nothing.exit_code == 2 and "nothing to change" in error_line(nothing)

    pinged = await desk.run("webhooks", "ping", str(sub_id))
    assert pinged.stdout.strip() == f"ping queued for webhook subscription {sub_id}"
    rotated = await desk.run("webhooks", "rotate-secret", str(sub_id))
    assert rotated.exit_code == 0, rotated.output
    assert "it is not shown again" in rotated.stderr
    assert created["secret"] not in rotated.stdout

    empty = await desk.run("webhooks", "deliveries", str(sub_id))
    assert empty.stdout.strip() == "no deliveries"
    await create_attempts(desk.runtime, sub_id, desk.site_id, error="timeout", status_code=None)
    log = _json(await desk.run("webhooks", "deliveries", str(sub_id), "-o", "json"))
    assert [(d["attempt"], d["error"]) for d in log] == [(1, "timeout")]
    csv_out = await desk.run("webhooks", "deliveries", str(sub_id), "-o", "csv")
    assert csv_out.stdout.splitlines()[0] == "id,time,event,topic,attempt,status,ms,error"

    refused = await desk.run(
        "webhooks", "create", "--url", "https://127.0.0.1/x", "--events", "ping"
    )
    assert refused.exit_code == 10
    assert "target_url is invalid" in error_line(refused)

    manager = await create_member(desk.runtime, desk.site, manager=True)
    as_manager = desk.env_for(await desk.credentials_for(manager))
    forbidden = await desk.run("webhooks", "delete", str(sub_id), env=as_manager)
    assert forbidden.exit_code == 7 and error_line(forbidden).startswith("Error: forbidden: ")

    deleted = await desk.run("webhooks", "delete", str(sub_id))
    assert deleted.stdout.strip() == f"deleted webhook subscription {sub_id}"
    gone = await desk.run("webhooks", "ping", str(sub_id))
    assert gone.exit_code == 8
