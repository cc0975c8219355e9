"""Report files sent to the bot: admins' uploads are parsed, validated and stored; `/check`
(as a file's caption, or replying to a file) validates without storing, for anyone."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import TYPE_CHECKING, cast

from telegram import Document, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from handlers.questions import settings_of
from handlers.replies import reply_text
from parsers import parse_bytes
from parsers.model import ParsedReport, ParseError
from parsers.summary import summary_text
from store.ingest import write_report

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

OUTCOME_WORDS = {
    "new": "已入库（新增）",
    "replaced": "已入库，替换了同单位同年度的旧版本",
    "unchanged": "与已入库的文件相同，未作改动",
}


def is_check_caption(caption: str | None) -> bool:
    """True when a caption starts with the /check command (also /check@botname)."""
    if not caption or not caption.startswith("/"):
        return False
    return caption.split()[0].split("@")[0].lower() == "/check"


def too_big_text(*, size: int | None, max_upload_mb: int) -> str:
    got = f"（{size / 1024 / 1024:.1f} MB）" if size else ""
    return f"文件太大{got}：上传上限为 {max_upload_mb} MB。请压缩或拆分后再发。"


def check_verdict(report: ParsedReport) -> str:
    """First line of a check reply: passed, or how many rules failed."""
    failed = [c for c in report.checks if not c.ok]
    return f"⚠️ 有 {len(failed)} 项校验未通过" if failed else "✅ 校验全部通过"


def check_reply(report: ParsedReport, file_name: str) -> str:
    """The /check reply: verdict and the parse summary, clearly marked as not stored."""
    head = f"发布前检查（未入库）：{file_name}\n{check_verdict(report)}"
    return f"{head}\n\n{summary_text(report)}"


def ingest_reply(report: ParsedReport, status: str, file_name: str) -> str:
    """The upload reply: what happened in the database, verdict and the parse summary."""
    head = f"{OUTCOME_WORDS.get(status, status)}：{file_name}\n{check_verdict(report)}"
    return f"{head}\n\n{summary_text(report)}"


def _check(data: bytes, file_name: str) -> str:
    return check_reply(parse_bytes(data, filename=file_name), file_name)


def _ingest(engine: Engine, data: bytes, file_name: str) -> str:
    """Parse once (ParseError before touching the database), then store in one transaction;
    the same bytes again are reported as unchanged."""
    report = parse_bytes(data, filename=file_name)
    sha = hashlib.sha256(data).hexdigest()
    outcome = write_report(engine, report, source_name=file_name, data_sha256=sha)
    return ingest_reply(report, outcome.status, file_name)


async def _download(message: Message, document: Document, limit_mb: int) -> bytes | None:
    """The file's bytes, or None after telling the user why not (too big, not downloadable)."""
    limit = limit_mb * 1024 * 1024
    if document.file_size is not None and document.file_size > limit:
        await message.reply_text(too_big_text(size=document.file_size, max_upload_mb=limit_mb))
        return None
    try:
        file = await document.get_file()
    except BadRequest as err:  # the public Bot API serves files up to 20 MB only
        log.warning("getFile failed for %s: %s", document.file_name, err)
        await message.reply_text("无法下载该文件（Telegram 限制文件下载大小）。请压缩后再发。")
        return None
    data = bytes(await file.download_as_bytearray())
    if len(data) > limit:
        await message.reply_text(too_big_text(size=len(data), max_upload_mb=limit_mb))
        return None
    return data


async def process_document(
    message: Message, document: Document, context: ContextTypes.DEFAULT_TYPE, *, store: bool
) -> None:
    """Download, parse and validate off the event loop; store only when `store` is set."""
    settings = settings_of(context)
    data = await _download(message, document, settings.max_upload_mb)
    if data is None:
        return
    name = document.file_name or "未命名文件"
    try:
        if store:
            engine = cast("Engine", context.bot_data["engine"])
            text = await asyncio.to_thread(_ingest, engine, data, name)
        else:
            text = await asyncio.to_thread(_check, data, name)
    except ParseError as err:
        text = f"无法读取 {name}：{err}"
    await reply_text(message, text)


async def document_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file: checked when captioned /check, stored when an admin sent it, else refused
    (in private chats; in groups other people's files are none of the bot's business)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or message.document is None or user is None:
        return
    if is_check_caption(message.caption):
        await process_document(message, message.document, context, store=False)
    elif user.id in settings_of(context).admin_ids:
        await process_document(message, message.document, context, store=True)
    elif message.chat.type == ChatType.PRIVATE:
        await message.reply_text(
            "抱歉，只有管理员上传的年报才会入库。"
            "如需发布前检查，请在文件附言中写 /check（只校验，不入库）。"
        )


async def check_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/check replying to a file: the same parse and validation as an upload, nothing stored."""
    message = update.effective_message
    if message is None:
        return
    replied = message.reply_to_message
    if replied is None or replied.document is None:
        limit = settings_of(context).max_upload_mb
        await message.reply_text(
            "用法：发送年报文件并在附言中写 /check，或回复一条带文件的消息发 /check。"
            f"只做发布前校验，不入库；文件不超过 {limit} MB。"
        )
        return
    await process_document(message, replied.document, context, store=False)


def register(application: Application) -> None:
    """File uploads and /check."""
    application.add_handler(CommandHandler("check", check_command))
    application.add_handler(MessageHandler(filters.Document.ALL, document_received))
