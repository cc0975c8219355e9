"""Shared test fixtures for query tests (loaded from tests/conftest.py)."""
