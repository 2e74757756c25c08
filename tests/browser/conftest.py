"""The browser tests' fixtures come from ``tests.support.browser``; every test here drives a
real Chromium (and is marked ``browser``)."""

from __future__ import annotations

from tests.support.browser import (
    browser_server,
    check,
    chromium,
    mail_sink,
    page,
    served,
    shots,
    width,
)

__all__ = ["browser_server", "check", "chromium", "mail_sink", "page", "served", "shots", "width"]
