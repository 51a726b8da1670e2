"""Numbers: the translation has the source's numbers, no more and no fewer.

Numbers are compared as values, as a multiset: ``5`` is not ``50``, "1 in 500" is not
"1 in 50", and ``2.5`` is ``2,5`` in French. How each side is read:

- The English source: ``.`` is the decimal point, ``,`` groups thousands (``1,000``).
- The translation: the locale's own separators first, from CLDR through Babel (French
  ``2,5`` and ``1 000`` with U+202F; German ``1.000,5``; Arabic ``٢٫٥``), then the English
  way as a fallback (a German ``2.5`` is 2.5: ``.`` cannot group one digit). A space (plain,
  U+00A0, U+202F or U+2009) before exactly three digits groups thousands in every locale,
  as SI writes them (``10 000`` in Spanish or German too). When both readings could
  apply the locale's wins, because that is how its readers read it: ``1,000`` in a French
  text says one, and is reported as such.
- Any Unicode decimal digits count (Arabic-Indic ``٥٠``, Persian ``۵۰``, Devanagari ``५०``,
  full-width ``５０``): Python's ``\\d`` and ``Decimal`` read them all.
- Signs are ignored, so ranges read as their two ends whatever joins them (``1–2``,
  ``1-2``, "1 to 2", "1 à 2"); ``%`` and units are the units check's business.
- A list marker at the start of a line (``1.``, ``2)``, ``3、``) is numbering, not a number.
- A number the source writes as a word ("two main types", "twice a day") is left alone:
  the translation may write it with digits or as a word.

A number written as a word in the translation where the source has digits is reported:
patient information keeps dosages and counts in digits.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.checks import _DIGIT, ERROR, Unit, _iter_forms, check, digits
from pipeline.checks._locale import ENGLISH, SPACES, LocaleInfo, locale_info

_RUN = re.compile(r"\d+")
_SEPARATOR = re.compile(r"\D")
_LIST_MARKER = re.compile(r"(?m)^[ \t]*\d{1,3}(?:[.)][ \t]+|[．）、][ \t\u3000]*)")
# English number words, for the source only: a translation may write these with digits.
_WORD_VALUES = {
    word: Decimal(value) for value, words in enumerate((
        "zero", "one|once|first|single", "two|twice|second|both|pair", "three|thrice|third",
        "four|fourth", "five|fifth", "six|sixth", "seven|seventh", "eight|eighth", "nine|ninth",
        "ten|tenth", "eleven|eleventh", "twelve|twelfth|dozen", "thirteen", "fourteen", "fifteen",
        "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    )) for word in words.split("|")
}
_WORD_VALUES.update({w: Decimal(v) for w, v in (
    ("thirty", 30), ("forty", 40), ("fifty", 50), ("sixty", 60), ("seventy", 70), ("eighty", 80),
    ("ninety", 90), ("hundred", 100), ("thousand", 1000), ("million", 1000000), ("half", Decimal("0.5")),
)})
_WORDS = re.compile(r"(?i)\b(" + "|".join(sorted(_WORD_VALUES, key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class Number:
    """One number as written (``text``), where (``start``, ``end``), and what it says (``value``)."""

    value: Decimal
    text: str
    start: int
    end: int

    @property
    def plain(self) -> str:
        """The value written plainly, English style: '1000', '2.5'."""
        return plain(self.value)

    def shown(self) -> str:
        """The number as written, with how it was read when that is not obvious."""
        if self.text == self.plain:
            return f"'{self.text}'"
        return f"'{self.text}' (read as {self.plain})"


def plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


_PATTERNS: dict[LocaleInfo, re.Pattern[str]] = {}


def _token_pattern(info: LocaleInfo) -> re.Pattern[str]:
    pattern = _PATTERNS.get(info)
    if pattern is None:
        pattern = _PATTERNS[info] = _compile_token_pattern(info)
    return pattern


def _compile_token_pattern(info: LocaleInfo) -> re.Pattern[str]:
    separators = "".join(sorted(re.escape(c) for c in ({".", ","} | info.decimals | info.groups) - {" "}))
    # A plain space groups thousands only before exactly three digits ('1 000', not the
    # '1 5' of "pages 1 5"), and never in the English source.
    space = r"| (?=\d{3}(?!\d))" if " " in info.groups else ""
    return re.compile(rf"\d+(?:(?:[{separators}]{space})\d+)*")


def _read(token: str, decimals: frozenset[str], groups: frozenset[str]) -> Decimal | None:
    """The value of ``token`` with these separators, or None if it is not written that way."""
    runs = _RUN.findall(token)
    seps = _SEPARATOR.findall(token)
    fraction = None
    if seps and seps[-1] in decimals:
        fraction = runs[-1]
        runs, seps = runs[:-1], seps[:-1]
    if seps:
        if not all(s in groups for s in seps):
            return None
        if len(set(seps)) > 1 and not set(seps) <= SPACES:  # '1.000,000.5' is no notation
            return None
        if not 1 <= len(runs[0]) <= 3 or any(len(r) != 3 for r in runs[1:]):
            return None
    digits = "".join(runs) + ("." + fraction if fraction is not None else "")
    try:
        return Decimal(digits)
    except InvalidOperation:  # mixed digit systems in one run: not a number we can vouch for
        return None


# The numbers and units checks read the same texts one after the other: remember the last few.
_RECENT: dict[tuple[str, str], tuple[Number, ...]] = {}
_RECENT_SIZE = 256


def find_numbers(text: str, info: LocaleInfo = ENGLISH) -> tuple[Number, ...]:
    """Every number in ``text`` as the locale writes it (English for the source)."""
    if not _DIGIT.search(text):
        return ()
    key = (text, info.tag)
    found = _RECENT.get(key)
    if found is None:
        if len(_RECENT) >= _RECENT_SIZE:
            _RECENT.clear()
        found = _RECENT[key] = tuple(_find_numbers(text, info))
    return found


def _find_numbers(text: str, info: LocaleInfo) -> list[Number]:
    if _LIST_MARKER.search(text):
        text = _LIST_MARKER.sub(lambda m: " " * len(m.group()), text)
    numbers: list[Number] = []
    for match in _token_pattern(info).finditer(text):
        token = match.group()
        value = _read(token, info.decimals, info.groups)
        if value is None and info is not ENGLISH:
            value = _read(token, ENGLISH.decimals, ENGLISH.groups)
        if value is not None:
            numbers.append(Number(value, token, match.start(), match.end()))
            continue
        # Not one number ('1,2,3', '1.2.3'): each run of digits is one.
        for run in _RUN.finditer(token):
            numbers.append(Number(Decimal(run.group()), run.group(),
                                  match.start() + run.start(), match.start() + run.end()))
    return numbers


def _compare(source: tuple[Number, ...], found: tuple[Number, ...], english: str, where: str, info: LocaleInfo,
             babel_id: str):
    if sorted(n.value for n in source) == sorted(n.value for n in found):
        return
    missing = Counter(n.value for n in source) - Counter(n.value for n in found)
    extra = Counter(n.value for n in found) - Counter(n.value for n in source)
    if extra:
        extra -= _words(english)  # "two main types" may become "2 types principaux"
    lost = _take(source, missing)
    added = _take(found, extra)
    for was, now in zip(lost, added):
        message = f"{now.shown()} in the translation, '{was.text}' in the source{where}"
        if _RUN.findall(now.text) == _RUN.findall(was.text):
            # Same digits, read differently: the source's notation, which the locale reads otherwise.
            message += f"; {info.name} writes {was.plain} as '{_localized(was.value, babel_id)}'"
        yield message
    for was in lost[len(added):]:
        yield (f"'{was.text}' in the source is missing from the translation{where}; "
               f"keep every number, written with digits")
    for now in added[len(lost):]:
        yield f"{now.shown()} in the translation is not in the source{where}"


def _localized(value: Decimal, babel_id: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_id, decimal_quantization=False)


def _take(numbers: tuple[Number, ...], wanted: Counter[Decimal]) -> list[Number]:
    """The numbers whose values ``wanted`` counts, in the order they are written."""
    left = Counter(wanted)
    taken = []
    for number in numbers:
        if left[number.value] > 0:
            left[number.value] -= 1
            taken.append(number)
    return taken


def _words(text: str) -> Counter[Decimal]:
    return Counter(_WORD_VALUES[w.lower()] for w in _WORDS.findall(text))


@check("numbers", ERROR, screen=digits)
def numbers(unit: Unit):
    """The translation has the source's numbers (5 is not 50), in the locale's own notation."""
    if not unit.has_digit:
        return
    info = locale_info(unit.locale)
    for index, text, source, where in _iter_forms(unit):
        if not text:
            continue
        found = find_numbers(text, info)
        # Plural form 0 answers the msgid, the others msgid_plural; a form that matches
        # either is fine (French uses form 0 for 0 and 1, Arabic has six forms).
        other = unit.source_plural if not index else unit.source
        problems = list(_compare(find_numbers(source), found, source, where, info, unit.locale.babel_id))
        if problems and index is not None:
            if not list(_compare(find_numbers(other), found, other, where, info, unit.locale.babel_id)):
                continue
        yield from problems
