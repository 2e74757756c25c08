"""Absolute links in what the worker sends (webhook bodies, e-mail), outside any request.

``public_base_url`` when set; otherwise the address ``refdesk serve`` listens on (it puts it
in ``runtime.extras["base_url"]`` for its in-process worker); otherwise
``http://localhost:8000`` (a ``refdesk worker`` without ``public_base_url`` warns at start).
"""

from __future__ import annotations

from refdesk.server.runtime import Runtime

FALLBACK_BASE_URL = "http://localhost:8000"


def base_url(runtime: Runtime) -> str:
    configured = runtime.settings.public_base_url
    if configured:
        return configured
    served = runtime.extras.get("base_url")
    return str(served).rstrip("/") if served else FALLBACK_BASE_URL


def api_link(runtime: Runtime, path: str) -> str:
    """``/games/5`` → ``<base>/api/v2/games/5.json`` (contract §20.2)."""
    return f"{base_url(runtime)}/api/v2/{path.strip('/')}.json"
