"""nianbao: wiring and the command line. No SQL, no scoring, no reply texts here.

python bot.py chat                       the conversation in this terminal
python bot.py run                        every configured channel: Telegram, WeCom, the web site
python bot.py web [--host H] [--port P]  the public web site
python bot.py ingest PATH...             parse and store reports (files or folders)
python bot.py parse FILE [--json]        parse one report, store nothing
python bot.py ask QUESTION... [--json]   answer questions from the database
python bot.py export OUT [--format csv|xlsx] [--region R] [--year Y]
python bot.py reminders --at 2027-01-24T09:00 [--send]
python bot.py subscribe --wecom-webhook URL KIND SCOPE [--leads 30,14,7]
python bot.py subscriptions              every chat's and robot's subscriptions
python bot.py unsubscribe ID

Settings → engine → services → the subcommand (cli/*) or a channel (handlers/, console.py).
Modules are imported inside the subcommand that needs them, so `bot.py parse` does not load the
database and `bot.py chat` does not load Telegram.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cli import texts
from cli.arguments import ArgumentParser, moment_text, whole_number

try:
    import logs
    from settings import SAMPLES_DIR, Settings
except ModuleNotFoundError as missing:  # a Python without the project's packages (no .venv)
    print(texts.missing_package(missing.name or "?", sys.executable), file=sys.stderr)
    raise SystemExit(2) from None

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from services import Services


def open_engine(settings: Settings, *, seed: bool = True) -> Engine:
    """Open the database and upgrade its schema; fill an empty one with the samples unless
    SEED_SAMPLES=false (or `seed` is off: `ingest` fills it with what it is given)."""
    from store.db import make_engine, upgrade

    engine = make_engine(settings.database_url)
    upgrade(engine)
    if seed and settings.seed_samples:
        started = time.monotonic()
        where = _shown_database(engine)

        def announce(count: int) -> None:
            print(texts.SEEDING.format(count=count, where=where), file=sys.stderr, flush=True)

        stored = _services(settings, engine).seed_if_empty(SAMPLES_DIR, announce=announce)
        if stored:
            seconds = time.monotonic() - started
            print(texts.SEEDED.format(stored=stored, seconds=seconds), file=sys.stderr)
    return engine


def _shown_database(engine: Engine) -> str:
    """The SQLite file as the user would type it (relative when under the working folder)."""
    if engine.url.get_backend_name() != "sqlite" or not engine.url.database:
        return engine.url.render_as_string(hide_password=True)
    path = Path(engine.url.database).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _services(settings: Settings, engine: Engine) -> Services:
    from services import Services

    return Services(engine, max_upload_mb=settings.max_upload_mb)


def open_services(settings: Settings) -> Services:
    return _services(settings, open_engine(settings))


def cmd_parse(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from cli.progress import ocr_progress_bar
    from parsers import parse_file, parse_images
    from parsers.model import ParseError
    from parsers.summary import summary_text

    paths = [Path(f) for f in args.file]
    with ocr_progress_bar() as progress:
        try:
            if len(paths) == 1:
                report = parse_file(paths[0], progress=progress)
            else:
                pages = [_read_picture(p) for p in paths]
                report = parse_images(pages, filename=paths[0].name, progress=progress)
        except ParseError as err:
            print(f"错误：{err}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(summary_text(report))
    return 0


def _read_picture(path: Path) -> bytes:
    """One page photo named to `parse` (parse_images refuses what is not a picture)."""
    from parsers.model import ParseError

    try:
        return path.read_bytes()
    except FileNotFoundError as err:
        raise ParseError(f"找不到文件：{path}") from err
    except OSError as err:
        raise ParseError(f"无法读取文件：{path}") from err


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from cli.ingest import ingest_paths

    engine = open_engine(settings, seed=False)
    return ingest_paths(engine, [Path(p) for p in args.paths], workers=args.workers)


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from cli import export

    return export.run(
        lambda: open_engine(settings),
        Path(args.out),
        fmt=args.format,
        region=args.region,
        year=args.year,
    )


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    import json

    services = open_services(settings)
    for question in args.question:
        answer = services.ask(question)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            print(answer.text)
    return 0


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    from console import run_console

    return run_console(open_services(settings), stdin=sys.stdin, stdout=sys.stdout)


def _web_server(settings: Settings, services, host: str, port: int):  # type: ignore[no-untyped-def]
    """The public site over the same use cases as the chat channels."""
    from web.app import build_app
    from web.server import WebServer

    app = build_app(services, services.browser, rate_limit=settings.web_rate_limit)
    return WebServer(
        app, host=host, port=port, forwarded_allow_ips=settings.web_forwarded_allow_ips
    )


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Every configured channel in one process: Telegram when its token is set, the WeCom app
    when WECOM_* are set, the web site when WEB_PORT is set (on a thread of its own), and the
    WeCom group robots' reminders always (they need no credentials)."""
    from reminders.schedule import WECOM
    from wecom import texts as wecom_texts
    from wecom.runner import WeComRunner

    services = open_services(settings)
    channels = (settings.telegram_bot_token, settings.web_port, settings.wecom_app_configured)
    if not any(channels) and not services.plans(WECOM):
        hint = (
            "错误：未设置 TELEGRAM_BOT_TOKEN、WECOM_*（企业微信应用）或 WEB_PORT，"
            "也没有群机器人订阅；不接聊天渠道时请用 python bot.py chat 或 python bot.py web"
        )
        print(hint, file=sys.stderr)
        return 2
    services.warm()
    web = None
    if settings.web_port is not None:
        web = _web_server(settings, services, settings.web_host, settings.web_port)
        web.start()
    telegram = settings.telegram_bot_token is not None
    wecom = WeComRunner(settings, services, robots=not telegram)
    try:
        if not telegram:
            try:
                wecom.run()  # in the foreground, until SIGINT or SIGTERM
            except OSError as err:  # the callback port is taken, or not ours to listen on
                print(wecom_texts.callback_unavailable(settings, err), file=sys.stderr)
                return 2
            finally:
                services.close()
            return 0
        from telegram.error import NetworkError

        from handlers.app import (
            TelegramUnavailable,
            build_application,
            run_application,
            telegram_username,
        )

        try:
            username = telegram_username(settings)
        except TelegramUnavailable as err:
            print(texts.telegram_unavailable(settings, err.kind, err.detail), file=sys.stderr)
            services.close()
            return 2
        application = build_application(settings, services)
        _robot_job(application, services)
        try:
            wecom.start()
        except OSError as err:
            print(wecom_texts.callback_unavailable(settings, err), file=sys.stderr)
            return 2
        print(texts.telegram_started(settings, username), file=sys.stderr, flush=True)
        try:
            run_application(application, settings)  # its post_shutdown closes the services
        except NetworkError as err:  # reachable a moment ago, gone while starting
            print(texts.telegram_unavailable(settings, "network", str(err)), file=sys.stderr)
            return 2
        finally:
            wecom.stop()
    finally:
        if web is not None:
            web.stop()
    return 0


def _robot_job(application, services) -> None:  # type: ignore[no-untyped-def]
    """With Telegram running, its JobQueue is the process's one scheduler: WeCom robots'
    reminders are a minute job there, beside the Telegram reminder jobs."""
    from wecom.delivery import TICK, RobotReminders

    reminders = RobotReminders(services, clock=services.now)
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        reminders.job, interval=TICK, first=1, name="wecom:robots",
        job_kwargs={"coalesce": True, "max_instances": 1},
    )  # fmt: skip
    application.post_stop = reminders.close


def cmd_web(settings: Settings, args: argparse.Namespace) -> int:
    host = args.host or settings.web_host
    port = args.port or settings.web_port or 8000
    services = open_services(settings)
    services.warm()
    _web_server(settings, services, host, port).run()
    return 0


def cmd_reminders(settings: Settings, args: argparse.Namespace) -> int:
    from cli import reminders

    return reminders.run(settings, lambda: open_services(settings), at=args.at, send=args.send)


def cmd_subscribe(settings: Settings, args: argparse.Namespace) -> int:
    from cli import subscriptions

    return subscriptions.subscribe(
        lambda: open_services(settings),
        webhook=args.wecom_webhook,
        kind=args.kind,
        scope=args.scope,
        leads=args.leads,
    )


def cmd_subscriptions(settings: Settings, args: argparse.Namespace) -> int:
    from cli import subscriptions

    return subscriptions.listing(lambda: open_services(settings))


def cmd_unsubscribe(settings: Settings, args: argparse.Namespace) -> int:
    from cli import subscriptions

    return subscriptions.unsubscribe(lambda: open_services(settings), args.id)


def build_parser(prog: str = "bot.py") -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog=prog,
        description="政府信息公开工作年度报告问答机器人。make run 在终端里对话。",
        epilog="每个命令都有 --help，例如 python bot.py export --help。",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, title="命令", metavar="命令", help="下列之一"
    )

    def add(
        name: str, func: Callable[[Settings, argparse.Namespace], int], text: str
    ) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.set_defaults(func=func)
        return cmd

    add("chat", cmd_chat, "在终端里对话（与 Telegram 中相同的问答）")
    add("run", cmd_run, "启动已配置的渠道：Telegram、企业微信（应用与群机器人提醒）、网页")

    web = add("web", cmd_web, "启动公众查询网页（只读）")
    web.add_argument("--host", default=None, help="监听地址（默认 WEB_HOST，即 127.0.0.1）")
    web.add_argument(
        "--port", type=whole_number, default=None, help="端口（默认 WEB_PORT，或 8000）"
    )

    ingest = add("ingest", cmd_ingest, "解析并入库年报文件或文件夹（递归）")
    ingest.add_argument("paths", nargs="+", metavar="路径", help="年报文件或文件夹")
    ingest.add_argument(
        "--workers", type=whole_number, default=None, help="解析进程数（默认：CPU 核数）"
    )

    parse = add("parse", cmd_parse, "解析一份年报并输出摘要（不入库）")
    parse.add_argument(
        "file",
        nargs="+",
        metavar="文件",
        help="PDF、Word、网页、Markdown 或文本文件；或一份年报各页的照片（PNG/JPEG，按页序）",
    )
    parse.add_argument("--json", action="store_true", help="输出 JSON")

    ask = add("ask", cmd_ask, "回答问题（每个参数是一个问题，含空格时请加引号）")
    ask.add_argument("question", nargs="+", metavar="问题", help="例如 “金安区 2020 申请数量”")
    ask.add_argument("--json", action="store_true", help="每个回答一行 JSON")

    export = add("export", cmd_export, "导出年报数据为 Excel 或 CSV（每份年报一行）")
    export.add_argument("out", metavar="输出文件", help="如 年报.xlsx 或 年报.csv")
    export.add_argument(
        "--format", choices=("csv", "xlsx"), default=None, help="格式（默认按文件后缀）"
    )
    export.add_argument("--region", default=None, metavar="地区", help="只导出该地区，如 淮安市")
    export.add_argument(
        "--year", type=whole_number, default=None, metavar="年度", help="只导出该年度"
    )

    reminders = add("reminders", cmd_reminders, "列出某一时刻到期的提醒（默认只预览）")
    reminders.add_argument(
        "--at",
        required=True,
        type=moment_text,
        metavar="时刻",
        help="如 2027-01-24T09:00（北京时间）",
    )
    reminders.add_argument(
        "--send", action="store_true", help="真的发送（只需所发渠道的凭据：群机器人不需要）"
    )

    subscribe = add("subscribe", cmd_subscribe, "为企业微信群机器人订阅截止提醒")
    subscribe.add_argument(
        "--wecom-webhook", required=True, metavar="URL", help="群机器人的 webhook 地址"
    )
    subscribe.add_argument("kind", metavar="类型", help="部门 | 政府 | M月D日")
    subscribe.add_argument("scope", metavar="范围", help="一个地区，或用逗号分隔的单位名称")
    subscribe.add_argument(
        "--leads", default=None, metavar="天数", help="提前天数，如 30,14,7（默认 30,14,7,3,1）"
    )
    add("subscriptions", cmd_subscriptions, "列出所有聊天和群机器人的订阅（含编号与下次提醒）")
    unsubscribe = add("unsubscribe", cmd_unsubscribe, "按编号取消一项订阅")
    unsubscribe.add_argument("id", type=whole_number, metavar="编号")
    return parser


def dispatch(argv: Sequence[str], settings: Settings) -> int:
    """Run one subcommand with these settings (tests call this in-process)."""
    args = build_parser().parse_args(argv)
    result: int = args.func(settings, args)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    from pydantic import ValidationError

    argv = sys.argv[1:] if argv is None else argv
    prog = "nianbao" if Path(sys.argv[0]).name == "nianbao" else "bot.py"
    build_parser(prog).parse_args(argv)  # --help and usage errors before reading the environment
    try:
        settings = Settings()
    except ValidationError as err:
        print(texts.bad_settings(err.errors()), file=sys.stderr)
        return 2
    logs.configure(settings.log_level, secrets=settings.secrets())
    try:
        return dispatch(argv, settings)
    except BrokenPipeError:  # `bot.py ask … | head -1`: the reader has what it wanted
        from console import discard_output

        discard_output(sys.stdout)
        return 0
    except Exception as err:  # a full disk or a stopped server: two lines, not a traceback
        from store.faults import NOTHING_LOST, STORAGE_FAULT, storage_fault

        fault = storage_fault(err)
        if fault is None:
            raise
        print(f"错误：{fault}。\n{NOTHING_LOST}", file=sys.stderr)
        return STORAGE_FAULT


if __name__ == "__main__":
    sys.exit(main())
