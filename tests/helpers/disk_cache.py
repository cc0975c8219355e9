"""What the slow real tools make for the tests (OCR, LibreOffice, chromium), kept on disk.

An entry is named by a hash of everything that decides its content — the input bytes, the source
of the code that makes it (`source_version`) and the versions of the tools — so an entry read
back is what the tool would make now: a changed input, recipe, parser or tool is another name,
and is made anew. Entries live in the user's cache, `~/.cache/nianbao-tests/<kind>/` (or
`$NIANBAO_TEST_CACHE/<kind>/`), shared by every checkout on the machine; deleting the folder
costs one slow run. Writes are atomic, so parallel test workers and sessions share it safely.
"""

from __future__ import annotations

import ast
import hashlib
import os
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def directory(kind: str) -> Path:
    """The folder of one kind of entry (created)."""
    base = os.environ.get("NIANBAO_TEST_CACHE")
    if not base:
        base = str(
            Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nianbao-tests"
        )
    path = Path(base) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def key(*parts: str | bytes) -> str:
    """A name for the entry made from `parts` (each part delimited, so no two lists collide)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:40]


def read(kind: str, name: str) -> bytes | None:
    path = directory(kind) / name
    return path.read_bytes() if path.is_file() else None


def write(kind: str, name: str, data: bytes) -> None:
    """Store an entry atomically: a parallel reader sees the whole file or none."""
    path = directory(kind) / name
    partial = path.with_name(f"{name}.{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)


def tool_versions(*distributions: str) -> str:
    """The installed versions of Python distributions ("" for one not installed)."""
    out = []
    for name in distributions:
        try:
            out.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} absent")
    return ";".join(out)


@cache
def source_version(*modules: str) -> str:
    """A hash of the source of `modules` and of every project module they import, at the top or
    inside a function, followed to the end: a change to any of that code is a new version."""
    todo = [path for name in modules if (path := _module_file(name)) is not None]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_bytes())):
            found: list[Path] = []
            if isinstance(node, ast.Import):
                found = [p for a in node.names if (p := _module_file(a.name)) is not None]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from package import module` is the module; `from module import name` the
                # module; a package's __init__ only when its own names are imported
                names = [f"{node.module}.{a.name}" for a in node.names]
                found = [p for n in names if (p := _module_file(n)) is not None]
                if not found and (package := _module_file(node.module)) is not None:
                    found = [package]
            todo += found
    return key(
        *(part for p in sorted(seen) for part in (p.relative_to(ROOT).as_posix(), p.read_bytes()))
    )


def _module_file(name: str) -> Path | None:
    """The project's own file of a module, or None for a library's (or a name in a module)."""
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file() and ".venv" not in path.parts:
            return path
    return None
