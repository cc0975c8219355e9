"""`/agencies` (by region, searchable) and `/agencies/{id}` (every year's key figures, checks and
links to each report)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from query.catalog import short_label
from query.common import token
from services import AgencyRow, RegionPath
from web import texts
from web.downloads import Table, download, wanted_format
from web.guard import MAX_DOWNLOAD_ROWS, MAX_PAGE, MAX_SEARCH, int_param, text_param
from web.site import (
    LEVEL_PARAMS,
    breadcrumb,
    cell_value,
    path_params,
    region_label,
    region_path,
    site_of,
    url,
)

PAGE_SIZE = 50
# The figures an agency's page shows for every year (both template versions print them).
KEY_FIGURES = (
    "apply.new.total",
    "result.public.total",
    "result.partial.total",
    "result.total.total",
    "review.total",
    "litigation.total",
)


def agency_path(agency: AgencyRow) -> RegionPath:
    """The region path of an agency (its county, or the highest level it sits at)."""
    levels = [agency.province, agency.city, agency.county]
    while len(levels) > 1 and levels[-1] is None:
        levels.pop()
    return RegionPath.of(*levels)


def _list_table(rows: list[AgencyRow], name: str) -> Table:
    return Table(
        name,
        texts.AGENCY_LIST_COLUMNS,
        [
            (a.id, a.name, a.region, a.province or "", a.city or "", a.county or "",
             texts.LEVEL.get(a.level or "", ""))
            for a in rows
        ],
    )  # fmt: skip


def agencies(request: Request) -> Response:
    """Regions one level down with their agency counts, and the agencies of the region (or
    those matching the search), a page at a time."""
    site = site_of(request)
    path = region_path(request)
    search = text_param(request, "q", MAX_SEARCH, texts.SEARCH_TOO_LONG)
    page = int_param(request, "page", 1, 1, MAX_PAGE)
    fmt = wanted_format(request.query_params.get("format"))
    listed = path.fixed > 0 or bool(search)

    def listing(limit: int, offset: int = 0) -> list[AgencyRow]:
        if search:
            return site.directory().search(search, path, limit=limit, offset=offset)
        return site.browser.agencies(path, limit=limit, offset=offset) if listed else []

    if fmt:
        table = _list_table(listing(MAX_DOWNLOAD_ROWS), f"单位-{region_label(path)}{search}")
        return download(table, fmt)
    rows = listing(PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    here = path_params(path)
    query = {"q": search or None}
    children = []
    if not search and path.fixed < 3:
        next_level = LEVEL_PARAMS[path.fixed]
        for count in site.region_counts(path):
            narrower = {**here, next_level: count.name or ""}
            link = url("/agencies", **narrower)
            children.append((count.name or texts.OWN_LEVEL, count.agencies, link))

    def page_url(number: int) -> str:
        return url("/agencies", **here, **query, page=number)

    context = {
        "path": path,
        "here": here,
        "region": region_label(path),
        "crumbs": breadcrumb(path, "/agencies"),
        "search": search,
        "children": children,
        "listed": listed,
        "rows": rows[:PAGE_SIZE],
        "page": page,
        "prev_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if len(rows) > PAGE_SIZE and page < MAX_PAGE else None,
        "downloads": {f: url("/agencies", **here, **query, format=f) for f in ("csv", "xlsx")}
        if listed
        else {},
        "max_search": MAX_SEARCH,
        "levels": texts.LEVEL,
    }
    return site.render(request, "agencies.html", context)


def agency(request: Request) -> Response:
    """One agency: its years with key figures and check results, each linking to its report."""
    site = site_of(request)
    agency_id = request.path_params["agency_id"]
    found = site.browser.agency(agency_id)
    if found is None:
        raise HTTPException(404)
    reports = site.browser.reports_of(agency_id)
    current = [r for r in reports if not r.superseded]
    ids = [r.id for r in current]
    figures = site.browser.figures_of(ids, KEY_FIGURES)
    summaries = site.browser.check_summaries(ids)
    failed = {
        r.id: [c for c in site.browser.checks(r.id) if not c.ok]
        for r in current
        if summaries.get(r.id) and summaries[r.id].failed
    }
    labels = [short_label(key) for key in KEY_FIGURES]
    fmt = wanted_format(request.query_params.get("format"))
    if fmt:
        rows = []
        for r in current:
            summary = summaries.get(r.id)
            rows.append(
                (r.year, r.id, r.template, r.source_name, r.format,
                 summary.checks if summary else 0, summary.failed if summary else 0,
                 *(cell_value(figures[r.id].get(key)) for key in KEY_FIGURES))
            )  # fmt: skip
        columns = (*texts.AGENCY_YEAR_COLUMNS, *labels)
        return download(Table(f"单位-{found.name}", columns, rows), fmt)
    path = agency_path(found)
    latest = current[-1].year if current else None
    context = {
        "agency": found,
        "aliases": [a for a in site.browser.aliases(agency_id) if a != found.name],
        "crumbs": breadcrumb(path, "/agencies"),
        "level": texts.LEVEL.get(found.level or "", ""),
        "current": current,
        "superseded": [r for r in reports if r.superseded],
        "figures": figures,
        "summaries": summaries,
        "failed": failed,
        "keys": list(zip(KEY_FIGURES, labels, strict=True)),
        "compare_url": url("/compare", a=agency_id),
        # ranked among the agencies of its city (or its province, for a province's own)
        "rank_url": url(
            "/rank",
            key=KEY_FIGURES[0],
            year=latest,
            **path_params(RegionPath.of(*path.levels()[:2])),
        )
        if latest
        else None,
        "ask_url": url("/", t=token("overview", agency_id, latest, None)),
        "downloads": {f: url(f"/agencies/{agency_id}", format=f) for f in ("csv", "xlsx")},
    }
    return site.render(request, "agency.html", context)
