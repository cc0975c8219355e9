"""`/rank` (one figure across a region's agencies) and `/compare` (one figure of a few agencies
over the years), each with a server-drawn chart (`charts.render_chart`, Noto Sans CJK)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from charts import render_chart
from parsers.fields import FIELDS
from query import ChartSpec
from query.catalog import short_label
from query.source import FigureInfo
from services import AgencyRow, Ranking, RankRow, RegionPath
from web import texts
from web.downloads import Table, download, wanted_format
from web.guard import (
    MAX_COMPARE,
    MAX_DOWNLOAD_ROWS,
    MAX_PAGE,
    MAX_SEARCH,
    int_param,
    text_param,
)
from web.layout import field_groups
from web.site import (
    LEVEL_PARAMS,
    Site,
    breadcrumb,
    for_phone,
    path_params,
    region_label,
    region_path,
    site_of,
    url,
)

PAGE_SIZE = 50
CHART_BARS = 20
DEFAULT_KEY = "apply.new.total"


def _png(spec: ChartSpec | None, phone: bool) -> bytes | None:
    return None if spec is None else render_chart(spec, phone=phone)


def _key(request: Request) -> str:
    key = request.query_params.get("key", "").strip() or DEFAULT_KEY
    if key not in FIELDS:
        raise HTTPException(400, texts.BAD_KEY.format(key=key[:40]))
    return key


def ranked(site: Site, key: str, year: int, path: RegionPath) -> Ranking:
    """The whole ranking of a scope as far as a download goes (10,000 rows: the country's
    takes ~0.5 s to read), read once per store version."""
    return site.cache.get(
        ("rank", key, year, path),
        lambda: site.browser.ranking(key, year, path, limit=MAX_DOWNLOAD_ROWS),
    )


def ranked_page(site: Site, key: str, year: int, path: RegionPath, offset: int = 0) -> Ranking:
    """The rows of one page (and the scope's count), read once per store version: a page
    reads 50 rows, not the whole ranking a download needs (the country's first view took
    ~0.5 s that way, bench/web.py)."""
    return site.cache.get(
        ("rank-page", key, year, path, offset, PAGE_SIZE),
        lambda: site.browser.ranking(key, year, path, limit=PAGE_SIZE, offset=offset),
    )


def _year(request: Request, site: Site) -> tuple[int | None, list[int]]:
    years = site.years()
    year = int_param(request, "year", years[0] if years else 0, 1990, 2100)
    return (year if years else None), years


def _label(key: str) -> str:
    return f"{short_label(key)}（{FIELDS[key].label}）"


def _named(site: Site, rows: list[RankRow]) -> list[tuple[RankRow, AgencyRow]]:
    names = site.browser.agencies_by_id([r.agency_id for r in rows])
    return [(r, names[r.agency_id]) for r in rows]


def _rank_chart(site: Site, key: str, year: int, path: RegionPath) -> ChartSpec | None:
    ranking = ranked_page(site, key, year, path)
    top = [r for r in ranking.rows[:CHART_BARS] if r.figure.value is not None]
    if not top:
        return None
    rows = _named(site, top)
    title = f"{region_label(path)} · {year}年度 · {short_label(key)}（前 {len(rows)} 名）"
    values: list[float | None] = [float(r.figure.value) for r in top if r.figure.value is not None]
    source = f"数据来源：各单位 {year} 年度年报 表{FIELDS[key].table}“{FIELDS[key].row}”"
    return ChartSpec(title, "bar", [a.name for _, a in rows], [(title, values)], FIELDS[key].unit,
                     source)  # fmt: skip


def _scope_year(
    request: Request, site: Site, key: str, path: RegionPath
) -> tuple[int | None, list[int]]:
    """The year asked for, else the newest year the scope has this cell for (a province that
    has not published the newest year yet is shown its last one)."""
    year, years = _year(request, site)
    if request.query_params.get("year") or year is None:
        return year, years
    for candidate in years:
        if ranked_page(site, key, candidate, path).total:
            return candidate, years
    return year, years


def rank(request: Request) -> Response:
    site = site_of(request)
    key = _key(request)
    path = region_path(request)
    year, years = _scope_year(request, site, key, path)
    page = int_param(request, "page", 1, 1, MAX_PAGE)
    fmt = wanted_format(request.query_params.get("format"))
    here = path_params(path)
    if fmt:
        ranking = ranked(site, key, year or 0, path)
        rows = [
            (i, r.agency_id, a.name, a.region, year, key, r.figure.value,
             r.figure.unit or FIELDS[key].unit, r.report_id, ",".join(r.figure.flags))
            for i, (r, a) in enumerate(_named(site, ranking.rows), 1)
        ]  # fmt: skip
        name = f"排名-{region_label(path)}-{year}-{key}"
        return download(Table(name, texts.RANK_COLUMNS, rows), fmt)
    offset = (page - 1) * PAGE_SIZE
    ranking = ranked_page(site, key, year or 0, path, offset)
    shown = _named(site, ranking.rows)
    children = []
    if path.fixed < 3:
        next_level = LEVEL_PARAMS[path.fixed]
        for count in site.region_counts(path):
            narrower = {**here, next_level: count.name or ""}
            link = url("/rank", key=key, year=year, **narrower)
            children.append((count.name or texts.OWN_LEVEL, link))

    def page_url(number: int) -> str:
        return url("/rank", key=key, year=year, **here, page=number)

    context = {
        "key": key,
        "label": _label(key),
        "year": year,
        "years": years,
        "here": here,
        "region": region_label(path),
        "crumbs": breadcrumb(path, "/rank", key=key, year=year),
        "children": children,
        "ranking": ranking,
        "rows": shown,
        "offset": offset,
        "page": page,
        "groups": field_groups(),
        "prev_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1)
        if offset + PAGE_SIZE < ranking.total and page < MAX_PAGE
        else None,
        "chart_url": url("/rank.png", key=key, year=year, **here) if shown else None,
        "downloads": {
            f: url("/rank", key=key, year=year, **here, format=f) for f in ("csv", "xlsx")
        },
    }
    return site.render(request, "rank.html", context)


def rank_png(request: Request) -> Response:
    site = site_of(request)
    key = _key(request)
    path = region_path(request)
    year, _years = _scope_year(request, site, key, path)
    if year is None:
        raise HTTPException(404)
    phone = for_phone(request)
    png = site.chart(
        ("rank", key, year, path, phone), lambda: _png(_rank_chart(site, key, year, path), phone)
    )
    if png is None:
        raise HTTPException(404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=300"})


# --- compare -------------------------------------------------------------------------------


def _agency_ids(request: Request) -> list[int]:
    ids: list[int] = []
    for raw in request.query_params.getlist("a"):
        try:
            agency_id = int(raw)
        except ValueError:
            raise HTTPException(400, texts.BAD_NUMBER.format(name="a", low=1, high="…")) from None
        if agency_id not in ids:
            ids.append(agency_id)
    if len(ids) > MAX_COMPARE:
        raise HTTPException(400, texts.TOO_MANY_AGENCIES.format(limit=MAX_COMPARE))
    return ids


def _compared(
    site: Site, ids: list[int], key: str
) -> tuple[list[AgencyRow], list[int], dict[tuple[int, int], tuple[int, FigureInfo]]]:
    """(agencies, years with a report of any of them, (agency, year) → (report id, figure))."""
    found = site.browser.agencies_by_id(ids)
    agencies = [found[a] for a in ids if a in found]
    reports = site.browser.report_years([a.id for a in agencies])
    years = sorted({y for by_year in reports.values() for y in by_year})
    points = {
        (p.agency_id, p.year): (p.report_id, p.figure)
        for p in site.browser.series([a.id for a in agencies], key)
    }
    return agencies, years, points


def _compare_chart(site: Site, ids: list[int], key: str) -> ChartSpec | None:
    agencies, years, points = _compared(site, ids, key)
    if not points:
        return None
    series = []
    for agency in agencies:
        values = []
        for year in years:
            point = points.get((agency.id, year))
            value = point[1].value if point else None
            values.append(None if value is None else float(value))
        series.append((agency.name, values))
    title = short_label(key)
    source = f"数据来源：各单位年报 表{FIELDS[key].table}“{FIELDS[key].row}”"
    return ChartSpec(title, "line", [str(y) for y in years], series, FIELDS[key].unit, source)


def compare(request: Request) -> Response:
    site = site_of(request)
    key = _key(request)
    ids = _agency_ids(request)
    add = text_param(request, "add", MAX_SEARCH, texts.SEARCH_TOO_LONG)
    agencies, years, points = _compared(site, ids, key)
    fmt = wanted_format(request.query_params.get("format"))
    if fmt:
        rows = []
        for agency in agencies:
            for year in years:
                report_id, figure = points.get((agency.id, year), (None, None))
                value = getattr(figure, "value", None)
                rows.append((agency.id, agency.name, agency.region, year, key, value,
                             FIELDS[key].unit, report_id))  # fmt: skip
        return download(Table(f"比较-{key}", texts.COMPARE_COLUMNS, rows), fmt)
    kept = [a.id for a in agencies]
    matches = []
    if add:
        root = RegionPath.of()
        for row in site.directory().search(add, root, limit=MAX_COMPARE + 1):
            if row.id not in kept:
                matches.append((row, url("/compare", key=key, a=[*kept, row.id])))
    reports = site.browser.report_years(kept)
    context = {
        "key": key,
        "label": _label(key),
        "agencies": agencies,
        "years": years,
        "points": points,
        "reports": reports,
        "add": add,
        "matches": matches[:MAX_COMPARE],
        "kept": kept,
        "full": len(kept) >= MAX_COMPARE,
        "groups": field_groups(),
        "remove_url": lambda agency_id: url(
            "/compare", key=key, a=[a for a in kept if a != agency_id]
        ),
        "chart_url": url("/compare.png", key=key, a=kept) if points else None,
        "downloads": {f: url("/compare", key=key, a=kept, format=f) for f in ("csv", "xlsx")}
        if kept
        else {},
    }
    return site.render(request, "compare.html", context)


def compare_png(request: Request) -> Response:
    site = site_of(request)
    key = _key(request)
    ids = _agency_ids(request)
    phone = for_phone(request)
    png = site.chart(
        ("compare", key, tuple(ids), phone), lambda: _png(_compare_chart(site, ids, key), phone)
    )
    if png is None:
        raise HTTPException(404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=300"})
