"""The feed's URLs (contract §19.3): a non-API link (no ``.json``, §2.4) and its ``webcal``
twin, shared by the API's descriptor and the account page."""

from __future__ import annotations


def feed_url(base: str, token: str) -> str:
    """``https://host/calendar/<token>.ics``."""
    return f"{base.rstrip('/')}/calendar/{token}.ics"


def webcal_url(url: str) -> str:
    """The same URL with the ``webcal`` scheme, which calendar apps subscribe to."""
    return "webcal://" + url.split("://", 1)[1]
