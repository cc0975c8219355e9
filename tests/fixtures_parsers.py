"""Shared test fixtures for parsers tests (loaded from tests/conftest.py)."""
