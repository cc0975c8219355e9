"""Building and running the Telegram Application: rate limiting with retries, the command menu,
reminders re-armed at start, the error handler, polling or webhook, and a clean stop that
releases the reminder scheduler's lock and the database connections."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TimedOut
from telegram.ext import AIORateLimiter, Application, Defaults

import handlers.documents
import handlers.questions
import handlers.reminders
import handlers.reports
import replies
from commands import menu_entries
from handlers import jobs
from handlers.context import CONTEXT_TYPES, BotApplication, BotContext
from services import Services
from settings import Settings

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 16
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
NETWORK_RETRY_DELAYS = (0.5, 2.0, 5.0)  # seconds before each retry of a failed request


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (flood limits, RetryAfter) that also retries requests that failed on the
    network (connection refused or reset, 502). Timeouts are not retried: the request may have
    arrived, and resending a message would duplicate it. BadRequest is a NetworkError subclass
    in PTB but a retry cannot fix it."""

    def __init__(self, *, delays: tuple[float, ...] = NETWORK_RETRY_DELAYS) -> None:
        super().__init__(max_retries=3)
        self._delays = delays

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for delay in (*self._delays, None):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (BadRequest, TimedOut):
                raise
            except NetworkError as err:
                if delay is None:
                    raise
                log.warning("%s failed (%s); retrying in %.1f s", endpoint, err, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the loop returns or raises


async def on_error(update: object, context: BotContext) -> None:
    """Log the traceback; tell the user something went wrong, without any details. A database
    that cannot be reached is an outage, not a bug: one line in the log, and the user is told
    to try again later."""
    if update is None and isinstance(context.error, NetworkError):
        # polling hiccups: PTB retries getUpdates itself, a traceback would only be noise
        log.warning("Network error while polling: %s", context.error)
        return
    outage = context.bot_data.services.is_outage(context.error)
    if outage:
        log.warning("database unavailable while handling an update: %s", context.error)
    else:
        log.error("Error while handling %r", update, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        text = replies.UNAVAILABLE if outage else replies.ERROR
        try:
            await context.bot.send_message(update.effective_chat.id, text)
        except Exception:  # the error may be that we cannot send at all
            log.exception("Could not tell the user about the error")


async def post_init(application: BotApplication) -> None:
    """At start: the command menu from the registry, then the reminders from the database."""
    await application.bot.set_my_commands(menu_entries())
    await jobs.rearm(application, now=application.bot_data.services.now())


async def post_shutdown(application: BotApplication) -> None:
    """After the last update and job: let another process take over the reminders (the
    PostgreSQL advisory lock) and close the database connections."""
    await asyncio.to_thread(application.bot_data.services.close)


def build_application(settings: Settings, services: Services) -> BotApplication:
    """The bot with every handler registered; `bot_data` (a BotData) holds the services."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .context_types(CONTEXT_TYPES)
        .rate_limiter(RetryingRateLimiter())
        # a group question deleted before the answer arrives must not fail the answer
        .defaults(Defaults(allow_sending_without_reply=True))
        # a slow upload being parsed must not hold up everyone else's questions
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url).base_file_url(
            str(settings.telegram_file_base_url)
        )
    application: BotApplication = builder.build()
    application.bot_data.services = services
    application.bot_data.settings = settings
    for module in (handlers.questions, handlers.reports, handlers.documents, handlers.reminders):
        module.register(application)
    handlers.questions.register_fallback(application)
    application.add_error_handler(on_error)
    return application


def webhook_secret(token: str) -> str:
    """A secret Telegram sends with every webhook call, derived from the token so that no
    extra setting is needed and only Telegram can post updates."""
    return hashlib.sha256(f"nianbao-webhook:{token}".encode()).hexdigest()


def webhook_options(settings: Settings, token: str) -> dict[str, Any]:
    """Arguments of `run_webhook`/`start_webhook`: the URL's path is the local listening path."""
    if not settings.webhook_url:
        raise ValueError("WEBHOOK_URL is not set")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlsplit(settings.webhook_url).path.strip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": webhook_secret(token),
        "allowed_updates": Update.ALL_TYPES,
    }


def run_application(application: BotApplication, settings: Settings) -> None:
    """Long polling, or a webhook server when WEBHOOK_URL is set (blocks until stopped)."""
    if settings.webhook_url:
        options = webhook_options(settings, application.bot.token)
        where = f"{options['listen']}:{options['port']}"
        log.info("Webhook mode: %s (listening on %s)", options["webhook_url"], where)
        application.run_webhook(**options)
    else:
        log.info("Long polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES)


class TelegramUnavailable(Exception):
    """getMe failed before the bot started: `kind` is "token" (Telegram refused the token),
    "timeout" or "network"; `detail` is the library's own words (never the token)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def telegram_username(settings: Settings) -> str:
    """Ask the Bot API who the bot is, once and without retries, so that `bot.py run` can say
    in one line that Telegram is out of reach (as it is from mainland China) or the token is
    wrong, instead of a traceback from deep inside polling."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    token = settings.telegram_bot_token.get_secret_value()

    async def probe() -> str:
        bot = Bot(token, base_url=settings.telegram_api_base_url or DEFAULT_API_BASE_URL)
        async with bot:  # initialize() calls getMe
            return bot.username

    try:
        return asyncio.run(probe())
    except InvalidToken:  # its message quotes the token: not a word of it goes on
        raise TelegramUnavailable("token", "") from None
    except TimedOut:
        raise TelegramUnavailable("timeout", "") from None
    except NetworkError as err:  # refused, reset, DNS, a proxy's 502 …
        raise TelegramUnavailable("network", str(err).replace(token, "«secret»")) from None
