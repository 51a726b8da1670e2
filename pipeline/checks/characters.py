"""Control characters: no invisible character that changes how a translation reads.

- Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) can make
  text display differently from what it says ("Trojan Source"): an error in a required
  section (the disclaimer, the risks), a warning elsewhere. Arabic needs none of them; the
  marks U+200E/U+200F/U+061C (LRM, RLM, ALM), which CLDR itself uses, are not flagged.
- Zero-width characters (U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER, U+FEFF byte order
  mark inside the text) are a warning: they break search and copy-paste. U+200C and U+200D
  (zero-width non-joiner and joiner) are part of correct Persian and Indic spelling and are
  never flagged.

A character the source has as often is not reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from pipeline.checks import ERROR, WARNING, Batch, Unit, _iter_forms, check

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH = frozenset("\u200b\u2060\ufeff")
_ANY = re.compile("[" + "".join(sorted(_BIDI | _ZERO_WIDTH)) + "]")


def _controls(batch: Batch) -> bool:
    return not batch.text.isascii() and _ANY.search(batch.text) is not None  # none of them is ASCII


@check("control-characters", ERROR, screen=_controls)
def control_characters(unit: Unit):
    """No bidirectional override or zero-width character in the translation (bidi: error in required sections)."""
    for index, text, source, where in _iter_forms(unit):
        if not text or not _ANY.search(text):
            continue
        in_source = Counter(_ANY.findall(source))
        positions: dict[str, list[int]] = {}
        for match in _ANY.finditer(text):
            positions.setdefault(match.group(), []).append(match.start())
        for char in sorted(positions):
            count = len(positions[char]) - in_source[char]
            if count <= 0:
                continue
            first = positions[char][in_source[char]] + 1
            name = f"U+{ord(char):04X} {unicodedata.name(char)}"
            times = f"{count} times, first" if count > 1 else "once,"
            if char in _BIDI:
                level = ERROR if unit.required else WARNING
                yield level, (f"bidirectional control character {name} in the translation ({times} at character "
                              f"{first}){where}; it can make the text display differently from what it says: "
                              f"remove it")
            else:
                yield WARNING, (f"invisible character {name} in the translation ({times} at character "
                                f"{first}){where}; remove it")
