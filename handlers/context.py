"""What every Telegram handler gets: `context.bot_data` is a `BotData`, not a dict of strings.

PTB builds `bot_data` itself (ContextTypes(bot_data=BotData), no arguments), and
`build_application` fills it before anything runs; handlers read `context.bot_data.services`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

if TYPE_CHECKING:
    from services import Services
    from settings import Settings


class BotData:
    """The application's shared state: the use cases, the settings, and the reminders the
    scheduler has already logged as missed (so that each is logged once)."""

    services: Services
    settings: Settings

    def __init__(self) -> None:
        self.missed_logged: set[str] = set()


BotContext = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
# The context's own `application` is typed loosely by PTB; its bot data is what matters.
BotApplication = Application[Any, Any, Any, Any, BotData, Any]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
