"""Feeding Telegram updates to the real Application and reading back what it sent (through the
fake Bot API of tests/helpers/fake_bot_api.py)."""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING, Any

from tests.helpers.fake_bot_api import FakeBotApi, Request

if TYPE_CHECKING:
    from telegram.ext import Application

USER_ID = 1001  # an ordinary user (private chat id == user id)
ADMIN_ID = 4242  # listed in ADMIN_IDS by the bot_settings fixture
GROUP_ID = -1001234567890  # a supergroup


class BotDriver:
    """Feeds Telegram updates to the Application and returns the requests it made meanwhile.

    `process_update` returns when every handler (and the error handler) is done, so the
    returned requests are complete: no waiting, no sleeping."""

    def __init__(self, application: Application | None, api: FakeBotApi) -> None:
        """`application` may be None when the driver only builds updates (e.g. for polling)."""
        self.application = application
        self.api = api
        self._message_ids = itertools.count(1)

    @staticmethod
    def user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}"}

    def chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"用户{chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": "年报工作群"}

    def entities(self, text: str) -> list[dict[str, Any]]:
        """bot_command and @mention entities, with offsets in UTF-16 units as Telegram does."""

        def units(s: str) -> int:
            return len(s.encode("utf-16-le")) // 2

        found = []
        if text.startswith("/"):
            found.append({"type": "bot_command", "offset": 0, "length": units(text.split()[0])})
        mention = f"@{self.api.username}"
        start = text.find(mention)
        if start >= 0:
            found.append(
                {"type": "mention", "offset": units(text[:start]), "length": units(mention)}
            )
        return found

    def message(
        self,
        text: str | None = None,
        *,
        chat_id: int = USER_ID,
        user_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A Message as Telegram sends it; the sender defaults to the private chat's user."""
        sender = user_id if user_id is not None else (chat_id if chat_id > 0 else USER_ID)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(sender),
            **extra,
        }
        if text is not None:
            message["text"] = text
            if entities := self.entities(text):
                message["entities"] = entities
        if "caption" in extra and (entities := self.entities(extra["caption"])):
            message["caption_entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    async def feed(self, update: dict[str, Any]) -> list[Request]:
        """Process one update; the requests the bot made for it, in order."""
        from telegram import Update

        before = len(self.api.requests)
        assert self.application is not None, "this driver only builds updates"
        update = {"update_id": self.api.next_update_id(), **update}
        await self.application.process_update(Update.de_json(update, self.application.bot))
        return self.api.requests[before:]

    async def send(self, message: dict[str, Any]) -> list[Request]:
        return await self.feed({"message": message})

    async def say(self, text: str, **kwargs: Any) -> list[Request]:
        """A text message (a command when it starts with /) from a user."""
        return await self.send(self.message(text, **kwargs))

    async def press(
        self, bot_message: dict[str, Any], data: str, *, user_id: int = USER_ID
    ) -> list[Request]:
        """Press an inline button with `data` under `bot_message` (a message the bot sent)."""
        query = {
            "id": f"cb-{next(self._message_ids)}",
            "from": self.user(user_id),
            "chat_instance": "ci-1",
            "data": data,
            "message": bot_message,
        }
        return await self.feed({"callback_query": query})

    def document(
        self, data: bytes, file_name: str, *, size: int | None = None, sized: bool = True
    ) -> dict[str, Any]:
        """A Document whose bytes the fake server serves via getFile and /file/bot…; unless
        `sized`, neither the Document nor getFile states its size."""
        file_id = self.api.add_file(data, file_name, sized=sized)
        found = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "mime_type": "application/octet-stream",
        }
        return {**found, "file_size": len(data) if size is None else size} if sized else found

    async def send_file(
        self,
        data: bytes,
        file_name: str,
        *,
        caption: str | None = None,
        size: int | None = None,
        **kwargs: Any,
    ) -> list[Request]:
        """A message with a file attached (and a caption, e.g. "/check")."""
        extra: dict[str, Any] = {"document": self.document(data, file_name, size=size)}
        if caption is not None:
            extra["caption"] = caption
        return await self.send(self.message(None, **kwargs, **extra))

    def photo(self, data: bytes, *, width: int = 1240, height: int = 1754) -> list[dict[str, Any]]:
        """A photo message's sizes as Telegram sends them: a thumbnail, then the picture (both
        served by the fake server; the bot should take the largest)."""
        thumb = self.api.add_file(b"not the page", "thumb.jpg")
        file_id = self.api.add_file(data, "photo.jpg")
        return [
            {"file_id": thumb, "file_unique_id": f"u-{thumb}", "width": 90, "height": 128},
            {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "width": width,
                "height": height,
                "file_size": len(data),
            },
        ]

    async def send_album(
        self, pictures: list[bytes], *, caption: str | None = None, **kwargs: Any
    ) -> list[Request]:
        """Photos sent together: one message each, sharing a media_group_id; the caption goes
        with the first, as Telegram's apps send it."""
        group = f"album-{next(self._message_ids)}"
        before = len(self.api.requests)
        for index, data in enumerate(pictures):
            extra: dict[str, Any] = {"photo": self.photo(data), "media_group_id": group}
            if caption is not None and index == 0:
                extra["caption"] = caption
            await self.send(self.message(None, **kwargs, **extra))
        return self.api.requests[before:]
