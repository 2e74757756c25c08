"""The real-browser harness (issue 12): Debian's Chromium driven by Playwright against a real
``refdesk serve``, axe-core on every page checked, screenshots at phone and desktop width.

- ``browser_server`` (session): one ``refdesk serve`` process over HTTPS on free loopback
  ports, SQLite in a temporary data directory, its in-process events worker sending e-mail
  over SMTP to a real SMTP server of the test process (``MailSink``: aiosmtpd in its own
  thread, so it answers while the tests' loop is busy); with a ``Runtime`` on the same
  database for the factories and an ``httpx`` client for the API.
- ``chromium`` (session): one browser, started from ``/usr/bin/chromium`` with
  ``executable_path`` (Playwright never downloads a browser here).
- ``page`` / ``check`` (per test, parametrized over ``WIDTHS``): a fresh browser context at
  that width; ``await check(page, "name")`` saves ``<dir>/<name>.<width>.png`` and fails on
  serious or critical axe violations.

Without Chromium the tests skip, unless ``REFDESK_REQUIRE_BROWSER`` is set (CI sets it):
then they fail.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import ssl
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from playwright.async_api import Browser, Page, async_playwright, expect

from refdesk.server.runtime import Runtime
from tests.support.app import make_settings
from tests.support.serve import free_port, running_server

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package
# As root and on a machine without a network: no sandbox, no GPU, no background traffic.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
AXE_VERSION = "4.14.1"
AXE_FILE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
ALL_IMPACTS = ("critical", "serious", "moderate", "minor")
SECRET_KEY = "browser-tests-pepper-not-secret"
SERVER_ENV = {
    "REFDESK_SECRET_KEY": SECRET_KEY,
    "REFDESK_PASSWORD_TIME_COST": "1",
    "REFDESK_PASSWORD_MEMORY_COST": "1024",
    "REFDESK_FLAG_REFRESH_SECONDS": "0",
    "REFDESK_EVENTS_WORKER": "in_process",
    "REFDESK_WORKER_POLL_SECONDS": "0.1",
}


def require_chromium() -> None:
    """Skip (or, with ``REFDESK_REQUIRE_BROWSER`` set, fail) when Chromium is absent."""
    if CHROMIUM.exists():
        return
    reason = (
        f"{CHROMIUM} is missing: install Debian's chromium and chromium-driver "
        "(scripts/test.sh does)"
    )
    if os.environ.get("REFDESK_REQUIRE_BROWSER"):
        pytest.fail(f"REFDESK_REQUIRE_BROWSER is set but {reason}")
    pytest.skip(reason)


# -- the server ------------------------------------------------------------------------


@dataclass
class BrowserServer:
    """A running ``refdesk serve`` and what the tests need to talk to it."""

    base_url: str
    data_dir: Path
    ca_file: Path
    runtime: Runtime  # the same SQLite database, for the factories

    def client(self) -> httpx.AsyncClient:
        """An API client that trusts the server's local CA."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        return httpx.AsyncClient(base_url=self.base_url, verify=context, timeout=30)

    sink: MailSink

    def mail(self) -> list[EmailMessage]:
        """Every message the server's worker delivered to the SMTP sink, in order."""
        return self.sink.messages()

    async def wait_for_mail(self, to: str, kind: str, within: float = 60.0) -> EmailMessage:
        """The first e-mail the server sent to ``to`` of the ``X-Refdesk-Kind`` ``kind``."""
        deadline = time.monotonic() + within
        while True:
            for message in self.mail():
                addresses = [a.lower() for _, a in getaddresses([str(message["To"])])]
                if to.lower() in addresses and message["X-Refdesk-Kind"] == kind:
                    return message
            if time.monotonic() > deadline:
                seen = [(str(m["To"]), str(m["X-Refdesk-Kind"])) for m in self.mail()]
                raise AssertionError(f"no {kind!r} e-mail to {to} within {within} s: {seen}")
            await asyncio.sleep(0.1)


class MailSink:
    """A real SMTP server (aiosmtpd's threaded controller) on 127.0.0.1 and a free port that
    keeps every message it accepts. The server under test sends to it without TLS."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[bytes] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self._received.append(bytes(envelope.content))
        return "250 2.0.0 Message accepted for delivery"

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def messages(self) -> list[EmailMessage]:
        with self._lock:
            raw = list(self._received)
        found = []
        for data in raw:
            message = message_from_bytes(data, policy=policy.default)
            assert isinstance(message, EmailMessage)
            found.append(message)
        return found


def links_in(message: EmailMessage, pattern: str) -> list[str]:
    """The URLs in the plain-text part of ``message`` that match ``pattern`` (a regex)."""
    text = message.get_body(preferencelist=("plain",))
    assert text is not None, message
    found = re.findall(r"https?://[^\s\"<>]+", text.get_content())
    return [url for url in found if re.search(pattern, url)]


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink()
    sink.controller.start()
    try:
        yield sink
    finally:
        sink.controller.stop()


@pytest.fixture(scope="session")
def served(
    tmp_path_factory: pytest.TempPathFactory, mail_sink: MailSink
) -> Iterator[tuple[str, Path]]:
    """``refdesk serve`` (HTTPS, SQLite, temporary data dir, e-mail to ``mail_sink``): its
    base URL and data dir."""
    require_chromium()
    data_dir = tmp_path_factory.mktemp("browser-server")
    log = data_dir.parent / "browser-server.log"
    env = {
        **SERVER_ENV,
        "REFDESK_MAIL_HOST": "127.0.0.1",
        "REFDESK_MAIL_PORT": str(mail_sink.port),
        "REFDESK_MAIL_SECURITY": "none",
        "REFDESK_MAIL_TIMEOUT": "10",
    }
    with running_server(data_dir, log, demo=False, env_extra=env) as (port, _, _):
        yield f"https://127.0.0.1:{port}", data_dir


@pytest.fixture(scope="session")
async def browser_server(
    served: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory, mail_sink: MailSink
) -> AsyncIterator[BrowserServer]:
    base_url, data_dir = served
    database = f"sqlite+aiosqlite:///{(data_dir / 'refdesk.sqlite3').resolve()}"
    settings = make_settings(
        tmp_path_factory.mktemp("browser-client"), database, secret_key=SECRET_KEY
    )
    runtime = Runtime.build(settings)
    try:
        yield BrowserServer(base_url, data_dir, data_dir / "tls" / "ca.pem", runtime, mail_sink)
    finally:
        await runtime.db.dispose()


# -- the browser -----------------------------------------------------------------------


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Browser]:
    """One Chromium for the whole session (each test gets its own context)."""
    require_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def page(chromium: Browser, width: str) -> AsyncIterator[Page]:
    """A page in a fresh context (no cookies) at ``width``; the server's local CA is not
    known to Chromium, so certificate errors are ignored (the API client does verify)."""
    context = await chromium.new_context(
        **WIDTHS[width], ignore_https_errors=True, locale="en-US", timezone_id="UTC"
    )
    context.set_default_timeout(30_000)
    try:
        yield await context.new_page()
    finally:
        await context.close()


def screenshots_dir(base: Path) -> Path:
    configured = os.environ.get("REFDESK_SCREENSHOTS_DIR")
    folder = Path(configured) if configured else base / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``REFDESK_SCREENSHOTS_DIR`` or ``<pytest tmp>/screenshots``."""
    return screenshots_dir(tmp_path_factory.getbasetemp())


# -- screenshots and axe ---------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """``await check(page, "name")``: a full-page screenshot ``<name>.<width>.png`` and axe's
    violations of every impact in ``<name>.<width>.axe.json`` beside it; fails on the impacts
    in ``fail_on`` (serious and critical; ``strict()`` adds moderate and minor)."""

    width: str
    folder: Path
    fail_on: tuple[str, ...] = BLOCKING_IMPACTS

    def strict(self) -> Check:
        return replace(self, fail_on=ALL_IMPACTS)

    async def __call__(self, page: Page, name: str) -> dict[str, Any]:
        await page.wait_for_load_state("load")
        await screenshot(page, self.folder, f"{name}.{self.width}")
        result = await run_axe(page)
        report = self.folder / f"{name}.{self.width}.axe.json"
        report.write_text(json.dumps({"url": page.url, "violations": result["violations"]}))
        found = [v for v in result["violations"] if v.get("impact") in self.fail_on]
        if found:
            raise AssertionError(failure(found, f"{name} at {self.width} width", page.url))
        return result


@pytest.fixture
def check(width: str, shots: Path) -> Check:
    return Check(width, shots)


async def screenshot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    return path


async def inject_axe(page: Page) -> None:
    """Load the vendored axe-core into the page unless it is there. Through the DevTools
    protocol, so the pages' ``Content-Security-Policy`` (no scripts at all) stays in force."""
    if await page.evaluate("() => typeof window.axe === 'object'"):
        return
    await page.evaluate(
        "source => { (0, eval)(source); }",
        AXE_FILE.read_text(encoding="utf-8"),
    )
    version = await page.evaluate("() => window.axe && window.axe.version")
    assert version == AXE_VERSION, f"axe-core did not load (version {version!r})"


async def run_axe(page: Page) -> dict[str, Any]:
    """axe's full result for the page as it is now (the default rule set)."""
    await inject_axe(page)
    result = await page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})",
    )
    assert isinstance(result, dict)
    # A run that checked nothing would pass everything: make sure rules did apply.
    assert result.get("passes"), f"axe checked nothing on {page.url}"
    return result


def blocking(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """One readable paragraph per violated rule: impact, rule, help, and each element."""
    lines: list[str] = []
    for rule in violations:
        lines.append(f"[{rule['impact']}] {rule['id']}: {rule['help']} ({rule['helpUrl']})")
        for node in rule["nodes"]:
            target = " ".join(
                json.dumps(t) if not isinstance(t, str) else t for t in node["target"]
            )
            lines.append(f"    at {target}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def failure(violations: list[dict[str, Any]], label: str, url: str) -> str:
    return (
        f"axe-core {AXE_VERSION}: {len(violations)} violation(s) on {label} ({url}):\n"
        f"{describe(violations)}"
    )


async def assert_accessible(page: Page, label: str) -> dict[str, Any]:
    """Fail when axe finds serious or critical violations on the page."""
    result = await run_axe(page)
    found = blocking(result)
    if found:
        raise AssertionError(failure(found, label, page.url))
    return result


# -- signing in ----------------------------------------------------------------------------


async def sign_in(
    page: Page, base_url: str, login: str, password: str, *, signed_in: bool = True
) -> None:
    """Fill and send the sign-in form on ``/``; with ``signed_in`` wait until the layout shows
    the Sign out button (pass False for an attempt expected to be refused)."""
    await page.goto(base_url + "/")
    await page.get_by_label("Login or e-mail").fill(login)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    if signed_in:
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
