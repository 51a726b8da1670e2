"""Gettext catalogues: read, write and merge PO/POT files.

This is the only module that knows the PO library (polib, chosen over Babel's ``read_po``
because it keeps the ``#|`` previous msgids translators need, babel#206). The rest of the
package sees the frozen :class:`Catalog` and :class:`Entry` dataclasses.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

import polib

from pipeline.errors import CatalogError
from pipeline.fsutil import write_text_if_changed

WRAP_WIDTH = 78
FUZZY = "fuzzy"
# msgmerge's own threshold for a fuzzy match (fstrcmp >= 0.6).
FUZZY_THRESHOLD = 0.6


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

    @property
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
_CHARSET = re.compile(r"charset=([^\s;\\\"]+)", re.I)
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(?![\w\[])")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
# The escapes polib reads and writes back unchanged; any other would be silently altered.
_ESCAPES = frozenset('ntrvbf"\\')
_SYNTAX_HINT = "check the quoting near this line (msgfmt --check-format FILE shows more)"


def _check_syntax(text: str, display: str) -> None:
    """Refuse what polib would silently misread: unterminated strings, stray text, unknown escapes,
    and entries in the wrong shape (a msgid without msgstr, a msgstr without msgid...).

    polib reads ``msgstr "Lésion`` (no closing quote) as ``Lésio``, and a msgid whose
    msgstr line was deleted as part of the next entry; an update would then write the
    damaged catalogue back. Comment lines are free text, except the previous (``#|``) and
    obsolete (``#~``) lines, which hold keywords and strings too.
    """
    shape = _Shape(display)
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        obsolete = previous = False
        if line.startswith("#"):
            prefix = re.match(r"#(?:~\|?|\|)\s*", line)
            if prefix is None:
                shape.boundary()
                continue
            obsolete, previous = line.startswith("#~"), "|" in prefix.group()
            line = line[prefix.end():]
            if not line:
                raise CatalogError(f"invalid PO file: '{prefix.group().strip()}' with nothing after it", path=display,
                                   line=number, hint=_SYNTAX_HINT)
            if line.startswith("#"):
                continue
        if not line:
            continue
        problem = _line_problem(line)
        if problem:
            raise CatalogError(f"invalid PO file: {problem}", path=display, line=number, hint=_SYNTAX_HINT)
        if previous:
            kept = shape.previous
            shape.boundary()
            shape.previous = kept
            if not obsolete:  # polib skips '#~|' lines; it reads '#|' ones
                _check_previous(line, shape, number)
        else:
            keyword = _KEYWORD.match(line)
            shape.line(keyword.group(1) if keyword else None, obsolete, number)
    shape.boundary()


def _check_previous(line: str, shape: "_Shape", number: int) -> None:
    """A ``#|`` line holds the previous msgctxt, msgid or msgid_plural, or continues one."""
    keyword = _KEYWORD.match(line)
    if keyword is None:
        if shape.previous is None:
            shape.fail("a '#|' quoted string with no '#| msgid' (or msgctxt) before it", number)
    elif keyword.group(1) in ("msgctxt", "msgid", "msgid_plural"):
        shape.previous = keyword.group(1)
    else:
        shape.fail(f"'#| {keyword.group(1)}': a previous (#|) line holds msgctxt, msgid or msgid_plural only", number)


class _Shape:
    """The order of keywords in each entry: [msgctxt] msgid [msgid_plural] msgstr | msgstr[0..n].

    Fed one line at a time by :func:`_check_syntax`; raises :class:`CatalogError` on the
    line where the order breaks, or on the msgid whose msgstr is missing.
    """

    def __init__(self, display: str) -> None:
        self.display = display
        self.start()
        self.last: str | None = None  # the keyword a continuation string would extend
        self.previous: str | None = None  # the same, on '#|' lines

    def start(self, obsolete: bool = False) -> None:
        self.obsolete = obsolete
        self.msgctxt = self.msgid = 0  # their lines
        self.plural = False
        self.msgstr = False
        self.forms = 0

    def fail(self, message: str, line: int, hint: str = _SYNTAX_HINT) -> None:
        raise CatalogError(f"invalid PO file: {message}", path=self.display, line=line, hint=hint)

    def boundary(self) -> None:
        """A comment (or the end of the file): the entry before it must be complete."""
        if self.msgid and not (self.msgstr or self.forms):
            self.fail("'msgid' without a 'msgstr': every message needs one (msgstr \"\" when it is not "
                      "translated yet)", self.msgid, "add the msgstr line, or restore the file from version control")
        if self.msgctxt and not self.msgid:
            self.fail("'msgctxt' without a 'msgid' after it", self.msgctxt)
        if self.msgid:
            self.start()
        self.last = None
        self.previous = None

    def line(self, keyword: str | None, obsolete: bool, number: int) -> None:
        self.previous = None
        if keyword is None:  # a continuation string
            if self.last is None:
                self.fail("a quoted string with no msgctxt, msgid or msgstr before it", number)
            return
        if (self.msgid or self.msgctxt) and obsolete != self.obsolete:
            self.boundary()
        if not (self.msgid or self.msgctxt):
            self.obsolete = obsolete
        if keyword in ("msgctxt", "msgid"):
            if self.msgid and (self.msgstr or self.forms):
                self.start(obsolete)
            elif self.msgid:
                self.boundary()  # raises: the msgid before has no msgstr
            if keyword == "msgctxt":
                if self.msgctxt:
                    self.fail(f"a second 'msgctxt' (the first is on line {self.msgctxt})", number)
                self.msgctxt = number
            else:
                self.msgid = number
        elif not self.msgid:
            self.fail(f"'{keyword}' without a 'msgid' before it", number)
        elif keyword == "msgid_plural":
            if self.plural or self.msgstr or self.forms:
                self.fail("'msgid_plural' in the wrong place: it comes once, right after the msgid", number)
            self.plural = True
        elif keyword == "msgstr":
            if self.msgstr or self.forms:
                self.fail(f"a second 'msgstr' for the message on line {self.msgid}", number)
            if self.plural:
                self.fail("a message with 'msgid_plural' needs msgstr[0], msgstr[1]..., not 'msgstr'", number)
            self.msgstr = True
        else:
            index = int(keyword[7:-1])
            if not self.plural:
                self.fail(f"'{keyword}' without a 'msgid_plural': only a plural message has numbered forms", number)
            if self.msgstr or index != self.forms:
                self.fail(f"'{keyword}' out of order: expected msgstr[{self.forms}]", number)
            self.forms += 1
        self.last = keyword


def _line_problem(line: str) -> str | None:
    keyword = _KEYWORD.match(line)
    if keyword:
        rest = line[keyword.end():].lstrip()
        if not rest.startswith('"'):
            return f"expected a quoted string after '{keyword.group(1)}'"
    elif line.startswith('"'):
        rest = line
    else:
        shown = line if len(line) <= 40 else line[:37] + "..."
        if not shown.isprintable():  # a control character would reach the terminal as it is
            shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                            for c in shown)
        return f"unexpected text '{shown}' (expected msgctxt, msgid, msgstr, a quoted string or a # comment)"
    string = _STRING.match(rest)
    if string is None:
        return 'unterminated string: the closing " is missing'
    if rest[string.end():].strip():
        return 'unexpected text after the closing quote (write a quote inside the text as \\")'
    for escape in re.finditer(r"\\(.)", string.group(1)):
        if escape.group(1) not in _ESCAPES:
            return f"unknown escape sequence '\\{escape.group(1)}' (write a backslash as \\\\)"
    return None


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


# Characters that polib (str.splitlines) reads as the end of a line and msgfmt does not:
# a file holding one cannot be read as its author sees it.
_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROL_NAMES = {"\x0b": "LINE TABULATION", "\x0c": "FORM FEED", "\x1c": "FILE SEPARATOR",
                  "\x1d": "GROUP SEPARATOR", "\x1e": "RECORD SEPARATOR", "\x85": "NEXT LINE"}
# The comment prefixes polib knows; msgfmt also reads '#TODO' or '#,fuzzy' as comments.
_COMMENT_PREFIXES = ("#~|", "#~", "#:", "#,", "#.", "#|", "#")


def _space_comments(text: str) -> str:
    """Put the space polib needs after a comment's prefix: '#TODO' -> '# TODO', '#,fuzzy' -> '#, fuzzy'.

    polib refuses such lines as a syntax error on line 1 of the entry; msgfmt reads them
    as the comments they are. Lines keep their numbers.
    """
    if "#" not in text:
        return text
    lines = text.split("\n")
    for number, raw in enumerate(lines):
        line = raw.lstrip()
        if not line.startswith("#") or line.startswith("##"):
            continue
        token = line.split(None, 1)[0]
        if token in _COMMENT_PREFIXES:
            continue
        prefix = next(p for p in _COMMENT_PREFIXES if token.startswith(p))
        indent = raw[: len(raw) - len(line)]
        lines[number] = f"{indent}{prefix} {line[len(prefix):]}"
    return "\n".join(lines)


def _check_line_breaks(text: str, display: str) -> None:
    found = _LINE_BREAKS.search(text)
    if found:
        import unicodedata

        char = found.group()
        name = unicodedata.name(char, _CONTROL_NAMES.get(char, "a control character"))
        raise CatalogError(f"invalid PO file: U+{ord(char):04X} ({name}) on this line: PO tools disagree "
                           "about whether it ends a line, so the file cannot be read reliably",
                           path=display, line=text.count("\n", 0, found.start()) + 1,
                           hint="remove it; to break a line inside a translation, write \\n")


def _check_charset(head: str, display: str) -> None:
    match = _CHARSET.search(head)
    if match and match.group(1).upper().replace("_", "-") not in ("UTF-8", "UTF8", "CHARSET"):
        line = head[: match.start()].count("\n") + 1
        raise CatalogError(f"declared charset is '{match.group(1)}'; only UTF-8 is supported", path=display,
                           line=line, hint="convert the file: msgconv -t UTF-8 FILE")


def parse_po(data: bytes, display: str) -> Catalog:
    """Parse PO bytes; raise :class:`CatalogError` naming ``display`` and the line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A file saved in another charset usually says so: name the cause, not its first symptom.
        _check_charset(data[:4000].decode("ascii", "replace"), display)
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError("file is not valid UTF-8", path=display, line=line,
                           hint="save the file as UTF-8 (Poedit: Catalog > Properties > Charset)") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CatalogError("file contains a NUL byte: it is not a PO file", path=display, line=line)
    if not text.strip():
        raise CatalogError("file is empty", path=display, line=1,
                           hint="restore it from version control or run 'pipeline init LOCALE --force'")
    _check_charset(text[:4000], display)
    text = text.replace("\r\n", "\n")
    fast = _parse_common(text, display)
    if fast is not None:
        return fast
    text = text.replace("\r", "\n")  # classic Mac line ends: the careful path reads them as line ends
    _check_line_breaks(text, display)
    text = _space_comments(text)
    _check_syntax(text, display)
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
                           hint=_SYNTAX_HINT) from None
    msgid_lines = _msgid_lines(text, bool(po.metadata))
    _check_duplicates(po, display, msgid_lines)
    return _from_polib(po, display, msgid_lines)


def _parse_common(text: str, display: str) -> Catalog | None:
    """The fast path (pipeline.poread) for the common, well-formed file; None to take polib's."""
    from pipeline.poread import parse_fast

    parsed = parse_fast(text)
    if not parsed:
        return None
    header = parsed[0] if parsed[0].msgid == "" and parsed[0].msgctxt is None else None
    entries = parsed[1:] if header is not None else parsed
    if header is None or any(e.msgid == "" and e.msgctxt is None for e in entries):
        return None
    # polib's reading of the header: the leading '#' lines are the file's comment, the
    # metadata is "Key: value" lines (a line without ':' continues the previous value).
    lines = text.split("\n", header.line)[: header.line]
    comment: list[str] = []
    flags_seen = False
    for line in (raw.strip() for raw in lines[header.first_line - 1: header.line - 1]):
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
    ordered = polib.POFile()
    ordered.metadata = metadata
    return Catalog(
        tuple(Entry(msgid=e.msgid, msgstr=e.msgstr, msgctxt=e.msgctxt, flags=tuple(e.flags),
                    comment=_polib_join(e.comment), extracted=_polib_join(e.extracted),
                    references=tuple(e.references), previous_msgid=e.previous_msgid,
                    previous_msgctxt=e.previous_msgctxt, line=e.line) for e in entries),
        tuple(ordered.ordered_metadata()), "\n".join(comment), FUZZY in header.flags, display)


def _polib_join(lines: list[str]) -> str:
    """Comment lines joined as polib joins them: a line break only after a non-empty start."""
    text = ""
    for line in lines:
        if text:
            text += "\n"
        text += line
    return text


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
    display = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read file: {exc.strerror}", path=display) from None
    return parse_po(data, display)


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


def merge_catalog(template: Catalog, catalog: Catalog) -> Catalog:
    """Bring ``catalog`` (a PO) up to date with ``template`` (the POT), losing nothing.

    Like ``msgmerge --previous``: an unchanged message keeps its translation; a changed
    one inherits the closest old translation, marked fuzzy, with the English it was
    made for kept as the previous msgid (``#|``); a removed message that had a
    translation becomes obsolete (``#~``); a new one is added empty. Translator comments
    are kept, our extracted comments and references follow the template.
    """
    old_active = catalog.index()
    old_obsolete = {e.key: e for e in catalog.entries if e.obsolete}
    used: set[tuple[str, str]] = set()
    merged: list[Entry] = []
    pending: list[tuple[int, Entry]] = []

    for new in template.active:
        old = old_active.get(new.key)
        if old is None and new.key in old_obsolete:
            old = replace(old_obsolete.pop(new.key), obsolete=False)
        if old is not None:
            used.add(old.key)
            merged.append(_carry(new, old))
        else:
            pending.append((len(merged), new))
            merged.append(new)

    # Fuzzy matching over translated entries nothing else claimed, best matches first.
    spare = [e for key, e in old_active.items() if key not in used and e.has_text]
    spare += [e for e in old_obsolete.values() if e.has_text]
    candidates: list[tuple[float, int, int]] = []
    for slot, new in pending:
        for j, old in enumerate(spare):
            score = _similarity(new, old)
            if score >= FUZZY_THRESHOLD:
                candidates.append((-score, slot, j))
    candidates.sort()
    taken_slots: set[int] = set()
    taken_old: set[int] = set()
    for _, slot, j in candidates:
        if slot in taken_slots or j in taken_old:
            continue
        taken_slots.add(slot)
        taken_old.add(j)
        merged[slot] = _fuzzy_from(merged[slot], spare[j])

    claimed = {spare[j].key for j in taken_old}
    obsolete: list[Entry] = []
    for e in catalog.entries:
        if e.key in claimed or not e.has_text:
            continue
        if e.obsolete and e.key in old_obsolete:
            obsolete.append(e)
        elif not e.obsolete and e.key not in used:
            obsolete.append(replace(e, obsolete=True, references=(), extracted=""))
    metadata = dict(catalog.metadata)
    creation = template.meta("POT-Creation-Date")
    if creation:
        metadata["POT-Creation-Date"] = creation
    return replace(catalog, entries=tuple(merged + obsolete), metadata=tuple(metadata.items()))


def _carry(new: Entry, old: Entry) -> Entry:
    format_flags = [f for f in new.flags if f != FUZZY]
    flags = format_flags + ([FUZZY] if old.fuzzy and old.has_text else [])
    return replace(
        new,
        msgstr=old.msgstr,
        msgstr_plural=old.msgstr_plural if new.msgid_plural else (),
        flags=tuple(flags),
        comment=old.comment,
        previous_msgid=old.previous_msgid if old.fuzzy else None,
        previous_msgctxt=old.previous_msgctxt if old.fuzzy else None,
    )


def _fuzzy_from(new: Entry, old: Entry) -> Entry:
    # If the old entry was itself fuzzy, its translation was made for its previous msgid.
    previous_msgid = old.previous_msgid if old.fuzzy and old.previous_msgid else old.msgid
    previous_ctxt = old.previous_msgctxt if old.fuzzy and old.previous_msgctxt else old.msgctxt
    return replace(
        new,
        msgstr=old.msgstr,
        msgstr_plural=old.msgstr_plural if new.msgid_plural else (),
        flags=tuple([f for f in new.flags if f != FUZZY] + [FUZZY]),
        comment=old.comment,
        previous_msgid=previous_msgid,
        previous_msgctxt=previous_ctxt if previous_ctxt != new.msgctxt else None,
    )


def _similarity(new: Entry, old: Entry) -> float:
    matcher = difflib.SequenceMatcher(None, new.msgid, old.msgid, autojunk=False)
    if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < FUZZY_THRESHOLD:
        return 0.0
    score = matcher.ratio()
    # Same section first: a moved sentence is a better match than a look-alike elsewhere.
    return score if new.msgctxt == old.msgctxt else score * 0.99
