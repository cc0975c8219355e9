"""Second-hand text of the HTML reports, made by a real browser (Debian's chromium, headless,
driven by Playwright): the page's text as selecting all and copying gives it (`innerText`: table
cells separated by tabs or lines), and the page printed to PDF on Letter and A4 paper, then
pasted out of a PDF viewer by the tools of tests.helpers.text_forms. A page's forms are made
once per machine: kept in the disk cache (tests.helpers.disk_cache), named by the page's bytes,
this module's source and the versions of chromium, Playwright, poppler and pdfplumber."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pdfplumber

from tests.helpers import disk_cache

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAS_CHROMIUM = Path(CHROMIUM).exists()
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PAPERS = ("Letter", "A4")
PAGES = ("shanghai_gov_office_2019.html", "pingtan_2023.html")  # the HTML reports held


KIND = "browser"


def browser_forms(pages: list[Path]) -> dict[tuple[str, str], str]:
    """(file name, form) → text, for every HTML page: "copied" and, for each paper, the print
    pasted by pdftotext (reading order, -layout, -raw) and pdfplumber (text, layout text)."""
    names = {path: disk_cache.key(_version(), path.read_bytes()) for path in pages}
    out: dict[tuple[str, str], str] = {}
    todo = []
    for path, name in names.items():
        stored = disk_cache.read(KIND, name)
        if stored is None:
            todo.append(path)
        else:
            out.update({(path.name, form): text for form, text in json.loads(stored).items()})
    made = _made(todo) if todo else {}
    for path in todo:
        forms = {form: text for (page, form), text in made.items() if page == path.name}
        disk_cache.write(KIND, names[path], json.dumps(forms, ensure_ascii=False).encode())
    return out | made


@cache
def _version() -> str:
    """What decides the forms besides the page: this code, the browser and the pasting tools
    (chromium says its version on stdout, poppler on stderr)."""

    def said(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)

    return "\n".join(
        [
            disk_cache.source_version(__name__),
            disk_cache.tool_versions("playwright", "pdfplumber", "pdfminer.six"),
            said(CHROMIUM, "--version").stdout,
            said("pdftotext", "-v").stderr,
        ]
    )


def _made(pages: list[Path]) -> dict[tuple[str, str], str]:
    """The forms of `pages`, made by chromium and the pasting tools."""
    from playwright.sync_api import sync_playwright

    out: dict[tuple[str, str], str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(java_script_enabled=False, locale="zh-CN")
            for path in pages:
                page.goto(path.resolve().as_uri())
                out[path.name, "copied"] = page.inner_text("body")
                for paper in PAPERS:
                    for form, text in _pasted(page.pdf(format=paper)).items():
                        out[path.name, f"{paper} {form}"] = text
        finally:
            browser.close()
    return out


def _pasted(pdf: bytes) -> dict[str, str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = {
            f"pdftotext {mode}".strip(): subprocess.run(
                ["pdftotext", "-enc", "UTF-8", *([mode] if mode else []), handle.name, "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            for mode in ("", "-layout", "-raw")
        }
        with pdfplumber.open(handle.name) as doc:
            out["pdfplumber"] = "\n".join(p.extract_text() or "" for p in doc.pages)
            out["pdfplumber layout"] = "\n".join(
                p.extract_text(layout=True) or "" for p in doc.pages
            )
    return out
