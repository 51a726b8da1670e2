"""A fast reader for well-formed PO files: the common case, about ten times polib's speed.

It accepts a strict subset of the format (what ``pipeline``, msgmerge and the usual
editors write: comments, ``#|`` previous msgids, msgctxt/msgid/msgstr with continuation
lines) and answers ``None`` for anything else: plurals, obsolete entries, unusual
escapes, a duplicate, any line it does not know. :func:`pipeline.catalog.parse_po` then
takes the careful path through polib, which reports errors with their line. The two
paths give equal catalogues for every file this one accepts (tests/test_poread.py).

Two readers share that contract. :func:`parse_fast` first matches the file entry by entry
with one pattern (:func:`_parse_canonical`), which reads the layout ``pipeline`` and
msgmerge write, comments in their usual order, in a third of the line reader's time;
anything else in the file (a ``#|`` line, comments out of order, indentation, trailing
spaces) hands it to the line reader, which accepts more of the format. The two give the
same entries for every file both read (tests/test_poread.py).

Entries are made by the caller's ``make`` (:data:`pipeline.catalog.Entry`'s fast maker),
given each entry's fields as the catalogue keeps them: comment lines joined as polib
joins them, flags and references as tuples. The canonical reader makes them as it
matches, one object an entry; the line reader, which appends to an entry as it goes,
makes its own first and hands each over when the file is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
# Characters that str.splitlines() (polib) or str.strip() treat as line breaks or spaces
# where split("\n") does not: a text with any of them takes the careful path.
_UNUSUAL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0b, 0x20), 0x7f])  # the ASCII ones of _UNUSUAL


def has_unusual(text: str) -> bool:
    """``_UNUSUAL.search(text) is not None``, three times faster: the ASCII control characters
    are deleted from the UTF-8 bytes (a C loop; none of them occurs inside a multi-byte
    character), the other three looked for as substrings. The pattern's own scan took 35 us
    of a 12 KB file (tests/test_poread.py compares the two)."""
    data = text.encode("utf-8", "surrogatepass")
    return (len(data.translate(None, _CONTROL_BYTES)) != len(data)
            or "\x85" in text or "\u2028" in text or "\u2029" in text)


# One entry as pipeline and msgmerge lay it out: translator comments, extracted comments,
# references, one flags line, then msgctxt, msgid and msgstr, each string on one line or
# continued on the next ones, and blank lines after it. A quoted string is unrolled
# ("[^"\\\n]*(?:\\.[^"\\\n]*)*"), which Python's engine matches several times faster than an
# alternation per character. Every repetition is possessive (``*+``, Python 3.11): what one
# part matched is never given back to the next, which no part of an entry needs (each
# starts with a character the one before cannot end on), and the engine keeps no
# backtracking points for it: a fifth fewer instructions a file. The first extracted
# comment and the first references line are captured without their prefix, as nearly
# every entry has exactly one of each.
_QUOTED = r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"'
_QUOTED_TOKEN = re.compile(_QUOTED)  # one string, as the line reader meets it
_STRING = rf"{_QUOTED}(?:\n{_QUOTED})*+"
_CANONICAL = re.compile(
    r"((?:#(?: [^\n]*+)?\n)*+)"  # 1: translator comments ('#' alone, or '# ' and text)
    r"(?:#\. ([^\n]*+)\n((?:#\. [^\n]*+\n)*+))?"  # 2: the first extracted comment's text, 3: the other lines
    r"(?:#: ([^\n]*+)\n((?:#: [^\n]*+\n)*+))?"  # 4: the first references line's text, 5: the other lines
    r"(?:#, ([^\n]*+)\n)?"  # 6: flags
    rf"(?:msgctxt ({_STRING})\n)?"  # 7
    rf"msgid ({_STRING})\n"  # 8
    rf"msgstr ({_STRING})(?:\n++|\Z)"  # 9
)
_ESCAPE = re.compile(r"\\(.)")


def _unescape(match: re.Match) -> str:
    return _SIMPLE_ESCAPES[match.group(1)]  # KeyError for an escape the careful path should judge


def _value(token: str) -> str:
    """The value of a quoted string the pattern matched, continuation lines joined.

    A raw line break only ever follows a closing quote and precedes an opening one, so
    dropping each '"\\n"' joins the pieces; escapes never span two pieces."""
    body = token[1:-1]
    if "\n" in body:
        body = body.replace('"\n"', "")
    if "\\" in body:
        body = _ESCAPE.sub(_unescape, body)
    return body


def _string(token: str) -> str | None:
    """The value of a quoted PO string, or None when it is not one we can read exactly."""
    if _QUOTED_TOKEN.fullmatch(token) is None:
        return None
    try:
        return _value(token)
    except KeyError:  # an escape the careful path should judge
        return None


class _Entry:
    __slots__ = ("msgctxt", "msgid", "msgstr", "flags", "comment", "extracted", "references",
                 "previous_msgid", "previous_msgctxt", "line", "first_line")

    def __init__(self, first_line: int) -> None:
        self.msgctxt = None
        self.msgid = None
        self.msgstr = None
        self.flags: list[str] = []
        self.comment: list[str] = []
        self.extracted: list[str] = []
        self.references: list[str] = []
        self.previous_msgid = None
        self.previous_msgctxt = None
        self.line = 0
        self.first_line = first_line


def polib_join(lines: list[str]) -> str:
    """Comment lines joined as polib joins them: a line break only after a non-empty start."""
    if len(lines) <= 1:
        return lines[0] if lines else ""
    for start, line in enumerate(lines):  # leading empty lines add nothing, later ones a break
        if line:
            return "\n".join(lines[start:])
    return ""


def parse_fast(text: str, make: Callable[..., T]) -> tuple[list[T], int] | None:
    """The entries of a well-formed PO text, in file order, each made by ``make`` (see the
    module's docstring), and the line the first one starts on; None to fall back.

    The header entry (``msgid ""`` without context) is made like any other; knowing where
    it starts, the caller can hand exactly the header's lines to the careful parser.
    """
    if has_unusual(text):
        return None
    read = _parse_canonical(text, make)
    if read is None:
        lines = _parse_lines(text)
        if lines is None:
            return None
        read = [made(entry, make) for entry in lines], (lines[0].first_line if lines else 1)
    if len({(entry.msgctxt, entry.msgid) for entry in read[0]}) != len(read[0]):
        return None  # a duplicate: the careful path names both lines
    return read


def made(entry: _Entry, make: Callable[..., T]) -> T:
    """An entry of the line reader, made by ``make`` as the canonical reader makes its own."""
    return make(msgid=entry.msgid, msgstr=entry.msgstr, msgctxt=entry.msgctxt, flags=tuple(entry.flags),
                comment=polib_join(entry.comment), extracted=polib_join(entry.extracted),
                references=tuple(entry.references), previous_msgid=entry.previous_msgid,
                previous_msgctxt=entry.previous_msgctxt, line=entry.line)


def _parse_canonical(text: str, make: Callable[..., T]) -> tuple[list[T], int] | None:
    """The entries of a file in the usual layout, made by ``make``, and the line the first
    starts on; or None to let :func:`_parse_lines` read it."""
    entries: list[T] = []
    start = len(text) - len(text.lstrip("\n"))
    line = first_line = 1 + start
    end = len(text)
    count = text.count
    try:
        # Entries one after the other: each match must start where the last ended.
        for found in _CANONICAL.finditer(text, start):
            if found.start() != start:
                return None
            (comments, extracted, more_extracted, references, more_references, flags, msgctxt, msgid,
             msgstr) = found.groups()
            # Each line as the line reader sees it: stripped, then its prefix cut off.
            if comments:
                comments = polib_join([row.strip()[2:] for row in comments[:-1].split("\n")])
            if extracted is not None:
                if more_extracted:
                    rows = [extracted.rstrip(), *(row.strip()[3:] for row in more_extracted[:-1].split("\n"))]
                    if not all(rows):
                        return None
                    extracted = polib_join(rows)
                else:  # one line, the usual
                    extracted = extracted.rstrip()
                    if not extracted:
                        return None
            else:
                extracted = ""
            if references is not None:
                paths = references.split()  # each line must name a path
                if not paths:
                    return None
                if more_references:
                    for row in more_references[:-1].split("\n"):
                        row_paths = row[3:].split()
                        if not row_paths:
                            return None
                        paths.extend(row_paths)
                references = tuple(paths)
            else:
                references = ()
            if flags is not None:
                if not flags.strip():
                    return None
                flags = tuple([flag.strip() for flag in flags.split(",")])
            else:
                flags = ()
            after = found.end()
            # _value, written out for the usual string of one line without escapes: a call less
            # for each of 2,100,000 strings in a cold build.
            msgid = msgid[1:-1] if "\n" not in msgid and "\\" not in msgid else _value(msgid)
            msgstr = msgstr[1:-1] if "\n" not in msgstr and "\\" not in msgstr else _value(msgstr)
            if msgctxt is not None:
                msgctxt = msgctxt[1:-1] if "\n" not in msgctxt and "\\" not in msgctxt else _value(msgctxt)
            at = found.start(8)
            msgid_line = line + count("\n", start, at)
            entries.append(make(msgid=msgid, msgstr=msgstr, msgctxt=msgctxt, flags=flags, comment=comments,
                                extracted=extracted, references=references, line=msgid_line))
            line = msgid_line + count("\n", at, after)
            start = after
    except KeyError:
        return None
    return (entries, first_line) if start == end else None


def _parse_lines(text: str) -> list[_Entry] | None:
    """The entries of a well-formed PO text, read line by line; None to fall back."""
    entries: list[_Entry] = []
    current: _Entry | None = None
    field = None  # where a continuation line goes
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        head = line[:2]
        if head[0] == "#":
            if current is not None and current.msgstr is not None:
                entries.append(current)
                current = None
            if current is None:
                current = _Entry(number)
            elif current.msgid is not None:
                return None  # a comment between msgid and msgstr
            field = None
            if line == "#" or head == "# ":
                current.comment.append(line[2:])
            elif head == "#.":
                if line[2:3] != " " or len(line) < 4:
                    return None
                current.extracted.append(line[3:])
            elif head == "#:":
                if line[2:3] != " " or len(line) < 4:
                    return None
                current.references.extend(line[3:].split())
            elif head == "#,":
                if line[2:3] != " " or len(line) < 4:
                    return None
                current.flags.extend(flag.strip() for flag in line[3:].split(","))
            elif head == "#|":
                rest = line[2:].lstrip()
                if rest.startswith('"'):
                    value = _string(rest)
                    if value is None or field not in ("previous_msgid", "previous_msgctxt"):
                        return None
                    setattr(current, field, getattr(current, field) + value)
                    continue
                keyword, _, quoted = rest.partition(" ")
                value = _string(quoted.lstrip())
                if value is None or keyword not in ("msgid", "msgctxt"):
                    return None
                field = "previous_" + keyword
                if getattr(current, field) is not None:
                    return None
                setattr(current, field, value)
                continue
            else:
                return None  # '#~' obsolete entries, '##', '#x': the careful path reads them
            continue
        if line[0] == '"':
            value = _string(line)
            if value is None or current is None or field is None or field.startswith("previous_"):
                return None
            setattr(current, field, getattr(current, field) + value)
            continue
        keyword, _, quoted = line.partition(" ")
        value = _string(quoted.lstrip())
        if value is None:
            return None
        if keyword == "msgctxt" or keyword == "msgid":
            if current is not None and current.msgstr is not None:
                entries.append(current)
                current = None
            if current is None:
                current = _Entry(number)
            if keyword == "msgctxt":
                if current.msgctxt is not None or current.msgid is not None:
                    return None
                current.msgctxt = value
            else:
                if current.msgid is not None:
                    return None
                current.msgid = value
                current.line = number
            field = keyword
        elif keyword == "msgstr":
            if current is None or current.msgid is None or current.msgstr is not None:
                return None
            current.msgstr = value
            field = "msgstr"
        else:
            return None  # msgid_plural, msgstr[n], stray text
    if current is not None:
        if current.msgstr is None:
            return None  # trailing comments or a msgid without msgstr
        entries.append(current)
    return entries
