"""The arrows of the house run one way: each package imports only what its layer may use
(read from the source with `ast`, so a lazy import inside a function counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
CHANNELS = ("telegram", "handlers", "wecom", "web", "console", "cli")
DATABASE = ("sqlmodel", "sqlalchemy", "alembic", "psycopg", "store")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "names.py": (*CHANNELS, *DATABASE, "parsers", "query", "reminders", "settings", "services"),
    "parsers": (*CHANNELS, *DATABASE, "query", "reminders", "settings", "services"),
    "query": (*CHANNELS, *DATABASE, "reminders", "settings", "services"),
    "reminders": (*CHANNELS, *DATABASE, "settings", "services", "query"),
    "store": (*CHANNELS, "reminders", "query.asker", "services", "settings"),
    "services.py": CHANNELS,
    "web": (*DATABASE, *(c for c in CHANNELS if c != "web")),  # the store through services
    "commands.py": (*CHANNELS, *DATABASE, "services"),
    "messages.py": (*CHANNELS, *DATABASE, "parsers", "query", "reminders", "settings", "services"),
}
MAX_LINES = 600
KNOWN_LONG: set[str] = set()  # a module allowed to be longer, by name (none today)


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def sources(area: str) -> list[Path]:
    root = PROJECT / area
    return [root] if root.is_file() else sorted(root.rglob("*.py"))


@pytest.mark.parametrize("area", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_of_the_layers_above_it(area: str) -> None:
    wrong = [
        f"{path.relative_to(PROJECT)} imports {module}"
        for path in sources(area)
        for module in sorted(imported(path))
        if any(module == f or module.startswith(f"{f}.") for f in FORBIDDEN[area])
    ]
    assert wrong == []


def test_no_source_module_is_over_600_lines() -> None:
    skip = {".venv", "tests", "bench", "migrations"}
    long = [
        f"{path.relative_to(PROJECT)}: {lines}"
        for path in sorted(PROJECT.rglob("*.py"))
        if not skip & set(path.relative_to(PROJECT).parts)
        and str(path.relative_to(PROJECT)) not in KNOWN_LONG
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []
