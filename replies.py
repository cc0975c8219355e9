"""Reply sentences of the use cases in services.py, the same in every channel (Telegram, WeCom,
the web page, the terminal): uploads and checks, file sizes, the generic error, an outage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from parsers.summary import summary_text

if TYPE_CHECKING:
    from parsers.model import ParsedReport
    from query import Choice
    from store.writer import IngestOutcome

ERROR = "抱歉，处理您的消息时出了点问题，请稍后再试。"
# The database cannot be reached (stopped, restarting, network): nothing is wrong with the request.
UNAVAILABLE = "服务暂时不可用，请稍后再试"
OUTCOME_WORDS = {
    "new": "已入库（新增）",
    "replaced": "已入库，替换了同单位同年度的旧版本",
    "archived": "已存档：同单位同年度已有读得更好或更新的版本，问答仍用那一份",
    "unchanged": "与已入库的文件相同，未作改动",
}
UNNAMED_FILE = "未命名文件"


def check_verdict(report: ParsedReport) -> str:
    """First line after the file name: passed, or how many rules failed."""
    failed = [c for c in report.checks if not c.ok]
    return f"⚠️ 有 {len(failed)} 项校验未通过" if failed else "✅ 校验全部通过"


def check_text(report: ParsedReport, file_name: str) -> str:
    """The reply to a pre-publication check: verdict and parse summary, marked as not stored."""
    head = f"发布前检查（未入库）：{file_name}\n{check_verdict(report)}"
    return f"{head}\n\n{summary_text(report)}"


def ingest_text(report: ParsedReport, status: str, file_name: str) -> str:
    """The reply to an upload: what happened in the database, verdict and the parse summary."""
    head = f"{OUTCOME_WORDS.get(status, status)}：{file_name}\n{check_verdict(report)}"
    return f"{head}\n\n{summary_text(report)}"


def unchanged_text(outcome: IngestOutcome, file_name: str) -> str:
    """The reply to bytes stored before: which report they are, and whether still current."""
    later = "" if outcome.current else "（问答用的是同单位同年度的另一版本）"
    head = f"{OUTCOME_WORDS['unchanged']}：{file_name}"
    return f"{head}\n{outcome.agency} {outcome.year} 年度年报{later}"


def ocr_progress_text(done: int, total: int) -> str:
    """The one message a channel edits while a scan is read, page by page."""
    return f"正在识别扫描件（第 {min(done + 1, total)}/{total} 页）…"


def unreadable_text(file_name: str, reason: str) -> str:
    return f"无法读取 {file_name}：{reason}"


def too_big_text(*, size: int | None, max_upload_mb: int) -> str:
    got = f"（{size / 1024 / 1024:.1f} MB）" if size else ""
    return f"文件太大{got}：上传上限为 {max_upload_mb} MB。请压缩或拆分后再发。"


def choices_text(choices: Sequence[Choice]) -> str:
    """Numbered alternatives for channels without buttons (terminal, WeCom): typing a number
    picks one."""
    lines = ["输入编号选择："]
    lines += [f"  {number}. {choice.label}" for number, choice in enumerate(choices, start=1)]
    return "\n".join(lines)
