"""Shared test fixtures for parsers tests (loaded from tests/conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ocr_cache

DATA_DIR = Path(__file__).parent / "data"
GOLD_PATH = DATA_DIR / "gold.json"


def load_gold() -> dict[str, dict[str, Any]]:
    """Gold entries keyed by file name (usable at collection time for parametrize)."""
    entries = json.loads(GOLD_PATH.read_text(encoding="utf-8"))
    return {entry["file"]: entry for entry in entries}


@pytest.fixture(scope="session")
def gold() -> dict[str, dict[str, Any]]:
    """Hand-checked figures of the real reports in tests/data, keyed by file name."""
    return load_gold()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The directory holding the real sample reports."""
    return DATA_DIR


@pytest.fixture
def ocr_read_once() -> Iterator[None]:
    """Each page image read by OCR once per machine (tests.helpers.ocr_cache), for the tests
    of what OCR reads; the tests of OCR's limits (tests/test_parsers_ocr_worker.py) do without."""
    with ocr_cache.installed():
        yield
