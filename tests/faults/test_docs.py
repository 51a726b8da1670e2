"""docs/faults.md quotes what the fault tests make the tool print."""

from __future__ import annotations

from pathlib import Path

from faults.test_locale_folders import WARNINGS
from faults.test_po_faults import MALFORMED

FAULTS = Path(__file__).resolve().parent
DOC = FAULTS.parents[1] / "docs" / "faults.md"


def test_every_fault_module_is_described() -> None:
    text = DOC.read_text(encoding="utf-8")
    modules = sorted(p.name for p in FAULTS.glob("test_*.py") if p.name != "test_docs.py")
    assert [name for name in modules if f"tests/faults/{name}" not in text] == []


def test_the_quoted_messages_are_the_printed_ones() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [message for _, message, _ in MALFORMED.values() if message not in text] == []
    assert [line for line in WARNINGS if not line.startswith("  hint:") and line not in text] == []
