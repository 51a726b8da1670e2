"""The careful reading of a PO file: refuse, with its line, what polib would silently misread.

polib is lenient: it reads ``msgstr "Lésion`` (no closing quote) as ``Lésio``, merges or
drops entries of the wrong shape, and splits lines where msgfmt does not. An ``update``
would then write the damage back into the translator's file. :func:`pipeline.catalog.parse_po`
runs these checks before polib whenever the fast reader (:mod:`pipeline.poread`) steps aside.
"""

from __future__ import annotations

import re

from pipeline.errors import CatalogError

_CHARSET = re.compile(r"charset=([^\s;\\\"]+)", re.I)

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(?![\w\[])")

_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')

# The escapes polib reads and writes back unchanged; any other would be silently altered.
_ESCAPES = frozenset('ntrvbf"\\')

SYNTAX_HINT = "check the quoting near this line (msgfmt --check-format FILE shows more)"

def check_syntax(text: str, display: str) -> None:
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
                                   line=number, hint=SYNTAX_HINT)
            if line.startswith("#"):
                continue
        if not line:
            continue
        problem = _line_problem(line)
        if problem:
            raise CatalogError(f"invalid PO file: {problem}", path=display, line=number, hint=SYNTAX_HINT)
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

    Fed one line at a time by :func:`check_syntax`; raises :class:`CatalogError` on the
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

    def fail(self, message: str, line: int, hint: str = SYNTAX_HINT) -> None:
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

# Characters that polib (str.splitlines) reads as the end of a line and msgfmt does not:
# a file holding one cannot be read as its author sees it.
_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

_CONTROL_NAMES = {"\x0b": "LINE TABULATION", "\x0c": "FORM FEED", "\x1c": "FILE SEPARATOR",
                  "\x1d": "GROUP SEPARATOR", "\x1e": "RECORD SEPARATOR", "\x85": "NEXT LINE"}

# The comment prefixes polib knows; msgfmt also reads '#TODO' or '#,fuzzy' as comments.
_COMMENT_PREFIXES = ("#~|", "#~", "#:", "#,", "#.", "#|", "#")

def space_comments(text: str) -> str:
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

def check_line_breaks(text: str, display: str) -> None:
    found = _LINE_BREAKS.search(text)
    if found:
        import unicodedata

        char = found.group()
        name = unicodedata.name(char, _CONTROL_NAMES.get(char, "a control character"))
        raise CatalogError(f"invalid PO file: U+{ord(char):04X} ({name}) on this line: PO tools disagree "
                           "about whether it ends a line, so the file cannot be read reliably",
                           path=display, line=text.count("\n", 0, found.start()) + 1,
                           hint="remove it; to break a line inside a translation, write \\n")

def check_charset(head: str, display: str) -> None:
    match = _CHARSET.search(head)
    if match and match.group(1).upper().replace("_", "-") not in ("UTF-8", "UTF8", "CHARSET"):
        line = head[: match.start()].count("\n") + 1
        raise CatalogError(f"declared charset is '{match.group(1)}'; only UTF-8 is supported", path=display,
                           line=line, hint="convert the file: msgconv -t UTF-8 FILE")
