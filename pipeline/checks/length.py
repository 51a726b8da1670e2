"""Length: a translation far shorter or longer than the source has lost or gained something,
and one of megabytes is no translation at all."""

from __future__ import annotations

from pipeline.checks import ERROR, WARNING, Unit, _iter_forms, check
from pipeline.checks._locale import locale_info

# Below this many characters of English the ratio says nothing ('Purpose' -> 'Objectif').
MIN_SOURCE_LENGTH = 30
# Translation length / English length, by script. Chinese and Japanese need a third of the
# characters, Korean about half; alphabetic scripts run from about 0.8 (Arabic) to 1.4
# (German). The bounds are wide: this catches a truncated or run-on translation, not style.
BOUNDS = {"Hans": (0.15, 1.2), "Hant": (0.15, 1.2), "Hani": (0.15, 1.2), "Jpan": (0.2, 1.4),
          "Kore": (0.25, 1.5)}
DEFAULT_BOUNDS = (0.5, 2.5)


def bounds(script: str) -> tuple[float, float]:
    return BOUNDS.get(script, DEFAULT_BOUNDS)


@check("length-ratio", WARNING)
def length_ratio(unit: Unit):
    """The translation's length is within the usual range for its language (texts of 30+ characters)."""
    for index, text, source, where in _iter_forms(unit):
        source = source.strip()
        if not text or len(source) < MIN_SOURCE_LENGTH:
            continue
        info = locale_info(unit.locale)
        low, high = bounds(info.script)
        length = len(text.strip())
        ratio = length / len(source)
        if low <= ratio <= high:
            continue
        hint = "check that nothing was left out" if ratio < low else "check that nothing was added or repeated"
        yield (f"the translation is {length} characters, {ratio:.0%} of the source's {len(source)}{where}; "
               f"{low:.0%}–{high:.0%} is usual for {info.name}: {hint}")


# No text of an article comes near this; a translation beyond it was pasted in by mistake, and
# is not checked further (pipeline.qa runs this check before every other one).
MAX_TRANSLATION_CHARS = 10_000
MAX_TRANSLATION_RATIO = 4


def oversized(source: str, source_plural: str, translations: tuple[str, ...]) -> str | None:
    """The finding for a translation far beyond any text of an article, or None."""
    longest = max(map(len, translations))
    if longest <= MAX_TRANSLATION_CHARS:  # every text of an article (the ratio only raises the limit)
        return None
    limit = max(MAX_TRANSLATION_CHARS, MAX_TRANSLATION_RATIO * max(len(source), len(source_plural)))
    if longest <= limit:
        return None
    return (f"the translation is {longest:,} characters, far beyond any text of an article (at most {limit:,} "
            f"for this one); it was not checked further and is not shown: was something pasted in by mistake?")


@check("size", ERROR)
def size(unit: Unit):
    """A translation is at most 10,000 characters (or 4 times its English): more was pasted in by mistake."""
    found = oversized(unit.source, unit.source_plural, unit.forms)
    if found:
        yield found
