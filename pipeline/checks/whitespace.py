"""Whitespace: the same leading and trailing whitespace as the source, and no doubled spaces.

Spaces of every width count as one kind for the comparison (a French translation may use
U+00A0 where English has a space); a line break is not a space.
"""

from __future__ import annotations

import re

from pipeline.checks import WARNING, Unit, _iter_forms, check

_SPACES = str.maketrans({c: " " for c in "\u00a0\u202f\u2009\u2007\u3000"})
_LEADING = re.compile(r"\A\s+")
_TRAILING = re.compile(r"\s+\Z")
# Two or more spaces of any width between two non-space characters.
_DOUBLED = re.compile(r"(?<=\S)[ \u00a0\u202f\u2009\u2007\u3000]{2,}(?=\S)")
_WORD_BEFORE = re.compile(r"\S{1,20}\Z")


def _shown(whitespace: str) -> str:
    if not whitespace:
        return "none"
    if whitespace == " ":
        return "a space"
    return "'" + "".join({" ": " ", "\n": "\\n", "\t": "\\t"}.get(c, f"\\u{ord(c):04x}") for c in whitespace) + "'"


@check("whitespace", WARNING)
def whitespace(unit: Unit):
    """Leading and trailing whitespace (spaces, line breaks) are the same as the source's."""
    for index, text, source, where in _iter_forms(unit):
        if not text:
            continue
        if not (text[0].isspace() or text[-1].isspace() or source[:1].isspace() or source[-1:].isspace()):
            continue
        for side, pattern in (("leading", _LEADING), ("trailing", _TRAILING)):
            expected = pattern.search(source)
            found = pattern.search(text)
            expected_ws = expected.group() if expected else ""
            found_ws = found.group() if found else ""
            if expected_ws.translate(_SPACES) != found_ws.translate(_SPACES):
                yield (f"{side} whitespace: {_shown(found_ws)} in the translation, {_shown(expected_ws)} "
                       f"in the source{where}")


@check("doubled-spaces", WARNING)
def doubled_spaces(unit: Unit):
    """No run of two or more spaces inside the translation (unless the source has as many)."""
    for index, text, source, where in _iter_forms(unit):
        if not text or not _DOUBLED.search(text):
            continue
        runs = list(_DOUBLED.finditer(text))
        if len(runs) <= len(_DOUBLED.findall(source)):
            continue
        for run in runs:
            word = _WORD_BEFORE.search(text, 0, run.start())
            spaces = " ".join(f"U+{ord(c):04X}" for c in run.group())
            names = "spaces" if set(run.group()) == {" "} else f"spaces ({spaces})"
            yield (f"{len(run.group())} {names} in a row after '{word.group() if word else ''}' in the "
                   f"translation{where}; use one")
