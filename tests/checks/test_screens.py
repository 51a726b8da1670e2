"""A check's screen may skip it for a whole catalogue only where the check would find nothing.

``pipeline.qa.check_domain`` asks each check's screen once for all of a catalogue's texts,
joined, and runs the check on no unit where it says no: a screen that said no wrongly would
let a wrong number or an added ``<script>`` through. So, for every check with a screen:
whatever a check finds in a unit, its screen says yes to that unit's texts, alone or joined
with other texts; and a catalogue's findings are the same with and without the screens.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.checks import REGISTRY, Batch, Unit

from .corpus import LOCALES, SHIPPED

SCREENED = sorted(check_id for check_id, chk in REGISTRY.items() if chk.screen is not None)
# What the screened checks look for, and what looks like it: digits of several scripts,
# markup and URL characters, placeholders, invisible and bidirectional characters, units.
ALPHABET = ("ab xyzSCRIPTdata: 0123456789٠١٢٣۴०१৫๑.,%°-/<>@`=:/w.]([*_{}%#$ \n\t"
            "\u202a\u202e\u2066\u2069\u200b\u2060\ufeff\u200c\u00a0\u202fſı")
TEXT = st.text(alphabet=ALPHABET, max_size=30) | st.sampled_from(
    ["Take 5 mg twice a day.", "Prenez 50 mg.", "<b>Note</b>", "see https://example.org", "{date}", "{datum}",
     "javascript:alert(1)", "a\u202eb", "١٢", "", "www.example.org", "**bold**", "`code`", "x@example.org",
     "Allergic reactions to the contrast dye", "Never disregard professional medical advice."])


def texts_of(unit: Unit) -> list[str]:
    return [unit.source, unit.source_plural, unit.translation, *unit.translations]


def batch_of(texts: list[str], unit: Unit) -> Batch:
    return Batch("\n".join(texts), bool(unit.source_plural), unit.glossary)


@pytest.mark.parametrize("check_id", SCREENED)
def test_the_screened_checks_are_the_error_level_ones_that_look_for_something(check_id):
    assert set(SCREENED) == {"control-characters", "glossary", "markup", "numbers", "placeholders", "plurals",
                             "units"}
    assert REGISTRY[check_id].screen.__doc__ or REGISTRY[check_id].screen.__name__


@settings(max_examples=300, deadline=None)
@given(check_id=st.sampled_from(SCREENED), tag=st.sampled_from(SHIPPED), source=TEXT, translation=TEXT,
       plural=st.booleans(), forms=st.lists(TEXT, max_size=3), others=st.lists(TEXT, max_size=3),
       use_glossary=st.booleans(), data=st.data())
def test_whatever_a_check_finds_its_screen_lets_through(check_id, tag, source, translation, plural, forms, others,
                                                        use_glossary, data, glossaries):
    unit = Unit(source, translation, LOCALES[tag], source_plural="s" + source if plural else "",
                translations=tuple(forms) if plural else (), nplurals=2,
                glossary=glossaries[tag] if use_glossary else None, required=data.draw(st.booleans()))
    found = list(REGISTRY[check_id].function(unit))
    screen = REGISTRY[check_id].screen
    alone = screen(batch_of(texts_of(unit), unit))
    position = data.draw(st.integers(0, len(others)))
    joined = screen(batch_of([*others[:position], *texts_of(unit), *others[position:]], unit))
    if found:
        assert alone and joined, (check_id, unit, found)
    if alone:
        assert joined  # a screen holds of any text holding a text it holds of


@pytest.mark.parametrize(("check_id", "source", "translation", "fields"), [
    ("control-characters", "Take it.", "Prenez\u202e-le.", {}),
    ("glossary", "Allergic reactions to the contrast dye", "Réactions allergiques au colorant", {"glossary": "fr"}),
    ("markup", "Take it.", "<script>x</script>", {}),
    ("numbers", "Take 5 mg.", "Prenez 50 mg.", {}),
    ("placeholders", "Updated on {date}.", "Mis à jour le {datum}.", {}),
    ("plurals", "One day", "Un jour", {"source_plural": "{n} days", "translations": ("Un jour",), "nplurals": 2}),
    ("units", "Give 2.5 mL.", "Donnez 2,5 mg.", {}),
])
def test_each_screened_check_finds_something_its_screen_lets_through(check_id, source, translation, fields,
                                                                       glossaries):
    """Not a vacuous property: each check finds its example, and its screen says yes."""
    if "glossary" in fields:
        fields = {**fields, "glossary": glossaries[fields["glossary"]]}
    unit = Unit(source, translation, LOCALES["fr"], required=True, **fields)
    assert list(REGISTRY[check_id].function(unit))
    assert REGISTRY[check_id].screen(batch_of(["Nothing here.", *texts_of(unit)], unit))
    plain = Unit("Take it.", "Prenez-le.", LOCALES["fr"])
    assert not REGISTRY[check_id].screen(batch_of(texts_of(plain), plain))


def test_a_glossary_term_is_checked_wherever_the_locale_has_a_glossary(glossaries):
    screen = REGISTRY["glossary"].screen
    assert screen(Batch("no term here", False, glossaries["fr"]))
    assert not screen(Batch("contrast dye", False, None))


def test_a_catalogues_findings_are_the_same_with_and_without_the_screens(shipped_root, monkeypatch):
    """The shipped locales, each article's catalogue given translations every screened check
    finds something in (and some it must find nothing in), checked with and without screens."""
    import pipeline.qa as qa
    from pipeline.catalog import read_po, render_po
    from pipeline.gate import SITE_DOMAIN
    from pipeline.project import Project
    from pipeline.source import load_project_sources

    project = Project.open(shipped_root)
    broken = ["Prenez 50 mg.", "<script>x</script> {nom}", "a\u202eb javascript:x", "٣ %", "**gras",
              "https://example.org/x", "", "ok"]
    for folder in ("fr", "ar", "de"):
        path = shipped_root / "locales" / folder / "LC_MESSAGES" / "discogram.po"
        catalog = read_po(path)
        from dataclasses import replace

        entries = tuple(replace(e, msgstr=broken[i % len(broken)] or e.msgstr) if i % 3 == 0 else e
                        for i, e in enumerate(catalog.entries))
        path.write_text(render_po(replace(catalog, entries=entries)), encoding="utf-8")
    sources = load_project_sources(project)
    locales, _ = project.select_locales([])
    assert len(locales) == 7

    def all_findings(screens: bool) -> dict:
        if not screens:
            monkeypatch.setattr(qa, "screened", lambda plan, batch: plan)
        else:
            monkeypatch.undo()
        found = {}
        for locale in locales:
            data = qa.read_locale(project, locale, (SITE_DOMAIN, "discogram"))
            policy = qa.check_policy(project.config, locale)
            for domain in (SITE_DOMAIN, "discogram"):
                for errors_only in (True, False):
                    found[locale.tag, domain, errors_only] = qa.check_domain(
                        sources, data, domain, project.config, policy, errors_only)
        return found

    screened, unscreened = all_findings(True), all_findings(False)
    assert screened == unscreened
    assert {list(keys) != [] for keys in screened.values()} == {True}
    checks = {f.check for findings in screened.values() for listed in findings.values() for f in listed}
    assert {"numbers", "markup", "placeholders", "control-characters"} <= checks


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab 09٣४\u0660\uff10x\n", max_size=20) | st.text(max_size=20))
def test_the_digit_test_agrees_with_the_pattern(text):
    from pipeline.checks import _DIGIT, _has_digit

    assert _has_digit(text) == (_DIGIT.search(text) is not None)
