"""Every route of the web site over HTTP (Starlette's TestClient, the real app over the seeded
sample store): status, content, and the figures the pages show against the store."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from services import Services
from store.browse import AgencyRow, Browser, RegionPath
from web.layout import printed_keys
from web.site import number

JINAN = "金安区 2020 申请数量"


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "lxml")


def agency(engine: Engine, part: str) -> AgencyRow:
    """The one agency whose name holds `part`."""
    (row,) = [row for row, _ in Browser(engine).directory() if part in row.name]
    return row


def report_id(engine: Engine, agency_part: str, year: int) -> int:
    found = Browser(engine).current_report_id(agency(engine, agency_part).id, year)
    assert found is not None
    return found


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode())  # Excel reads the BOM as UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert "spreadsheetml" in response.headers["content-type"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- the search box ------------------------------------------------------------------------


def test_home_without_a_question_shows_the_box_and_examples(web_client: TestClient) -> None:
    page = soup(web_client.get("/"))
    box = page.select_one("form.ask input[name=q]")
    assert box is not None and box["maxlength"] == "200"
    examples = [a.get_text() for a in page.select(".examples a")]
    assert JINAN in examples


def test_question_shows_the_bots_answer_with_its_source_and_a_link_to_the_cell(
    web_client: TestClient, web_engine: Engine
) -> None:
    expected = Services(web_engine).ask(JINAN)
    page = soup(web_client.get("/", params={"q": JINAN}))
    assert page.select_one(".answer .text").get_text() == expected.text
    (item,) = page.select(".items li")
    assert item.select_one(".value").get_text() == "0 件"
    assert "luan_jinan_data_bureau_2020.txt" in item.select_one(".source").get_text()
    link = item.select_one("a")["href"]
    assert link.endswith("#k-apply.new.total")
    cell = soup(web_client.get(link.split("#")[0])).select_one("#k-apply\\.new\\.total")
    assert cell.get_text() == "0"


def test_a_choice_is_a_link_that_answers_the_chosen_reading(
    web_client: TestClient, web_engine: Engine
) -> None:
    asker = Services(web_engine)
    first = asker.ask(JINAN)
    assert first.choices, "the sample question offers other readings"
    page = soup(web_client.get("/", params={"q": JINAN}))
    links = page.select(".choices a")
    assert [a.get_text() for a in links] == [c.label for c in first.choices]
    chosen = soup(web_client.get(links[0]["href"]))
    assert (
        chosen.select_one(".answer .text").get_text() == asker.resolve(first.choices[0].token).text
    )


def test_a_computed_figure_shows_its_formula_and_links_every_part_to_its_cell(
    web_client: TestClient, web_engine: Engine
) -> None:
    question = "平潭 2023 公开率"
    (item,) = Services(web_engine).ask(question).answers
    assert item.formula and len(item.parts) == 3
    page = soup(web_client.get("/", params={"q": question}))
    assert page.select_one(".items .formula").get_text() == f"计算：{item.formula}"
    parts = page.select(".parts li")
    assert len(parts) == len(item.parts)
    for li, part in zip(parts, item.parts, strict=True):
        link = li.select_one("a")["href"]
        assert link.endswith(f"#k-{part.key}")
        cell = soup(web_client.get(link.split("#")[0])).select_one(f"td[id='k-{part.key}']")
        assert cell.get_text() == number(part.value)


def test_a_computed_figures_download_lists_its_parts(web_client: TestClient) -> None:
    rows = csv_rows(web_client.get("/", params={"q": "平潭 2023 公开率", "format": "csv"}))
    assert rows[0][-1] == "计算"
    assert rows[1][5] == "51.85" and rows[1][-1].endswith("= 51.85%")
    assert [r[3] for r in rows[2:]] == ["result.public.total", "result.partial.total",
                                        "result.total.total"]  # fmt: skip
    assert {r[-1] for r in rows[2:]} == {"（上一行的组成部分）"}


def test_a_prose_fact_is_quoted_and_links_to_its_sentence_on_the_report_page(
    web_client: TestClient, web_engine: Engine
) -> None:
    question = "金安区 2020 主动公开了多少"
    (item,) = Services(web_engine).ask(question).answers
    assert item.key.startswith("text.") and item.source and item.source.sentence
    page = soup(web_client.get("/", params={"q": question}))
    assert f"“{item.source.sentence}”" in page.select_one(".items .source").get_text()
    link = page.select_one(".items a")
    assert link.get_text() == "查看原文" and link["href"].endswith(f"#p-{item.key}")
    report = soup(web_client.get(link["href"].split("#")[0]))
    fact = report.select_one(f"li[id='p-{item.key}']")
    assert fact.select_one(".value").get_text() == f"{number(item.value)} {item.unit}"
    assert item.source.sentence in fact.get_text()


def test_a_stale_choice_token_gets_a_reply_not_an_error(web_client: TestClient) -> None:
    page = soup(web_client.get("/", params={"t": "v|999999|2020|apply.new.total"}))
    assert page.select_one(".answer .status").get_text() == "没看懂"


def test_series_answer_links_its_chart_and_the_chart_is_a_png(web_client: TestClient) -> None:
    page = soup(web_client.get("/", params={"q": "平潭 近三年 申请数量"}))
    img = page.select_one(".chart img")
    assert img is not None
    chart = web_client.get(img["src"])
    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG")


def png_width(png: bytes) -> int:
    """The width from a PNG's IHDR chunk."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return int.from_bytes(png[16:20], "big")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/", {"q": "平潭 近三年 申请数量"}),
        ("/rank", {"key": "apply.new.total", "year": "2024", "province": "江苏省"}),
    ],
)
def test_a_phone_is_offered_its_own_chart(
    web_client: TestClient, path: str, params: dict[str, str]
) -> None:
    """#17: a 900 px chart shrunk to 375 px is unreadable; below 600 px the page's <picture>
    asks for the chart laid out for a phone (480 px wide, larger type; tests/test_charts.py)."""
    page = soup(web_client.get(path, params=params))
    img = page.select_one(".chart picture img")
    source = page.select_one(".chart picture source")
    assert source["media"] == "(max-width: 600px)"
    assert source["srcset"] == img["src"] + "&size=phone"
    desktop = web_client.get(img["src"])
    phone = web_client.get(source["srcset"])
    assert phone.headers["content-type"] == "image/png"
    assert png_width(desktop.content) >= 900
    assert png_width(phone.content) == 480


def test_a_question_that_makes_no_chart_has_no_chart_image(web_client: TestClient) -> None:
    assert web_client.get("/chart.png", params={"q": "今天天气怎么样"}).status_code == 404


def test_answer_downloads_hold_the_figures(web_client: TestClient) -> None:
    rows = csv_rows(web_client.get("/", params={"q": JINAN, "format": "csv"}))
    assert rows[0][:6] == ["单位", "地区", "年度", "指标键", "指标", "数值"]
    label = "表三 一、本年新收政府信息公开申请数量 · 总计"
    assert rows[1][:6] == [
        "六安市金安区数据资源管理局", "安徽省六安市金安区", "2020", "apply.new.total", label, "0"
    ]  # fmt: skip
    sheet = xlsx_rows(web_client.get("/", params={"q": JINAN, "format": "xlsx"}))
    assert sheet[1][3:6] == ["apply.new.total", label, 0]


# --- agencies ------------------------------------------------------------------------------


def test_agencies_start_with_provinces_and_narrow_down_by_region(web_client: TestClient) -> None:
    page = soup(web_client.get("/agencies"))
    provinces = {a.get_text(): a["href"] for a in page.select(".regions a")}
    assert {"江苏省", "安徽省", "福建省"} <= set(provinces)
    assert not page.select(".agencies a")  # the whole country is not listed at once
    jiangsu = soup(web_client.get(provinces["江苏省"]))
    cities = {a.get_text(): a["href"] for a in jiangsu.select(".regions a")}
    assert "淮安市" in cities
    names = [a.get_text() for a in jiangsu.select(".agencies a")]
    assert "淮安市洪泽区人民政府" in names
    huaian = soup(web_client.get(cities["淮安市"]))
    assert "淮安市人民政府" in [a.get_text() for a in huaian.select(".agencies a")]
    assert [c.get_text() for c in huaian.select(".crumbs a")] == ["全国", "江苏省"]


def test_agency_search_finds_by_name_and_says_when_nothing_matches(web_client: TestClient) -> None:
    page = soup(web_client.get("/agencies", params={"q": "平潭"}))
    assert [a.get_text() for a in page.select(".agencies a")] == ["平潭综合实验区"]
    empty = soup(web_client.get("/agencies", params={"q": "火星"}))
    assert not empty.select(".agencies a")
    assert "没有找到单位" in empty.get_text()


def test_agency_search_treats_like_wildcards_as_text(web_client: TestClient) -> None:
    page = soup(web_client.get("/agencies", params={"q": "%"}))
    assert not page.select(".agencies a")


def test_agency_list_downloads(web_client: TestClient) -> None:
    rows = csv_rows(web_client.get("/agencies", params={"province": "江苏省", "format": "csv"}))
    assert rows[0][:3] == ["单位编号", "单位", "地区"]
    assert {"淮安市人民政府", "淮安市洪泽区人民政府"} <= {r[1] for r in rows[1:]}
    sheet = xlsx_rows(web_client.get("/agencies", params={"q": "平潭", "format": "xlsx"}))
    assert [r[1] for r in sheet[1:]] == ["平潭综合实验区"]


def test_agency_page_lists_every_year_with_key_figures_linked_to_the_cells(
    web_client: TestClient, web_engine: Engine
) -> None:
    browser = Browser(web_engine)
    pingtan = agency(web_engine, "平潭")
    page = soup(web_client.get(f"/agencies/{pingtan.id}"))
    assert page.select_one("h1").get_text() == "平潭综合实验区"
    years = [tr["id"] for tr in page.select("table.years tbody tr")]
    assert years == ["y2019", "y2021", "y2023"]
    for tr in page.select("table.years tbody tr"):
        link = tr.select_one("td.num a")
        report, _, key = link["href"].removeprefix("/reports/").partition("#k-")
        assert key == "apply.new.total"
        stored = browser.cells(int(report))[key].value
        assert link.get_text() == number(stored)


def test_agency_page_lists_failed_checks_and_downloads(
    web_client: TestClient, web_engine: Engine
) -> None:
    hongze = agency(web_engine, "洪泽区人民政府")
    page = soup(web_client.get(f"/agencies/{hongze.id}"))
    failed = [li.get_text() for li in page.select("ul.checks li.bad")]
    assert any("V4" in text for text in failed)
    rows = csv_rows(web_client.get(f"/agencies/{hongze.id}", params={"format": "csv"}))
    assert [r[0] for r in rows[1:]] == ["2023", "2024"]


def test_unknown_agency_is_a_chinese_404(web_client: TestClient) -> None:
    response = web_client.get("/agencies/999999")
    assert response.status_code == 404
    assert "页面不存在" in response.text


# --- reports -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agency", "year"),
    [
        ("金安区数据资源管理局", 2020),
        ("平潭", 2023),
        ("洪泽区人民政府", 2023),
        ("上海市人民政府办公厅", 2019),
    ],
    ids=["2019-template-text", "2021-template-html", "2021-pdf-failed-checks", "2019-html"],
)
def test_report_page_shows_every_stored_cell_where_the_template_prints_it(
    web_client: TestClient, web_engine: Engine, agency: str, year: int
) -> None:
    browser = Browser(web_engine)
    rid = report_id(web_engine, agency, year)
    report = browser.report(rid)
    assert report is not None
    cells = browser.cells(rid)
    page = soup(web_client.get(f"/reports/{rid}"))
    shown = {td["id"].removeprefix("k-"): td for td in page.select("td[id^=k-]")}
    assert set(cells) <= set(shown), "every stored cell is on the page"
    for key in printed_keys(report.template):
        assert key in shown, f"{key} has its place in the template layout"
    for key, figure in cells.items():
        text = shown[key].get_text()
        assert text == ("?" if figure.value is None else number(figure.value)), key
    for key in set(shown) - set(cells):
        assert shown[key].get_text() == "—"
    assert f"{report.source_name}（{report.format}）" in page.select_one("dl.meta").get_text()


def test_report_page_highlights_the_cells_of_failed_checks(
    web_client: TestClient, web_engine: Engine
) -> None:
    rid = report_id(web_engine, "洪泽区人民政府", 2023)
    failed = [c for c in Browser(web_engine).checks(rid) if not c.ok]
    assert failed, "hongze 2023 prints a 行政复议 total that is not the sum of its parts"
    page = soup(web_client.get(f"/reports/{rid}"))
    highlighted = {td["id"].removeprefix("k-") for td in page.select("td.bad")}
    assert highlighted == {key for check in failed for key in check.keys}
    listed = page.select("#checks li.bad")
    assert [li.select_one("b").get_text() for li in listed] == [c.rule for c in failed]


def test_report_page_of_a_clean_report_says_every_check_passed(
    web_client: TestClient, web_engine: Engine
) -> None:
    rid = report_id(web_engine, "平潭", 2021)
    checks = Browser(web_engine).checks(rid)
    assert checks and all(c.ok for c in checks)
    page = soup(web_client.get(f"/reports/{rid}"))
    assert f"{len(checks)} 项检查全部通过" in page.select_one("#checks").get_text()
    assert not page.select("td.bad")


def test_report_page_lists_the_prose_figures_with_their_sentences(
    web_client: TestClient, web_engine: Engine
) -> None:
    rid = report_id(web_engine, "平潭", 2023)
    prose = Browser(web_engine).prose(rid)
    assert any(f.sentence for f in prose.values())
    page = soup(web_client.get(f"/reports/{rid}"))
    shown = {li["id"].removeprefix("p-"): li for li in page.select("#prose li")}
    assert list(shown) == list(prose)
    for key, fact in prose.items():
        value = shown[key].select_one(".value").get_text()
        assert value == f"{number(fact.value)} {fact.unit}".strip(), key
        if fact.sentence:
            assert f"“{fact.sentence}”" in shown[key].get_text(), key


def test_report_downloads_hold_every_cell(web_client: TestClient, web_engine: Engine) -> None:
    rid = report_id(web_engine, "平潭", 2023)
    cells = Browser(web_engine).cells(rid)
    rows = csv_rows(web_client.get(f"/reports/{rid}", params={"format": "csv"}))
    by_key = {r[3]: r for r in rows[1:] if r[0] != "正文"}
    facts = {r[3]: r for r in rows[1:] if r[0] == "正文"}
    for key, fact in Browser(web_engine).prose(rid).items():
        assert (facts[key][4], facts[key][6]) == (number(fact.value), fact.sentence), key
    for key, figure in cells.items():
        assert by_key[key][4] == ("" if figure.value is None else str(figure.value)), key
    sheet = xlsx_rows(web_client.get(f"/reports/{rid}", params={"format": "xlsx"}))
    values = {r[3]: r[4] for r in sheet[1:] if r[0] != "正文"}
    for key, figure in cells.items():
        if figure.value is not None:
            assert Decimal(str(values[key])) == figure.value, key


def test_report_json_is_the_stored_report(web_client: TestClient, web_engine: Engine) -> None:
    rid = report_id(web_engine, "洪泽区人民政府", 2023)
    browser = Browser(web_engine)
    body = web_client.get(f"/api/reports/{rid}").json()
    report = browser.report(rid)
    assert report is not None
    assert body["id"] == rid
    assert body["agency"] == {
        "id": report.agency_id,
        "name": report.agency,
        "region": report.region,
    }
    assert (body["year"], body["template"]) == (report.year, report.template)
    assert body["source"] == {
        "file": report.source_name,
        "format": report.format,
        "sha256": report.sha256,
    }
    cells = browser.cells(rid)
    assert set(body["cells"]) == set(cells)
    for key, figure in cells.items():
        assert body["cells"][key]["raw"] == figure.raw
        if figure.value is not None:
            assert Decimal(str(body["figures"][key])) == figure.value
    assert [(c["rule"], c["ok"]) for c in body["checks"]] == [
        (c.rule, c.ok) for c in browser.checks(rid)
    ]


def test_unknown_report_is_404_as_page_and_as_json(web_client: TestClient) -> None:
    assert web_client.get("/reports/999999").status_code == 404
    response = web_client.get("/api/reports/999999")
    assert response.status_code == 404
    assert response.json() == {"error": "没有找到这个页面，可能是链接有误，或这份年报已不在库中。"}


# --- rank and compare ----------------------------------------------------------------------


def test_rank_orders_a_regions_agencies_by_the_figure_with_links_to_the_cells(
    web_client: TestClient, web_engine: Engine
) -> None:
    params = {"key": "apply.new.total", "year": "2024", "province": "江苏省"}
    page = soup(web_client.get("/rank", params=params))
    rows = page.select("table.rank tbody tr")
    assert len(rows) == 2  # 淮安市人民政府 and 洪泽区人民政府 reported 2024
    browser = Browser(web_engine)
    values = []
    for tr in rows:
        value_text = tr.select("td.num")[1].get_text()
        report, _, key = (
            tr.select_one("td:last-child a")["href"].removeprefix("/reports/").partition("#k-")
        )
        assert key == "apply.new.total"
        assert value_text == number(browser.cells(int(report))[key].value)
        values.append(Decimal(value_text))
    assert values == sorted(values, reverse=True)
    img = page.select_one(".chart img")
    chart = web_client.get(img["src"])
    assert chart.headers["content-type"] == "image/png" and chart.content.startswith(b"\x89PNG")


def test_rank_downloads_match_the_page(web_client: TestClient) -> None:
    params = {"key": "apply.new.total", "year": "2024", "province": "江苏省"}
    page = soup(web_client.get("/rank", params=params))
    shown = [tr.select_one("td a").get_text() for tr in page.select("table.rank tbody tr")]
    rows = csv_rows(web_client.get("/rank", params={**params, "format": "csv"}))
    assert [r[2] for r in rows[1:]] == shown
    sheet = xlsx_rows(web_client.get("/rank", params={**params, "format": "xlsx"}))
    assert [r[2] for r in sheet[1:]] == shown


@pytest.mark.parametrize("province", [None, "江苏省"])
def test_rank_pages_read_apart_follow_the_download_in_order(
    web_client: TestClient, monkeypatch: pytest.MonkeyPatch, province: str | None
) -> None:
    """A page reads only its own rows (the whole ranking is read for a download only): with
    pages of one agency, page after page is the download's order, for the country (read from
    ranked_values) and a province."""
    monkeypatch.setattr("web.rank.PAGE_SIZE", 1)
    params = {"key": "apply.new.total", "year": "2024"} | (
        {"province": province} if province else {}
    )
    rows = csv_rows(web_client.get("/rank", params={**params, "format": "csv"}))[1:]
    assert len(rows) >= 2
    shown = []
    for n in range(1, len(rows) + 2):
        page = soup(web_client.get("/rank", params={**params, "page": str(n)}))
        shown += [tr.select_one("td a").get_text() for tr in page.select("table.rank tbody tr")]
        assert (page.select_one("a[rel=next]") is not None) == (n < len(rows)), n
    assert shown == [r[2] for r in rows]


def test_rank_without_a_year_shows_the_newest_year_the_region_has(web_client: TestClient) -> None:
    page = soup(web_client.get("/rank", params={"province": "江苏省"}))
    assert page.select_one("select[name=year] option[selected]").get_text() == "2024"
    assert len(page.select("table.rank tbody tr")) == 2
    shanghai = soup(web_client.get("/rank", params={"province": "上海市"}))
    assert shanghai.select_one("select[name=year] option[selected]").get_text() == "2019"


def test_rank_offers_every_field_and_year(web_client: TestClient) -> None:
    page = soup(web_client.get("/rank"))
    keys = [o["value"] for o in page.select("select[name=key] option")]
    assert "apply.new.total" in keys and "proactive.fees.amount" in keys and len(keys) > 200
    years = [o.get_text() for o in page.select("select[name=year] option")]
    assert years == ["2024", "2023", "2021", "2020", "2019"]


def test_compare_puts_agencies_side_by_side_over_the_years(
    web_client: TestClient, web_engine: Engine
) -> None:
    browser = Browser(web_engine)
    pingtan = agency(web_engine, "平潭")
    hongze = agency(web_engine, "洪泽区人民政府")
    page = soup(
        web_client.get("/compare", params={"a": [pingtan.id, hongze.id], "key": "review.total"})
    )
    header = [th.get_text() for th in page.select("table.compare thead th")][1:-1]
    assert header == ["2019", "2021", "2023", "2024"]
    rows = {tr.select_one("th").get_text(): [td.get_text() for td in tr.select("td.num")]
            for tr in page.select("table.compare tbody tr")}  # fmt: skip
    series = {
        (p.agency_id, p.year): p.figure.value for p in browser.series([pingtan.id], "review.total")
    }
    assert rows[pingtan.name] == [
        number(series[(pingtan.id, y)]) if (pingtan.id, y) in series else "无年报"
        for y in (2019, 2021, 2023, 2024)
    ]
    assert rows[hongze.name][:2] == ["无年报"] * 2
    chart = web_client.get(page.select_one(".chart img")["src"])
    assert chart.content.startswith(b"\x89PNG")
    rows_csv = csv_rows(web_client.get("/compare", params={"a": [pingtan.id], "format": "csv"}))
    assert {r[3] for r in rows_csv[1:]} == {"2019", "2021", "2023"}


def test_compare_adds_an_agency_by_name(web_client: TestClient) -> None:
    page = soup(web_client.get("/compare", params={"add": "平潭"}))
    (link,) = page.select(".agencies a")
    added = soup(web_client.get(link["href"]))
    assert [th.get_text() for th in added.select("table.compare tbody th")] == ["平潭综合实验区"]


# --- the API -------------------------------------------------------------------------------


def test_api_ask_is_exactly_ask_json(web_client: TestClient, web_db_url: str) -> None:
    """Byte for byte what `python bot.py ask --json` prints, for every kind of reply."""
    from tests.helpers.cli import run_bot

    questions = [
        JINAN,  # one value with other readings
        "平潭 近三年 申请数量",  # series
        "淮安市 2024 申请数量 排名",  # rank
        "平潭 2023 年报概况",  # overview
        "洪泽区 2023 有没有问题",  # checks
        "平潭 2018 申请数量",  # no such year
        "火星市 2023 申请数量",  # unknown place
        "今天天气怎么样",  # not understood
        "",  # empty
        "  平潭 2021 复议  ",  # spaces kept as sent
    ]
    result = run_bot("ask", "--json", *questions, database_url=web_db_url, SEED_SAMPLES="false")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)
    for question, line in zip(questions, lines, strict=True):
        response = web_client.get("/api/ask", params={"q": question})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert response.text == line, question


# --- safety --------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(web_client: TestClient) -> None:
    for path in ("/", "/agencies", "/static/site.css", "/api/ask?q=x", "/nope", "/rank?year=1"):
        headers = web_client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, path
        assert "script-src" not in csp  # no script at all
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert "server" not in headers or "uvicorn" not in headers["server"]


def test_pages_have_no_inline_script_or_style(web_client: TestClient, web_engine: Engine) -> None:
    rid = report_id(web_engine, "平潭", 2023)
    for path in (
        "/",
        f"/?q={JINAN}",
        "/agencies?province=江苏省",
        f"/reports/{rid}",
        "/rank",
        "/compare",
    ):
        page = soup(web_client.get(path))
        assert not page.select("script"), path
        assert not page.select("style") and not page.select("[style]"), path


def test_a_long_question_is_refused_with_a_chinese_page(web_client: TestClient) -> None:
    response = web_client.get("/", params={"q": "申" * 201})
    assert response.status_code == 400
    assert "问题太长了（最多 200 个字）" in response.text
    api = web_client.get("/api/ask", params={"q": "申" * 201})
    assert api.status_code == 400
    assert api.json() == {"error": "问题太长了（最多 200 个字），请写短一些。"}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/rank?key=nope", "没有这个指标：nope"),
        ("/rank?year=abc", "参数 year 应为 1990 到 2100 之间的整数。"),
        ("/agencies?page=100000", "参数 page 应为 1 到 200 之间的整数。"),
        ("/agencies?q=" + "局" * 51, "搜索词太长了（最多 50 个字）。"),
        ("/compare?" + "&".join(f"a={i}" for i in range(1, 12)), "最多比较 10 个单位。"),
        ("/rank?format=pdf", "下载格式只能是 csv 或 xlsx。"),
    ],
)
def test_bad_parameters_get_a_chinese_400(web_client: TestClient, path: str, message: str) -> None:
    response = web_client.get(path)
    assert response.status_code == 400
    assert message in BeautifulSoup(response.text, "lxml").select_one(".error").get_text()


def test_the_site_is_read_only(web_client: TestClient) -> None:
    for path in ("/", "/api/ask", "/reports/1"):
        response = web_client.post(path, data={"q": "x"})
        assert response.status_code == 405
        assert "本网站只读" in response.text or "本网站只读" in response.json()["error"]


def test_a_crash_shows_a_chinese_error_page_without_a_traceback(
    web_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.fixtures_web import make_app

    class Broken:
        def ask(self, question: str):  # type: ignore[no-untyped-def]
            raise RuntimeError("secret internal detail")

        resolve = chart = ask

    with TestClient(make_app(web_engine, core=Broken()), raise_server_exceptions=False) as client:
        response = client.get("/", params={"q": "x"})
        api = client.get("/api/ask", params={"q": "x"})
    assert response.status_code == 500
    assert "出错了" in response.text
    assert "secret" not in response.text and "Traceback" not in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert api.status_code == 500 and "secret" not in api.text
    assert "secret internal detail" in caplog.text  # logged for the operator


def test_a_client_over_the_rate_limit_gets_429_with_retry_after(web_engine: Engine) -> None:
    from tests.fixtures_web import make_app

    with TestClient(make_app(web_engine, rate_limit="5/minute")) as client:
        statuses = [client.get("/agencies").status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        limited = client.get("/agencies")
        assert "请求太频繁" in limited.text
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert client.get("/static/site.css").status_code == 200  # static files are free
    with TestClient(make_app(web_engine, rate_limit="9/minute")) as client:
        assert client.get("/agencies?format=csv").status_code == 200  # a download costs 5
        assert client.get("/agencies?format=csv").status_code == 429


def test_lists_come_a_page_at_a_time_and_downloads_are_capped(
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    from bench.web import build_store
    from store.db import make_engine
    from tests.fixtures_web import make_app

    build_store(tmp_path / "sixty.sqlite3", 60)  # 60 agencies in one province
    engine = make_engine(f"sqlite:///{tmp_path / 'sixty.sqlite3'}")
    (province,) = [c.name for c in Browser(engine).region_counts(RegionPath.of())]
    with TestClient(make_app(engine)) as client:
        first = soup(client.get("/agencies", params={"province": province}))
        assert len(first.select(".agencies li")) == 50
        second = soup(client.get(first.select_one("a[rel=next]")["href"]))
        assert len(second.select(".agencies li")) == 10
        assert second.select_one("a[rel=next]") is None
        names = {a.get_text() for a in first.select(".agencies a") + second.select(".agencies a")}
        assert len(names) == 60
        rank = soup(client.get("/rank", params={"province": province, "year": "2024"}))
        assert len(rank.select("table.rank tbody tr")) == 50
        assert "共 60 个单位" in rank.get_text()
        monkeypatch.setattr("web.agencies.MAX_DOWNLOAD_ROWS", 7)
        rows = csv_rows(client.get("/agencies", params={"province": province, "format": "csv"}))
        assert len(rows) == 1 + 7
    engine.dispose()


def test_robots_and_health(web_client: TestClient) -> None:
    assert web_client.get("/healthz").text == "ok"
    assert "Disallow: /api/" in web_client.get("/robots.txt").text


def test_html_is_gzipped_for_phones(web_client: TestClient) -> None:
    response = web_client.get("/rank", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("content-encoding") == "gzip"


def test_every_page_has_the_viewport_and_a_chinese_title(web_client: TestClient) -> None:
    for path in ("/", "/agencies", "/rank", "/compare", "/nope"):
        response = web_client.get(path)
        page = BeautifulSoup(response.text, "lxml")
        assert page.html["lang"] == "zh-CN"
        assert page.select_one("meta[name=viewport]")["content"].startswith("width=device-width")
        assert re.search(r"[\u4e00-\u9fff]", page.title.get_text()), path
