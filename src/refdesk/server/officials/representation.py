"""Conflict and ability wire format (contract §17.3, §17.4)."""

from __future__ import annotations

from typing import Any

from refdesk.server.api.hal import link
from refdesk.server.officials.models import OfficialConflict
from refdesk.server.officials.schemas import CONFLICT_ID_FIELDS
from refdesk.server.officials.service import AbilityRow
from refdesk.server.sites.models import Site
from refdesk.server.timefmt import timestamp


def conflict_repr(conflict: OfficialConflict, name: str, site: Site, base: str) -> dict[str, Any]:
    # §17.3: only the id member matching ``kind`` is emitted (an integer, never null).
    id_field = CONFLICT_ID_FIELDS[conflict.kind]
    return {
        "id": conflict.id,
        "kind": conflict.kind,
        id_field: getattr(conflict, id_field),
        "name": name,
        "note": conflict.note,
        "created": timestamp(conflict.created, site.timezone),
        "_links": {
            "self": link(base, f"/users/{conflict.user_id}/conflicts/{conflict.id}", "conflict")
        },
    }


def ability_repr(row: AbilityRow) -> dict[str, Any]:
    ability, age_name, position_name = row
    return {
        "age_group_id": ability.age_group_id,
        "age_group": age_name,
        "position_id": ability.position_id,
        "position": position_name,
        "allowed": ability.allowed,
    }


def abilities_body(user_id: int, rows: list[AbilityRow], base: str) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "abilities": [ability_repr(row) for row in rows],
        "_links": {"self": link(base, f"/users/{user_id}/abilities")},
    }
