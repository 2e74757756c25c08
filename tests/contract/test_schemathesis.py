"""Property-based fuzzing (schemathesis) of every operation in ``/openapi.json``, in-process and
through the full middleware stack: no 5xx, only documented status codes and media types, and
every error body matching the documented error schema (contract §4.2)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from refdesk.server.app import create_app
from refdesk.server.config import Settings
from refdesk.server.runtime import Runtime
from tests.conftest import make_settings
from tests.factories import create_account, create_member, create_site, create_token

BASE = "https://testserver"
# Per operation and run; REFDESK_FUZZ_EXAMPLES raises it for a deeper (nightly) run.
MAX_EXAMPLES = int(os.environ.get("REFDESK_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _operations() -> list[tuple[str, str]]:
    settings = Settings(database_url="sqlite+aiosqlite://", secret_key="listing-only")
    document: dict[str, Any] = create_app(settings).api.openapi()  # type: ignore[attr-defined]
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


OPERATIONS = _operations()


@dataclass
class Seeded:
    headers: dict[str, str]
    path_parameters: dict[str, int]


@pytest.fixture
async def seeded(runtime: Runtime) -> Seeded:
    """An operator (all sites visible) plus one site with an assignor user in it."""
    operator = await create_account(runtime, operator=True)
    site = await create_site(runtime, name="Fuzzed")
    member = await create_member(runtime, site, assignor=True)
    token = await create_token(runtime, operator)
    return Seeded(
        {"Authorization": f"Bearer {token}"},
        {"site_id": site.id, "user_id": member.user.id},
    )


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms(
    method: str, path: str, seeded: Seeded, tmp_path: Path, database_url: str
) -> None:
    # The app gets its own Runtime: schemathesis drives it from its own event loop thread,
    # where database connections must be opened (the fixtures' engine belongs to pytest's loop).
    settings = make_settings(tmp_path, database_url, rate_limit_rules="1000000/60")
    app = create_app(runtime=Runtime.build(settings))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operation = schema[path][method]
    fixed = {
        name: value
        for name, value in seeded.path_parameters.items()
        if "{" + name + "}" in path and method != "DELETE"
    }
    strategies = [
        operation.as_strategy(),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    ]
    if fixed:
        strategies.append(operation.as_strategy(path_parameters=fixed))
    strategy = st.one_of(strategies)

    @given(case=strategy)
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=BASE, headers=seeded.headers, checks=CHECKS)

    fuzz()


async def test_openapi_documents_the_wire(client: Any) -> None:
    """``/openapi.json`` survives path normalisation and documents the error bodies."""
    resp = await client.get("/openapi.json")
    assert resp.status_code == 200
    document = resp.json()
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error", "message", "type", "title", "status", "detail"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) == len(OPERATIONS)
    for path, method, operation in operations:
        for status in ("400", "401", "404", "405", "406", "415", "422", "429", "500", "503"):
            content = operation["responses"][status]["content"]
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, (path, method, status)
        if path.startswith("/api/v2/"):
            assert operation["security"] == [{"bearer": []}]
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"].endswith("id"):
                assert parameter["schema"]["minimum"] == 1
                assert parameter["schema"]["maximum"] == 2**63 - 1
    assert (await client.get("/openapi")).json() == document
