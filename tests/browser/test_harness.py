"""The harness checks itself: Chromium starts from Debian's package, axe-core loads into a
page that forbids every script and fails a page with serious violations, readably; `check`
saves screenshots and reports; without Chromium the tests skip, or fail when required."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from tests.support import browser
from tests.support.browser import AXE_VERSION, Check, assert_accessible, run_axe, screenshot

pytestmark = pytest.mark.browser

BAD = (
    '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>'
    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
    '<input type="text" name="nameless">'
    '<p style="color:#eee;background:#fff">too pale to read</p>'
    "</main></body></html>"
)
GOOD = (
    '<!DOCTYPE html><html lang="en"><head><title>Good</title></head><body><main>'
    "<h1>Fine</h1><label for=q>Query</label><input id=q type=text></main></body></html>"
)


async def test_chromium_is_debians_and_playwright_drives_it(chromium: Browser) -> None:
    major = int(chromium.version.split(".")[0])
    assert major >= 120, chromium.version


async def test_axe_fails_serious_violations_and_names_them(page: Page) -> None:
    await page.set_content(BAD)
    with pytest.raises(AssertionError) as failed:
        await assert_accessible(page, "the bad page")
    message = str(failed.value)
    assert f"axe-core {AXE_VERSION}: 3 violation(s) on the bad page" in message
    for rule in ("image-alt", "label", "color-contrast"):
        assert rule in message, message
    assert "[critical] image-alt" in message
    assert "at img" in message


async def test_axe_passes_a_clean_page_and_loads_despite_the_csp(page: Page, shots: Path) -> None:
    csp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    await page.route(
        "https://csp.refdesk.test/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": csp},
            body=GOOD,
        ),
    )
    await page.goto("https://csp.refdesk.test/")
    blocked = await page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.head.append(s); return window.x === undefined; }"
    )
    assert blocked, "the page's CSP should block inline scripts"
    result = await assert_accessible(page, "the clean page")
    assert result["violations"] == []
    path = await screenshot(page, shots, "harness-clean")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def test_run_axe_reports_every_impact(page: Page) -> None:
    await page.set_content(BAD)
    result = await run_axe(page)
    impacts = {v["impact"] for v in result["violations"]}
    assert {"critical", "serious"} <= impacts


async def test_check_saves_a_screenshot_and_the_report_and_strict_fails_moderate(
    page: Page, check: Check, width: str
) -> None:
    # No <main> landmark: two moderate violations, nothing serious.
    await page.set_content(GOOD.replace("<main>", "<div>").replace("</main>", "</div>"))
    result = await check(page, "harness-no-main")
    assert {v["id"] for v in result["violations"]} == {"landmark-one-main", "region"}
    assert (check.folder / f"harness-no-main.{width}.png").stat().st_size > 0
    report = json.loads((check.folder / f"harness-no-main.{width}.axe.json").read_text())
    assert {v["impact"] for v in report["violations"]} == {"moderate"}
    with pytest.raises(AssertionError, match=r"\[moderate\] landmark-one-main"):
        await check.strict()(page, "harness-no-main")


def test_without_chromium_skips_with_a_reason_unless_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-such-chromium")
    monkeypatch.delenv("REFDESK_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-chromium is missing"):
        browser.require_chromium()
    monkeypatch.setenv("REFDESK_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="REFDESK_REQUIRE_BROWSER is set but"):
        browser.require_chromium()
