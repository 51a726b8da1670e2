"""The registry: ids, severities, help text; crashes become findings; severities per yield."""

from __future__ import annotations

import re

import pytest

from pipeline import checks
from pipeline.checks import ERROR, REGISTRY, WARNING, Finding, all_checks, check, run_checks

from .corpus import unit

EXPECTED = {
    "control-characters": ERROR,
    "doubled-spaces": WARNING,
    "doubled-words": WARNING,
    "end-punctuation": WARNING,
    "glossary": ERROR,
    "length-ratio": WARNING,
    "size": ERROR,
    "markup": ERROR,
    "numbers": ERROR,
    "placeholders": ERROR,
    "plurals": ERROR,
    "same-as-source": WARNING,
    "units": ERROR,
    "whitespace": WARNING,
}


def test_every_check_is_registered_with_its_severity():
    assert {c.id: c.severity for c in all_checks()} == EXPECTED
    assert [c.id for c in all_checks()] == sorted(EXPECTED)


@pytest.mark.parametrize("registered", all_checks(), ids=lambda c: c.id)
def test_check_has_kebab_case_id_and_one_line_help(registered):
    assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", registered.id)
    doc = registered.function.__doc__.strip()
    assert registered.description == doc.splitlines()[0]
    assert registered.description.endswith(".") and len(registered.description) <= 110


@pytest.fixture
def crashing(monkeypatch):
    """A check that raises, registered for one test only."""
    monkeypatch.setattr(checks, "REGISTRY", dict(REGISTRY))

    @check("zz-crashes", WARNING)
    def crashes(unit):
        """Always crashes."""
        yield "a finding before the crash"
        raise KeyError("plural")

    return crashes


def test_a_crashing_check_becomes_an_error_finding_naming_it(crashing):
    found = [f for f in run_checks(unit("fr", "Take 5 mg twice a day.", "Prenez 5 mg deux fois par jour."),
                                   path="locales/fr/LC_MESSAGES/discogram.po", line=42)
             if f.check == "zz-crashes"]
    assert found == [
        Finding("zz-crashes", WARNING, "a finding before the crash", "locales/fr/LC_MESSAGES/discogram.po", 42,
                "", "Take 5 mg twice a day."),
        Finding("zz-crashes", ERROR, "the check crashed (KeyError: 'plural'); treat this entry as unchecked",
                "locales/fr/LC_MESSAGES/discogram.po", 42, "", "Take 5 mg twice a day."),
    ]
    assert found[1].format() == ("locales/fr/LC_MESSAGES/discogram.po:42: error [zz-crashes] the check crashed "
                                 "(KeyError: 'plural'); treat this entry as unchecked")


def test_finding_names_file_line_check_and_values():
    found = run_checks(unit("de", "Take 5 mg twice a day.", "Nehmen Sie zweimal täglich 50 mg ein.",
                            context="discogram/post-procedure-care"),
                       path="locales/de/LC_MESSAGES/discogram.po", line=42)
    assert [f.format() for f in found] == [
        "locales/de/LC_MESSAGES/discogram.po:42: error [numbers] '50' in the translation, '5' in the source",
    ]
    assert found[0].to_json() == {
        "check": "numbers", "severity": "error", "message": "'50' in the translation, '5' in the source",
        "path": "locales/de/LC_MESSAGES/discogram.po", "line": 42, "msgctxt": "discogram/post-procedure-care",
        "msgid": "Take 5 mg twice a day.",
    }


def test_disabled_and_downgraded_checks():
    bad = unit("fr", "Take 5 mg twice a day.", "Prenez 50 mg deux fois par jour.")
    assert run_checks(bad, disabled=frozenset({"numbers"})) == []
    assert [(f.check, f.severity) for f in run_checks(bad, severities={"numbers": WARNING})] == [("numbers", WARNING)]


def test_untranslated_unit_is_not_checked():
    assert run_checks(unit("fr", "Take 5 mg twice a day.", "")) == []
