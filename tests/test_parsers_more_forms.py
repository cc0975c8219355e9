"""More second-hand forms of the real reports (tests/helpers/more_forms.py): markdown from other
converters (no outer bars, other delimiter spellings, spanned header cells written out), text
wrapped at 40 characters, full-width digits and spaces, "—" and "/" in empty cells. Every gold
figure parses exactly, except the known misses named here, and none is ever wrong."""

from __future__ import annotations

import pytest

from parsers import parse_bytes
from parsers.markdown import is_markdown
from tests.fixtures_parsers import load_gold
from tests.helpers import more_forms
from tests.helpers.documents import TEST_DATA, document
from tests.helpers.more_forms import MARKDOWN_FORMS, PUBLISHED, TEXT_FORMS
from tests.helpers.text_forms import pdftotext
from tests.test_parsers_pasted import gold_figures, gold_mismatches

PDFS = ("hongze_district_2023.pdf", "hongze_district_2024.pdf", "huaian_city_2024.pdf")
PASTE_MODES = {"pdftotext": "", "pdftotext -layout": "-layout"}

# 平潭 2019 glues 表二's cells together ("规范性文件898989", "行政许可3960181"): several splits
# keep every rule, so these stay ambiguous in every form (as in the published text itself).
GLUED_AMBIGUOUS = {"proactive.normative.made", "proactive.normative.public_total",
                   "proactive.permit.decisions", "proactive.penalty.decisions"}  # fmt: skip
# 淮安 2024 in pdftotext's reading order: 直接起诉 and 复议后起诉 cannot be told apart
# (tests/test_parsers_pasted.py), candidates given.
LITIGATION = ("litigation.",)
# 洪泽 2023 -layout wrapped at 40: these rows' lines were exactly 80 characters before the wrap,
# so the unwrapping joins each with the next line too and the row is left unread.
JOINED_ROWS = ("apply.new.", "result.partial.", "result.rejected.confirmation.",
               "result.unable.no_info.", "result.withheld.law_prohibited.",
               "result.withheld.total")  # fmt: skip


def known_misses(name: str, form: str) -> set[str]:
    keys = set(gold_figures(name))
    if name == "pingtan_2019.txt":
        return set(GLUED_AMBIGUOUS)
    if name == "huaian_city_2024.pdf" and form.endswith(" pdftotext"):
        return {k for k in keys if k.startswith(LITIGATION)}
    if (name, form) == ("hongze_district_2023.pdf", "wrapped at 40 pdftotext -layout"):
        return {k for k in keys if k.startswith(JOINED_ROWS)}
    return set()


def check(name: str, form: str, text: str) -> None:
    report = parse_bytes(text.encode("utf-8"), filename="pasted.txt")
    entry = load_gold()[name]
    assert (report.agency, report.year) == (entry["agency"], entry["year"])
    wrong, missed = gold_mismatches(report, name)
    assert wrong == {}
    assert missed == known_misses(name, form)


MARKDOWN_FILES = sorted(p.name for p in (TEST_DATA / "markdown").glob("*.md"))
MD_CASES = [(f, form) for f in MARKDOWN_FILES for form in MARKDOWN_FORMS]


@pytest.mark.parametrize(("file", "form"), MD_CASES, ids=[f"{f}-{m}" for f, m in MD_CASES])
def test_markdown_of_other_converters(file: str, form: str) -> None:
    text = MARKDOWN_FORMS[form]((TEST_DATA / "markdown" / file).read_text("utf-8"))
    assert is_markdown(text)
    check(file.split(".")[0] + ".pdf", form, text)


TEXT_CASES = [(n, form) for n in PUBLISHED for form in TEXT_FORMS]


@pytest.mark.parametrize(("name", "form"), TEXT_CASES, ids=[f"{n}-{f}" for n, f in TEXT_CASES])
def test_published_text_retyped(name: str, form: str) -> None:
    check(name, form, TEXT_FORMS[form](document(name).read_text("utf-8")))


PDF_CASES = [(n, form, mode) for n in PDFS for form in ("wrapped at 40", "full width")
             for mode in PASTE_MODES]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "form", "mode"), PDF_CASES, ids=[f"{n[:-4]}-{f}-{m}" for n, f, m in PDF_CASES]
)
def test_pasted_pdf_text_retyped(name: str, form: str, mode: str) -> None:
    text = pdftotext(document(name), PASTE_MODES[mode])
    check(name, f"{form} {mode}", TEXT_FORMS[form](text))


def test_a_single_dash_delimiter_is_not_a_row_of_blank_cells() -> None:
    """marker's 表四 with `|-|-|…` under its header once read as fifteen blank cells (0) —
    the delimiter taken for 表四's values, every cell wrong."""
    text = more_forms.delimiter_variants(
        (TEST_DATA / "markdown" / "huaian_city_2024.marker.md").read_text("utf-8")
    )
    assert "\n|-|-|-|-|-|-|-|-|-|-|-|-|-|-|-|\n" in text
    report = parse_bytes(text.encode("utf-8"))
    assert report.cells["review.total"].value == 351
    assert report.cells["litigation.direct.total"].value == 26
