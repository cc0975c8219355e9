"""Shared test fixtures for bot tests (loaded from tests/conftest.py)."""
