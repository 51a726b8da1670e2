"""Test helpers: fill a content root's PO files with translations, as a translator would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pipeline.catalog import Entry, read_po, write_po


def pseudo(entry: Entry) -> str:
    """A pseudo-translation that keeps every number, placeholder and mark of the English."""
    return f"[xx] {entry.msgid}"


def fill(
    root: Path,
    folder: str,
    domain: str,
    translate: Callable[[Entry], str | None] = pseudo,
    fuzzy: Callable[[Entry], bool] = lambda entry: False,
    header: dict[str, str] | None = None,
) -> Path:
    """Set every active entry's msgstr to ``translate(entry)`` (None leaves it empty)."""
    path = root / "locales" / folder / "LC_MESSAGES" / f"{domain}.po"
    catalog = read_po(path)
    entries = []
    for entry in catalog.entries:
        if entry.obsolete:
            entries.append(entry)
            continue
        text = translate(entry)
        flags = tuple(f for f in entry.flags if f != "fuzzy") + (("fuzzy",) if fuzzy(entry) else ())
        entries.append(replace(entry, msgstr=text or "", flags=flags))
    catalog = replace(catalog, entries=tuple(entries))
    if header:
        catalog = catalog.with_meta(**{k.replace("-", "_"): v for k, v in header.items()})
    write_po(path, catalog)
    return path


def line_of(path: Path, msgid: str) -> int:
    """The line of ``msgid "<msgid>"`` in a PO file (single-line msgids only)."""
    needle = f'msgid "{msgid}"'
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line == needle:
            return number
    raise AssertionError(f"{needle} not in {path}")
