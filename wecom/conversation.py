"""The WeCom app's conversation: each message to the app answered through message/send.

Any text is a question for the same core as Telegram's (services.py); alternatives come
numbered, and a number picks one (WeCom's plain messages have no buttons); /chart sends the
PNG through media/upload; files from WECOM_ADMIN_IDS are stored, other people's only checked.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING

import replies
from commands import question_for, usage_text
from wecom import texts
from wecom.api import AppClient, WeComError
from wecom.markdown import APP_TEXT_BYTES, split_bytes

if TYPE_CHECKING:
    from query import Answer, Choice
    from services import Services
    from wecom.envelope import Incoming

log = logging.getLogger(__name__)

REMEMBERED_USERS = 1000  # whose last alternatives are kept for a number to pick
TOO_LARGE = -2  # AppClient.download's errcode for a file over the limit


class AppConversation:
    """`on_message` is the Callback's handler; replies go to the sender only."""

    def __init__(
        self, services: Services, client: AppClient, *, admin_ids: frozenset[str]
    ) -> None:
        self.services = services
        self.client = client
        self.admin_ids = frozenset(user.lower() for user in admin_ids)  # WeCom ignores case
        self._choices: OrderedDict[str, list[Choice]] = OrderedDict()

    async def on_message(self, message: Incoming) -> None:
        user = message.from_user
        try:
            if message.msg_type == "text":
                await self._text(user, " ".join(message.content.split()))
            elif message.msg_type == "file":
                await self._file(user, message.media_id, message.file_name)
            elif message.msg_type != "event":  # opening the app, following it: nothing to say
                await self.say(user, texts.UNSUPPORTED)
        except Exception:
            log.exception("answering a WeCom message failed")
            await self.say(user, replies.ERROR)

    async def say(self, user: str, text: str) -> None:
        """A text to one user, split under WeCom's 2,048 bytes."""
        for part in split_bytes(text, APP_TEXT_BYTES):
            await self.client.send(user, "text", {"content": part})

    async def _text(self, user: str, line: str) -> None:
        if not line:
            return
        remembered = self._choices.get(user, [])
        if line.isdigit() and remembered:
            number = int(line)
            if not 1 <= number <= len(remembered):
                await self.say(user, f"请输入 1 到 {len(remembered)} 之间的编号。")
                return
            token = remembered[number - 1].token
            await self._answer(user, await asyncio.to_thread(self.services.resolve, token))
            return
        if not line.startswith("/"):
            await self._answer(user, await asyncio.to_thread(self.services.ask, line))
            return
        name, _, args = line[1:].partition(" ")
        name = name.lower()
        if name in ("help", "start"):
            await self.say(user, texts.help_text(max_upload_mb=self.services.max_upload_mb))
        elif name == "chart":
            await (self._chart(user, args) if args else self.say(user, usage_text("chart")))
        elif name in texts.APP_COMMANDS:
            question = question_for(name, args)
            if question is None:
                await self.say(user, usage_text(name))
            else:
                await self._answer(user, await asyncio.to_thread(self.services.ask, question))
        else:
            await self.say(user, texts.UNKNOWN_COMMAND)

    async def _answer(self, user: str, answer: Answer) -> None:
        self._remember(user, list(answer.choices))
        if answer.choices:
            await self.say(user, f"{answer.text}\n{replies.choices_text(answer.choices)}")
        else:
            await self.say(user, answer.text)

    def _remember(self, user: str, choices: list[Choice]) -> None:
        self._choices.pop(user, None)
        if choices:
            self._choices[user] = choices
            while len(self._choices) > REMEMBERED_USERS:
                self._choices.popitem(last=False)

    async def _chart(self, user: str, question: str) -> None:
        from services import Chart

        result = await asyncio.to_thread(self.services.chart, question)
        if not isinstance(result, Chart):
            await self._answer(user, result)
            return
        self._remember(user, [])
        media_id = await self.client.upload_image(result.png, "chart.png")
        await self.client.send(user, "image", {"media_id": media_id})
        await self.say(user, result.caption)

    async def _file(self, user: str, media_id: str, file_name: str) -> None:
        if not media_id:
            await self.say(user, texts.UNSUPPORTED)
            return
        try:
            media = await self.client.download(media_id, max_bytes=self.services.max_upload_bytes)
        except WeComError as err:
            if err.errcode != TOO_LARGE:
                raise
            text = replies.too_big_text(size=None, max_upload_mb=self.services.max_upload_mb)
            await self.say(user, text)
            return
        await self.say(user, texts.RECEIVED)
        name = file_name or media.file_name
        if user.lower() in self.admin_ids:
            result = await asyncio.to_thread(self.services.ingest_upload, media.data, name)
            await self.say(user, result.text)
        else:
            result = await asyncio.to_thread(self.services.check_upload, media.data, name)
            await self.say(user, f"{result.text}\n{texts.NOT_ADMIN_NOTE}")
