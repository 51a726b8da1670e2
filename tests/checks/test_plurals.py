"""plurals: every plural form the locale's Plural-Forms asks for, filled."""

from __future__ import annotations

import pytest

from pipeline.checks import ERROR

from .conftest import findings_of
from .corpus import unit

SINGULAR, PLURAL = "Rest for {n} day.", "Rest for {n} days."

GOOD = [
    # (locale, nplurals as our PO headers say, forms)
    ("fr", 3, ("Reposez-vous {n} jour.", "Reposez-vous {n} jours.", "Reposez-vous {n} jours.")),
    ("de", 2, ("Ruhen Sie sich {n} Tag aus.", "Ruhen Sie sich {n} Tage aus.")),
    ("zh-Hans", 1, ("休息{n}天。",)),
    ("vi", 1, ("Nghỉ ngơi {n} ngày.",)),
    ("ar", 6, ("لا تحتاج إلى راحة.", "استرح يومًا واحدًا.", "استرح يومين.", "استرح {n} أيام.", "استرح {n} يومًا.",
               "استرح {n} يوم.")),
]

BAD = [
    ("de", 2, ("Ruhen Sie sich {n} Tag aus.", ""),
     ["plural form 1 (msgstr[1]) is empty; every form must be translated"]),
    ("fr", 3, ("Reposez-vous {n} jour.", "  ", "Reposez-vous {n} jours."),
     ["plural form 1 (msgstr[1]) is only whitespace; every form must be translated"]),
    ("ar", 6, ("لا تحتاج إلى راحة.", "استرح يومًا واحدًا.", "استرح يومين."),
     ["3 plural forms in the translation, 6 in Arabic (Plural-Forms: nplurals=6); add msgstr[3, 4, 5]"]),
    ("zh-Hans", 1, ("休息{n}天。", "休息{n}天。"),
     ["2 plural forms in the translation, 1 in Chinese (Simplified) (Plural-Forms: nplurals=1); msgstr[1] and "
      "later are never shown: remove them"]),
    ("es", 3, ("", "Descanse {n} días.", ""),
     ["plural form 0 (msgstr[0]) is empty; every form must be translated",
      "plural form 2 (msgstr[2]) is empty; every form must be translated"]),
]


@pytest.mark.parametrize(("tag", "nplurals", "forms"), GOOD)
def test_every_form_filled_passes(tag, nplurals, forms):
    plural = unit(tag, SINGULAR, "", source_plural=PLURAL, translations=forms, nplurals=nplurals)
    assert findings_of("plurals", plural) == []


@pytest.mark.parametrize(("tag", "nplurals", "forms", "messages"), BAD)
def test_missing_or_empty_forms_are_errors(tag, nplurals, forms, messages):
    plural = unit(tag, SINGULAR, "", source_plural=PLURAL, translations=forms, nplurals=nplurals)
    assert findings_of("plurals", plural) == [(ERROR, m) for m in messages]


def test_a_message_without_plural_is_not_concerned():
    assert findings_of("plurals", unit("fr", "Purpose", "Objectif", nplurals=3)) == []
