"""The JSON bundle (issue 4, point 1): one article in one locale, as apps read it.

Every test builds its own translated content root (``fixtures.build.content``): the
shipped locales are work in progress, and the assertions need known translations.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from fixtures.build.content import pseudo, set_translation, translated_root
from pipeline.build import build
from pipeline.bundle import fallback_chain, language_info
from pipeline.gate import bundle_messages
from pipeline.locales import parse_locale
from pipeline.project import Project
from pipeline.review import Approval, save_ledger, text_hash
from pipeline.source import load_sources

SCHEMA = Path(__file__).resolve().parent.parent / "pipeline" / "schemas" / "bundle.schema.json"
NOT_REQUIRED = "Assess the integrity and structure of the spinal discs"  # a list item of 'purpose'
FUZZY = "Take pain medication as directed by their doctor"  # a list item of 'post-procedure-care'


def read_bundle(root: Path, tag: str, article: str = "discogram") -> dict:
    return json.loads((root / "dist" / tag / f"{article}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """fr (no origin header: unreviewed, one message untranslated, one fuzzy), ar (machine-drafted), es-MX."""
    root = translated_root(tmp_path_factory.mktemp("bundle") / "root", ("fr", "ar", "es-MX"),
                           origin={"ar": "machine-drafted"})
    set_translation(root, "fr", "discogram", NOT_REQUIRED, "")
    set_translation(root, "fr", "discogram", FUZZY, pseudo("fr", FUZZY), fuzzy=True)
    result = build(Project.open(root))
    assert [(b["locale"], b["status"]) for b in result.bundles] == [
        ("ar", "published"), ("en", "published"), ("es-MX", "published"), ("fr", "published")]
    return root


@pytest.fixture(scope="module")
def sources(root):
    return load_sources(root)


def test_every_bundle_matches_the_schema(root):
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    paths = sorted((root / "dist").glob("*/*.json"))
    assert [p.relative_to(root / "dist").as_posix() for p in paths] == [
        "ar/discogram.json", "en/discogram.json", "es-MX/discogram.json", "fr/discogram.json"]
    for path in paths:
        errors = [f"{path.name}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
        assert errors == []


def test_the_schema_refuses_what_the_contract_forbids(root):
    """The schema is strict: a fallback without its mark, an unknown review state or field fails."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    good = read_bundle(root, "fr")
    assert list(validator.iter_errors(good)) == []

    def broken(change) -> list[str]:
        data = json.loads(json.dumps(good))
        change(data)
        return [e.message for e in validator.iter_errors(data)]

    assert broken(lambda d: d["review"].update(state="approved"))
    assert broken(lambda d: d.update(extra=1))
    assert broken(lambda d: d["language"].update(direction="up"))
    assert broken(lambda d: d["title"].update(fallback=True))  # no lang "en", no reason
    assert broken(lambda d: d["introduction"][0].update(type="table"))
    assert broken(lambda d: d.pop("disclaimer"))


@pytest.mark.parametrize("tag, language", [
    ("fr", {"tag": "fr", "name": "français", "english_name": "French", "direction": "ltr"}),
    ("ar", {"tag": "ar", "name": "العربية", "english_name": "Arabic", "direction": "rtl"}),
    ("es-MX", {"tag": "es-MX", "name": "español (México)", "english_name": "Spanish (Mexico)", "direction": "ltr"}),
    ("en", {"tag": "en", "name": "English", "english_name": "English", "direction": "ltr"}),
])
def test_language_own_name_and_direction(root, tag, language):
    bundle = read_bundle(root, tag)
    assert (bundle["schema_version"], bundle["article"], bundle["locale"]) == (1, "discogram", tag)
    assert bundle["language"] == language


@pytest.mark.parametrize("tag, updated", [
    ("fr", {"date": "2025-06-06", "display": "6 juin 2025",
            "line": {"text": "Dernière mise à jour de l’article : 6 juin 2025.", "lang": "fr", "fallback": False}}),
    ("ar", {"date": "2025-06-06", "display": "6 يونيو 2025",
            "line": {"text": "آخر تحديث للمقال: 6 يونيو 2025.", "lang": "ar", "fallback": False}}),
    ("es-MX", {"date": "2025-06-06", "display": "6 de junio de 2025",
               "line": {"text": pseudo("es-MX", "Article last updated on: {date}.").replace("{date}",
                                                                                           "6 de junio de 2025"),
                        "lang": "es-MX", "fallback": False}}),
    ("en", {"date": "2025-06-06", "display": "June 6, 2025",
            "line": {"text": "Article last updated on: June 6, 2025.", "lang": "en", "fallback": False}}),
])
def test_update_date_iso_and_in_the_locales_long_format(root, tag, updated):
    assert read_bundle(root, tag)["updated"] == updated


def test_the_update_line_that_fell_back_shows_the_english_date(tmp_path):
    root = translated_root(tmp_path / "root", ("fr",))
    set_translation(root, "fr", "site", "Article last updated on: {date}.", "")
    build(Project.open(root))
    bundle = read_bundle(root, "fr")
    assert bundle["updated"] == {
        "date": "2025-06-06", "display": "6 juin 2025",
        "line": {"text": "Article last updated on: June 6, 2025.", "lang": "en", "fallback": True,
                 "fallback_reason": "untranslated"}}


def test_sections_in_order_with_roles_and_typed_blocks(root, sources):
    bundle = read_bundle(root, "fr")
    article = sources.article("discogram")
    assert [(s["id"], s["role"], s["required"]) for s in bundle["sections"]] == [
        (s.id, s.role, s.role in {"risks", "disclaimer"}) for s in article.sections]
    types = {s["id"]: [b["type"] for b in s["blocks"]] for s in bundle["sections"]}
    assert types["purpose"] == ["paragraph", "list"]
    assert types["procedure-overview"] == ["paragraph", "steps"]
    assert types["types"] == ["paragraph", "definitions"]
    risks = next(s for s in bundle["sections"] if s["id"] == "risks")
    assert risks["heading"] == {"text": "Risques et complications", "lang": "fr", "fallback": False}
    assert bundle["title"] == {"text": "La discographie", "lang": "fr", "fallback": False}
    assert bundle["disclaimer"]["heading"] == {"text": "Avertissement médical", "lang": "fr", "fallback": False}
    assert [b["type"] for b in bundle["disclaimer"]["blocks"]] == ["paragraph"] * 4
    definitions = next(s for s in bundle["sections"] if s["id"] == "types")["blocks"][1]["items"]
    assert definitions[0]["term"] == {"text": pseudo("fr", "Discography with contrast dye injection only"),
                                      "lang": "fr", "fallback": False}


def test_messages_that_fell_back_are_marked(root):
    bundle = read_bundle(root, "fr")
    purpose = next(s for s in bundle["sections"] if s["id"] == "purpose")
    care = next(s for s in bundle["sections"] if s["id"] == "post-procedure-care")
    assert purpose["blocks"][1]["items"][1] == {"text": NOT_REQUIRED, "lang": "en", "fallback": True,
                                                "fallback_reason": "untranslated"}
    assert care["blocks"][1]["items"][1] == {"text": FUZZY, "lang": "en", "fallback": True,
                                             "fallback_reason": "fuzzy"}
    marked = [t for t in _texts(bundle) if t["fallback"]]
    assert [t["text"] for t in marked] == [NOT_REQUIRED, FUZZY]


def test_coverage_counts_every_message_of_the_bundle(root, sources):
    total = len(bundle_messages(sources, sources.article("discogram")))
    assert read_bundle(root, "fr")["coverage"] == {
        "total": total, "translated": total - 2, "fallback": 2, "percent": round(100 * (total - 2) / total, 1)}
    assert read_bundle(root, "ar")["coverage"] == {"total": total, "translated": total, "fallback": 0,
                                                   "percent": 100.0}
    assert read_bundle(root, "en")["coverage"] == {"total": total, "translated": total, "fallback": 0,
                                                   "percent": 100.0}


def test_source_hash_is_the_article_and_the_site_strings(root):
    expected = hashlib.sha256((root / "source/articles/discogram.yaml").read_bytes() + b"\0"
                              + (root / "source/site.yaml").read_bytes()).hexdigest()
    for tag in ("en", "fr", "ar"):
        assert read_bundle(root, tag)["source"] == {"path": "source/articles/discogram.yaml", "sha256": expected}


def test_fallback_chain_in_the_bundle(root):
    assert read_bundle(root, "es-MX")["fallback_chain"] == ["es-MX", "es-419", "es", "en"]
    assert read_bundle(root, "fr")["fallback_chain"] == ["fr", "en"]
    assert read_bundle(root, "en")["fallback_chain"] == ["en"]


# ------------------------------------------------------------------ review state


def test_review_state_follows_the_records(root):
    assert read_bundle(root, "en")["review"] == {"state": "source"}
    assert read_bundle(root, "ar")["review"] == {"state": "machine-drafted"}  # X-Translation-Origin header
    assert read_bundle(root, "fr")["review"] == {"state": "unreviewed"}  # no header, no approvals


def test_one_machine_drafted_catalogue_makes_the_bundle_machine_drafted(tmp_path):
    root = translated_root(tmp_path / "root", ("fr",))
    path = root / "locales/fr/LC_MESSAGES/site.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Language: fr\\n"\n', '"Language: fr\\n"\n"X-Translation-Origin: machine-drafted\\n"\n',
                                 1), encoding="utf-8")
    assert "X-Translation-Origin: machine-drafted" in path.read_text(encoding="utf-8")
    build(Project.open(root))
    assert read_bundle(root, "fr")["review"] == {"state": "machine-drafted"}


def _approve_everything(root: Path, tag: str, reviewer: str = "Dr Test <test@example.org>") -> None:
    from pipeline.catalog import read_po

    project = Project.open(root)
    locale = parse_locale(tag)
    approvals = []
    for domain in ("site", "discogram"):
        for entry in read_po(project.po_path(locale, domain)).active:
            if entry.msgstr and not entry.fuzzy:
                approvals.append(Approval(domain, entry.msgctxt or "", text_hash(entry.msgid), text_hash(entry.msgstr),
                                          reviewer, "2025-06-07"))
    save_ledger(project, locale, approvals)


def test_reviewed_only_when_every_message_is_approved(tmp_path):
    root = translated_root(tmp_path / "root", ("fr", "ar"), origin={"ar": "machine-drafted"})
    _approve_everything(root, "fr")
    _approve_everything(root, "ar")
    build(Project.open(root))
    assert read_bundle(root, "fr")["review"] == {"state": "reviewed"}
    assert read_bundle(root, "ar")["review"] == {"state": "reviewed"}  # a review outranks the origin

    # An edited translation voids its approval; a message falling back was never approved.
    set_translation(root, "fr", "discogram", NOT_REQUIRED, "Évaluer l’état des disques")
    set_translation(root, "ar", "discogram", NOT_REQUIRED, "")
    build(Project.open(root))
    assert read_bundle(root, "fr")["review"] == {"state": "unreviewed"}
    assert read_bundle(root, "ar")["review"] == {"state": "machine-drafted"}


# ------------------------------------------------------------------ CLDR data


@pytest.mark.parametrize("tag, chain", [
    ("es-MX", ("es-MX", "es-419", "es", "en")),
    ("es-419", ("es-419", "es", "en")),
    ("pt-BR", ("pt-BR", "pt", "en")),
    ("zh-Hans", ("zh-Hans", "zh", "en")),
    ("zh-Hant", ("zh-Hant", "en")),  # never to zh: that is Simplified
    ("zh-Hant-TW", ("zh-Hant-TW", "zh-Hant", "en")),
    ("zh-TW", ("zh-TW", "zh-Hant", "en")),  # the region implies Traditional
    ("zh-HK", ("zh-HK", "zh-Hant", "en")),
    ("sr-ME", ("sr-ME", "sr-Latn", "en")),
    ("ar-EG", ("ar-EG", "ar", "en")),
    ("fr", ("fr", "en")),
    ("en", ("en",)),
])
def test_fallback_chain_from_cldr_parent_locales(tag, chain):
    assert fallback_chain(tag) == chain


@pytest.mark.parametrize("tag, name, direction", [
    ("fr", "français", "ltr"), ("ar", "العربية", "rtl"), ("he", "עברית", "rtl"), ("fa", "فارسی", "rtl"),
    ("ur", "اردو", "rtl"), ("de", "Deutsch", "ltr"), ("zh-Hans", "中文（简体）", "ltr"),
    ("zh-TW", "中文（繁體, 台灣）", "ltr"), ("vi", "Tiếng Việt", "ltr"), ("pt-BR", "português (Brasil)", "ltr"),
])
def test_language_info_from_cldr(tag, name, direction):
    info = language_info(tag)
    assert (info["tag"], info["name"], info["direction"]) == (tag, name, direction)


def _texts(node):
    """Every text object of a bundle, in document order."""
    if isinstance(node, dict):
        if set(node) >= {"text", "lang", "fallback"} and isinstance(node["text"], str):
            yield node
            return
        for key in ("title", "introduction", "sections", "heading", "blocks", "text", "items", "term", "definition",
                    "disclaimer"):
            if key in node:
                yield from _texts(node[key])
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def test_docs_describe_every_field_of_both_schemas():
    """docs/bundles.md names every property the schemas allow, and every enumerated value."""
    docs = (Path(__file__).resolve().parent.parent / "docs" / "bundles.md").read_text(encoding="utf-8")
    missing = []

    def walk(node):
        if isinstance(node, dict):
            for name in node.get("properties", {}):
                if f"`{name}`" not in docs and f"`{name}:" not in docs and f'"{name}"' not in docs:
                    missing.append(name)
            for value in node.get("enum", []):
                if f"`{value}`" not in docs:
                    missing.append(value)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for name in ("bundle.schema.json", "manifest.schema.json"):
        walk(json.loads((SCHEMA.parent / name).read_text(encoding="utf-8")))
    assert sorted(set(missing)) == []


# Long dates through a locale stand-in that holds only their data (pipeline.bundle.date_locale).

_DAYS = ("2025-01-01", "2025-02-28", "2025-06-06", "2025-09-09", "2025-12-31", "1999-12-31", "2031-02-03")


def test_a_long_date_through_the_stand_in_is_babels_for_every_locale():
    """Every locale Babel knows (a sample of every fifth, and every one a project ships), each
    month's and era's names: the stand-in gives what Babel gives from the locale's full data."""
    import datetime as dt

    from babel import localedata
    from babel.dates import format_date

    from pipeline.bundle import date_locale
    from pipeline.locales import release_locale_data

    identifiers = localedata.locale_identifiers()
    shipped = {"fr", "de", "ar", "es_419", "pt_BR", "zh_Hant_TW", "ja", "sr_Latn_ME", "fa", "he", "th"}
    chosen = sorted(set(identifiers[::5]) | (shipped & set(identifiers)))
    days = [dt.date.fromisoformat(day) for day in _DAYS] + [dt.date(2026, month, 15) for month in range(1, 13)]
    for identifier in chosen:
        stand_in = date_locale(identifier.replace("_", "-"))
        assert stand_in is not None, identifier
        for day in days:
            assert format_date(day, format="long", locale=stand_in) == \
                format_date(day, format="long", locale=identifier), (identifier, day)
        release_locale_data()


def test_a_new_date_needs_no_cldr_data_once_the_stand_in_is_made(monkeypatch):
    """The point of the stand-in: a build lets each locale's CLDR data go after its setup, and a
    new article date must not load it again (3 to 8 ms a locale, in every job)."""
    import datetime as dt

    import babel.localedata

    from pipeline.bundle import date_locale, format_long_date
    from pipeline.locales import release_locale_data

    date_locale("fr")
    release_locale_data()

    def refused(name, *args, **kwargs):
        raise AssertionError(f"CLDR data of {name!r} loaded again")

    monkeypatch.setattr(babel.localedata, "load", refused)
    assert format_long_date(dt.date(2024, 3, 7), "fr") == "7 mars 2024"
    assert format_long_date(dt.date(2023, 12, 25), "fr") == "25 décembre 2023"


def test_the_stand_in_refuses_what_it_does_not_hold_and_the_date_falls_back_to_the_full_data(monkeypatch):
    """Should a Babel read anything else of a locale for a long date, the stand-in raises and the
    date is formatted from the locale's full data: never wrong, only slower."""
    import datetime as dt

    import pipeline.bundle as bundle

    stand_in = bundle.date_locale("de")
    with pytest.raises(LookupError):
        stand_in.number_symbols  # noqa: B018 - a property read: it must refuse
    monkeypatch.setattr(bundle, "_DATE_DATA", ("date_formats",))  # as if Babel needed more than it holds
    monkeypatch.setattr(bundle, "_DATE_LOCALES", {})
    bundle.format_long_date.cache_clear()
    assert bundle.format_long_date(dt.date(2025, 6, 6), "de") == "6. Juni 2025"
    bundle.format_long_date.cache_clear()
