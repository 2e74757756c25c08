"""Tiny instances for the solver's tests: a builder of slots, officials and venues with
sensible defaults (one local date, one-hour games, UTC), reached through the ``mk`` fixture."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from refdesk.server.autoassign.instance import Instance, Official, Options, Slot, Venue

DAY = date(2026, 10, 10)


class Maker:
    """Builds slots (ids from 1) with games at ``hour`` on ``DAY`` unless told otherwise."""

    def __init__(self) -> None:
        self.next_id = 1

    def at(self, hour: float, day: date = DAY) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour)

    def slot(self, game: int, hour: float = 10, minutes: int = 60, **kw: Any) -> Slot:
        slot_id = kw.pop("id", None) or self.next_id
        self.next_id = max(self.next_id, slot_id) + 1
        day = kw.pop("day", DAY)
        start = self.at(hour, day)
        return Slot(
            id=slot_id,
            game_id=game,
            position_id=kw.pop("position_id", 1),
            start=start,
            end=start + timedelta(minutes=minutes),
            local_date=day,
            **kw,
        )

    def official(self, official_id: int, **kw: Any) -> Official:
        return Official(id=official_id, name=kw.pop("name", f"O{official_id}"), **kw)

    def venue(self, venue_id: int, lat: float | None = None, lon: float | None = None) -> Venue:
        return Venue(venue_id, f"V{venue_id}", lat, lon)

    def instance(self, slots: list[Slot], officials: list[Official], **kw: Any) -> Instance:
        return Instance(slots=tuple(slots), officials=tuple(officials), **kw)

    def options(self, **kw: Any) -> Options:
        kw.setdefault("time_limit_seconds", 5.0)
        kw.setdefault("workers", 2)
        return Options(**kw)

    def with_(self, slot: Slot, **kw: Any) -> Slot:
        return replace(slot, **kw)


@pytest.fixture
def mk() -> Maker:
    return Maker()
