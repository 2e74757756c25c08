"""The plain-HTTP listener of ``refdesk serve`` redirects to the HTTPS *port* (cli/serve.py)."""

from __future__ import annotations

from typing import Any

import pytest

from refdesk.cli.serve import HttpsPortHost
from tests.support.app import client_for


@pytest.mark.parametrize(
    ("http_port", "https_port", "base_url", "location"),
    [
        (8080, 8443, "http://127.0.0.1:8080", "https://127.0.0.1:8443/v2/sites?x=1"),
        (8080, 8443, "http://[::1]:8080", "https://[::1]:8443/v2/sites?x=1"),
        (8080, 443, "http://refdesk.example.org:8080", "https://refdesk.example.org/v2/sites?x=1"),
        (80, 8443, "http://refdesk.example.org", "https://refdesk.example.org:8443/v2/sites?x=1"),
        # A Host naming another port (e.g. a port mapping) is left as the client sent it.
        (8080, 8443, "http://localhost:9000", "https://localhost:9000/v2/sites?x=1"),
    ],
)
async def test_redirect_points_at_the_https_port(
    app: Any, http_port: int, https_port: int, base_url: str, location: str
) -> None:
    async with client_for(HttpsPortHost(app, http_port, https_port), base_url=base_url) as http:
        response = await http.get("/v2/sites", params={"x": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == location
    assert response.json() == {}
