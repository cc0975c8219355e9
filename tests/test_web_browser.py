"""The site in a real browser: Debian's chromium, headless, driven by Playwright against
`python bot.py web` on 127.0.0.1 — as a citizen on a phone would use it, without JavaScript."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that work on a machine with no network but loopback (no background fetches, no QUIC).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 812}

if not Path(CHROMIUM).exists():
    if os.environ.get("NIANBAO_REQUIRE_BROWSER") == "1":
        pytest.fail(f"NIANBAO_REQUIRE_BROWSER=1 but {CHROMIUM} is missing", pytrace=False)
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium from Debian (Playwright downloads no browser); Playwright starts it with a
    fresh temporary profile of its own (--user-data-dir)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=False, accept_downloads=True, locale="zh-CN"
    )
    yield context.new_page()
    context.close()


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0: no sideways scrolling)."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width - PHONE["width"]


def test_a_citizen_asks_follows_a_choice_opens_the_report_and_downloads_csv(
    page: Page, live_site: str, tmp_path: Path
) -> None:
    page.goto(live_site + "/")
    page.fill("input[name=q]", "金安区 2020 申请数量")
    page.click("form.ask button")
    answer = page.locator(".answer .text")
    assert "六安市金安区数据资源管理局" in answer.inner_text()
    source = page.locator(".items .source").first.inner_text()
    assert "luan_jinan_data_bureau_2020.txt" in source and "表三" in source

    page.click(".choices a:text-is('上年结转申请数量')")  # the other reading it offers
    assert "二、上年结转政府信息公开申请数量" in page.locator(".items .source").first.inner_text()

    page.goto(live_site + "/?q=" + "金安区 2020 申请数量")
    page.locator(".items a", has_text="查看原表").first.click()
    assert page.url.endswith("#k-apply.new.total")
    assert page.locator("td[id='k-apply.new.total']").inner_text() == "0"
    assert "luan_jinan_data_bureau_2020.txt（text）" in page.locator("dl.meta").inner_text()

    page.locator("dl.meta a").first.click()  # the agency's page
    assert page.locator("h1").inner_text() == "六安市金安区数据资源管理局"
    with page.expect_download() as info:
        page.locator(".downloads a", has_text="CSV").click()
    saved = tmp_path / "agency.csv"
    info.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "年度" and rows[1][0] == "2020"


def test_browsing_by_region_down_to_a_report(page: Page, live_site: str) -> None:
    page.goto(live_site + "/agencies")
    page.click(".regions a:text-is('江苏省')")
    page.click(".regions a:text-is('淮安市')")
    page.click(".agencies a:text-is('淮安市洪泽区人民政府')")
    page.click("table.years tr#y2023 a:text-is('查看')")
    assert "洪泽区" in page.locator("h1").inner_text()
    assert page.locator("td.bad").count() > 0  # the failed 行政复议 check is highlighted
    assert overflow(page) <= 0


@pytest.mark.parametrize(
    "path",
    ["/", "/?q=平潭 近三年 申请数量", "/agencies?province=江苏省", "/reports/7", "/rank",
     "/compare?a=1&a=2"],
)  # fmt: skip
def test_no_page_scrolls_sideways_on_a_phone(page: Page, live_site: str, path: str) -> None:
    page.goto(live_site + path)
    assert overflow(page) <= 0, path


def test_phone_screenshot_of_an_answer(page: Page, live_site: str, tmp_path: Path) -> None:
    """The README's screenshot is this page; here it is checked for width, not pixels."""
    page.goto(live_site + "/?q=平潭 近三年 行政复议")
    assert page.locator(".chart img").evaluate("img => img.naturalWidth") > 0  # the PNG loaded
    shot = tmp_path / "phone.png"
    page.screenshot(path=str(shot), full_page=True)
    from PIL import Image

    with Image.open(shot) as image:
        assert image.width == PHONE["width"]
