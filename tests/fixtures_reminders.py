"""Shared test fixtures for reminders tests (loaded from tests/conftest.py)."""
