"""Bundles: one article in one locale, as the JSON data apps consume.

``make_bundle`` turns the gate's verdict (which text to show for every message, and
which fell back to English) into the JSON document described by
``pipeline/schemas/bundle.schema.json`` and ``docs/bundles.md``. The HTML page is
rendered from the same document (:mod:`pipeline.bundle.html`), so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline.locales import SOURCE_TAG
from pipeline.source import Article, Block, Message, Sources

if TYPE_CHECKING:  # the gate imports the checks; a no-op build never needs them
    from pipeline.gate import Resolved, Verdict

SCHEMA_VERSION = 1
SOURCE_REVIEW_STATE = "source"


# Language facts already computed (by this process or, through the build state, by the
# last build with the same library versions): loading CLDR data for 20 locales costs 0.3 s.
KNOWN_LANGUAGES: dict[str, dict] = {}


def language_info(tag: str) -> dict:
    """Name (in the language itself and in English) and text direction, from CLDR."""
    info = KNOWN_LANGUAGES.get(tag)
    if info is None:
        info = KNOWN_LANGUAGES[tag] = _language_info(tag)
    return info


def _language_info(tag: str) -> dict:
    import langcodes
    from babel import Locale as BabelLocale

    language = langcodes.Language.get(_with_script(tag))
    babel_locale = BabelLocale.parse(tag.replace("-", "_"))
    return {
        "tag": tag,
        "name": language.autonym(),
        "english_name": language.display_name("en"),
        "direction": babel_locale.text_direction,
    }


def _with_script(tag: str) -> str:
    """``tag`` with its script made explicit when the region implies a non-default one.

    ``zh-TW`` → ``zh-Hant-TW``, ``sr-ME`` → ``sr-Latn-ME``, ``pa-PK`` → ``pa-Arab-PK``;
    ``es-MX``, ``pt-BR``, ``zh-CN`` and tags that name their script are returned unchanged.
    """
    import langcodes

    language = langcodes.Language.get(tag)
    if language.script or not language.territory:
        return tag
    likely = language.maximize().script
    default = langcodes.Language.get(language.language).maximize().script
    if likely is None or likely == default:
        return tag
    return str(language.update_dict({"script": likely}))


KNOWN_CHAINS: dict[str, tuple[str, ...]] = {}


def fallback_chain(tag: str) -> tuple[str, ...]:
    """CLDR's parent chain, ending in the source language (see :func:`_fallback_chain`)."""
    chain = KNOWN_CHAINS.get(tag)
    if chain is None:
        chain = KNOWN_CHAINS[tag] = _fallback_chain(tag)
    return tuple(chain)


def _fallback_chain(tag: str) -> tuple[str, ...]:
    """CLDR's parent chain, ending in the source language: es-MX → es-419 → es → en.

    A script is dropped only when it is the language's default one, as CLDR's
    parentLocales do: zh-Hans → zh, but zh-Hant never falls back to zh (Simplified).
    A region written without its script is read with the script CLDR's likely subtags
    give it, when that is not the language's default: zh-TW → zh-Hant → en,
    sr-ME → sr-Latn → en.
    """
    import langcodes
    from babel.core import get_global

    parents = get_global("parent_exceptions")
    chain = [tag]
    current = _with_script(tag)  # zh-TW is zh-Hant-TW: it goes on to zh-Hant, never to zh
    while True:
        babel_id = current.replace("-", "_")
        if babel_id in parents:
            parent = parents[babel_id]
            if parent == "root":
                break
            current = parent.replace("_", "-")
        else:
            parts = current.split("-")
            if len(parts) == 1:
                break
            dropped = parts[-1]
            if len(dropped) == 4 and dropped.isalpha():  # a script subtag
                default = langcodes.Language.get(parts[0]).maximize().script
                if default != dropped.title():
                    break
            current = "-".join(parts[:-1])
        if current not in chain:
            chain.append(current)
    if chain[-1] != SOURCE_TAG:
        chain.append(SOURCE_TAG)
    return tuple(chain)


@lru_cache(maxsize=4096)
def format_long_date(day: dt.date, tag: str) -> str:
    """``day`` as ``tag`` writes a long date (CLDR's "long" pattern: 6 juin 2025, June 6, 2025).

    Through the locale's :func:`date_locale`, which a process keeps for each locale, so that a
    new date costs no reload of the locale's CLDR data (3 to 8 ms; a build lets the data go
    after each job, and a job of every locale meets each of its articles' dates in each).
    Should Babel ask that stand-in for anything it does not hold, the date is formatted
    from the locale's full data, as before."""
    from babel.dates import format_date

    locale = date_locale(tag)
    if locale is not None:
        try:
            return format_date(day, format="long", locale=locale)
        except LookupError:  # Babel read something else of the locale: the full data, below
            pass
    return format_date(day, format="long", locale=tag.replace("-", "_"))


# What Babel reads of a locale to write a long date, for every locale it has (tests/test_bundle.py).
_DATE_DATA = ("date_formats", "eras", "months")
_DATE_LOCALES: dict[str, object] = {}


def date_locale(tag: str):
    """A Babel locale for ``tag`` that holds only what a long date needs (its patterns, eras
    and month names, a few kilobytes) and refuses anything else (LookupError); None when
    Babel does not know ``tag``. Made from the locale's full data, which can then go
    (:func:`pipeline.locales.release_locale_data`)."""
    if tag in _DATE_LOCALES:
        return _DATE_LOCALES[tag]
    from collections.abc import Mapping

    from babel import Locale, UnknownLocaleError

    def plain(value):  # aliases resolved, as Babel resolves them on reading
        return {key: plain(value[key]) for key in value} if isinstance(value, Mapping) else value

    class DateLocale(Locale):
        def __init__(self, full: Locale) -> None:
            super().__init__(full.language, full.territory, full.script, full.variant, full.modifier)
            self._held = {name: plain(getattr(full, name)) for name in _DATE_DATA}

        @property
        def _data(self):
            raise LookupError("a long date's locale holds only its patterns, eras and months")

        date_formats = property(lambda self: self._held["date_formats"])
        eras = property(lambda self: self._held["eras"])
        months = property(lambda self: self._held["months"])

    try:
        made = DateLocale(Locale.parse(tag.replace("-", "_")))
    except (UnknownLocaleError, ValueError, LookupError):
        made = None
    _DATE_LOCALES[tag] = made
    return made


class _Texts:
    """Resolves messages to bundle text objects ``{"text", "lang", "fallback"}``."""

    def __init__(self, texts: Mapping[tuple[str, str], Resolved] | None, tag: str) -> None:
        self.texts = texts
        self.tag = tag

    def __call__(self, message: Message) -> dict:
        if self.texts is None:  # the English bundle: the source itself
            return {"text": message.text, "lang": SOURCE_TAG, "fallback": False}
        resolved = self.texts[message.key]
        if resolved.fallback:
            return {"text": resolved.text, "lang": SOURCE_TAG, "fallback": True, "fallback_reason": resolved.why}
        return {"text": resolved.text, "lang": self.tag, "fallback": False}


def _block(block: Block, text: _Texts) -> dict:
    if block.kind == "paragraph":
        return {"type": "paragraph", "text": text(block.messages[0])}
    if block.kind == "definitions":
        return {"type": "definitions",
                "items": [{"term": text(t), "definition": text(d)} for t, d in block.pairs]}
    return {"type": block.kind, "items": [text(m) for m in block.messages]}


def make_bundle(sources: Sources, article: Article, tag: str, verdict: Verdict | None,
                source_sha256: str, required_roles: frozenset[str]) -> dict:
    """The bundle document; ``verdict`` None builds the English (source) bundle."""
    text = _Texts(verdict.texts if verdict is not None else None, tag)
    site = sources.site
    labels = {name: text(message) for name, message in site.labels.items()}
    updated_display = format_long_date(article.updated, tag)
    updated_line = dict(labels["updated"])
    updated_line["text"] = updated_line["text"].replace(
        "{date}", updated_display if not updated_line["fallback"] else format_long_date(article.updated, SOURCE_TAG))
    if verdict is None:
        from pipeline.gate import bundle_messages

        total = len(bundle_messages(sources, article))
        coverage = {"total": total, "translated": total, "fallback": 0, "percent": 100.0}
        review = {"state": SOURCE_REVIEW_STATE}
    else:
        coverage = verdict.coverage.to_json()
        review = {"state": verdict.review_state}
    return {
        "schema_version": SCHEMA_VERSION,
        "article": article.id,
        "locale": tag,
        "language": language_info(tag),
        "fallback_chain": list(fallback_chain(tag)) if tag != SOURCE_TAG else [SOURCE_TAG],
        "title": text(article.title),
        "introduction": [_block(b, text) for b in article.introduction],
        "sections": [
            {
                "id": section.id,
                "role": section.role,
                "required": section.role in required_roles,
                "heading": text(section.heading),
                "blocks": [_block(b, text) for b in section.blocks],
            }
            for section in article.sections
        ],
        "disclaimer": {
            "heading": text(site.disclaimer.heading),
            "blocks": [_block(b, text) for b in site.disclaimer.blocks],
        },
        "updated": {"date": article.updated.isoformat(), "display": updated_display, "line": updated_line},
        "labels": labels,
        "review": review,
        "coverage": coverage,
        "source": {"path": article.path, "sha256": source_sha256},
    }
