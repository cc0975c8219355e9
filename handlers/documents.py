"""Report files sent to the bot: admins' uploads are parsed, validated and stored; `/check`
(as a file's caption, or replying to a file) validates without storing, for anyone.

Photos of report pages (photo messages, or PNG/JPEG sent as files) are read by OCR; an album
is one report, its pictures its pages in order. Telegram sends an album as one message per
picture, so they are gathered for ALBUM_WAIT seconds after the first arrives."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging

import httpx
from telegram import Document, File, Message, PhotoSize, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import CommandHandler, MessageHandler, filters

import replies
from handlers.context import BotApplication, BotContext
from handlers.replies import reply_text

log = logging.getLogger(__name__)

CANNOT_DOWNLOAD = "无法下载该文件（Telegram 限制文件下载大小）。请压缩后再发。"
NOT_ADMIN = (
    "抱歉，只有管理员上传的年报才会入库。"
    "如需发布前检查，请在文件附言中写 /check（只校验，不入库）。"
)
PHOTOS_NAME = "图片 {count} 张"  # the upload's name when its pictures have none
ALBUM_WAIT = 1.5  # seconds the pictures of one album are waited for
_ALBUMS = "albums"  # chat_data: media_group_id → the album's messages so far
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
CHECK_USAGE = (
    "用法：发送年报文件并在附言中写 /check，或回复一条带文件的消息发 /check。"
    "只做发布前校验，不入库；文件不超过 {limit} MB。"
)


def is_check_caption(caption: str | None) -> bool:
    """True when a caption starts with the /check command (also /check@botname)."""
    if not caption or not caption.startswith("/"):
        return False
    return caption.split()[0].split("@")[0].lower() == "/check"


async def _download(
    message: Message, document: Document | PhotoSize, context: BotContext
) -> bytes | None:
    """The file's bytes, or None after telling the user why not (too big, not downloadable).

    The size is checked as the message states it, as getFile states it, and, since Telegram
    may state neither, while the bytes arrive: no more than the limit is ever read."""
    services = context.bot_data.services
    refused = services.too_big(document.file_size)
    if refused is not None:
        await message.reply_text(refused)
        return None
    try:
        file = await document.get_file()
    except BadRequest as err:  # the public Bot API serves files up to 20 MB only
        log.warning("getFile failed for %s: %s", document.file_unique_id, err)
        await message.reply_text(CANNOT_DOWNLOAD)
        return None
    refused = services.too_big(file.file_size)
    if refused is not None:
        await message.reply_text(refused)
        return None
    try:
        data = await _read_at_most(file, services.max_upload_bytes)
    except (OSError, httpx.HTTPError) as err:
        log.warning("download failed for %s: %s", document.file_unique_id, err)
        await message.reply_text(CANNOT_DOWNLOAD)
        return None
    if data is None:
        await message.reply_text(
            replies.too_big_text(size=None, max_upload_mb=services.max_upload_mb)
        )
    return data


async def _read_at_most(file: File, limit: int) -> bytes | None:
    """The file's bytes, or None when it has more than `limit`. A self-hosted Bot API server in
    --local mode hands out a path on its disk; otherwise the bytes are streamed over HTTP (PTB
    reads a whole file into memory before anyone could look at its size)."""
    path = file.file_path or ""
    if not path.startswith(("http://", "https://")):
        data = await asyncio.to_thread(_read_local, path, limit + 1)
        return data if len(data) <= limit else None
    chunks: list[bytes] = []
    size = 0
    timeout = httpx.Timeout(60, connect=10)
    async with httpx.AsyncClient(timeout=timeout) as client, client.stream("GET", path) as got:
        got.raise_for_status()
        async for chunk in got.aiter_bytes():
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def _read_local(path: str, size: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


async def process_document(
    message: Message, document: Document, context: BotContext, *, store: bool
) -> None:
    """Download, then check (or store, when `store` is set) through the services, off the
    event loop."""
    data = await _download(message, document, context)
    if data is not None:
        await _process(message, data, document.file_name, context, store=store)


async def process_pages(
    message: Message, pages: list[Message], context: BotContext, *, store: bool
) -> None:
    """Photos of one report's pages: each downloaded, then checked or stored as one report."""
    images: list[bytes] = []
    for page in pages:
        data = await _download(message, _picture(page), context)
        if data is None:
            return
        images.append(data)
    names = [p.document.file_name for p in pages if p.document and p.document.file_name]
    name = names[0] if len(pages) == 1 and names else PHOTOS_NAME.format(count=len(pages))
    await _process(message, images, name, context, store=store)


async def _process(
    message: Message,
    data: bytes | list[bytes],
    name: str | None,
    context: BotContext,
    *,
    store: bool,
) -> None:
    services = context.bot_data.services
    use_case = services.ingest_upload if store else services.check_upload
    progress = _ProgressMessage(message, asyncio.get_running_loop())
    result = await asyncio.to_thread(use_case, data, name, progress=progress.report)
    await progress.finish()
    await reply_text(message, result.text)


def _picture(message: Message) -> Document | PhotoSize:
    """The page a message carries: its largest photo size, or its image file."""
    if message.photo:
        return message.photo[-1]
    assert message.document is not None
    return message.document


def is_page_picture(message: Message) -> bool:
    """A photo, or a PNG/JPEG sent as a file: a picture of a report page."""
    if message.photo:
        return True
    document = message.document
    if document is None:
        return False
    name = (document.file_name or "").lower()
    return (document.mime_type or "").startswith("image/") or name.endswith(_IMAGE_SUFFIXES)


class _ProgressMessage:
    """One message, edited as OCR reads a scan page by page ("正在识别扫描件（第 2/6 页）…").

    `report` is called from the parsing thread; the edits run on the event loop, one at a
    time, and a failed edit (flood control, message gone) is only logged."""

    def __init__(self, message: Message, loop: asyncio.AbstractEventLoop) -> None:
        self._message = message
        self._loop = loop
        self._sent: Message | None = None
        self._pending: list[concurrent.futures.Future[None]] = []

    def report(self, done: int, total: int) -> None:
        text = replies.ocr_progress_text(done, total)
        self._pending.append(asyncio.run_coroutine_threadsafe(self._show(text), self._loop))

    async def _show(self, text: str) -> None:
        try:
            if self._sent is None:
                self._sent = await self._message.reply_text(text)
            else:
                await self._sent.edit_text(text)
        except TelegramError as err:
            log.info("progress message not updated: %s", err)

    async def finish(self) -> None:
        """Wait for the edits still on their way (the result must come after them)."""
        for future in self._pending:
            await asyncio.wrap_future(future)


async def document_received(update: Update, context: BotContext) -> None:
    """A file or photo: checked when captioned /check, stored when an admin sent it, else
    refused (in private chats; in groups other people's files are none of the bot's
    business). The pictures of an album are gathered first, then handled as one report."""
    message = update.effective_message
    if message is None or (message.document is None and not message.photo):
        return
    if not is_page_picture(message):
        await _handle(message, [message], context)
        return
    group = message.media_group_id
    if group is None:
        await _handle(message, [message], context)
        return
    albums: dict[str, list[Message]] = context.chat_data.setdefault(_ALBUMS, {})  # type: ignore[union-attr]
    if group in albums:
        albums[group].append(message)
        return
    albums[group] = [message]
    context.application.create_task(_album_complete(albums, group, context), update=update)


async def _album_complete(
    albums: dict[str, list[Message]], group: str, context: BotContext
) -> None:
    await asyncio.sleep(ALBUM_WAIT)
    pages = sorted(albums.pop(group), key=lambda m: m.message_id)
    await _handle(pages[0], pages, context)


async def _handle(message: Message, pages: list[Message], context: BotContext) -> None:
    """What the sender may do with the file or pictures: /check, store, or be told no."""
    user = message.from_user
    if user is None:
        return
    if any(is_check_caption(p.caption) for p in pages):
        store = False
    elif user.id in context.bot_data.settings.admin_ids:
        store = True
    else:
        if message.chat.type == ChatType.PRIVATE:
            await message.reply_text(NOT_ADMIN)
        return
    if message.document is not None and not is_page_picture(message):
        await process_document(message, message.document, context, store=store)
    else:
        await process_pages(message, pages, context, store=store)


async def check_command(update: Update, context: BotContext) -> None:
    """/check replying to a file: the same parse and validation as an upload, nothing stored."""
    message = update.effective_message
    if message is None:
        return
    replied = message.reply_to_message
    if replied is None or (replied.document is None and not replied.photo):
        limit = context.bot_data.services.max_upload_mb
        await message.reply_text(CHECK_USAGE.format(limit=limit))
        return
    if is_page_picture(replied):
        await process_pages(message, [replied], context, store=False)
    else:
        assert replied.document is not None
        await process_document(message, replied.document, context, store=False)


def register(application: BotApplication) -> None:
    """File uploads and /check."""
    application.add_handler(CommandHandler("check", check_command))
    application.add_handler(
        MessageHandler(filters.Document.ALL | filters.PHOTO, document_received)
    )
