"""Configuration from environment variables (documented in README.md), built once in bot.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from parsers import MAX_FILE_BYTES

PROJECT_DIR = Path(__file__).resolve().parent
DEFAULT_DB_PATH = PROJECT_DIR / "data" / "nianbao.sqlite3"
SAMPLES_DIR = PROJECT_DIR / "samples"
MAX_UPLOAD_LIMIT_MB = MAX_FILE_BYTES // (1024 * 1024)  # the parser reads no more than this


class Settings(BaseSettings):
    """Every knob of the bot. Tests construct `Settings(...)` directly.

    No generic variable is read: a container's TZ=UTC must not move Beijing's deadlines
    (services.SHANGHAI is the one time zone of every date and deadline)."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    telegram_bot_token: SecretStr | None = None
    database_url: str = f"sqlite:///{DEFAULT_DB_PATH}"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    log_level: str = "WARNING"  # internal logs; a person sees Chinese status lines instead
    telegram_api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    max_upload_mb: int = Field(default=20, ge=1, le=MAX_UPLOAD_LIMIT_MB)
    seed_samples: bool = True
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(default=None, ge=1, le=65535)
    web_rate_limit: str = "120/minute"
    web_forwarded_allow_ips: str = "127.0.0.1"
    # WeCom (企业微信 / 政务微信) self-built app; group robots need none of these.
    wecom_corp_id: str | None = None
    wecom_agent_id: int | None = None
    wecom_secret: SecretStr | None = None
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None
    wecom_api_base_url: str = "https://qyapi.weixin.qq.com"
    wecom_callback_listen: str = "0.0.0.0"
    wecom_callback_port: int = 8080
    wecom_admin_ids: Annotated[frozenset[str], NoDecode] = frozenset()

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """ADMIN_IDS is a comma- or space-separated list of Telegram user ids."""
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        return value

    @field_validator("wecom_admin_ids", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        """WECOM_ADMIN_IDS is a comma- or space-separated list of WeCom user ids (账号)."""
        if isinstance(value, str):
            return frozenset(value.replace(",", " ").split())
        return value

    @field_validator("wecom_aes_key")
    @classmethod
    def _aes_key(cls, value: SecretStr | None) -> SecretStr | None:
        """Refuse a mistyped EncodingAESKey at start, not at the first callback."""
        if value is not None and value.get_secret_value():
            from wecom.crypto import aes_key

            aes_key(value.get_secret_value())
        return value

    @property
    def wecom_app_configured(self) -> bool:
        """Every value the app's callback and its replies need is set."""
        values = (
            self.wecom_corp_id,
            self.wecom_agent_id,
            self.wecom_secret,
            self.wecom_token,
            self.wecom_aes_key,
        )
        return all(value not in (None, "") for value in values)

    def secrets(self) -> list[str]:
        """Every secret value set, for the log redactor (see logs.py)."""
        return [
            value.get_secret_value()
            for value in vars(self).values()
            if isinstance(value, SecretStr) and value.get_secret_value()
        ]

    @property
    def telegram_file_base_url(self) -> str | None:
        """`http://host:port/bot` → `http://host:port/file/bot`, as Telegram's own URLs pair up."""
        if not self.telegram_api_base_url:
            return None
        base = self.telegram_api_base_url.rstrip("/")
        head, _, tail = base.rpartition("/")
        return f"{head}/file/{tail}"
