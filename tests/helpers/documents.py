"""Where the tests find report files: the bundled samples/ first (the reports `make run` loads),
then tests/data for reports only the tests use. Each file lives in one of the two, never both;
the hand-checked figures (gold*.json) and question sets stay in tests/data."""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SAMPLES = PROJECT / "samples"
TEST_DATA = PROJECT / "tests" / "data"
FOLDERS = (SAMPLES, TEST_DATA)
NOT_REPORTS = frozenset({".json", ".md"})


def document(name: str) -> Path:
    """The report file `name` (as gold.json names it)."""
    for folder in FOLDERS:
        if (path := folder / name).is_file():
            return path
    raise FileNotFoundError(f"{name} is in neither samples/ nor tests/data/")


def all_documents() -> list[Path]:
    """Every report file of both folders, samples first, each folder in name order."""
    return [
        path
        for folder in FOLDERS
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix not in NOT_REPORTS
    ]
