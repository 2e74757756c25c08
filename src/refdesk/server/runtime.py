"""Everything a running server shares, built once from Settings at the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from refdesk.server.auth.passwords import Passwords
from refdesk.server.auth.secrets import SecretHasher
from refdesk.server.auth.token_bus import TokenBus
from refdesk.server.auth.token_cache import TokenCache
from refdesk.server.config import Settings
from refdesk.server.db.engine import Database
from refdesk.server.files import secure_data_dir
from refdesk.server.flags import ServerFlags


@dataclass
class Runtime:
    settings: Settings
    db: Database
    hasher: SecretHasher
    passwords: Passwords
    flags: ServerFlags
    tokens: TokenBus
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings, db: Database | None = None) -> Runtime:
        secure_data_dir(settings.data_dir)
        db = db or Database(settings.effective_database_url)
        tokens = token_bus(settings)
        db.after_commit.append(tokens.committed)
        return cls(
            settings=settings,
            db=db,
            hasher=SecretHasher(settings.effective_secret_key()),
            passwords=Passwords(settings.password_time_cost, settings.password_memory_cost),
            flags=ServerFlags(db, settings.flag_refresh_seconds, settings.maintenance_mode),
            tokens=tokens,
        )


def token_bus(settings: Settings) -> TokenBus:
    """The principal cache and its invalidation, on the rate limiter's shared store if any."""
    url = settings.effective_rate_limit_store_url
    size = settings.token_cache_size
    if not url and settings.workers > 1:
        size = 0  # per-process caches that nothing could keep in step
    return TokenBus(TokenCache(size, settings.token_cache_seconds, shared=bool(url)), url)
