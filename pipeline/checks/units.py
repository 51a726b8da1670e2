"""Units: a unit beside a number in the source stays beside the same number (5 mg is not 5 g).

The units checked, each with the symbols written the same in every language and, for the
English source only, its English words:

========  =========================  ==================================================
unit      symbols                    English words (source only)
========  =========================  ==================================================
mg        mg                         milligram(s)
g         g                          gram(s)
kg        kg                         kilogram(s)
µg        µg, μg, mcg, ug            microgram(s)
ng        ng                         nanogram(s)
mL        mL, ml, mℓ                 millilitre(s), milliliter(s)
dL        dL, dl                     decilitre(s), deciliter(s)
L         L, l, ℓ                    litre(s), liter(s)
mmol      mmol                       millimole(s)
mEq       mEq                        milliequivalent(s)
IU        IU                         international unit(s)
%         %, ٪, ％, ﹪                percent, per cent
°C        °C, ° C, ℃                 degree(s) Celsius
°F        °F, ° F, ℉                 degree(s) Fahrenheit
mmHg      mmHg, mm Hg                millimetres/millimeters of mercury
cm        cm                         centimetre(s), centimeter(s)
mm        mm                         millimetre(s), millimeter(s)
========  =========================  ==================================================

Compounds with ``/`` (``mg/kg``, ``mmol/L``) are one unit. Symbols are matched exactly
(``Mg`` is magnesium, not milligrams). Between the number and the unit: nothing, a space,
U+00A0, U+202F, U+2009, or a direction mark; ``%`` may also come before the number (``%5``).

Time words (hours, minutes, days) are not on the list: every language translates them, so
only the number can be checked (the numbers check does); a glossary entry can pin the word.

A translation may spell a unit its own way where the locale's glossary lists it: an entry
whose ``source`` is one of the symbols or words above (``source: IU``, ``translations:
[UI]``; ``source: mg``, ``translations: [毫克, mg]``) adds its translations as spellings.

A range shares its unit: "1–2 mg", "1 to 2 mg", "1 à 2 mg" and "1 mg à 2 mg" all say the
same. When the number itself is missing from the translation, the numbers check reports it
and this check stays quiet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.checks import ERROR, Unit, _iter_forms, check, digits
from pipeline.checks._locale import LocaleInfo, locale_info
from pipeline.checks.numbers import Number, find_numbers

UNITS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "mg": (("mg",), ("milligram", "milligrams", "milligramme", "milligrammes")),
    "g": (("g",), ("gram", "grams", "gramme", "grammes")),
    "kg": (("kg",), ("kilogram", "kilograms", "kilogramme", "kilogrammes")),
    "µg": (("µg", "μg", "mcg", "ug"), ("microgram", "micrograms", "microgramme", "microgrammes")),
    "ng": (("ng",), ("nanogram", "nanograms")),
    "mL": (("mL", "ml", "mℓ"), ("millilitre", "millilitres", "milliliter", "milliliters")),
    "dL": (("dL", "dl"), ("decilitre", "decilitres", "deciliter", "deciliters")),
    "L": (("L", "l", "ℓ"), ("litre", "litres", "liter", "liters")),
    "mmol": (("mmol",), ("millimole", "millimoles")),
    "mEq": (("mEq",), ("milliequivalent", "milliequivalents")),
    "IU": (("IU",), ("international unit", "international units")),
    "%": (("%", "٪", "％", "﹪"), ("percent", "per cent")),
    "°C": (("°C", "° C", "℃"), ("degrees Celsius", "degree Celsius")),
    "°F": (("°F", "° F", "℉"), ("degrees Fahrenheit", "degree Fahrenheit")),
    "mmHg": (("mmHg", "mm Hg"), ("millimetres of mercury", "millimeters of mercury")),
    "cm": (("cm",), ("centimetre", "centimetres", "centimeter", "centimeters")),
    "mm": (("mm",), ("millimetre", "millimetres", "millimeter", "millimeters")),
}
_PERCENT_SIGNS = UNITS["%"][0]

_GAP = "[ \u00a0\u202f\u2009\u200e\u200f\u061c]*"
# After a spelling that ends in a letter or digit: no further letter or digit (so 'g' is not
# the start of 'gotas'), no apostrophe (French "1 l'heure"); Chinese or Japanese text may
# follow directly ("5mg每天").
_END = r"(?!['’]|[^\W_\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef])"
_PERCENT_BEFORE = re.compile("[" + "".join(_PERCENT_SIGNS) + "]" + _GAP + r"\Z")
# What joins the two ends of a range, in the source and in the languages we know.
_SOURCE_JOIN = re.compile(r"\s*(?:[-–—~]|\s(?:to|or|and)\s)\s*\Z", re.IGNORECASE)
_TRANSLATION_JOIN = re.compile(
    r"\s*(?:[-–—~〜～至到或]|\s(?:to|or|and|à|a|au|ou|et|bis|oder|und|hasta|y|o|até|e|đến|tới|hoặc|và|إلى|و|أو)\s)\s*\Z",
    re.IGNORECASE,
)
_FOLLOWING = re.compile(r"[ \u00a0\u202f\u2009]*[^\s.,;:!?()，。：；（）、]{0,15}")


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af" or "\uf900" <= char <= "\ufaff"


class _Spellings:
    """A regex for 'unit right here' and the map from what it matched to the canonical unit."""

    def __init__(self, exact: dict[str, str], folded: dict[str, str], hyphen: bool = False) -> None:
        self.exact = exact
        self.folded = folded
        # One end-of-word test after all the spellings that end in a letter or digit, rather
        # than one per spelling: the same regex, compiled in 10 ms instead of 650.
        def group(spellings: set[str]) -> str:
            return "|".join(r"\s+".join(re.escape(part) for part in spelling.split(" "))
                            for spelling in sorted(spellings, key=lambda x: (-len(x), x)))

        def word_like(spelling: str) -> bool:
            return bool(re.match(r"[^\W_]", spelling[-1])) and not _is_cjk(spelling[-1])

        parts = []
        words_exact = {x for x in exact if word_like(x)}
        words_folded = {x for x in folded if word_like(x)}
        if words_exact or words_folded:
            inner = [f"(?:{group(words_exact)})"] if words_exact else []
            inner += [f"(?i:{group(words_folded)})"] if words_folded else []
            parts.append(f"(?:{'|'.join(inner)}){_END}")
        others_exact = set(exact) - words_exact
        others_folded = set(folded) - words_folded
        if others_exact:
            parts.append(f"(?:{group(others_exact)})")
        if others_folded:
            parts.append(f"(?i:{group(others_folded)})")
        alternatives = "|".join(parts)
        gap = _GAP + ("-?" if hyphen else "")
        self.pattern = re.compile(rf"{gap}({alternatives})(?:\s*/\s*({alternatives}))?")

    def canonical(self, spelling: str) -> str:
        spelling = " ".join(spelling.split())
        return self.exact.get(spelling) or self.folded[spelling.casefold()]

    def unit_at(self, text: str, position: int) -> tuple[str, int] | None:
        match = self.pattern.match(text, position)
        if not match:
            return None
        unit = self.canonical(match.group(1))
        if match.group(2):
            unit += "/" + self.canonical(match.group(2))
        return unit, match.end()


_SOURCE = _Spellings(
    {s: unit for unit, (symbols, _) in UNITS.items() for s in symbols},
    {w.casefold(): unit for unit, (_, words) in UNITS.items() for w in words},
    hyphen=True,  # "a 5-mg dose"
)
_TRANSLATION_BY_GLOSSARY: dict[str, _Spellings] = {}


def _translation_spellings(glossary) -> _Spellings:
    """Symbols, plus the spellings the locale's glossary gives for them (cached per content)."""
    digest = getattr(glossary, "digest", "") if glossary is not None else ""
    spellings = _TRANSLATION_BY_GLOSSARY.get(digest)
    if spellings is None:
        exact = {s: unit for unit, (symbols, _) in UNITS.items() for s in symbols}
        folded: dict[str, str] = {}
        if glossary is not None:
            for unit, (symbols, words) in UNITS.items():
                for english in (*symbols, *words):
                    for spelling in glossary.translations_of(english):
                        spelling = " ".join(spelling.split())
                        if spelling and spelling not in exact:
                            folded.setdefault(spelling.casefold(), unit)
        spellings = _TRANSLATION_BY_GLOSSARY[digest] = _Spellings(exact, folded)
    return spellings


@dataclass
class _Quantity:
    number: Number
    unit: str | None
    end: int  # end of the unit, or of the number when it has none
    inherited: bool = False  # the unit of a range's far end ("1" in "1–2 mg")

    def shown(self, text: str) -> str:
        return f"'{text[self.number.start:self.end]}'"


def _quantities(text: str, numbers: tuple[Number, ...], spellings: _Spellings, join: re.Pattern[str],
                percent_before: bool) -> list[_Quantity]:
    found = []
    for number in numbers:
        unit_end = spellings.unit_at(text, number.end)
        if unit_end:
            found.append(_Quantity(number, unit_end[0], unit_end[1]))
        elif percent_before and _PERCENT_BEFORE.search(text, max(0, number.start - 4), number.start):
            found.append(_Quantity(number, "%", number.end))
        else:
            found.append(_Quantity(number, None, number.end))
    # A range's near end takes the unit of its far end: walk backwards so "1, 2 or 3 mg" chains.
    for near, far in zip(reversed(found[:-1]), reversed(found[1:])):
        if near.unit is None and far.unit and join.search(text, near.end, far.number.start):
            near.unit, near.inherited = far.unit, True
    return found


def _compare(source: str, text: str, spellings: _Spellings, info: LocaleInfo, where: str) -> Iterator[str]:
    wanted = _quantities(source, find_numbers(source), _SOURCE, _SOURCE_JOIN, False)
    required = [q for q in wanted if q.unit and not q.inherited]
    found = _quantities(text, find_numbers(text, info), spellings, _TRANSLATION_JOIN, True)
    used = [False] * len(found)

    def take(condition) -> int | None:
        for i, quantity in enumerate(found):
            if not used[i] and condition(quantity):
                used[i] = True
                return i
        return None

    unmatched = [q for q in required
                 if take(lambda f, q=q: f.number.value == q.number.value and f.unit == q.unit) is None]
    for expected in unmatched:
        i = take(lambda f, q=expected: f.number.value == q.number.value)
        if i is None:
            continue  # the number itself is gone: the numbers check says so
        got = found[i]
        if got.unit:
            yield f"{got.shown(text)} in the translation, {expected.shown(source)} in the source{where}"
        else:
            following = _FOLLOWING.match(text, got.number.end).group().rstrip()
            shown = text[got.number.start:got.number.end] + following
            yield (f"'{shown}' in the translation, {expected.shown(source)} in the source{where}: keep the "
                   f"unit '{expected.unit}' beside the number (or a {info.name} spelling listed in the glossary)")
    allowed = {(q.number.value, q.unit) for q in wanted if q.unit}
    for i, got in enumerate(found):
        if used[i] or not got.unit or got.inherited or (got.number.value, got.unit) in allowed:
            continue
        plain = next((q for q in wanted if q.number.value == got.number.value), None)
        if plain is None:
            continue  # a number the source does not have: the numbers check says so
        yield (f"{got.shown(text)} in the translation, {plain.shown(source)} in the source{where}: "
               f"the translation adds a unit the source does not have beside that number")


@check("units", ERROR, screen=digits)
def units(unit: Unit):
    """A unit beside a number in the source (mg, mL, %, °C, IU...) stays beside the same number."""
    if not unit.has_digit:
        return
    info = locale_info(unit.locale)
    spellings = _translation_spellings(unit.glossary)
    for index, text, source, where in _iter_forms(unit):
        if not text:
            continue
        yield from _compare(source, text, spellings, info, where)
