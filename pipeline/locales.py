"""Locale tags: BCP 47 on the command line, in JSON and in ``dist/``; gettext style on disk.

``pt_br``, ``pt-BR`` and ``pt_BR`` all name the same locale, whose tag is ``pt-BR`` and
whose folder under ``locales/`` is ``pt_BR``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from pipeline.errors import UsageError

SOURCE_TAG = "en"
# Folder names are checked against this before anything else, so that a hostile name
# (``..``, ``a/b``, ``bad name``) can never reach langcodes or a path.
_SAFE = re.compile(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")


@dataclass(frozen=True, order=True)
class Locale:
    """A validated locale: ``tag`` is BCP 47 (``pt-BR``), ``folder`` is gettext style (``pt_BR``)."""

    tag: str

    @property
    def folder(self) -> str:
        return self.tag.replace("-", "_")

    @property
    def babel_id(self) -> str:
        return self.folder

    def __str__(self) -> str:
        return self.tag


@lru_cache(maxsize=None)
def parse_locale(text: str) -> Locale:
    """Validate and canonicalise a tag written either way; raise :class:`UsageError` if it is not one."""
    raw = text.strip()
    hint = "use a BCP 47 tag such as 'fr', 'pt-BR' or 'zh-Hans' (gettext spelling 'pt_BR' is accepted too)"
    if not raw:
        raise UsageError("empty locale tag", hint=hint)
    if not _SAFE.match(raw):
        raise UsageError(f"'{text}' is not a locale tag", hint=hint)
    import langcodes

    candidate = raw.replace("_", "-")
    if not langcodes.tag_is_valid(candidate):
        raise UsageError(f"'{text}' is not a valid BCP 47 tag", hint=hint)
    tag = langcodes.standardize_tag(candidate)
    language = langcodes.Language.get(tag)
    if language.language in (None, "und"):
        raise UsageError(f"'{text}' names no language ('und' is not a translation target)", hint=hint)
    if language.private or language.extensions:
        raise UsageError(f"'{text}': private-use and extension subtags are not supported", hint=hint)
    if tag.split("-")[0] == SOURCE_TAG and tag == SOURCE_TAG:
        raise UsageError("'en' is the source language; it has no catalogue to translate", hint=hint)
    from babel import Locale as BabelLocale
    from babel.core import UnknownLocaleError

    try:
        BabelLocale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise UsageError(
            f"'{text}' is a well-formed tag, but CLDR has no data for it (plural rules, dates)",
            hint="pick a locale that Babel knows, e.g. 'es', 'fr', 'ar', 'zh-Hans'",
        ) from None
    return Locale(tag)


def is_locale_folder(name: str) -> bool:
    """True when ``name`` is a gettext folder name for a valid locale."""
    try:
        return parse_locale(name).folder == name
    except UsageError:
        return False


def release_locale_data() -> None:
    """Let go of the CLDR data Babel loaded for a locale (a megabyte a locale; a rebuild
    evaluating one article in 20 locales held 21 MB of it to the end): after each job of a
    build, ``check`` or ``status`` (``pipeline.build._job``). Loading it again costs 3 ms."""
    localedata = sys.modules.get("babel.localedata")
    if localedata is None:
        return
    clear = getattr(localedata, "clear_caches", None)
    if clear is not None:
        clear()
    elif isinstance(getattr(localedata, "_cache", None), dict):  # a Babel without clear_caches
        localedata._cache.clear()  # (pyproject allows 2.14): the loaded data it would clear
