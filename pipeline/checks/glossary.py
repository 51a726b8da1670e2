"""Glossary: key terms and negations translated the approved way (see :mod:`pipeline.glossary`)."""

from __future__ import annotations

from pipeline.checks import ERROR, WARNING, Batch, Unit, _iter_forms, check
from pipeline.glossary import NEGATION, Glossary, normalize

_SHOWN = 5  # approved translations listed in a message; the glossary has them all


def _has_terms(batch: Batch) -> bool:
    return batch.glossary is not None and len(batch.glossary) > 0


@check("glossary", ERROR, screen=_has_terms)
def glossary(unit: Unit):
    """Where a glossary term or negation occurs in the English, an approved translation of it is used."""
    locale_glossary: Glossary | None = unit.glossary  # type: ignore[assignment]
    if locale_glossary is None or not len(locale_glossary):
        return
    english = unit.source if not unit.source_plural else f"{unit.source}\n{unit.source_plural}"
    found = locale_glossary.find(english)
    if not found:
        return
    # A dropped negation in the disclaimer or the risks blocks the bundle; elsewhere it warns.
    level = ERROR if unit.required else WARNING
    where_file = f" ({locale_glossary.path}:{{line}})" if locale_glossary.path else ""
    for index, text, source, where in _iter_forms(unit):
        if not text:
            continue
        normalized = normalize(text)
        for term, form in found:
            if term.in_normalized(normalized):
                continue
            approved = ", ".join(_quoted(t) for t in term.translations[:_SHOWN])
            if len(term.translations) > _SHOWN:
                approved += f" or {len(term.translations) - _SHOWN} more"
            glossary_ref = where_file.format(line=term.line)
            if term.kind == NEGATION:
                message = (f"the source says {_quoted(form)} (a negation) and the translation has none of {approved}"
                           f"{where}: without it the sentence can say the opposite; restore the negation"
                           f"{glossary_ref}")
            else:
                message = (f"glossary term {_quoted(form)} in the source, none of its approved translations "
                           f"({approved}) in the translation{where}; use one of them{glossary_ref}")
            if term.note:
                message += f". Note: {term.note}"
            yield level, message


def _quoted(text: str) -> str:
    return f'"{text}"' if "'" in text else f"'{text}'"
