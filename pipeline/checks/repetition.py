"""Doubled words: "the the" is a slip of the keyboard.

Only space-separated words of letters count, so Chinese 慢慢 or Japanese 時々 (no spaces)
never do. Some repetitions are grammar: French reflexives ("nous nous", "vous vous"),
German relative pronouns ("die die", "das das"), and Vietnamese reduplication ("từ từ",
"thường thường"), which is productive, so Vietnamese is not checked. A repetition that the
source has too ("Bora Bora") is not reported.
"""

from __future__ import annotations

import re

from pipeline.checks import WARNING, Unit, _iter_forms, check

_EDGES = "\"'“”‘’«»„‚()[]{}.,;:!?…-–—¿¡、，。：；！？،؛؟"
_DOUBLED = re.compile(r"(?<![^\W\d_])([^\W\d_]+)[ \u00a0\u202f]+(\1)(?![^\W\d_])", re.IGNORECASE)
ALLOWED = {
    "fr": frozenset({"nous", "vous"}),
    "de": frozenset({"die", "das", "der", "den", "dem", "des", "sie"}),
    "pt": frozenset({"que"}),  # "o que que" in Brazilian speech; rare in writing, never a slip worth a flag
}
SKIPPED_LANGUAGES = frozenset({"vi"})


@check("doubled-words", WARNING)
def doubled_words(unit: Unit):
    """No word written twice in a row ("the the"), except where the language's grammar does so."""
    language = unit.locale.tag.split("-")[0]
    if language in SKIPPED_LANGUAGES:
        return
    allowed = ALLOWED.get(language, frozenset())
    for index, text, source, where in _iter_forms(unit):
        if not text or not _may_repeat(text):
            continue
        in_source = {m.group(1).casefold() for m in _DOUBLED.finditer(source)}
        for match in _DOUBLED.finditer(text):
            word = match.group(1).casefold()
            if word in allowed or word in in_source:
                continue
            yield f"'{match.group(1)} {match.group(2)}' in the translation{where}: the word is written twice"


def _may_repeat(text: str) -> bool:
    """A cheap first look: two neighbouring words equal once punctuation is set aside."""
    words = [w.strip(_EDGES) for w in text.casefold().split()]
    return any(a and a == b for a, b in zip(words, words[1:]))
