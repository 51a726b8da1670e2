"""Placeholders: ``{name}`` fields that the page fills in must survive translation."""

from __future__ import annotations

import re
from collections import Counter

from pipeline.checks import ERROR, Batch, Unit, _iter_forms, check

BRACE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def _braces(batch: Batch) -> bool:
    return "{" in batch.text


@check("placeholders", ERROR, screen=_braces)
def placeholders(unit: Unit):
    """The translation has exactly the source's {name} placeholders: none lost, none invented."""
    if "{" not in unit.source and not any("{" in text for text in unit.forms):
        return
    expected = Counter(BRACE.findall(unit.source))
    for index, text, source, where in _iter_forms(unit):
        if not text:
            continue
        found = Counter(BRACE.findall(text))
        for name in sorted(expected - found):
            yield f"placeholder '{{{name}}}' is missing{where}; the source has it, keep it as written"
        for name in sorted(found - expected):
            yield (f"placeholder '{{{name}}}' is not in the source{where}; "
                   f"placeholders must be copied, never translated or invented "
                   f"(source has: {', '.join('{%s}' % n for n in sorted(expected)) or 'none'})")
