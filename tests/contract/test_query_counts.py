"""List endpoints issue a constant number of SQL statements whatever the page size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event

from refdesk.server.runtime import Runtime
from tests.factories import create_account, create_site, create_token, create_user


@contextmanager
def counting(runtime: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    engine = runtime.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_list_endpoints_use_constant_queries(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    account = await create_account(runtime, operator=True)
    for n in range(12):
        site = await create_site(runtime, name=f"S{n}")
        await create_user(runtime, site, account)
    headers = {"Authorization": f"Bearer {await create_token(runtime, account)}"}
    for path in ("/api/v2/sites", "/api/v2/current_account/sites", "/api/v2/current_account/users"):
        counts = []
        for limit in (1, 12):
            with counting(runtime) as statements:
                resp = await client.get(f"{path}?limit={limit}", headers=headers)
            assert resp.status_code == 200
            assert resp.json()["page"]["limit"] == limit
            counts.append(len(statements))
        assert counts[0] == counts[1], (path, counts)
