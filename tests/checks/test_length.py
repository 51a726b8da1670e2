"""length-ratio: far shorter or longer than usual for the language, for texts of some length."""

from __future__ import annotations

import pytest

from pipeline.checks import WARNING

from .conftest import findings_of
from .corpus import ENGLISH, SHIPPED, TRANSLATIONS, unit

INTRODUCTION = ENGLISH["introduction"][0]  # 166 characters


@pytest.mark.parametrize("tag", SHIPPED)
@pytest.mark.parametrize("key", ["introduction", "never-disregard", "not-substitute", "fluoroscopy"])
def test_real_translations_are_within_bounds(tag, key):
    # Chinese is about a third of the English, German a little longer: all within bounds.
    assert findings_of("length-ratio", unit(tag, ENGLISH[key][0], TRANSLATIONS[tag][key])) == []


BAD = [
    ("fr", INTRODUCTION, "Une discographie est un examen d’imagerie.",
     "the translation is 42 characters, 25% of the source's 166; 50%–250% is usual for French: check that "
     "nothing was left out"),
    ("de", ENGLISH["allergic"][0], "Allergische Reaktionen auf das Kontrastmittel. " * 3,
     "the translation is 140 characters, 368% of the source's 38; 50%–250% is usual for German: check that nothing "
     "was added or repeated"),
    ("zh-Hans", INTRODUCTION, "椎间盘造影。",
     "the translation is 6 characters, 4% of the source's 166; 15%–120% is usual for Chinese (Simplified): check "
     "that nothing was left out"),
    ("zh-Hans", ENGLISH["allergic"][0], "对造影剂的过敏反应，包括皮疹、瘙痒、荨麻疹、呼吸困难以及极少数情况下危及生命的严重过敏性休克反应等等情况",
     "the translation is 52 characters, 137% of the source's 38; 15%–120% is usual for Chinese (Simplified): check "
     "that nothing was added or repeated"),
]


@pytest.mark.parametrize(("tag", "source", "translation", "message"), BAD)
def test_out_of_range_is_a_warning(tag, source, translation, message):
    assert findings_of("length-ratio", unit(tag, source, translation)) == [(WARNING, message)]


@pytest.mark.parametrize(("tag", "source", "translation"), [
    ("de", "Purpose", "Zweck und Ziel der Untersuchung"),    # short English: the ratio says nothing
    ("zh-Hans", "Nerve damage or irritation", "神经损伤"),
])
def test_short_sources_are_not_measured(tag, source, translation):
    assert findings_of("length-ratio", unit(tag, source, translation)) == []


@pytest.mark.parametrize("tag, text, expected", [
    ("fr", "Réactions allergiques au produit de contraste", []),
    ("fr", "x" * 10_000, []),  # long, but within what an article may hold
    ("fr", "Réactions allergiques. " * 500,
     [("error", "the translation is 11,500 characters, far beyond any text of an article (at most 10,000 for this "
                "one); it was not checked further and is not shown: was something pasted in by mistake?")]),
])
def test_size_refuses_a_translation_of_pasted_pages(tag, text, expected):
    assert findings_of("size", unit(tag, ENGLISH["allergic"][0], text)) == expected
