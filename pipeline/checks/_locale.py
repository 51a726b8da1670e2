"""What the checks need to know about a locale, computed once per locale and cached.

The checks run on about a million units per cold build; everything here is looked up in
Babel and langcodes on the first unit of a locale, never again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipeline.locales import Locale

# Between digits these can only be group separators, whatever the locale (SI style).
NUMBER_SPACES = frozenset("\u00a0\u202f\u2009")
SPACES = NUMBER_SPACES | {" "}
# Scripts written without spaces between words, much denser than Latin text.
CJK_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Kore"})


@dataclass(frozen=True, eq=False)  # one per locale (cached): identity is equality, hashing is cheap
class LocaleInfo:
    tag: str                 # BCP 47: 'fr', 'pt-BR'
    language: str            # 'fr', 'pt', 'zh'
    script: str              # ISO 15924: 'Latn', 'Arab', 'Hans'
    name: str                # English display name, for messages: 'French', 'Chinese (Simplified)'
    decimals: frozenset[str]  # decimal separators this locale writes ('.' ',' '٫')
    groups: frozenset[str]   # thousands separators read in this locale ('.' ',' '٬', spaces)

    @property
    def cjk(self) -> bool:
        return self.script in CJK_SCRIPTS


# How the English source is read: no plain space between digit groups ('1 000' is rare in
# English, and '1 500' might be two numbers of a list).
ENGLISH = LocaleInfo("en", "en", "Latn", "English", frozenset("."), frozenset(",") | NUMBER_SPACES)


@lru_cache(maxsize=None)
def locale_info(locale: Locale) -> LocaleInfo:
    from babel import Locale as BabelLocale

    babel = BabelLocale.parse(locale.babel_id)
    script = babel.script or likely_script(babel.language, babel.territory) or "Latn"
    decimals: set[str] = set()
    groups: set[str] = set()
    # The default system (latn for most, arab for some Arabic locales), Latin digits (always
    # seen in practice) and the native one (arab for ar: '٫' and '٬' with '٠'-'٩').
    systems = {babel.default_numbering_system, "latn", babel.other_numbering_systems.get("native", "latn")}
    for system in sorted(systems):
        symbols = babel.number_symbols.get(system) or {}
        for key, bucket in (("decimal", decimals), ("group", groups)):
            value = _strip_marks(symbols.get(key) or "")
            if len(value) == 1:
                bucket.add(value)
    # Spaces group thousands in every locale: CLDR's choice for French, and the SI style
    # that Spanish (RAE), German (DIN 1333) and others accept beside their own '.'.
    groups |= SPACES
    groups -= decimals  # never both (de_CH '.' decimal vs '.' elsewhere): the decimal wins
    return LocaleInfo(locale.tag, babel.language or locale.tag, script, babel.get_display_name("en") or locale.tag,
                      frozenset(decimals), frozenset(groups))


def likely_script(language: str, territory: str | None) -> str | None:
    """The script CLDR's likely subtags give a language (in a territory): 'Hant' for zh, TW.

    From Babel's copy of CLDR, which the checks read everything else from: langcodes has
    its own, and importing it cost a one-PO rebuild 25 ms (docs/performance.md)."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    for key in (f"{language}_{territory}", language) if territory else (language,):
        parts = likely.get(key, "").split("_")
        if len(parts) > 1 and len(parts[1]) == 4:
            return parts[1]
    return None


def _strip_marks(symbol: str) -> str:
    # CLDR wraps some symbols in LRM/ALM (Arabic percent: '\u200e%\u200e').
    return symbol.strip("\u200e\u200f\u061c")
