"""Same as source: a translation identical to the English is usually one nobody translated."""

from __future__ import annotations

import re

from pipeline.checks import WARNING, Unit, _iter_forms, check
from pipeline.checks._locale import locale_info
from pipeline.checks.units import UNITS

# What a translation keeps as is: placeholders, markup, addresses; then the words left.
_KEPT = re.compile(r"\{[^{}]*\}|<[^<>]*>|\b(?:https?|ftp)://\S+|\bwww\.\S+|\S+@\S+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SYMBOLS = frozenset(s for symbols, _ in UNITS.values() for s in symbols)


def _is_acronym(word: str) -> bool:
    """'MRI', 'CT', 'eGFR': no lower case, or more than one capital."""
    return word.isupper() or sum(c.isupper() for c in word) >= 2


@check("same-as-source", WARNING)
def same_as_source(unit: Unit):
    """The translation is not identical to the English (unless it is only names, acronyms or symbols)."""
    for index, text, source, where in _iter_forms(unit):
        if not text or abs(len(text) - len(source)) > len(source) // 10 + 2:
            continue  # cheap first look: spacing aside, an identical text has about the same length
        if " ".join(text.split()).casefold() != " ".join(source.split()).casefold():
            continue
        words = [w for w in _WORD.findall(_KEPT.sub(" ", source)) if w not in _SYMBOLS]
        if not words or all(_is_acronym(w) for w in words):
            continue  # '{date}', '5 mg', 'MRI', 'CT': the same in every language
        if len(words) == 1 and locale_info(unit.locale).script == "Latn":
            # One word is often spelled the same in a language that shares the alphabet:
            # 'Information' (de), 'Conclusion', 'Infection' (fr), 'Article'.
            continue
        yield (f"the translation is the English text unchanged{where}; translate it, or if it must stay "
               f"as is (a name), say so in a translator comment")
