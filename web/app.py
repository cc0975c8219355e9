"""The Starlette application: routes, middleware, and the Chinese error pages.

Read-only by construction: every route answers GET (and HEAD) only, and nothing here writes.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from services import Browser, RegionPath
from web import texts
from web.agencies import agencies, agency
from web.ask import api_ask, chart_png, home
from web.guard import HEADERS, RateLimit, SecurityHeaders
from web.rank import DEFAULT_KEY, compare, compare_png, rank, rank_png, ranked_page
from web.reports import api_report, report_page
from web.site import STATIC_DIR, Core, Site, make_templates

log = logging.getLogger(__name__)

ROBOTS = "User-agent: *\nDisallow: /api/\nDisallow: /*format=\n"


def _error_texts(status: int, detail: str) -> tuple[str, str]:
    if status == 404:
        return texts.NOT_FOUND
    if status == 405:
        return texts.METHOD
    if status == 429:
        return texts.TOO_MANY
    if status >= 500:
        return texts.SERVER_ERROR
    title, body = texts.BAD_REQUEST
    return title, body.format(detail=detail)


def error_response(
    request: Request, status: int, detail: str = "", headers: dict[str, str] | None = None
) -> Response:
    """A Chinese error page (or `{"error": …}` under /api/), never a traceback."""
    title, message = _error_texts(status, detail)
    all_headers = {**HEADERS, **(headers or {})}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status, headers=all_headers)
    site: Site = request.app.state.site
    context = {"title": title, "message": message, "status": status}
    response = site.render(request, "error.html", context, status=status)
    response.headers.update(all_headers)
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code == 400 else ""
    return error_response(request, exc.status_code, detail, dict(exc.headers or {}))


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("error on %s", request.url.path, exc_info=exc)
    return error_response(request, 500)


def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


def robots(request: Request) -> Response:
    return PlainTextResponse(ROBOTS)


def _warm(site: Site) -> None:
    """Fill what the first visitors would otherwise wait for: the directory (~2 s at 100,000
    agencies) and the first page of the default ranking of the country and of each province.
    A failure here only means the first page does it."""
    try:
        years = site.years()
        root = RegionPath.of()
        provinces = site.region_counts(root)
        site.directory()
        if years:
            for path in (root, *(RegionPath.of(p.name) for p in provinces)):
                ranked_page(site, DEFAULT_KEY, years[0], path)
    except Exception:
        log.exception("warming the web caches failed")


def build_app(core: Core, browser: Browser, *, rate_limit: str = "120/minute") -> Starlette:
    """The site over `core` (the use cases the chat channels call) and `browser` (read-only
    store queries for the pages)."""
    site = Site(core, browser, make_templates())
    routes = [
        Route("/", home),
        Route("/agencies", agencies),
        Route("/agencies/{agency_id:int}", agency),
        Route("/reports/{report_id:int}", report_page),
        Route("/rank", rank),
        Route("/rank.png", rank_png),
        Route("/compare", compare),
        Route("/compare.png", compare_png),
        Route("/chart.png", chart_png),
        Route("/api/ask", api_ask),
        Route("/api/reports/{report_id:int}", api_report),
        Route("/healthz", healthz),
        Route("/robots.txt", robots),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]

    def too_many(request: Request, retry: int) -> Response:
        return error_response(request, 429, headers={"Retry-After": str(retry)})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        threading.Thread(target=_warm, args=(site,), name="web-warm", daemon=True).start()
        yield

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(RateLimit, limit=rate_limit, on_limit=too_many),
            Middleware(GZipMiddleware, minimum_size=1024, compresslevel=6),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.site = site
    return app
