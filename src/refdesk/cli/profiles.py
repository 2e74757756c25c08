"""Connection profiles for the daily-work commands.

A profile is a named set of connection values kept in a per-user TOML file::

    [profiles.default]
    url = "https://refdesk.example.org/api/v2"
    token_url = "https://refdesk.example.org/oauth/token"
    client_id = "..."
    client_secret = "..."
    ca_file = "/home/pat/.local/share/refdesk/tls/ca.pem"

The file lives at ``$REFDESK_CONFIG``, else ``$XDG_CONFIG_HOME/refdesk/config.toml``, else
``~/.config/refdesk/config.toml``, and is always written with mode 0600 (its directory 0700)
because it holds the client secret. ``REFDESK_URL``, ``REFDESK_TOKEN_URL``,
``REFDESK_CLIENT_ID``, ``REFDESK_CLIENT_SECRET``, ``REFDESK_SCOPE`` and ``REFDESK_CA_FILE``
override the file's values one by one. Nothing here prints a secret.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from refdesk.cli.common import CliError
from refdesk.cli.output import EXIT_CONFIG

DEFAULT_PROFILE = "default"
ENV_CONFIG = "REFDESK_CONFIG"
ENV_PROFILE = "REFDESK_PROFILE"

# Profile field -> environment variable that overrides it (the SDK's own variable names).
ENV_OVERRIDES: dict[str, str] = {
    "url": "REFDESK_URL",
    "token_url": "REFDESK_TOKEN_URL",
    "client_id": "REFDESK_CLIENT_ID",
    "client_secret": "REFDESK_CLIENT_SECRET",
    "scope": "REFDESK_SCOPE",
    "ca_file": "REFDESK_CA_FILE",
}


@dataclass(frozen=True)
class Profile:
    """The connection values of one profile (any of them may be missing)."""

    name: str = DEFAULT_PROFILE
    url: str | None = None
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    ca_file: str | None = None

    def values(self) -> dict[str, str]:
        """The stored values (without the name), for writing to the file."""
        out: dict[str, str] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name != "name" and value:
                out[field.name] = str(value)
        return out

    def describe(self) -> dict[str, str]:
        """The values for display: the secret is never shown, only whether it is set."""
        shown = self.values()
        if "client_secret" in shown:
            shown["client_secret"] = "(set)"
        return shown


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    explicit = env.get(ENV_CONFIG)
    if explicit:
        return Path(explicit).expanduser()
    xdg = env.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "refdesk" / "config.toml"


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CliError(
            f"cannot read the config file {path}: {exc.strerror or exc}", EXIT_CONFIG
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CliError(f"the config file {path} is not valid TOML: {exc}", EXIT_CONFIG) from None
    return document


def _profiles(document: Mapping[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    section = document.get("profiles", {})
    if not isinstance(section, dict):
        raise CliError(f"the config file {path} has no valid [profiles] table", EXIT_CONFIG)
    return {str(k): v for k, v in section.items() if isinstance(v, dict)}


def read_profiles(path: Path | None = None) -> dict[str, Profile]:
    path = path or config_path()
    known = {f.name for f in fields(Profile)} - {"name"}
    result: dict[str, Profile] = {}
    for name, table in _profiles(_read(path), path).items():
        values = {k: str(v) for k, v in table.items() if k in known and v not in (None, "")}
        result[name] = Profile(name=name, **values)
    return result


def _toml_string(value: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=False)


def render(profiles: Mapping[str, Profile]) -> str:
    lines = ["# refdesk CLI profiles (written by `refdesk login`; keep this file private)"]
    for name in sorted(profiles):
        lines.append("")
        lines.append(f"[profiles.{_toml_string(name)}]")
        for key, value in profiles[name].values().items():
            lines.append(f"{key} = {_toml_string(value)}")
    return "\n".join(lines) + "\n"


def write_profiles(profiles: Mapping[str, Profile], path: Path | None = None) -> Path:
    """Write atomically with mode 0600 (the directory is created with 0700)."""
    path = path or config_path()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(render(profiles))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        os.chmod(path, 0o600)
    except OSError as exc:
        raise CliError(
            f"cannot write the config file {path}: {exc.strerror or exc}", EXIT_CONFIG
        ) from None
    return path


def save_profile(profile: Profile, path: Path | None = None) -> Path:
    path = path or config_path()
    profiles = read_profiles(path)
    profiles[profile.name] = profile
    return write_profiles(profiles, path)


def load_profile(name: str | None, environ: Mapping[str, str] | None = None) -> Profile:
    """The named profile (default: ``$REFDESK_PROFILE`` or ``default``) with environment
    overrides applied. A profile named explicitly must exist; the default one may be absent
    when the environment supplies everything."""
    env = os.environ if environ is None else environ
    chosen = name or env.get(ENV_PROFILE) or DEFAULT_PROFILE
    path = config_path(env)
    profiles = read_profiles(path)
    profile = profiles.get(chosen)
    if profile is None:
        if name or env.get(ENV_PROFILE):
            known = ", ".join(sorted(profiles)) or "none"
            raise CliError(
                f"no profile {chosen!r} in {path} (profiles: {known}); "
                f"run `refdesk login --profile {chosen}`",
                EXIT_CONFIG,
            )
        profile = Profile(name=chosen)
    overrides = {key: env[var] for key, var in ENV_OVERRIDES.items() if env.get(var)}
    return replace(profile, **overrides)
