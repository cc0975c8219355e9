"""Settings come from the environment; tests construct them directly."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from settings import DEFAULT_DB_PATH, Settings


def test_defaults_are_a_local_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == f"sqlite:///{DEFAULT_DB_PATH}"
    assert DEFAULT_DB_PATH.parent.name == "data"
    assert settings.telegram_bot_token is None
    assert settings.admin_ids == frozenset()


def test_admin_ids_accept_commas_and_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "12, 34 56")
    assert Settings().admin_ids == frozenset({12, 34, 56})


def test_token_is_secret_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:ABC")
    settings = Settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:ABC"
    assert "123:ABC" not in repr(settings)


@pytest.mark.parametrize(
    ("base", "file_base"),
    [
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
        ("http://127.0.0.1:8081/bot/", "http://127.0.0.1:8081/file/bot"),
        ("https://api.example.org/prefix/bot", "https://api.example.org/prefix/file/bot"),
    ],
)
def test_file_url_is_derived_from_the_api_url(base: str, file_base: str) -> None:
    assert Settings(telegram_api_base_url=base).telegram_file_base_url == file_base


def test_no_file_url_without_a_self_hosted_api() -> None:
    assert Settings(telegram_api_base_url=None).telegram_file_base_url is None


@pytest.mark.parametrize(
    ("value", "ok"), [("1", True), ("50", True), ("51", False), ("2000", False)]
)
def test_the_upload_limit_is_at_most_what_the_parser_reads(
    monkeypatch: pytest.MonkeyPatch, value: str, ok: bool
) -> None:
    """A file the parser refuses (over 50 MB) must be refused before it is downloaded."""
    monkeypatch.setenv("MAX_UPLOAD_MB", value)
    if ok:
        assert Settings().max_upload_mb == int(value)
    else:
        with pytest.raises(ValidationError):
            Settings()
