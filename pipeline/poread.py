"""A fast reader for well-formed PO files: the common case, about ten times polib's speed.

It accepts a strict subset of the format (what ``pipeline``, msgmerge and the usual
editors write: comments, ``#|`` previous msgids, msgctxt/msgid/msgstr with continuation
lines) and answers ``None`` for anything else: plurals, obsolete entries, unusual
escapes, a duplicate, any line it does not know. :func:`pipeline.catalog.parse_po` then
takes the careful path through polib, which reports errors with their line. The two
paths give equal catalogues for every file this one accepts (tests/test_poread.py).
"""

from __future__ import annotations

import re

_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
# Characters that str.splitlines() (polib) or str.strip() treat as line breaks or spaces
# where split("\n") does not: a text with any of them takes the careful path.
_UNUSUAL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


def _string(token: str) -> str | None:
    """The value of a quoted PO string, or None when it is not one we can read exactly."""
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        return None
    body = token[1:-1]
    if "\\" not in body:
        return None if '"' in body else body
    out = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "\\":
            if i + 1 >= n or body[i + 1] not in _SIMPLE_ESCAPES:
                return None
            out.append(_SIMPLE_ESCAPES[body[i + 1]])
            i += 2
        elif ch == '"':
            return None
        else:
            out.append(ch)
            i += 1
    return "".join(out)


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


def parse_fast(text: str) -> list[_Entry] | None:
    """The entries of a well-formed PO text, in file order; None to fall back.

    The header entry (``msgid ""`` without context) is returned like any other; each
    entry knows its first line, so the caller can hand exactly the header's lines to the
    careful parser.
    """
    if _UNUSUAL.search(text):
        return None
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
    seen = set()
    for entry in entries:
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            return None  # the careful path names both lines
        seen.add(key)
    return entries
