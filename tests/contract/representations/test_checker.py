"""Self-tests of the representation checker: it must catch what it claims to catch."""

from __future__ import annotations

from tests.support.shapes import BASE, NY, problems
from tests.support.tables import ASSIGNMENT_PUBLIC, SITE_SUMMARY, TS


def test_checker_rejects_contract_violations() -> None:
    site = {
        "id": 1,
        "name": "S",
        "created": "2026-10-11T09:00:00.000-05:00",  # EDT date rendered with the EST offset
        "updated": "2026-12-11T09:00:00.000Z",
        "extra": 1,
        "_links": {"self": {"href": f"{BASE}/api/v2/sites/2.json"}},
    }
    found = problems(site, SITE_SUMMARY, NY)
    assert any("members differ" in p and "extra" in p for p in found)
    assert any(p.startswith("$.created") for p in found)
    assert any(p.startswith("$.updated") for p in found)
    assert any("self" in p and "exactly" in p for p in found)
    site["_links"] = {"self": {"resource-type": "game", "href": f"{BASE}/api/v2/sites/2"}}
    found = problems(site, SITE_SUMMARY, NY)
    assert any("resource-type 'game'" in p for p in found)
    assert any("does not match /sites/{id}" in p for p in found)
    slot = {name: 1 for name in ASSIGNMENT_PUBLIC.fields} | {"_embedded": {}}
    slot["_links"] = {
        "self": {"resource-type": "assignment", "href": f"{BASE}/api/v2/assignments/1.json"},
        "game": {"resource-type": "game", "href": f"{BASE}/api/v2/games/1.json"},
        "accept": {
            "resource-type": "assignment",
            "href": f"{BASE}/api/v2/assignments/1/accept.json",
        },
    }
    found = problems(slot, ASSIGNMENT_PUBLIC, NY)
    assert any("unexpected ['_embedded']" in p for p in found)  # a vacant slot has none
    assert any("names" in p and "accept" in p for p in found)
    assert any(p == "$.accepted: 1 is not boolean" for p in found)
    assert problems("True", "bool-string", NY) and problems(True, "bool-string", NY)
    assert problems("1", "integer", NY) and problems(True, "integer", NY)
    assert problems(45.123, "money", NY) and not problems(45.5, "money", NY)
    assert problems("Apr 03 2023", "localized_date", NY)
    assert problems("09:00 AM", "localized_time", NY)
    assert problems("$1234.50", "formatted", NY) and not problems("$1,234.50", "formatted", NY)
    assert not problems("2026-10-11T09:00:00.000-04:00", TS, NY)
    assert not problems("2026-12-11T09:00:00.000-05:00", TS, NY)
    assert problems("2026-12-11T09:00:00.000-04:00", TS, NY)
