"""End to end: ``refdesk serve --demo`` as a real process on free ports with a temporary
SQLite data directory — HTTPS verified with the generated CA, the plain-HTTP redirect, and a
client-credentials token for the demo assignor."""

from __future__ import annotations

import json
import ssl
import time
from pathlib import Path

import httpx
import pytest

from tests.support.serve import START_TIMEOUT, running_server, stop

pytestmark = pytest.mark.slow


def test_serve_demo_end_to_end(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    log = tmp_path / "serve.log"
    with running_server(data_dir, log) as (https_port, http_port, process):
        demo = json.loads((data_dir / "demo.json").read_text())
        origin = f"https://127.0.0.1:{https_port}"
        assert demo["base_url"] == f"{origin}/api/v2"
        assert demo["token_url"] == f"{origin}/oauth/token"
        assert demo["ca_cert"] == str((data_dir / "tls" / "ca.pem").resolve())
        context = ssl.create_default_context(cafile=demo["ca_cert"])
        with httpx.Client(verify=context, timeout=10) as https:
            health = https.get(f"{origin}/healthz")
            assert health.json() == {"status": "ok"}
            root = https.get(f"{origin}/api/v2")
            assert root.status_code == 200
            assert root.json()["_links"]["sites"]["href"] == f"{origin}/api/v2/sites.json"
            assert root.headers["Strict-Transport-Security"] == "max-age=31536000"

            plain = httpx.get(f"http://127.0.0.1:{http_port}/api/v2/sites?page=2", timeout=10)
            assert plain.status_code == 302
            assert plain.headers["Location"] == f"{origin}/api/v2/sites?page=2"
            assert plain.json() == {}
            assert httpx.get(f"http://127.0.0.1:{http_port}/healthz").json() == {"status": "ok"}

            assignor = demo["clients"]["assignor"]
            token = https.post(
                demo["token_url"],
                data={
                    "grant_type": "client_credentials",
                    "client_id": assignor["client_id"],
                    "client_secret": assignor["client_secret"],
                },
            )
            assert token.status_code == 200, token.text
            access = token.json()["access_token"]
            sites = https.get(
                f"{demo['base_url']}/sites", headers={"Authorization": f"Bearer {access}"}
            )
            assert sites.status_code == 200, sites.text
            embedded = sites.json()["_embedded"]["sites"]
            assert [(s["id"], s["name"]) for s in embedded] == [
                (assignor["site_id"], "Riverside Youth Soccer Referees")
            ]

        # The README's SDK example, against the real HTTPS server and its local CA.
        from refdesk.client import Client

        with Client(
            origin,
            client_id=assignor["client_id"],
            client_secret=assignor["client_secret"],
            scope="read write",
            verify=demo["ca_cert"],
        ) as api:
            names = [site["name"] for site in api.sites.iter()]
            assert names == ["Riverside Youth Soccer Referees"]
            official_id = demo["clients"]["official"]["user_id"]
            updated = api.users.update_with_retry(official_id, {"grade": "Grade 8"})
            assert updated["grade"] == "Grade 8"
        stop(process)
        assert process.returncode == 0, log.read_text()
    assert "local CA certificate" in log.read_text()

    # A second start reuses the certificate, the data and the credentials.
    ca_pem = (data_dir / "tls" / "ca.pem").read_bytes()
    cert_pem = (data_dir / "tls" / "localhost.pem").read_bytes()
    with running_server(data_dir, log) as (https_port, _http_port, process):
        again = json.loads((data_dir / "demo.json").read_text())
        assert again["clients"] == demo["clients"]
        assert again["base_url"] == f"https://127.0.0.1:{https_port}/api/v2"
        stop(process)
        assert process.returncode == 0, log.read_text()
    assert "demo data already seeded" in log.read_text()
    assert (data_dir / "tls" / "ca.pem").read_bytes() == ca_pem
    assert (data_dir / "tls" / "localhost.pem").read_bytes() == cert_pem


def test_serve_with_two_workers(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    log = tmp_path / "serve.log"
    with running_server(data_dir, log, "--workers", "2") as (https_port, http_port, process):
        deadline = time.monotonic() + START_TIMEOUT
        while log.read_text().count("Application startup complete") < 2:
            assert time.monotonic() < deadline, log.read_text()
            assert process.poll() is None, log.read_text()
            time.sleep(0.2)
        context = ssl.create_default_context(cafile=str(data_dir / "tls" / "ca.pem"))
        for _ in range(4):
            health = httpx.get(f"https://127.0.0.1:{https_port}/healthz", verify=context)
            assert health.json() == {"status": "ok"}
        plain = httpx.get(f"http://127.0.0.1:{http_port}/api/v2")
        assert plain.headers["Location"] == f"https://127.0.0.1:{https_port}/api/v2"
        stop(process)
        assert process.returncode == 0, log.read_text()
    assert log.read_text().count("Application shutdown complete") == 2


def test_an_idle_connection_outlives_the_clients_own_expiry(tmp_path: Path) -> None:
    """A keep-alive connection left idle longer than httpx's own 5 s expiry is still served
    when reused: the server must never be the side that closes first (a client reusing a
    socket the server is closing gets "Server disconnected without sending a response")."""
    data_dir = tmp_path / "data"
    with running_server(data_dir, tmp_path / "serve.log", demo=False) as (https_port, _, _):
        context = ssl.create_default_context(cafile=str(data_dir / "tls" / "ca.pem"))
        limits = httpx.Limits(keepalive_expiry=60)  # this client keeps the socket: the test
        with httpx.Client(verify=context, timeout=10, limits=limits) as https:
            first = https.get(f"https://127.0.0.1:{https_port}/healthz")
            stream = first.extensions["network_stream"]
            time.sleep(6.5)  # uvicorn's default keep-alive (5 s) would have closed it
            again = https.get(f"https://127.0.0.1:{https_port}/healthz")
            assert again.json() == {"status": "ok"}
            assert again.extensions["network_stream"] is stream  # the same connection
