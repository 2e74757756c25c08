"""Server settings, read from ``REFDESK_*`` environment variables.

Built once at the composition root (``create_app`` or the CLI) and passed down; there is no
module-global instance.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


@dataclass(frozen=True)
class RateLimitRule:
    """One fixed-window rule: at most ``limit`` requests per ``period`` seconds."""

    limit: int
    period: int


DEFAULT_RATE_LIMIT_RULES = "180/60,500/300,5000/3600"
# Password attempts per login name (auth/throttle.py): a back-off of a minute, an hour, a day.
DEFAULT_LOGIN_THROTTLE_RULES = "5/60,20/3600,100/86400"
# Seconds before each retry of a webhook delivery (§19.2): 7 attempts in all.
DEFAULT_RETRY_DELAYS = "60,300,1800,7200,28800,86400"


def parse_retry_delays(text: str) -> tuple[float, ...]:
    """Parse ``"60,300"`` into delays; raise ValueError on anything malformed."""
    delays = tuple(float(part) for part in text.split(",") if part.strip())
    if not delays or any(d < 0 for d in delays):
        raise ValueError("retry delays must be one or more non-negative numbers of seconds")
    return delays


def parse_rate_limit_rules(text: str) -> tuple[RateLimitRule, ...]:
    """Parse ``"180/60,500/300"`` into rules; raise ValueError on anything malformed."""
    rules: list[RateLimitRule] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        limit_text, sep, period_text = part.partition("/")
        if not sep:
            raise ValueError(f"rate-limit rule {part!r} must be written LIMIT/PERIOD")
        limit, period = int(limit_text), int(period_text)
        if limit < 1 or period < 1:
            raise ValueError(f"rate-limit rule {part!r} needs a positive limit and period")
        rules.append(RateLimitRule(limit, period))
    if not rules:
        raise ValueError("at least one rate-limit rule is required")
    return tuple(rules)


def _split_list(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """Every knob of the server; names follow contract §19.4 with the ``REFDESK_`` prefix."""

    model_config = SettingsConfigDict(env_prefix="REFDESK_", extra="ignore")

    data_dir: Path = Path(".refdesk")
    database_url: str | None = None
    redis_url: str | None = None
    rate_limit_store_url: str | None = None
    rate_limit_rules: str = DEFAULT_RATE_LIMIT_RULES
    public_base_url: str | None = None
    # Host names (``refs.example.org``, ``*.example.org``) the Host header may name; empty:
    # any. Without public_base_url, links and the HTTPS redirect are built from that header.
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    force_https: bool = True
    hsts: bool = True
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = 1_048_576
    maintenance_mode: bool = False
    maintenance_retry_after: int = 300
    unavailable_retry_after: int = 30
    access_token_ttl: int = 7200
    refresh_token_ttl: int = 7_776_000
    authorization_code_ttl: int = 600
    default_time_zone: str = "UTC"
    decline_cutoff_hours: int = 36
    site_creation: Literal["operators", "anyone"] = "operators"
    default_subscription_status: Literal["active", "trial", "expired", "suspended"] = "active"
    idempotency_ttl: int = 86_400
    # HMAC pepper for tokens, client secrets and codes. Unset: generated once into data_dir.
    secret_key: str | None = None
    # argon2 cost; tests lower it. Humans' passwords only, never on the token path.
    password_time_cost: int = 3
    password_memory_cost: int = 65_536
    login_throttle_rules: str = DEFAULT_LOGIN_THROTTLE_RULES
    # Lifetime (seconds) of an invitation link that lets a person set their password.
    invitation_ttl: int = Field(default=604_800, ge=60)
    # Lifetime (seconds) of a password-reset link (``/password-reset``).
    password_reset_ttl: int = Field(default=3_600, ge=60)
    # How often (seconds) a process re-reads the maintenance flag from the database.
    flag_refresh_seconds: float = 1.0
    workers: int = 1
    # The in-process cache of resolved bearer tokens (auth/token_cache.py): how many, and for
    # how long at most (invalidation ends an entry at once; this is the backstop). 0: off.
    # With more than one worker and no shared store (Redis) the cache is off: a revocation
    # could not reach the other workers.
    token_cache_size: int = Field(default=10_000, ge=0)
    token_cache_seconds: float = Field(default=30.0, ge=0, le=60)
    # glibc malloc arenas per server process (memory.py); 0: glibc's default (8 per core).
    malloc_arenas: int = Field(default=2, ge=0, le=64)
    # SQLite: reads at work at once (api/read_gate.py); 0: no limit. Not used on PostgreSQL.
    read_concurrency: int = Field(default=4, ge=0, le=1000)

    # Webhooks (§18.7, §19.2).
    webhook_timeout: float = Field(default=10.0, gt=0)
    webhook_allow_http: bool = False
    webhook_allow_private: bool = False
    # Seconds before attempts 2..7 (§19.2: 1 min, 5 min, 30 min, 2 h, 8 h, 24 h); tests
    # shorten it. Also the retry schedule of e-mail.
    webhook_retry_delays: str = DEFAULT_RETRY_DELAYS
    # Events in a row that failed every attempt before a subscription is deactivated.
    webhook_deactivate_after: int = Field(default=50, ge=1)
    # E-mail (§18.8, §19.4). No mail_host: messages are ``not_configured`` and every e-mail
    # is written as an .eml file under <data dir>/mail/ instead.
    mail_host: str | None = None
    mail_port: int = 587
    mail_user: str | None = None
    mail_password: SecretStr | None = None
    mail_from: str = "refdesk <refdesk@localhost>"
    mail_security: Literal["starttls", "tls", "none"] = "starttls"
    mail_timeout: float = Field(default=30.0, gt=0)
    # The events worker: ``auto`` runs it inside ``refdesk serve`` on SQLite (the embedded
    # default) and leaves it to ``refdesk worker`` processes on PostgreSQL.
    events_worker: Literal["auto", "in_process", "external"] = "auto"
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    # A claimed delivery or e-mail that is not finished within this many seconds (its worker
    # died) is claimed again by another worker.
    worker_lease_seconds: float = Field(default=120.0, gt=0)
    # Auto-assign (issue 14): the solver's time limit when a request names none, the most a
    # request may ask for (a 500-slot season needs about 150 s to reach and prove its maximum
    # on 2 cores: README "Benchmarks"), CP-SAT's worker threads, and the longest date range of
    # one request.
    autoassign_time_limit_seconds: float = Field(default=10.0, gt=0, le=3600)
    autoassign_max_time_limit_seconds: float = Field(default=300.0, gt=0, le=3600)
    autoassign_workers: int = Field(default=2, ge=1, le=64)
    autoassign_max_days: int = Field(default=92, ge=1, le=366)

    _split_proxies = field_validator(
        "trusted_proxies", "cors_allowed_origins", "allowed_hosts", mode="before"
    )(_split_list)

    @field_validator("rate_limit_rules", "login_throttle_rules")
    @classmethod
    def _check_rules(cls, value: str) -> str:
        parse_rate_limit_rules(value)
        return value

    @field_validator("webhook_retry_delays")
    @classmethod
    def _check_delays(cls, value: str) -> str:
        parse_retry_delays(value)
        return value

    @property
    def retry_delays(self) -> tuple[float, ...]:
        return parse_retry_delays(self.webhook_retry_delays)

    @property
    def mail_configured(self) -> bool:
        return bool(self.mail_host)

    @property
    def mail_dir(self) -> Path:
        """Where e-mail goes as .eml files when no mail server is configured."""
        return self.data_dir / "mail"

    @property
    def runs_worker_in_process(self) -> bool:
        if self.events_worker == "auto":
            return self.effective_database_url.startswith("sqlite")
        return self.events_worker == "in_process"

    @field_validator("public_base_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def rules(self) -> tuple[RateLimitRule, ...]:
        return parse_rate_limit_rules(self.rate_limit_rules)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'refdesk.sqlite3').resolve()}"

    @property
    def effective_rate_limit_store_url(self) -> str | None:
        return self.rate_limit_store_url or self.redis_url

    @cached_property
    def allowed_host_names(self) -> frozenset[str]:
        """``allowed_hosts`` in lower case, without ports or IPv6 brackets."""
        from refdesk.server.api.origin import host_name

        return frozenset(host_name(entry) for entry in self.allowed_hosts)

    @cached_property
    def trusted_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(p, strict=False) for p in self.trusted_proxies)

    def effective_secret_key(self) -> str:
        """The configured pepper, or one generated once and kept (0600) in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        from refdesk.server.files import private_dir, private_file

        private_dir(self.data_dir)
        key = secrets.token_urlsafe(48)
        private_file(path)
        path.write_text(key)
        return key
