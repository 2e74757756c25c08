"""The refdesk Python SDK: one import for the Assignr API v2 wire contract, against refdesk or
against assignr.com itself (only the base URL and token URL differ).

    from refdesk.client import Client

    with Client("https://refdesk.example.org", client_id="...", client_secret="...") as api:
        for site in api.sites.iter():
            print(site.id, site["name"])

Depends on httpx only and never imports ``refdesk.server``. ``AsyncClient`` has the same
surface with ``await`` / ``async for``. Errors are listed as a tree in
``refdesk.client._errors``.
"""

from refdesk.client._auth import PKCE, Token
from refdesk.client._client import AsyncClient, BaseClient, Client
from refdesk.client._config import (
    ASSIGNR_API_URL,
    ASSIGNR_TOKEN_URL,
    NO_RETRIES,
    RetryPolicy,
)
from refdesk.client._core import VENDOR_TYPE
from refdesk.client._errors import (
    APIError,
    BadRequest,
    ConfigurationError,
    Conflict,
    Forbidden,
    NotFound,
    PaymentRequired,
    RateLimited,
    RefdeskError,
    ServerError,
    ServiceUnavailable,
    TransportError,
    Unauthorized,
    ValidationError,
)
from refdesk.client._hal import Page, Resource

__all__ = [
    "ASSIGNR_API_URL",
    "ASSIGNR_TOKEN_URL",
    "NO_RETRIES",
    "PKCE",
    "VENDOR_TYPE",
    "APIError",
    "AsyncClient",
    "BadRequest",
    "BaseClient",
    "Client",
    "ConfigurationError",
    "Conflict",
    "Forbidden",
    "NotFound",
    "Page",
    "PaymentRequired",
    "RateLimited",
    "RefdeskError",
    "Resource",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailable",
    "Token",
    "TransportError",
    "Unauthorized",
    "ValidationError",
]
