"""Post-processing of FastAPI's generated OpenAPI document so that it describes the wire.

Endpoints read their bodies themselves and answer errors through one mapping (contract §4),
so FastAPI alone documents neither. This adds, to every operation:

* the generic error responses (§4.1) with the error-body schema (§4.2), in the JSON, HAL,
  vendor and problem+json media types (replacing FastAPI's own 422 ``HTTPValidationError``);
* the HAL and vendor media types next to ``application/json`` on success responses (§3.2);
* a generic JSON-object request body on ``POST``/``PUT``/``PATCH`` (§3.3–3.4);
* id path parameters constrained to 1 … 2^63−1 (§2.3);
* the bearer security scheme on authenticated API paths (§6).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from refdesk.server.api.errors import TITLES
from refdesk.server.api.media import FORM, HAL, JSON, PROBLEM, VENDOR
from refdesk.server.inputs import Body

ERROR_STATUSES: dict[int, str] = {
    400: "Bad request: undecodable body, invalid Idempotency-Key, body too large",
    401: "Missing, malformed, unknown, expired or revoked access token",
    402: "The site's subscription is not active",
    403: "Forbidden, or the token lacks a scope",
    404: "Unknown path, or no such record",
    405: "Method not allowed on this path (see Allow)",
    406: "The Accept header admits no supported media type",
    409: "Stale lock_version, or the Idempotency-Key is in use",
    415: "Unsupported request Content-Type",
    422: "Validation failed",
    429: "Rate limit exhausted (see Retry-After)",
    500: "Unexpected failure (see incident)",
    503: "Maintenance mode, or the database or rate-limit store is unreachable",
}
SUCCESS_TYPES = (VENDOR, HAL, JSON)
ERROR_TYPES = (VENDOR, HAL, JSON, PROBLEM)
BODY_TYPES = (JSON, VENDOR, HAL, FORM)
WRITE_METHODS = ("post", "put", "patch")
MAX_ID = 9_223_372_036_854_775_807
ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "description": "The error body of every 4xx and 5xx response (contract §4.2).",
    "type": "object",
    "required": ["error", "message", "type", "title", "status", "detail"],
    "properties": {
        "error": {"type": "string", "enum": sorted(TITLES)},
        "message": {"type": "string"},
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "422 validation_failed: field name -> messages",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "lock_version": {
            "type": "integer",
            "description": "409 stale_lock_version: the stored lock_version",
        },
        "retry_after": {"type": "integer", "description": "429: seconds until a retry"},
        "incident": {"type": "string", "format": "uuid", "description": "500: incident id"},
        "site_id": {"type": "integer", "description": "402: the lapsed site"},
        "error_description": {"type": "string", "description": "/oauth/* errors only"},
    },
}
BEARER = {"type": "http", "scheme": "bearer", "description": "OAuth 2.0 access token"}


def body_doc(body: Body, *, required: bool = False) -> dict[str, Any]:
    """``openapi_extra`` for a route decorator: the body's field table as its request-body
    schema, in every accepted media type (``_document_operation`` keeps it)."""
    schema = body.schema()
    return {
        "requestBody": {
            "required": required,
            "description": body.description or f"{body.title}, plain or wrapped in its key (§3.4)",
            "content": {media: {"schema": schema} for media in BODY_TYPES},
        }
    }


def _needs_auth(path: str) -> bool:
    return path.startswith("/api/v2/")


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id")


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": ERROR_STATUSES[status],
        "content": {media: {"schema": ERROR_REF} for media in ERROR_TYPES},
    }
    headers: dict[str, Any] = {}
    if status in (429, 503):
        headers["Retry-After"] = {"schema": {"type": "integer"}, "description": "Seconds"}
    if status == 405:
        headers["Allow"] = {"schema": {"type": "string"}, "description": "Allowed methods"}
    if status == 401:
        headers["WWW-Authenticate"] = {"schema": {"type": "string"}}
    if headers:
        response["headers"] = headers
    return response


def _document_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for code, response in responses.items():
        content = response.get("content")
        if code.startswith("2") and isinstance(content, dict) and JSON in content:
            schema = content[JSON].get("schema", {})
            response["content"] = {media: {"schema": schema} for media in SUCCESS_TYPES}
    for status in ERROR_STATUSES:
        responses[str(status)] = _error_response(status)
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "path" and _is_id(str(parameter.get("name", ""))):
            schema = parameter.setdefault("schema", {})
            schema.update({"type": "integer", "minimum": 1, "maximum": MAX_ID})
    if method in WRITE_METHODS and "requestBody" not in operation:
        body_schema = {"type": "object", "additionalProperties": True}
        operation["requestBody"] = {
            "required": False,
            "description": "Fields of the resource, plain or wrapped in its body key (§3.4)",
            "content": {media: {"schema": body_schema} for media in BODY_TYPES},
        }
    if _needs_auth(path):
        operation.setdefault("security", [{"bearer": []}])


def add_wire_documentation(document: dict[str, Any]) -> dict[str, Any]:
    """Mutate (and return) a generated OpenAPI document; see the module docstring."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                _document_operation(path, method, operation)
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Error"] = ERROR_SCHEMA
    components.setdefault("securitySchemes", {})["bearer"] = BEARER
    return document


def documented_openapi(api: FastAPI) -> Callable[[], dict[str, Any]]:
    """A replacement for ``api.openapi`` that post-processes (once) what FastAPI generates."""
    generate = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = add_wire_documentation(generate())
        return api.openapi_schema

    return openapi
