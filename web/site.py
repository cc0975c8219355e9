"""What every page shares: the core it asks, the store it browses, templates, number formats and
the region path carried in the query string."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from parsers.fields import FIELDS
from query import Answer
from query.source import FigureInfo
from services import Browser, Chart, RegionCount, RegionPath
from web import texts
from web.cache import VersionCache
from web.directory import Directory

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
LEVEL_PARAMS = ("province", "city", "county")


class Core(Protocol):
    """The use cases the chat channels call too (`services.Services`): the site never answers
    on its own."""

    def ask(self, question: str) -> Answer: ...

    def resolve(self, token: str) -> Answer: ...

    def chart(self, question: str) -> Chart | Answer: ...


class Site:
    """The core, the store and the templates, plus what is cached until the store changes."""

    def __init__(self, core: Core, browser: Browser, templates: Jinja2Templates) -> None:
        self.core = core
        self.browser = browser
        self.templates = templates
        self.cache = VersionCache(browser.version)
        self._drawing = threading.Lock()

    def directory(self) -> Directory:
        return self.cache.get(("directory",), lambda: Directory(self.browser))

    def years(self) -> list[int]:
        return self.cache.get(("years",), self.browser.years)

    def region_counts(self, path: RegionPath) -> list[RegionCount]:
        return self.cache.get(("regions", path), lambda: self.browser.region_counts(path))

    def chart(self, key: tuple[object, ...], draw: Callable[[], bytes | None]) -> bytes | None:
        """A PNG drawn once per store version. matplotlib's rc_context is process-global, so
        charts are drawn one at a time."""

        def locked() -> bytes | None:
            with self._drawing:
                return draw()

        return self.cache.get(("chart", *key), locked)

    def render(
        self, request: Request, name: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        return self.templates.TemplateResponse(request, name, context, status_code=status)


def for_phone(request: Request) -> bool:
    """`size=phone`: the chart laid out for a 375 px screen (the pages' <picture> asks for it
    below 600 px), not the desktop picture shrunk until its text is unreadable."""
    return request.query_params.get("size") == "phone"


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def number(value: Decimal | int | float | None) -> str:
    """A figure as the report printed it: 64, 25.1, 5949.088667; — for none."""
    if value is None:
        return texts.NO_VALUE
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def unit_of(key: str) -> str:
    field_def = FIELDS.get(key)
    return field_def.unit if field_def else ""


def cell_value(figure: FigureInfo | None) -> Decimal | None:
    return None if figure is None else figure.value


def flags_text(figure: FigureInfo) -> str:
    """What the flags of a cell mean, for a title attribute and the downloads."""
    notes = [texts.FLAG.get(flag, flag) for flag in figure.flags]
    if figure.candidates:
        notes.append("候选值：" + "、".join(number(c) for c in figure.candidates))
    if figure.raw and figure.raw != number(figure.value):
        notes.append(f"原表：{figure.raw}")
    return "；".join(notes)


def region_path(request: Request) -> RegionPath:
    """province/city/county from the query string: a present parameter fixes its level (empty:
    the level itself, e.g. a province's own departments); levels stop at the first absent one."""
    levels: list[str | None] = []
    for name in LEVEL_PARAMS:
        if name not in request.query_params:
            break
        value = request.query_params[name].strip()[:30]
        levels.append(value or None)
    return RegionPath.of(*levels)


def path_params(path: RegionPath) -> dict[str, str]:
    return {name: value or "" for name, value in zip(LEVEL_PARAMS, path.levels(), strict=False)}


def url(base: str, **params: object) -> str:
    """`base?…` with the parameters that are not None (lists repeat the parameter)."""
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            pairs += [(name, str(v)) for v in value]
        else:
            pairs.append((name, str(value)))
    return f"{base}?{urlencode(pairs)}" if pairs else base


def breadcrumb(path: RegionPath, base: str, **extra: object) -> list[tuple[str, str]]:
    """(label, url) for 全国 and each fixed level of `path`."""
    crumbs = [(texts.NATIONWIDE, url(base, **extra))]
    for depth in range(1, path.fixed + 1):
        partial = RegionPath.of(*path.levels()[:depth])
        label = partial.levels()[-1] or texts.OWN_LEVEL
        crumbs.append((label, url(base, **path_params(partial), **extra)))
    return crumbs


def region_label(path: RegionPath) -> str:
    names = [level for level in path.levels() if level]
    return "".join(dict.fromkeys(names)) or texts.NATIONWIDE


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["number"] = number
    env.globals.update(url=url, texts=texts, unit_of=unit_of, flags_text=flags_text)
    return Jinja2Templates(env=env)
