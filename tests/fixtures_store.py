"""Shared test fixtures for store tests (loaded from tests/conftest.py)."""
