"""whitespace and doubled-spaces: leading/trailing whitespace as the source; no runs of spaces."""

from __future__ import annotations

import pytest

from pipeline.checks import WARNING

from .conftest import findings_of
from .corpus import NBSP, NNBSP, unit

PURPOSE = "The primary purpose of a discogram is to:"

GOOD = [
    ("fr", PURPOSE, f"L’objectif principal d’une discographie est de{NBSP}:"),
    ("fr", "Is the procedure painful?", f"L’examen est-il douloureux{NNBSP}?"),
    ("fr", "Your doctor may call it “provocation discography”.",
     f"Votre médecin peut l’appeler «{NNBSP}discographie de provocation{NNBSP}»."),
    ("fr", "Your doctor may call it “provocation discography”.",
     f"Votre médecin peut l’appeler «{NBSP}discographie de provocation{NBSP}»."),
    ("de", "Your doctor may call it “provocation discography”.", "Ihr Arzt nennt sie vielleicht „Provokationsdiskographie“."),
    ("zh-Hans", PURPOSE, "椎间盘造影的主要目的是："),
    ("ar", "Is the procedure painful?", "هل الإجراء مؤلم؟"),
    ("fr", f"{PURPOSE}\n", f"L’objectif principal d’une discographie est de{NBSP}:\n"),
    ("fr", " Contents", f"{NBSP}Sommaire"),  # a space of another width is still a space
    ("fr", "About 1,000 patients took part.", f"Environ 1{NNBSP}000 patients y ont participé."),
]


@pytest.mark.parametrize(("tag", "source", "translation"), GOOD)
def test_typography_passes(tag, source, translation):
    assert findings_of("whitespace", unit(tag, source, translation)) == []
    assert findings_of("doubled-spaces", unit(tag, source, translation)) == []


@pytest.mark.parametrize(("tag", "source", "translation", "message"), [
    ("de", PURPOSE, " Der Hauptzweck einer Diskographie besteht darin:",
     "leading whitespace: a space in the translation, none in the source"),
    ("es", PURPOSE, "El objetivo principal de una discografía es: ",
     "trailing whitespace: a space in the translation, none in the source"),
    ("vi", f"{PURPOSE}\n", "Mục đích chính của chụp đĩa đệm cản quang là:",
     "trailing whitespace: none in the translation, '\\n' in the source"),
    ("pt-BR", f"{PURPOSE}\n", "O principal objetivo de uma discografia é: ",
     "trailing whitespace: a space in the translation, '\\n' in the source"),
    ("zh-Hans", PURPOSE, "\u3000\u3000椎间盘造影的主要目的是：",
     "leading whitespace: '\\u3000\\u3000' in the translation, none in the source"),
])
def test_whitespace_mismatch_is_a_warning(tag, source, translation, message):
    assert findings_of("whitespace", unit(tag, source, translation)) == [(WARNING, message)]


def test_both_ends_are_reported():
    assert findings_of("whitespace", unit("fr", "Purpose", " Objectif ")) == [
        (WARNING, "leading whitespace: a space in the translation, none in the source"),
        (WARNING, "trailing whitespace: a space in the translation, none in the source"),
    ]


@pytest.mark.parametrize(("tag", "translation", "messages"), [
    ("es", "Reacciones alérgicas al  medio de contraste",
     ["2 spaces in a row after 'al' in the translation; use one"]),
    ("fr", f"Réactions allergiques au produit de contraste{NBSP} :",
     ["2 spaces (U+00A0 U+0020) in a row after 'contraste' in the translation; use one"]),
    ("de", "Allergische  Reaktionen auf das   Kontrastmittel",
     ["2 spaces in a row after 'Allergische' in the translation; use one",
      "3 spaces in a row after 'das' in the translation; use one"]),
])
def test_doubled_spaces_are_warnings(tag, translation, messages):
    source = "Allergic reactions to the contrast dye"
    assert findings_of("doubled-spaces", unit(tag, source, translation)) == [(WARNING, m) for m in messages]


def test_doubled_spaces_the_source_has_are_not_reported():
    source = "Rest.  Then drink water."
    assert findings_of("doubled-spaces", unit("fr", source, "Reposez-vous.  Puis buvez de l’eau.")) == []
