"""Gettext catalogues: read and write PO/POT files (merging them is :mod:`pipeline.merge`).

This is the only module that knows the PO library (polib, chosen over Babel's ``read_po``
because it keeps the ``#|`` previous msgids translators need, babel#206). The rest of the
package sees the frozen :class:`Catalog` and :class:`Entry` dataclasses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import polib

from pipeline.errors import CatalogError
from pipeline.frozen import cached, maker
from pipeline.fsutil import read_stamped, write_text_if_changed
from pipeline.posyntax import SYNTAX_HINT, check_charset, check_line_breaks, check_syntax, space_comments

WRAP_WIDTH = 78
FUZZY = "fuzzy"


@dataclass(frozen=True)
class Entry:
    """One message of a catalogue."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str = ""
    msgstr_plural: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    comment: str = ""  # the translator's own comment (# ...)
    extracted: str = ""  # ours, for the translator (#. ...)
    references: tuple[str, ...] = ()  # "path:line"
    previous_msgid: str | None = None
    previous_msgctxt: str | None = None
    obsolete: bool = False
    line: int = 0  # where the entry starts in the file it was read from

    @cached  # asked for by every lookup; kept in the instance's __dict__
    def key(self) -> tuple[str, str]:
        return (self.msgctxt or "", self.msgid)

    @property
    def fuzzy(self) -> bool:
        return FUZZY in self.flags

    @property
    def translated(self) -> bool:
        """Has a translation for every form, fuzzy or not."""
        if self.msgid_plural:
            return bool(self.msgstr_plural) and all(self.msgstr_plural)
        return bool(self.msgstr)

    @property
    def state(self) -> str:
        """'translated', 'fuzzy' or 'untranslated', as gettext's statistics count them."""
        if self.fuzzy and (self.msgstr or any(self.msgstr_plural)):
            return "fuzzy"
        return "translated" if self.translated else "untranslated"

    @property
    def has_text(self) -> bool:
        return bool(self.msgstr) or any(self.msgstr_plural)


@dataclass(frozen=True)
class Catalog:
    """A PO or POT file: header comment, metadata, entries (obsolete ones last)."""

    entries: tuple[Entry, ...]
    metadata: tuple[tuple[str, str], ...] = ()
    header_comment: str = ""
    header_fuzzy: bool = False
    path: str | None = None

    def meta(self, name: str, default: str = "") -> str:
        for key, value in self.metadata:
            if key == name:
                return value
        return default

    def with_meta(self, **values: str) -> "Catalog":
        names = {k.replace("_", "-"): v for k, v in values.items()}
        current = dict(self.metadata)
        current.update(names)
        return replace(self, metadata=tuple(current.items()))

    @property
    def active(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if not e.obsolete)

    def index(self) -> dict[tuple[str, str], Entry]:
        """Active entries by (msgctxt, msgid), computed once per catalogue (it is immutable)."""
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {e.key: e for e in self.entries if not e.obsolete}
            object.__setattr__(self, "_index", cached)
        return cached


# ------------------------------------------------------------------------ reading

_LINE = re.compile(r"\(line (\d+)\)|line (\d+)")


def _check_duplicates(po: polib.POFile, display: str, msgid_lines: list[int]) -> None:
    """Two active entries with the same msgctxt and msgid: named on their msgid lines."""
    active = [e for e in po if not e.obsolete]
    lines = msgid_lines if len(msgid_lines) == len(active) else [e.linenum for e in active]
    first: dict[tuple[str | None, str], int] = {}
    for e, line in zip(active, lines):
        key = (e.msgctxt, e.msgid)
        if key in first:
            where = f" (msgctxt '{e.msgctxt}')" if e.msgctxt is not None else ""
            shown = e.msgid if len(e.msgid) <= 60 else e.msgid[:59] + "…"
            raise CatalogError(f"duplicate message '{shown}'{where}, first defined on line {first[key]}",
                               path=display, line=line, hint="merge the two entries into one")
        first[key] = line


def parse_po(data: bytes, display: str) -> Catalog:
    """Parse PO bytes; raise :class:`CatalogError` naming ``display`` and the line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A file saved in another charset usually says so: name the cause, not its first symptom.
        check_charset(data[:4000].decode("ascii", "replace"), display)
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError("file is not valid UTF-8", path=display, line=line,
                           hint="save the file as UTF-8 (Poedit: Catalog > Properties > Charset)") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CatalogError("file contains a NUL byte: it is not a PO file", path=display, line=line)
    if not text or text.isspace():  # not strip(): a copy of the file, to see its first character
        raise CatalogError("file is empty", path=display, line=1,
                           hint="restore it from version control or run 'pipeline init LOCALE --force'")
    check_charset(text[:4000], display)
    if "\r" in text:  # one character found by memchr: 0.1 µs, where replace() searched 12 KB for the pair in 10
        text = text.replace("\r\n", "\n")
    fast = _parse_common(text, display)
    if fast is not None:
        return fast
    text = text.replace("\r", "\n")  # classic Mac line ends: the careful path reads them as line ends
    check_line_breaks(text, display)
    text = space_comments(text)
    check_syntax(text, display)
    if "\n" not in text:
        text += "\n"  # polib opens its argument as a file when it names one: never let it
    try:
        po = polib.pofile(text, wrapwidth=WRAP_WIDTH, encoding="utf-8")
    except (OSError, ValueError) as exc:
        message = str(exc)
        found = _LINE.search(message)
        line = int(found.group(1) or found.group(2)) if found else None
        detail = message.split(":", 1)[1].strip() if "):" in message else "syntax error"
        if "duplicate" in message.lower():
            detail = message
        raise CatalogError(f"invalid PO file: {detail}", path=display, line=line,
                           hint=SYNTAX_HINT) from None
    msgid_lines = _msgid_lines(text, bool(po.metadata))
    _check_duplicates(po, display, msgid_lines)
    return _from_polib(po, display, msgid_lines)


def _parse_common(text: str, display: str) -> Catalog | None:
    """The fast path (pipeline.poread) for the common, well-formed file; None to take polib's."""
    from pipeline.poread import parse_fast

    parsed = parse_fast(text, _new_entry)
    if not parsed or not parsed[0]:
        return None
    entries, first_line = parsed
    header = entries[0]
    if header.msgid != "" or header.msgctxt is not None:
        return None
    entries = entries[1:]
    if any(e.msgid == "" and e.msgctxt is None for e in entries):
        return None
    # polib's reading of the header: the leading '#' lines are the file's comment, the
    # metadata is "Key: value" lines (a line without ':' continues the previous value).
    lines = text.split("\n", header.line)[: header.line]
    comment: list[str] = []
    flags_seen = False
    for line in (raw.strip() for raw in lines[first_line - 1: header.line - 1]):
        if line == "#" or line.startswith("# "):
            if flags_seen:
                return None  # a comment after the header's flags belongs to the entry, not the file
            comment.append(line[2:])
        elif line.startswith("#,"):
            flags_seen = True
        elif line:
            return None
    if header.extracted or header.references or header.previous_msgid is not None:
        return None
    metadata: dict[str, str] = {}
    key = None
    for row in header.msgstr.splitlines():
        if ":" in row:
            key, value = row.split(":", 1)
            metadata[key] = value.strip()
        elif key is not None:
            metadata[key] += "\n" + row.strip()
    return Catalog(tuple(entries), _ordered_metadata(metadata), "\n".join(comment), FUZZY in header.flags, display)


def _ordered_metadata(metadata: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The header's fields in polib's order (``POFile.ordered_metadata``), the order found
    once for each set of field names (every catalogue of a project has the same)."""
    names = tuple(metadata)
    order = _METADATA_ORDERS.get(names)
    if order is None:
        if len(_METADATA_ORDERS) >= 64:  # a project whose catalogues' headers differ: kept small
            _METADATA_ORDERS.clear()
        ordered = polib.POFile()
        ordered.metadata = dict.fromkeys(names, "")
        order = _METADATA_ORDERS[names] = tuple(name for name, _ in ordered.ordered_metadata())
    return tuple((name, metadata[name]) for name in order)


_METADATA_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}


# A cold build reads 700,000 entries: Entry's frozen __init__ was a tenth of reading a file.
# Every entry read is looked up by its key: made with it (Entry.key's own expression).
_new_entry = maker(Entry, computed={"key": '(msgctxt or "", msgid)'})


def _header_fuzzy(po: polib.POFile) -> bool:
    fuzzy = po.metadata_is_fuzzy
    return FUZZY in fuzzy if isinstance(fuzzy, (list, tuple)) else bool(fuzzy)


def _msgid_lines(text: str, has_header: bool) -> list[int]:
    """Line numbers of the active entries' ``msgid`` lines, in file order.

    polib's ``linenum`` is where an entry's comments start; a finding is more useful on the
    msgid line, as msgfmt reports it.
    """
    lines = []
    previous = ""
    header_seen = not has_header
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("msgid "):
            if not header_seen and line.strip() == 'msgid ""' and not previous.startswith("msgctxt"):
                header_seen = True
            else:
                lines.append(number)
        if line.strip() and not line.startswith('"'):
            previous = line
    return lines


def header_line(path: Path, field: str | None = None) -> int | None:
    """The line of a PO file's header (its ``msgid ""``), or of the header's ``field:`` line.

    For warnings about the header, which the frozen :class:`Catalog` does not locate;
    None when the file has no header (or no such field) or cannot be read.
    """
    try:
        lines = path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    except OSError:
        return None
    previous = ""
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("msgid ") and not previous.startswith("msgctxt"):
            if line[5:].strip() != '""':
                return None  # the first entry is a message: there is no header
            if field is None:
                return number
            needle = f'"{field.lower()}:'
            for offset, rest in enumerate(lines[number:], start=number + 1):
                rest = rest.strip().lower()
                if rest.startswith(needle):
                    return offset
                if rest and not rest.startswith(('"', "msgstr")):
                    return None
            return None
        if line and not line.startswith(("#", '"')):
            previous = line
    return None


def read_po(path: Path, display: str | None = None) -> Catalog:
    return read_po_stamped(path, display)[0]


def read_po_stamped(path: Path, display: str | None = None) -> tuple[Catalog, bytes]:
    """The catalogue and the stamp of the bytes it was read from (pipeline.fsutil.read_stamped),
    which a build keeps rather than read the file again to hash it."""
    display = display or str(path)
    try:
        data, stamp = read_stamped(path)
    except OSError as exc:
        raise CatalogError(f"cannot read file: {exc.strerror}", path=display) from None
    return parse_po(data, display), stamp


def _from_polib(po: polib.POFile, display: str, msgid_lines: list[int] | None = None) -> Catalog:
    entries = []
    active = [e for e in po if not e.obsolete]
    lines = msgid_lines if msgid_lines is not None and len(msgid_lines) == len(active) else None
    for i, e in enumerate(active):
        entry = _entry(e, obsolete=False)
        entries.append(replace(entry, line=lines[i]) if lines else entry)
    for e in po.obsolete_entries():
        entries.append(_entry(e, obsolete=True))
    metadata = tuple(po.ordered_metadata())
    return Catalog(tuple(entries), metadata, po.header, _header_fuzzy(po), display)


def _entry(e: polib.POEntry, obsolete: bool) -> Entry:
    plural = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural)) if e.msgstr_plural else ()
    refs = tuple(f"{path}:{line}" if line else path for path, line in e.occurrences)
    return Entry(
        msgid=e.msgid,
        msgstr=e.msgstr,
        msgctxt=e.msgctxt,
        msgid_plural=e.msgid_plural or "",
        msgstr_plural=plural,
        flags=tuple(e.flags),
        comment=e.tcomment or "",
        extracted=e.comment or "",
        references=refs,
        previous_msgid=e.previous_msgid,
        previous_msgctxt=e.previous_msgctxt,
        obsolete=obsolete,
        line=e.linenum or 0,
    )


# ------------------------------------------------------------------------ writing


def render_po(catalog: Catalog) -> str:
    """The file's text: fixed wrapping, metadata in gettext's order, obsolete entries last."""
    po = polib.POFile(wrapwidth=WRAP_WIDTH, encoding="utf-8")
    po.header = catalog.header_comment
    po.metadata = dict(catalog.metadata)
    po.metadata_is_fuzzy = catalog.header_fuzzy
    for entry in [e for e in catalog.entries if not e.obsolete] + [e for e in catalog.entries if e.obsolete]:
        po.append(_to_polib(entry))
    text = str(po)
    return text if text.endswith("\n") else text + "\n"


def _to_polib(e: Entry) -> polib.POEntry:
    occurrences = []
    for ref in e.references:
        path, _, line = ref.rpartition(":")
        occurrences.append((path, line) if path and line.isdigit() else (ref, ""))
    kwargs = dict(
        msgid=e.msgid,
        msgstr=e.msgstr,
        msgctxt=e.msgctxt,
        flags=list(e.flags),
        tcomment=e.comment,
        comment=e.extracted,
        occurrences=occurrences,
        previous_msgid=e.previous_msgid,
        previous_msgctxt=e.previous_msgctxt,
        obsolete=e.obsolete,
    )
    if e.msgid_plural:
        kwargs["msgid_plural"] = e.msgid_plural
        kwargs["msgstr_plural"] = {i: s for i, s in enumerate(e.msgstr_plural)}
    return polib.POEntry(**kwargs)


def write_po(path: Path, catalog: Catalog) -> bool:
    """Write atomically, only when the bytes change; return whether the file was written."""
    return write_text_if_changed(path, render_po(catalog))


# ------------------------------------------------------------------------ merging


