"""The human-readable summary `python bot.py parse FILE` prints (Chinese)."""

from __future__ import annotations

from parsers.model import ParsedReport

_FORMATS = {
    "text": "纯文本",
    "markdown": "Markdown",
    "html": "网页",
    "docx": "Word",
    "doc": "Word 97",
    "pdf": "PDF",
}
_LEVELS = {"government": "政府", "department": "部门"}


def summary_text(report: ParsedReport) -> str:
    """Agency, region, year, template, counts, failed checks and warnings, one per line."""
    variant = "（其他处理为单行）" if report.single_other_row else ""
    lines = [
        f"机关：{report.agency}",
        *([f"别名：{'、'.join(report.agency_aliases)}"] if report.agency_aliases else []),
        f"地区：{report.region.name or '未识别'}",
        f"层级：{_LEVELS.get(report.level or '', '未判断')}",
        f"年度：{report.year}",
        f"模板：{report.template} 版{variant}",
        f"格式：{_FORMATS.get(report.format, report.format)}",
        *([f"发布日期：{report.published_on.isoformat()}"] if report.published_on else []),
        f"单元格：{len(report.cells)} 个（已取值 {len(report.figures)} 个）",
    ]
    ambiguous = sorted(k for k, c in report.cells.items() if c.value is None)
    if ambiguous:
        lines.append(f"无法确定的单元格：{len(ambiguous)} 个")
        for key in ambiguous:
            candidates = "、".join(str(v) for v in report.cells[key].candidates) or "过多"
            lines.append(f"  - {key}：候选 {candidates}")
    failed = [c for c in report.checks if not c.ok]
    passed = sorted({c.rule for c in report.checks if c.ok})
    lines.append(f"校验：通过 {'、'.join(passed) or '无'}；未通过 {len(failed)} 项")
    lines += [f"  ✗ {c.rule} {c.message}" for c in failed]
    if report.warnings:
        lines.append("提示：")
        lines += [f"  - {w}" for w in report.warnings]
    return "\n".join(lines)
