"""How one kind of site-scoped reference record is parsed, checked, written and represented.

Every kind (venues, zones, leagues, teams, game types, genders, age groups, positions,
patterns, groups) is served by the same service and router (``reference/service.py``,
``reference/router.py``); a :class:`Kind` holds only what differs between them: its typed
input (``parse`` from the wire, documented by ``body``), the same-site references it names,
its own checks and writes, and its representation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.errors import ErrorCollector
from refdesk.server.inputs import Body
from refdesk.server.reference.schemas import ReferenceWrite
from refdesk.server.sites.models import Site

Record = Any
Extras = dict[int, Any]


@dataclass
class WriteContext:
    """A write in progress: the session, the site, the record (None on create), and the
    acting account (for the events of games the write changes)."""

    session: AsyncSession
    site: Site
    record: Record | None
    actor: int | None = None

    @property
    def creating(self) -> bool:
        return self.record is None


@dataclass(frozen=True)
class Changes:
    columns: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


Parse = Callable[[dict[str, Any]], ReferenceWrite]
Check = Callable[[WriteContext, Any, ErrorCollector], Awaitable[None]]
ToChanges = Callable[[WriteContext, Any], Changes]
Represent = Callable[[Record, Site, str, Any], dict[str, Any]]
LoadExtras = Callable[[AsyncSession, list[Record], Site], Awaitable[Extras]]
SaveExtras = Callable[[WriteContext, Record, dict[str, Any]], Awaitable[None]]
BeforeDelete = Callable[[AsyncSession, Record], Awaitable[None]]


async def check_nothing(_ctx: WriteContext, _input: Any, _errors: ErrorCollector) -> None:
    return None


def plain_changes(_ctx: WriteContext, write: Any) -> Changes:
    columns: dict[str, Any] = write.columns()
    return Changes(columns)


async def no_extras(_session: AsyncSession, _records: list[Record], _site: Site) -> Extras:
    return {}


async def save_nothing(_ctx: WriteContext, _record: Record, _extra: dict[str, Any]) -> None:
    return None


async def delete_nothing(_session: AsyncSession, _record: Record) -> None:
    return None


@dataclass(frozen=True)
class Kind:
    """``references``: the ``*_id`` fields naming a record of the same site (else ``does not
    exist``), checked after the other fields; ``check``: the kind's own database checks (its
    last fields); ``changes``: the input as column values and extra writes."""

    plural: str
    singular: str
    resource_type: str
    model: type[Any]
    parse: Parse
    body: Body
    represent: Represent
    references: tuple[tuple[str, type[Any]], ...] = ()
    check: Check = check_nothing
    changes: ToChanges = plain_changes
    load_extras: LoadExtras = no_extras
    save_extras: SaveExtras = save_nothing
    before_delete: BeforeDelete = delete_nothing
    versioned: bool = False
