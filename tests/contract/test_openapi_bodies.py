"""The OpenAPI document describes each request body by its fields (issue 10): the field tables
that parse a body into a typed input also render its schema, so no write operation that reads
fields is documented as a generic object."""

from __future__ import annotations

from typing import Any

# Actions whose request carries no fields (the path says everything).
BODYLESS = {
    ("post", "/api/v2/users/{user_id}/activate"),
    ("post", "/api/v2/users/{user_id}/deactivate"),
    ("post", "/api/v2/users/{user_id}/groups/{group_id}"),
    ("put", "/api/v2/assignments/{assignment_id}/accept"),
    ("post", "/api/v2/assignments/{assignment_id}/accept"),
    ("put", "/api/v2/assignments/{assignment_id}/confirm"),
    ("post", "/api/v2/assignments/{assignment_id}/confirm"),
    ("put", "/api/v2/assignments/{assignment_id}/unassign"),
    ("post", "/api/v2/assignments/{assignment_id}/unassign"),
    ("post", "/api/v2/current_account/applications/{application_id}/rotate_secret"),
    ("post", "/api/v2/current_account/calendar/rotate"),
    ("post", "/api/v2/game_requests/{request_id}/approve"),
    ("post", "/api/v2/sites/{site_id}/auto_assign/{proposal_id}/apply"),
    *(
        ("post", f"/api/v2/{path}/{{subscription_id}}/{action}")
        for path in ("webhooks/subscriptions", "webhook_subscriptions")
        for action in ("rotate_secret", "ping")
    ),
}


def fields_of(schema: dict[str, Any]) -> set[str]:
    """Property names of a body schema, through its plain and wrapped alternatives."""
    names = set(schema.get("properties", {}))
    for alternative in schema.get("anyOf", []):
        names |= fields_of(alternative)
    return names


async def test_write_operations_document_their_fields(client: Any) -> None:
    document = (await client.get("/openapi.json")).json()
    generic: list[str] = []
    seen = 0
    for path, item in document["paths"].items():
        if not path.startswith("/api/v2/"):
            continue
        for method, operation in item.items():
            if method not in ("post", "put", "patch") or (method, path) in BODYLESS:
                continue
            seen += 1
            content = operation["requestBody"]["content"]
            assert set(content) >= {"application/json", "application/x-www-form-urlencoded"}
            if not fields_of(content["application/json"]["schema"]):
                generic.append(f"{method.upper()} {path}")
    assert seen > 60, seen
    assert generic == [], "write operations documented as a generic object"


async def test_game_body_lists_the_contract_fields(client: Any) -> None:
    document = (await client.get("/openapi.json")).json()
    operation = document["paths"]["/api/v2/sites/{site_id}/games"]["post"]
    names = fields_of(operation["requestBody"]["content"]["application/json"]["schema"])
    assert {"game", "venue_name", "date_time", "localized_date", "localized_time"} <= names
    assert {"home_team_name", "age_group_id", "published", "is_public", "lock_version"} <= names
