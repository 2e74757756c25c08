"""``refdesk login`` and profiles: the config file, its permissions, environment overrides, and
the one-line errors when the CLI is not (or wrongly) configured."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

import certifi

from refdesk.cli.profiles import config_path
from tests.support.desk import API_URL, Desk, desk_fixture  # noqa: F401

CA_BUNDLE = os.path.realpath(certifi.where())  # any valid CA file; the test transport has no TLS
NO_CREDENTIALS: dict[str, str | None] = {
    "REFDESK_URL": None,
    "REFDESK_CLIENT_ID": None,
    "REFDESK_CLIENT_SECRET": None,
}


async def test_login_writes_a_private_profile_that_commands_use(desk: Desk) -> None:
    secret = desk.credentials.client_secret
    assert secret
    result = await desk.run(
        "login",
        "--url",
        API_URL,
        "--client-id",
        desk.credentials.client_id,
        "--scope",
        "read write",
        env=NO_CREDENTIALS,
        input=f"{secret}\n",  # the secret is prompted for, without echo
    )
    assert result.exit_code == 0, result.output
    account = desk.assignor.account
    who = f"{account.first_name} {account.last_name}"
    assert f"logged in to {API_URL} as {who}; profile 'default' saved to" in result.stdout
    assert secret not in result.output
    assert stat.S_IMODE(desk.config.stat().st_mode) == 0o600
    stored = tomllib.loads(desk.config.read_text())["profiles"]["default"]
    assert stored == {
        "url": API_URL,
        "client_id": desk.credentials.client_id,
        "client_secret": secret,
        "scope": "read write",
    }

    # No environment at all: the profile alone is enough.
    sites = await desk.run("sites", "list", "-o", "json", env=NO_CREDENTIALS)
    assert sites.exit_code == 0, sites.output
    assert [s["name"] for s in json.loads(sites.stdout)] == ["Harbor Referees"]

    listed = await desk.run("profiles", env=NO_CREDENTIALS)
    assert listed.exit_code == 0
    assert "client_secret=(set)" in listed.stdout and secret not in listed.output
    assert f"client_id={desk.credentials.client_id}" in listed.stdout


async def test_named_profiles_and_environment_overrides(desk: Desk, tmp_path: Path) -> None:
    ca = CA_BUNDLE
    saved = await desk.run(
        "login",
        "--profile",
        "harbor",
        "--url",
        API_URL,
        "--client-id",
        desk.credentials.client_id,
        "--client-secret",
        "wrong-secret",
        "--token-url",
        "https://testserver/oauth/token",
        "--ca-file",
        ca,
        "--no-check",
        env=NO_CREDENTIALS,
    )
    assert saved.exit_code == 0, saved.output
    assert "wrong-secret" not in saved.output
    stored = tomllib.loads(desk.config.read_text())["profiles"]["harbor"]
    assert stored["ca_file"] == CA_BUNDLE
    assert stored["token_url"] == "https://testserver/oauth/token"

    # The stored secret is wrong: 401, one line, exit code 5.
    denied = await desk.run(
        "sites",
        "list",
        "--profile",
        "harbor",
        env=NO_CREDENTIALS,
    )
    assert denied.exit_code == 5
    assert denied.stderr.startswith("Error: not authenticated: ")
    assert "(401 invalid_client)" in denied.stderr
    assert len(denied.stderr.strip().splitlines()) == 1

    # REFDESK_CLIENT_SECRET overrides the file; REFDESK_PROFILE picks the profile.
    fixed = await desk.run(
        "sites",
        "list",
        env={
            **NO_CREDENTIALS,
            "REFDESK_PROFILE": "harbor",
            "REFDESK_CLIENT_SECRET": desk.credentials.client_secret,
        },
    )
    assert fixed.exit_code == 0, fixed.output
    assert "Harbor Referees" in fixed.stdout

    unknown = await desk.run("sites", "list", "--profile", "nope")
    assert unknown.exit_code == 3
    assert unknown.stderr.strip() == (
        f"Error: no profile 'nope' in {desk.config} (profiles: harbor); "
        "run `refdesk login --profile nope`"
    )


async def test_login_with_bad_credentials_saves_nothing(desk: Desk) -> None:
    result = await desk.run(
        "login",
        "--url",
        API_URL,
        "--client-id",
        desk.credentials.client_id,
        "--client-secret",
        "not-the-secret",
        env=NO_CREDENTIALS,
    )
    assert result.exit_code == 5
    assert result.stderr.startswith("Error: not authenticated:")
    assert "not-the-secret" not in result.output
    assert not desk.config.exists()


async def test_unconfigured_and_broken_configuration(desk: Desk, tmp_path: Path) -> None:
    nothing = await desk.run("sites", "list", env=NO_CREDENTIALS)
    assert nothing.exit_code == 3
    assert nothing.stderr.strip() == (
        "Error: no server URL for profile 'default': run `refdesk login` or set REFDESK_URL"
    )
    no_secret = await desk.run("sites", "list", env={"REFDESK_CLIENT_SECRET": None})
    assert no_secret.exit_code == 3
    assert "no client credentials for profile 'default'" in no_secret.stderr

    bad_url = await desk.run("sites", "list", env={"REFDESK_URL": "ftp://example.org"})
    assert bad_url.exit_code == 3
    assert "base URL must be an absolute http(s) URL" in bad_url.stderr

    no_profiles = await desk.run("profiles")
    assert no_profiles.exit_code == 3
    assert "no profiles in" in no_profiles.stderr

    not_a_ca = tmp_path / "ca.pem"
    not_a_ca.write_text("not a certificate\n")
    bad_ca = await desk.run("sites", "list", env={"REFDESK_CA_FILE": str(not_a_ca)})
    assert bad_ca.exit_code == 3
    assert bad_ca.stderr.startswith(f"Error: cannot use the CA file {not_a_ca}: ")
    missing_ca = await desk.run("sites", "list", env={"REFDESK_CA_FILE": str(tmp_path / "no")})
    assert missing_ca.exit_code == 3
    assert "does not exist" in missing_ca.stderr

    desk.config.parent.mkdir(parents=True)
    desk.config.write_text("[profiles\n")
    broken = await desk.run("sites", "list")
    assert broken.exit_code == 3
    assert broken.stderr.startswith(f"Error: the config file {desk.config} is not valid TOML")


def test_config_path_follows_refdesk_config_then_xdg(tmp_path: Path) -> None:
    explicit = tmp_path / "x.toml"
    assert config_path({"REFDESK_CONFIG": str(explicit)}) == explicit
    assert config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "refdesk" / "config.toml"
    assert config_path({}) == Path.home() / ".config" / "refdesk" / "config.toml"
