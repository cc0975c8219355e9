"""WeCom settings from the environment: admin ids, the EncodingAESKey check, redaction."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from settings import Settings
from tests.helpers.fake_wecom import AES_KEY

APP = {
    "WECOM_CORP_ID": "ww0123456789abcdef",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "app-secret-0123456789",
    "WECOM_TOKEN": "callback-token-abc",
    "WECOM_AES_KEY": AES_KEY,
}


def test_app_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**APP, "WECOM_ADMIN_IDS": "ZhangSan, li.si  wangwu"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.wecom_app_configured
    assert settings.wecom_agent_id == 1000002
    assert settings.wecom_admin_ids == frozenset({"ZhangSan", "li.si", "wangwu"})
    assert {"app-secret-0123456789", "callback-token-abc", AES_KEY} <= set(settings.secrets())


def test_app_is_not_configured_while_a_value_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in APP.items():
        if name != "WECOM_TOKEN":
            monkeypatch.setenv(name, value)
    assert not Settings().wecom_app_configured
    assert not Settings(_env_file=None, wecom_corp_id="", wecom_agent_id=None).wecom_app_configured


def test_defaults_point_at_wecoms_own_server() -> None:
    settings = Settings()
    assert settings.wecom_api_base_url == "https://qyapi.weixin.qq.com"
    assert (settings.wecom_callback_listen, settings.wecom_callback_port) == ("0.0.0.0", 8080)


def test_a_mistyped_aes_key_fails_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WECOM_AES_KEY", AES_KEY[:-1])
    with pytest.raises(ValidationError, match="43"):
        Settings()
