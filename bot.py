"""nianbao: wiring and the command line. No SQL, no scoring, no reply texts here.

python bot.py chat                       the conversation in this terminal
python bot.py run                        the Telegram bot and/or the web site (WEB_PORT)
python bot.py web [--host H] [--port P]  the public web site
python bot.py ingest PATH...             parse and store reports (files or folders)
python bot.py parse FILE [--json]        parse one report, store nothing
python bot.py ask QUESTION... [--json]   answer questions from the database
python bot.py export OUT [--format csv|xlsx] [--region R] [--year Y]
python bot.py reminders --at 2027-01-24T09:00 [--send]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import logs
from settings import SAMPLES_DIR, Settings

log = logging.getLogger("nianbao")


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    """Open the database, upgrade its schema, and fill an empty default database with samples."""
    from store.db import make_engine, upgrade
    from store.ingest import seed_if_empty

    engine = make_engine(settings.database_url)
    upgrade(engine)
    if settings.seed_samples:
        seed_if_empty(engine, SAMPLES_DIR)
    return engine


def cmd_parse(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from parsers import parse_file
    from parsers.model import ParseError
    from parsers.summary import summary_text

    try:
        report = parse_file(Path(args.file))
    except ParseError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(summary_text(report))
    return 0


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from store.db import make_engine, upgrade
    from store.ingest import ingest_paths

    engine = make_engine(settings.database_url)
    upgrade(engine)
    return ingest_paths(engine, [Path(p) for p in args.paths], workers=args.workers)


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from store.export import export_reports

    engine = _engine(settings)
    try:
        count = export_reports(
            engine, Path(args.out), fmt=args.format, region=args.region, year=args.year
        )
    except (ValueError, OSError) as err:  # unknown format, unwritable path
        print(f"错误：{err}", file=sys.stderr)
        return 2
    print(f"已导出 {count} 份年报到 {args.out}")
    return 0


def _services(settings: Settings):  # type: ignore[no-untyped-def]
    from services import Services

    return Services(_engine(settings), max_upload_mb=settings.max_upload_mb)


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    import json

    services = _services(settings)
    for question in args.question:
        answer = services.ask(question)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            print(answer.text)
    return 0


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    from console import run_console

    return run_console(_services(settings), stdin=sys.stdin, stdout=sys.stdout)


def _web_server(settings: Settings, services, host: str, port: int):  # type: ignore[no-untyped-def]
    """The public site over the same use cases as the chat channels."""
    from store.browse import Browser
    from web.app import build_app
    from web.server import WebServer

    app = build_app(services, Browser(services.engine), rate_limit=settings.web_rate_limit)
    return WebServer(
        app, host=host, port=port, forwarded_allow_ips=settings.web_forwarded_allow_ips
    )


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Every configured channel in one process: Telegram when its token is set, the web site
    when WEB_PORT is set (on a thread of its own beside the bot)."""
    if settings.telegram_bot_token is None and settings.web_port is None:
        hint = (
            "错误：未设置 TELEGRAM_BOT_TOKEN 或 WEB_PORT；"
            "不接 Telegram 时请用 python bot.py chat 或 python bot.py web"
        )
        print(hint, file=sys.stderr)
        return 2
    services = _services(settings)
    web = None
    if settings.web_port is not None:
        web = _web_server(settings, services, settings.web_host, settings.web_port)
    if settings.telegram_bot_token is None:
        assert web is not None
        web.run()
        return 0
    from handlers.app import build_application, run_application

    application = build_application(settings, services.engine)
    if web is not None:
        web.start()
    try:
        run_application(application, settings)
    finally:
        if web is not None:
            web.stop()
    return 0


def cmd_web(settings: Settings, args: argparse.Namespace) -> int:
    host = args.host or settings.web_host
    port = args.port or settings.web_port or 8000
    _web_server(settings, _services(settings), host, port).run()
    return 0


def cmd_reminders(settings: Settings, args: argparse.Namespace) -> int:
    from reminders.cli import due_report

    tz = ZoneInfo(settings.tz)
    at = datetime.fromisoformat(args.at)
    at = at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)
    return due_report(settings, _engine(settings), at=at, send=args.send, out=sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="政府信息公开年度报告问答机器人")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable[[Settings, argparse.Namespace], int], text: str):  # type: ignore[no-untyped-def]
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.set_defaults(func=func)
        return cmd

    add("chat", cmd_chat, "在终端里对话（与 Telegram 中相同的问答）")
    add("run", cmd_run, "启动 Telegram 机器人（TELEGRAM_BOT_TOKEN）和/或网页（WEB_PORT）")

    web = add("web", cmd_web, "启动公众查询网页（只读）")
    web.add_argument("--host", default=None, help="监听地址（默认 WEB_HOST，即 127.0.0.1）")
    web.add_argument("--port", type=int, default=None, help="端口（默认 WEB_PORT，或 8000）")

    ingest = add("ingest", cmd_ingest, "解析并入库年报文件或文件夹（递归）")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--workers", type=int, default=None, help="解析进程数（默认：CPU 核数）")

    parse = add("parse", cmd_parse, "解析一份年报并输出摘要（不入库）")
    parse.add_argument("file", metavar="FILE")
    parse.add_argument("--json", action="store_true", help="输出 JSON")

    ask = add("ask", cmd_ask, "回答问题（每个参数是一个问题，含空格时请加引号）")
    ask.add_argument("question", nargs="+", metavar="QUESTION")
    ask.add_argument("--json", action="store_true", help="每个回答一行 JSON")

    export = add("export", cmd_export, "导出年报数据为 CSV 或 Excel（每份年报一行）")
    export.add_argument("out", metavar="OUT")
    export.add_argument("--format", choices=("csv", "xlsx"), default=None)
    export.add_argument("--region", default=None)
    export.add_argument("--year", type=int, default=None)

    reminders = add("reminders", cmd_reminders, "列出某一时刻到期的提醒（默认只预览）")
    reminders.add_argument("--at", required=True, help="时刻，如 2027-01-24T09:00（北京时间）")
    reminders.add_argument("--send", action="store_true", help="真的发送（需要令牌）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    logs.configure(settings.log_level, secrets=settings.secrets())
    result: int = args.func(settings, args)
    return result


if __name__ == "__main__":
    sys.exit(main())
