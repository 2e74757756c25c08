"""Configuration (arguments, REFDESK_* variables, assignr.com defaults, CA files) and the SDK's
independence from the server packages."""

from __future__ import annotations

import ast
import json
import ssl
import subprocess
import sys
import textwrap
from pathlib import Path

import certifi
import httpx
import pytest

import refdesk.client
from refdesk.client import (
    ASSIGNR_API_URL,
    ASSIGNR_TOKEN_URL,
    Client,
    ConfigurationError,
)

CLIENT_DIR = Path(refdesk.client.__file__).parent


def test_environment_supplies_what_arguments_do_not() -> None:
    env = {
        "REFDESK_URL": "https://refdesk.example.org",
        "REFDESK_CLIENT_ID": "id-from-env",
        "REFDESK_CLIENT_SECRET": "secret-from-env",
        "REFDESK_SCOPE": "read",
    }
    with Client(environ=env) as api:
        assert api.base_url == "https://refdesk.example.org/api/v2"
        assert api.settings.token_url == "https://refdesk.example.org/oauth/token"
        assert api.authorize_url == "https://refdesk.example.org/oauth/authorize"
        assert (api.settings.client_id, api.settings.client_secret) == (
            "id-from-env",
            "secret-from-env",
        )
        assert api.settings.scope == "read"
    with Client(
        "https://other.example.org/api/v2/",
        client_id="arg",
        environ=env,
        token_url="https://auth.example.org/o/token",
    ) as api:
        assert api.base_url == "https://other.example.org/api/v2"
        assert api.settings.client_id == "arg"
        assert api.settings.token_url == "https://auth.example.org/o/token"
        assert api.authorize_url == "https://auth.example.org/o/authorize"


def test_assignr_com_defaults() -> None:
    with Client(ASSIGNR_API_URL, client_id="c", client_secret="s", environ={}) as api:
        assert api.settings.token_url == ASSIGNR_TOKEN_URL
        assert api.authorize_url == "https://app.assignr.com/oauth/authorize"
        url = api.authorization_url("urn:ietf:wg:oauth:2.0:oob", state="s1")
        assert url.startswith("https://app.assignr.com/oauth/authorize?response_type=code")


def test_missing_base_url_and_credentials_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="REFDESK_URL"):
        Client(environ={})
    with pytest.raises(ConfigurationError):
        Client("ftp://example.org", environ={})
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    with (
        Client("https://x.example.org", transport=transport, environ={}) as api,
        pytest.raises(ConfigurationError, match="client_id"),
    ):
        api.current_account.get()


def test_verify_accepts_a_ca_file(tmp_path: Path) -> None:
    with Client("https://x.example.org", verify=certifi.where(), environ={}) as api:
        assert isinstance(api.settings.verify, ssl.SSLContext)
    with Client("https://x.example.org", environ={"REFDESK_CA_FILE": certifi.where()}) as api:
        assert isinstance(api.settings.verify, ssl.SSLContext)
    with Client("https://x.example.org", environ={}) as api:
        assert api.settings.verify is True
    with pytest.raises(ConfigurationError, match="does not exist"):
        Client("https://x.example.org", verify=tmp_path / "missing.pem", environ={})


def test_sdk_source_imports_only_stdlib_httpx_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"httpx", "refdesk"}
    for path in CLIENT_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert not name.startswith("refdesk.server"), (path, name)
                assert (
                    name == "refdesk"
                    or name.startswith("refdesk.client")
                    or name.split(".")[0] in allowed - {"refdesk"}
                ), (path, name)


def test_sdk_imports_and_works_without_the_server_packages() -> None:
    """In a fresh interpreter where every server dependency (and refdesk.server) refuses to
    import, the SDK still imports and completes a request."""
    script = textwrap.dedent(
        """
        import importlib.abc, sys

        BLOCKED = ("refdesk.server", "fastapi", "starlette", "sqlalchemy", "pydantic",
                   "pydantic_settings", "alembic", "aiosqlite", "asyncpg", "redis", "orjson",
                   "argon2", "uvicorn", "multipart", "cryptography", "typer", "rich")

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED or name.startswith("refdesk.server"):
                    raise ImportError(f"blocked: {name}")
                return None

        sys.meta_path.insert(0, Block())
        import httpx
        import refdesk.client as sdk

        def handle(request):
            assert request.headers["accept"] == sdk.VENDOR_TYPE
            return httpx.Response(200, json={"id": 42, "name": "Alex Rivera"})

        with sdk.Client("https://x.example.org", token="t", environ={},
                        transport=httpx.MockTransport(handle)) as api:
            assert api.current_account.get().id == 42
        loaded = sorted(m for m in sys.modules if m.startswith("refdesk"))
        assert not any(m.startswith("refdesk.server") for m in loaded), loaded
        print(__import__("json").dumps(loaded))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert "refdesk.client" in loaded


def test_plain_import_pulls_in_nothing_from_the_server() -> None:
    code = (
        "import refdesk.client, sys; "
        "assert not any(m.startswith('refdesk.server') for m in sys.modules), "
        "sorted(sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
