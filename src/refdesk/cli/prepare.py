"""What ``refdesk serve`` does before it serves: migrate the database and, with ``--demo``,
seed the demo (also ``refdesk demo``'s seeding).

On Linux this runs in a forked child: Alembic, the migration scripts and the demo's objects
would otherwise stay in the serving process's memory (about 13 MB of a single SQLite
process's RSS, "Speed, round 2" in the README). The parent has no thread yet, so the fork
is safe, and a fork (unlike ``spawn``) leaves no resource-tracker process behind.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, cast

from refdesk.cli.common import CliError
from refdesk.server.config import Settings

if TYPE_CHECKING:
    from refdesk.server.demo.seed import DemoOutcome

DemoLinks = tuple[str, str, Path | None]
"""The demo's API URL, token URL and local CA certificate (None: a given certificate)."""


def prepare(settings: Settings, demo: DemoLinks | None) -> DemoOutcome | None:
    """Migrate the database and, with ``demo``, seed the demo, in a forked child on Linux
    (see the module); the child's error is raised here as it was raised there."""
    if not sys.platform.startswith("linux"):
        return _prepare(settings, demo)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_prepare_in_child, args=(settings, demo, sender))
    child.start()
    sender.close()
    try:
        ok, value = receiver.recv()
    except EOFError:
        child.join()
        raise CliError(f"preparing the database failed (exit status {child.exitcode})") from None
    finally:
        receiver.close()
    child.join()
    if not ok:
        raise value
    return cast("DemoOutcome | None", value)


def _prepare_in_child(settings: Settings, demo: DemoLinks | None, sender: Connection) -> None:
    try:
        result: tuple[bool, object] = (True, _prepare(settings, demo))
    except BaseException as exc:  # handed to the parent, which raises it
        result = (False, exc)
    try:
        sender.send(result)
    except Exception as exc:  # an exception that does not pickle: its words do
        sender.send((False, CliError(f"{type(exc).__name__}: {result[1]}")))


def _prepare(settings: Settings, demo: DemoLinks | None) -> DemoOutcome | None:
    from refdesk.server.db.migrate import upgrade

    asyncio.run(upgrade(settings.effective_database_url))
    if demo is None:
        return None
    return asyncio.run(seed_demo(settings, *demo))


async def seed_demo(
    settings: Settings, base_url: str, token_url: str, ca_cert: Path | None
) -> DemoOutcome:
    from refdesk.server.demo.seed import DemoError, ensure_demo
    from refdesk.server.runtime import Runtime

    runtime = Runtime.build(settings)
    try:
        return await ensure_demo(runtime, base_url=base_url, token_url=token_url, ca_cert=ca_cert)
    except DemoError as exc:
        raise CliError(str(exc)) from exc
    finally:
        await runtime.db.dispose()
