"""same-as-source: a translation identical to the English (names, acronyms and symbols aside)."""

from __future__ import annotations

import pytest

from pipeline.checks import WARNING

from .conftest import findings_of
from .corpus import unit

MESSAGE = ("the translation is the English text unchanged; translate it, or if it must stay as is (a name), "
           "say so in a translator comment")

GOOD = [
    # (locale, source, translation)
    ("de", "Information", "Information"),       # one word, spelled the same in a Latin-script language
    ("fr", "Conclusion", "Conclusion"),
    ("fr", "Infection or bleeding at the injection site", "Infection ou saignement au point d’injection"),
    ("es", "MRI", "MRI"),                       # acronyms
    ("zh-Hans", "CT", "CT"),
    ("ar", "MRI, CT", "MRI, CT"),
    ("vi", "{date}", "{date}"),                 # no words at all
    ("zh-Hans", "5 mg", "5 mg"),                # unit symbols are international
    ("zh-Hans", "https://example.org", "https://example.org"),
]

BAD = [
    ("fr", "Medical Disclaimer", "Medical Disclaimer"),
    ("de", "Nerve damage or irritation", "Nerve damage or irritation"),
    ("es", "Allergic reactions to the contrast dye", "Allergic reactions to the contrast  dye"),  # spacing aside
    ("zh-Hans", "Contents", "Contents"),       # one Latin word in a Chinese text: untranslated
    ("ar", "Purpose", "Purpose"),
    ("pt-BR", "Disc injury or herniation", "disc injury or herniation"),  # case aside
]


@pytest.mark.parametrize(("tag", "source", "translation"), GOOD)
def test_legitimately_identical_passes(tag, source, translation):
    assert findings_of("same-as-source", unit(tag, source, translation)) == []


@pytest.mark.parametrize(("tag", "source", "translation"), BAD)
def test_untranslated_copy_is_a_warning(tag, source, translation):
    assert findings_of("same-as-source", unit(tag, source, translation)) == [(WARNING, MESSAGE)]


def test_plural_forms_compare_with_their_own_english():
    plural = unit("de", "{n} day", "", source_plural="{n} days", translations=("{n} Tag", "{n} days"), nplurals=2)
    assert findings_of("same-as-source", plural) == []  # one word in a Latin script: left alone
    plural = unit("zh-Hans", "Rest {n} day", "", source_plural="Rest {n} days", translations=("Rest {n} days",),
                  nplurals=1)
    assert findings_of("same-as-source", plural) == []  # form 0 answers the msgid
    plural = unit("fr", "Rest for {n} day", "", source_plural="Rest for {n} days",
                  translations=("Reposez-vous {n} jour", "Rest for {n} days", "Reposez-vous {n} jours"), nplurals=3)
    assert findings_of("same-as-source", plural) == [
        (WARNING, MESSAGE.replace("unchanged;", "unchanged (plural form 1);"))]
