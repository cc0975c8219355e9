"""docs/fields.md, the copy of the canonical-key reference shipped with the project, names every
prose fact the parser reads and every row of the template (one copy in the repository)."""

from __future__ import annotations

from pathlib import Path

from parsers.fields import FIELDS
from parsers.prose import TEXT_FACTS

DOC = (Path(__file__).parent.parent / "docs" / "fields.md").read_text("utf-8")


def test_every_prose_fact_key_is_documented() -> None:
    assert [k for k in TEXT_FACTS if f"`{k}`" not in DOC] == []


def test_every_template_row_is_documented() -> None:
    rows = {key.rsplit(".", 1)[0] for key in FIELDS if key.startswith(("apply.", "result."))}
    assert [r for r in sorted(rows) if f"`{r}`" not in DOC] == []
