"""Issue 9, holes 9 and 10, against a real ``refdesk serve`` process: the data directory and
its files are private to the server's user, the log holds no secret a client put in a URL, and
a server reachable from other machines without a public base URL says so at start."""

from __future__ import annotations

import os
import shutil
import ssl
import stat
from pathlib import Path

import httpx
import pytest

from tests.support.serve import running_server, stop

pytestmark = pytest.mark.slow
SECRETS = [f"TOPSECRET{n}x" for n in range(8)]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private_files(data_dir: Path) -> list[Path]:
    tls = data_dir / "tls"
    return [
        data_dir / "refdesk.sqlite3",
        data_dir / "secret_key",
        tls / "ca-key.pem",
        tls / "localhost-key.pem",
    ]


def test_hole_9_serve_keeps_the_data_dir_and_database_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    log = tmp_path / "serve.log"
    old_umask = os.umask(0o022)  # the usual umask: without care files come out 0644
    try:
        with running_server(data_dir, log, demo=False) as (https_port, _http, process):
            context = ssl.create_default_context(cafile=str(data_dir / "tls" / "ca.pem"))
            # A write, so SQLite has its -wal and -shm files open next to the database.
            token = httpx.post(
                f"https://127.0.0.1:{https_port}/oauth/token",
                data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
                verify=context,
            )
            assert token.status_code == 401
            assert mode(data_dir) == 0o700
            assert mode(data_dir / "tls") == 0o700
            for path in private_files(data_dir):
                assert mode(path) == 0o600, path
            for suffix in ("-wal", "-shm"):
                companion = data_dir / f"refdesk.sqlite3{suffix}"
                assert companion.exists(), companion
                assert mode(companion) == 0o600, companion
            stop(process)
            assert process.returncode == 0, log.read_text()

        # An older version (or a copy) left everything readable: the next start tightens it
        # and says so.
        for path in (data_dir, data_dir / "tls"):
            os.chmod(path, 0o755)
        (data_dir / "demo.json").write_text("{}")
        for path in [*private_files(data_dir), data_dir / "demo.json"]:
            os.chmod(path, 0o644)
        with running_server(data_dir, log, demo=False) as (_https, _http, process):
            assert mode(data_dir) == 0o700
            assert mode(data_dir / "tls") == 0o700
            for path in [*private_files(data_dir), data_dir / "demo.json"]:
                assert mode(path) == 0o600, path
            stop(process)
        text = log.read_text()
        for path in (data_dir, data_dir / "secret_key", data_dir / "refdesk.sqlite3"):
            assert f"{path} was readable by other local users" in text, text

        # An operator's own certificate and key are not ours to change, but a key every
        # local user can read is worth a warning.
        cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
        shutil.copy(data_dir / "tls" / "localhost.pem", cert)
        shutil.copy(data_dir / "tls" / "localhost-key.pem", key)
        os.chmod(key, 0o644)
        options = ("--cert", str(cert), "--key", str(key))
        with running_server(data_dir, log, *options, demo=False) as (_https, _http, process):
            stop(process)
        assert f"{key} (the TLS private key) is readable by every local user" in log.read_text()
        assert mode(key) == 0o644
    finally:
        os.umask(old_umask)


def test_hole_10_serve_logs_hold_no_secrets_and_warn_without_public_base_url(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    log = tmp_path / "serve.log"
    s = SECRETS
    with running_server(data_dir, log, host="0.0.0.0", demo=False) as (https, http, process):
        origin = f"https://127.0.0.1:{https}"
        context = ssl.create_default_context(cafile=str(data_dir / "tls" / "ca.pem"))
        with httpx.Client(verify=context, timeout=10) as client:
            refused = client.get(f"{origin}/api/v2/sites?access_token={s[0]}&page=2")
            assert refused.status_code == 401
            client.get(f"{origin}/api/v2/sites.json?refresh_token={s[1]}&user%5Bpassword%5D={s[2]}")
            client.post(f"{origin}/oauth/token?client_secret={s[3]}&code={s[4]}", data={})
            client.get(f"{origin}/webview/submissions/{s[5]}")
            client.get(f"{origin}/oauth/authorize?state={s[6]}&code_verifier={s[7]}")
        plain = httpx.get(f"http://127.0.0.1:{http}/api/v2?access_token={s[0]}")
        assert plain.status_code == 302
        stop(process)
    text = log.read_text()
    assert "REDACTED" in text and "page=2" in text, text  # the requests were logged
    for secret in s:
        assert secret not in text, text
    assert "REFDESK_PUBLIC_BASE_URL is not set and the server listens on 0.0.0.0" in text, text
