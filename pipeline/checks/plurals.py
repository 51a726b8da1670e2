"""Plurals: a message with plural forms has every form the locale's Plural-Forms asks for, filled."""

from __future__ import annotations

from pipeline.checks import ERROR, Batch, Unit, check
from pipeline.checks._locale import locale_info


def _plural(batch: Batch) -> bool:
    return batch.plural


@check("plurals", ERROR, screen=_plural)
def plurals(unit: Unit):
    """Every plural form of a plural message is filled, as many as the locale's Plural-Forms says."""
    if not unit.source_plural:
        return
    name = locale_info(unit.locale).name
    count, expected = len(unit.translations), unit.nplurals
    if count < expected:
        missing = ", ".join(str(i) for i in range(count, expected))
        yield (f"{count} plural forms in the translation, {expected} in {name} (Plural-Forms: "
               f"nplurals={expected}); add msgstr[{missing}]")
    elif count > expected:
        yield (f"{count} plural forms in the translation, {expected} in {name} (Plural-Forms: "
               f"nplurals={expected}); msgstr[{expected}] and later are never shown: remove them")
    for index, text in enumerate(unit.translations[:expected]):
        if not text.strip():
            state = "empty" if not text else "only whitespace"
            yield f"plural form {index} (msgstr[{index}]) is {state}; every form must be translated"
