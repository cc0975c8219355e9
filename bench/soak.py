"""Soak: many users asking at once through the deployed path (issue #11).

    python bench/soak.py [--users 50] [--rate 25] [--seconds 60]

`bot.py run` (the real python-telegram-bot Application, long polling) runs as a child process
against the fake Bot API on 127.0.0.1 over a fresh SQLite file holding the bundled samples.
`--users` private chats take turns asking at `--rate` questions a second in all (below Telegram's
~30 messages a second; each user asks every users/rate seconds, under its 1 a second) for
`--seconds`. The questions are the kinds people ask (a figure, a series, a comparison, a ranking,
a computed figure, a prose fact, a refusal, help), each answered with one text message.

Printed: questions asked and answered (every one must be), reply time from the moment the update
was queued to the moment the server received the bot's sendMessage (p50 / p99 / max), and the
bot process's resident memory after a warm-up question, after the load, and its peak (VmHWM).
The run is bounded: after the last question it waits at most 60 s for the replies, then fails.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from replies import ERROR, UNAVAILABLE  # noqa: E402
from tests.helpers.bot_driver import BotDriver  # noqa: E402
from tests.helpers.fake_bot_api import FakeBotApi  # noqa: E402

QUESTIONS = [
    "金安区 2020 申请数量",
    "平潭 2023 自然人申请多少",
    "淮安市 2024 行政复议 结果维持",
    "洪泽区 2023 到 2024 申请数量",
    "平潭 历年 主动公开 规章",
    "平潭 2023 和 2021 申请数量 相比增加了多少",
    "淮安市2024年主动公开了多少条信息",
    "上海市人民政府办公厅 2019 采购总金额",
    "平潭 2025 予以公开占比",
    "洪泽区 2024 GDP",
    "北京市 2024 申请数量",
    "/help",
]
DRAIN_SECONDS = 60.0
FIRST_USER = 2001


def rss_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def replies_by_chat(api: FakeBotApi) -> dict[int, list[float]]:
    """Arrival times of the bot's sendMessage calls, per chat, in order."""
    found: dict[int, list[float]] = {}
    for request in api.calls("sendMessage"):
        found.setdefault(int(request.params["chat_id"]), []).append(request.at)
    return found


def wait_replies(api: FakeBotApi, expected: dict[int, int], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = replies_by_chat(api)
        if all(len(got.get(chat, [])) >= n for chat, n in expected.items()):
            return True
        time.sleep(0.2)
    return False


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=25.0, help="questions a second in all")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, FakeBotApi() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": f"sqlite:///{tmp}/soak.sqlite3",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("WEBHOOK_URL", None)
        subprocess.run(
            [sys.executable, str(ROOT / "bot.py"), "ingest", str(ROOT / "samples")],
            env=env,
            cwd=tmp,
            check=True,
            capture_output=True,
        )
        env["SEED_SAMPLES"] = "false"
        driver = BotDriver(None, api)
        bot = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py"), "run"],
            env=env,
            cwd=tmp,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            warm_chat = FIRST_USER - 1
            api.queue_update({"message": driver.message(QUESTIONS[0], chat_id=warm_chat)})
            api.wait_for("sendMessage", timeout=120)
            before = rss_kib(bot.pid)
            cpu_before = cpu_seconds(bot.pid)
            api.clear()

            users = [FIRST_USER + i for i in range(args.users)]
            total = int(args.rate * args.seconds)
            asked: dict[int, list[float]] = {u: [] for u in users}
            kinds = itertools.cycle(QUESTIONS)
            start = time.monotonic()
            for i, user in zip(range(total), itertools.cycle(users), strict=False):
                due = start + i / args.rate
                if (pause := due - time.monotonic()) > 0:
                    time.sleep(pause)
                asked[user].append(time.monotonic())
                api.queue_update({"message": driver.message(next(kinds), chat_id=user)})
            load_seconds = time.monotonic() - start
            complete = wait_replies(api, {u: len(t) for u, t in asked.items()}, DRAIN_SECONDS)
            after = rss_kib(bot.pid)
            cpu = cpu_seconds(bot.pid) - cpu_before
        finally:
            bot.send_signal(signal.SIGTERM)
            _, stderr = bot.communicate(timeout=60)

    got = replies_by_chat(api)
    delays = [
        (reply - sent) * 1000
        for user, times in asked.items()
        for sent, reply in zip(times, got.get(user, []), strict=False)
    ]
    answered = sum(min(len(t), len(got.get(u, []))) for u, t in asked.items())
    errors = [line for line in stderr.splitlines() if "ERROR" in line or "Traceback" in line]
    failed = [
        r for r in api.calls("sendMessage") if r.params["text"] in (ERROR, UNAVAILABLE)
    ]  # a reply, but the generic error or the outage sentence: not an answer
    print(
        f"{args.users} users, {total} questions in {load_seconds:.1f} s "
        f"({total / load_seconds:.1f} a second), bot exit {bot.returncode}"
    )
    print(f"answered: {answered} / {total}{'' if complete else ' — NOT ALL ANSWERED'}")
    if delays:
        print(
            f"reply time ms: p50 {percentile(delays, 50):.0f}  p99 {percentile(delays, 99):.0f}  "
            f"max {max(delays):.0f}"
        )
    print(
        f"bot CPU: {cpu:.1f} s for {total} questions ({cpu / total * 1000:.1f} ms each; "
        f"one core keeps up with {total / cpu:.0f} a second)"
    )
    print(
        f"bot memory MB: before {before['VmRSS'] / 1024:.0f}  after {after['VmRSS'] / 1024:.0f}  "
        f"peak {after['VmHWM'] / 1024:.0f}"
    )
    print(f"error replies: {len(failed)}  error log lines: {len(errors)}")
    for line in errors[:5]:
        print("  " + line)
    return 0 if complete and not failed and not errors and bot.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
