"""Locale tags and ``pipeline init``: BCP 47 on the command line, gettext folders on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.catalog import read_po
from pipeline.errors import Problem, UsageError
from pipeline.locales import is_locale_folder, parse_locale
from pipeline.project import Project
from test_extract import msgfmt_check

TAG_HINT = "  hint: use a BCP 47 tag such as 'fr', 'pt-BR' or 'zh-Hans' (gettext spelling 'pt_BR' is accepted too)"
FR_PLURALS = "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"


@pytest.mark.parametrize(("written", "tag", "folder"), [
    ("pt_br", "pt-BR", "pt_BR"),
    ("pt-BR", "pt-BR", "pt_BR"),
    ("PT-br", "pt-BR", "pt_BR"),
    ("pt_BR", "pt-BR", "pt_BR"),
    ("zh-Hans", "zh-Hans", "zh_Hans"),
    ("zh_hans", "zh-Hans", "zh_Hans"),
    ("ZH-HANS", "zh-Hans", "zh_Hans"),
    ("fr", "fr", "fr"),
    (" fr ", "fr", "fr"),
    ("es-419", "es-419", "es_419"),
    ("sr-Latn", "sr-Latn", "sr_Latn"),
    ("iw", "he", "he"),  # the deprecated code for Hebrew
])
def test_tags_are_canonicalised(written: str, tag: str, folder: str) -> None:
    locale = parse_locale(written)
    assert (locale.tag, locale.folder, str(locale)) == (tag, folder, tag)


@pytest.mark.parametrize(("written", "message"), [
    ("und", "'und' names no language ('und' is not a translation target)"),
    ("", "empty locale tag"),
    ("   ", "empty locale tag"),
    ("x!", "'x!' is not a locale tag"),
    ("..", "'..' is not a locale tag"),
    ("bad name", "'bad name' is not a locale tag"),
    ("../etc", "'../etc' is not a locale tag"),
    ("pt__BR", "'pt__BR' is not a locale tag"),
    ("xx", "'xx' is not a valid BCP 47 tag"),
    ("en", "'en' is the source language; it has no catalogue to translate"),
    ("fr-x-medical", "'fr-x-medical': private-use and extension subtags are not supported"),
])
def test_bad_tags(written: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_locale(written)
    assert (caught.value.message, caught.value.path, caught.value.line) == (message, None, None)


def test_unknown_to_cldr() -> None:
    with pytest.raises(UsageError) as caught:
        parse_locale("tlh")
    assert (caught.value.message, caught.value.hint) == (
        "'tlh' is a well-formed tag, but CLDR has no data for it (plural rules, dates)",
        "pick a locale that Babel knows, e.g. 'es', 'fr', 'ar', 'zh-Hans'")


@pytest.mark.parametrize(("name", "expected"), [
    ("pt_BR", True), ("zh_Hans", True), ("fr", True), ("pt-BR", False), ("pt_br", False), ("..", False),
])
def test_locale_folders(name: str, expected: bool) -> None:
    assert is_locale_folder(name) is expected


@pytest.fixture
def extracted(source_root: Path, cli) -> Path:
    assert cli("extract", root=source_root).exit_code == 0
    return source_root


@pytest.mark.parametrize("written", ["pt_br", "pt-BR"])
def test_init_writes_every_domain_with_gettext_headers(written: str, extracted: Path, cli) -> None:
    result = cli("init", written, root=extracted)
    assert (result.exit_code, result.stdout, result.stderr) == (0, (
        "wrote locales/pt_BR/LC_MESSAGES/discogram.po\n"
        "wrote locales/pt_BR/LC_MESSAGES/site.po\n"), "")
    po = read_po(extracted / "locales/pt_BR/LC_MESSAGES/discogram.po")
    assert po.metadata == (
        ("Project-Id-Version", "discogram"),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", "2025-06-06 00:00+0000"),
        ("PO-Revision-Date", "YEAR-MO-DA HO:MI+ZONE"),
        ("Last-Translator", "FULL NAME <EMAIL@ADDRESS>"),  # gettext's placeholder: nobody is invented
        ("Language-Team", "Portuguese (Brazil)"),
        ("Language", "pt_BR"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", FR_PLURALS),  # CLDR gives Portuguese the same rule as French
    )
    assert po.header_fuzzy is False
    pot = read_po(extracted / "locales/discogram.pot")
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in po.entries] == [(e.msgctxt, e.msgid, "") for e in pot.entries]
    text = (extracted / "locales/pt_BR/LC_MESSAGES/site.po").read_text()
    assert text.startswith(
        "# Portuguese (Brazil) (pt-BR) translation of the 'site' domain.\n"
        "# Edit with Poedit, Weblate, Lokalize or a text editor; see TRANSLATING.md.\n"
        'msgid ""\nmsgstr ""\n"Project-Id-Version: site\\n"\n')
    for domain in ("discogram", "site"):
        msgfmt_check(extracted / f"locales/pt_BR/LC_MESSAGES/{domain}.po")


@pytest.mark.parametrize(("written", "folder", "language_team", "plural_forms"), [
    ("zh-Hans", "zh_Hans", "Chinese (Simplified)", "nplurals=1; plural=0;"),
    ("zh_hans", "zh_Hans", "Chinese (Simplified)", "nplurals=1; plural=0;"),
    ("de", "de", "German", "nplurals=2; plural=(n != 1);"),
    ("ar", "ar", "Arabic", "nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && "
                           "n % 100 <= 10 ? 3 : n % 100 >= 11 && n % 100 <= 99 ? 4 : 5);"),
])
def test_init_plural_forms_from_cldr(written: str, folder: str, language_team: str, plural_forms: str,
                                     extracted: Path, cli) -> None:
    assert cli("init", written, root=extracted).exit_code == 0
    po = read_po(extracted / f"locales/{folder}/LC_MESSAGES/site.po")
    assert (po.meta("Language"), po.meta("Language-Team"), po.meta("Plural-Forms")) == (
        folder, language_team, plural_forms)
    msgfmt_check(extracted / f"locales/{folder}/LC_MESSAGES/site.po")


@pytest.mark.parametrize(("written", "lines"), [
    ("und", ["error: 'und' names no language ('und' is not a translation target)", TAG_HINT]),
    ("", ["error: empty locale tag", TAG_HINT]),
    ("x!", ["error: 'x!' is not a locale tag", TAG_HINT]),
    ("..", ["error: '..' is not a locale tag", TAG_HINT]),
    ("bad name", ["error: 'bad name' is not a locale tag", TAG_HINT]),
    ("xx", ["error: 'xx' is not a valid BCP 47 tag", TAG_HINT]),
    ("tlh", ["error: 'tlh' is a well-formed tag, but CLDR has no data for it (plural rules, dates)",
             "  hint: pick a locale that Babel knows, e.g. 'es', 'fr', 'ar', 'zh-Hans'"]),
])
def test_init_refuses_bad_tags(written: str, lines: list[str], extracted: Path, cli) -> None:
    result = cli("init", written, root=extracted)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", lines)
    assert sorted(p.name for p in (extracted / "locales").iterdir()) == ["discogram.pot", "site.pot"]


def test_init_refuses_an_existing_locale_unless_forced(extracted: Path, cli) -> None:
    assert cli("init", "fr", root=extracted).exit_code == 0
    po = extracted / "locales/fr/LC_MESSAGES/site.po"
    translated = po.read_text().replace('msgid "Contents"\nmsgstr ""', 'msgid "Contents"\nmsgstr "Sommaire"')
    po.write_text(translated)

    result = cli("init", "fr", root=extracted)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", [
        "locales/fr: error: locale 'fr' already exists",
        "  hint: use 'pipeline update' to refresh it, or --force to start it again from empty",
    ])
    assert po.read_text() == translated

    result = cli("init", "fr", "--force", root=extracted)
    assert (result.exit_code, result.stdout) == (0, (
        "wrote locales/fr/LC_MESSAGES/discogram.po\n"
        "wrote locales/fr/LC_MESSAGES/site.po\n"))
    assert [e.msgstr for e in read_po(po).entries if e.msgid == "Contents"] == [""]


def test_init_needs_templates(source_root: Path, cli) -> None:
    result = cli("init", "fr", root=source_root)
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "locales: error: no translation templates in locales/",
        "  hint: run 'pipeline extract' first",
    ])
    assert not (source_root / "locales" / "fr").exists()


def test_badly_named_locale_folders_are_reported_and_skipped(extracted: Path, cli) -> None:
    assert cli("init", "fr", root=extracted).exit_code == 0
    for name in ("pt_br", "xx_INVALID", "tlh"):
        (extracted / "locales" / name / "LC_MESSAGES").mkdir(parents=True)
    locales, problems = Project.open(extracted).discover_locales()
    assert [locale.tag for locale in locales] == ["fr"]
    assert problems == [
        Problem("locale folder should be named 'pt_BR', skipped", "locales/pt_br", None,
                "rename it: git mv locales/pt_br locales/pt_BR"),
        Problem("not a locale folder, skipped: 'tlh' is a well-formed tag, but CLDR has no data for it "
                "(plural rules, dates)", "locales/tlh", None,
                "pick a locale that Babel knows, e.g. 'es', 'fr', 'ar', 'zh-Hans'"),
        Problem("not a locale folder, skipped: 'xx_INVALID' is not a valid BCP 47 tag", "locales/xx_INVALID", None,
                "use a BCP 47 tag such as 'fr', 'pt-BR' or 'zh-Hans' (gettext spelling 'pt_BR' is accepted too)"),
    ]
    result = cli("update", root=extracted)
    assert (result.exit_code, result.stdout) == (0, "catalogues are up to date\n")
    assert result.stderr.splitlines()[0] == "locales/pt_br: warning: locale folder should be named 'pt_BR', skipped"


@pytest.mark.parametrize(("tag", "script"), [
    ("fr", "Latn"), ("pt-BR", "Latn"), ("de", "Latn"), ("vi", "Latn"), ("ar", "Arab"), ("he", "Hebr"),
    ("ru", "Cyrl"), ("uk", "Cyrl"), ("hi", "Deva"), ("ja", "Jpan"), ("ko", "Kore"), ("zh", "Hans"),
    ("zh-Hans", "Hans"), ("zh-TW", "Hant"), ("zh-HK", "Hant"), ("sr", "Cyrl"), ("sr-Latn", "Latn"),
    ("pa-PK", "Arab"), ("uz-AF", "Arab"), ("az", "Latn"),
])
def test_the_checks_read_a_locales_script_from_cldr_as_langcodes_does(tag, script):
    """The checks take the script from Babel's likely subtags (importing langcodes cost a one-PO
    rebuild 25 ms): for these tags, what langcodes' own copy of CLDR gives too."""
    import langcodes

    from pipeline.checks._locale import locale_info

    language = langcodes.Language.get(tag)
    assert (language.script or language.maximize().script) == script
    info = locale_info(parse_locale(tag))
    assert (info.script, info.language) == (script, language.language)
