"""The WeCom channel assembled from settings: one HTTP client for WeCom's API, the app's
conversation behind its callback URL. `bot.py run` enters `serve_app` next to Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import httpx

from wecom.api import TIMEOUT, AppClient
from wecom.callback import Callback
from wecom.conversation import AppConversation
from wecom.crypto import CallbackCipher
from wecom.server import start_server

if TYPE_CHECKING:
    from services import Services
    from settings import Settings

CALLBACK_PATH = r"/.*"  # any path: the reverse proxy in front decides the public one


@asynccontextmanager
async def serve_app(settings: Settings, services: Services) -> AsyncIterator[int]:
    """Listen for the app's callbacks until the block ends; yields the port listened on."""
    assert settings.wecom_app_configured, "WECOM_CORP_ID … WECOM_AES_KEY must be set"
    assert settings.wecom_corp_id and settings.wecom_agent_id is not None
    assert settings.wecom_secret and settings.wecom_token and settings.wecom_aes_key
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        client = AppClient(
            http,
            base_url=settings.wecom_api_base_url,
            corp_id=settings.wecom_corp_id,
            secret=settings.wecom_secret.get_secret_value(),
            agent_id=settings.wecom_agent_id,
        )
        conversation = AppConversation(services, client, admin_ids=settings.wecom_admin_ids)
        cipher = CallbackCipher(
            token=settings.wecom_token.get_secret_value(),
            encoding_aes_key=settings.wecom_aes_key.get_secret_value(),
            receive_id=settings.wecom_corp_id,
        )
        callback = Callback(cipher, conversation.on_message)
        server, port = start_server(
            callback,
            listen=settings.wecom_callback_listen,
            port=settings.wecom_callback_port,
            path=CALLBACK_PATH,
        )
        try:
            yield port
        finally:
            server.stop()
            await callback.drain()
