"""units: a unit beside a number in the source stays beside the same number."""

from __future__ import annotations

import pytest

from pipeline.checks import ERROR
from pipeline.glossary import Glossary, Term

from .conftest import findings_of
from .corpus import NBSP, NNBSP, unit

GOOD = [
    # (locale, source, translation): the symbol kept, written with the locale's spacing
    ("fr", "Take 5 mg twice a day.", f"Prenez 5{NBSP}mg deux fois par jour."),
    ("fr", "Take 5 mg twice a day.", f"Prenez 5{NNBSP}mg deux fois par jour."),
    ("de", "Take 5 mg twice a day.", "Nehmen Sie zweimal täglich 5 mg ein."),
    ("es", "Take 5 mg twice a day.", "Tome 5 mg dos veces al día."),
    ("pt-BR", "Take 5 mg twice a day.", "Tome 5 mg duas vezes ao dia."),
    ("vi", "Take 5 mg twice a day.", "Uống 5 mg, ngày hai lần."),
    ("zh-Hans", "Take 5 mg twice a day.", "每天服用两次，每次5mg。"),  # no space, Chinese right after
    ("ar", "Take 5 mg twice a day.", "تناول 5 mg مرتين يوميًا."),
    # mL: every spelling of the symbol
    ("fr", "Give 2.5 mL of the solution.", f"Donnez 2,5{NBSP}ml de la solution."),
    ("pt-BR", "Give 2.5 mL of the solution.", "Administre 2,5 mL da solução."),
    ("de", "Give 2.5 millilitres of the solution.", "Geben Sie 2,5 ml der Lösung."),  # English word in the source
    # Percent: 5%, 5 %, Arabic ٪, the sign before the number
    ("fr", "Infection occurs in less than 1% of cases.", f"Une infection survient dans moins de 1{NBSP}% des cas."),
    ("de", "Infection occurs in less than 1% of cases.", "Eine Infektion tritt in weniger als 1 % der Fälle auf."),
    ("ar", "Infection occurs in less than 1% of cases.", "تحدث العدوى في أقل من ١٪ من الحالات."),
    ("zh-Hans", "Infection occurs in less than 1% of cases.", "感染发生率低于1%。"),
    ("es", "in 5 percent of cases", f"en el 5{NBSP}% de los casos"),
    # Temperature and pressure
    ("de", "Call your doctor if your temperature is above 38 °C.", "Rufen Sie Ihren Arzt an, wenn Ihre Temperatur über 38 °C liegt."),
    ("zh-Hans", "Call your doctor if your temperature is above 38 °C.", "如果体温超过38℃，请联系医生。"),
    ("fr", "a blood pressure of 140 mmHg", f"une pression artérielle de 140{NBSP}mm Hg"),
    # Ranges share their unit
    ("fr", "Take 1–2 mg.", f"Prenez 1 à 2{NBSP}mg."),
    ("fr", "Take 1–2 mg.", f"Prenez 1{NBSP}mg à 2{NBSP}mg."),
    ("de", "Take 1 mg to 2 mg.", "Nehmen Sie 1 bis 2 mg."),
    ("zh-Hans", "Take 1 mg to 2 mg.", "服用1至2mg。"),
    # Compound units
    ("es", "0.5 mg/kg of body weight", "0,5 mg/kg de peso corporal"),
    # "5 tablets": no unit to keep; the word for tablets is not a unit
    ("fr", "Take 2 tablets.", "Prenez 2 comprimés."),
    # A French elision after a number is not a litre
    ("fr", "Take 1 in the afternoon.", "Prenez-en 1 l’après-midi."),
    ("fr", "Take 1 in the afternoon.", "Prenez-en 1 l'après-midi."),
]

BAD = [
    # (locale, source, translation, messages)
    ("fr", "Take 5 mg twice a day.", "Prenez 5 g deux fois par jour.",
     ["'5 g' in the translation, '5 mg' in the source"]),
    ("de", "Take 5 mg twice a day.", "Nehmen Sie zweimal täglich 5 µg ein.",
     ["'5 µg' in the translation, '5 mg' in the source"]),
    ("es", "Give 2.5 mL of the solution.", "Administre 2,5 L de la solución.",
     ["'2,5 L' in the translation, '2.5 mL' in the source"]),
    ("de", "Call your doctor if your temperature is above 38 °C.",
     "Rufen Sie Ihren Arzt an, wenn Ihre Temperatur über 38 °F liegt.",
     ["'38 °F' in the translation, '38 °C' in the source"]),
    ("fr", "Take 5 mg twice a day.", "Prenez 5 milligrammes deux fois par jour.",
     ["'5 milligrammes' in the translation, '5 mg' in the source: keep the unit 'mg' beside the number "
      "(or a French spelling listed in the glossary)"]),
    ("pt-BR", "Infection occurs in less than 1% of cases.", "A infecção ocorre em menos de 1 caso.",
     ["'1 caso' in the translation, '1%' in the source: keep the unit '%' beside the number "
      "(or a Portuguese (Brazil) spelling listed in the glossary)"]),
    ("fr", "Take 2 tablets.", "Prenez 2 mg.",
     ["'2 mg' in the translation, '2' in the source: the translation adds a unit the source does not have "
      "beside that number"]),
    # Two quantities, both wrong: both reported.
    ("es", "Take 5 mg with 250 mL of water.", "Tome 5 g con 250 L de agua.",
     ["'5 g' in the translation, '5 mg' in the source", "'250 L' in the translation, '250 mL' in the source"]),
    # Units move with their numbers: swapped quantities are wrong twice.
    ("de", "Take 5 mg with 250 mL of water.", "Nehmen Sie 5 ml mit 250 mg Wasser.",
     ["'5 ml' in the translation, '5 mg' in the source", "'250 mg' in the translation, '250 mL' in the source"]),
]


@pytest.mark.parametrize(("tag", "source", "translation"), GOOD)
def test_unit_kept_passes(tag, source, translation):
    assert findings_of("units", unit(tag, source, translation)) == []


@pytest.mark.parametrize(("tag", "source", "translation", "messages"), BAD)
def test_unit_changed_is_an_error(tag, source, translation, messages):
    assert findings_of("units", unit(tag, source, translation)) == [(ERROR, m) for m in messages]


def test_missing_number_is_left_to_the_numbers_check():
    assert findings_of("units", unit("fr", "Take 5 mg twice a day.", "Prenez 50 mg deux fois par jour.")) == []


@pytest.mark.parametrize(("tag", "source", "translation"), [
    ("zh-Hans", "Take 5 mg twice a day.", "每天服用两次，每次5毫克。"),
    ("zh-Hans", "Give 2.5 mL of the solution.", "服用2.5毫升溶液。"),
    ("ar", "Take 5 mg twice a day.", "تناول ٥ ملغ مرتين يوميًا."),
    ("ar", "Give 2.5 mL of the solution.", "أعطِ ٢٫٥ مل من المحلول."),
])
def test_locale_spelling_from_the_glossary_passes(tag, source, translation, glossaries):
    assert findings_of("units", unit(tag, source, translation, glossary=glossaries[tag])) == []
    # Without the glossary the spelling is unknown: reported, with the way out.
    assert len(findings_of("units", unit(tag, source, translation))) == 1


def test_glossary_spelling_of_international_units():
    source = "Take 400 IU of vitamin D a day."
    french = Glossary((Term(("IU", "international units"), ("UI",)),), "locales/fr/glossary.yaml")
    assert findings_of("units", unit("fr", source, "Prenez 400 UI de vitamine D par jour.", glossary=french)) == []
    assert findings_of("units", unit("fr", source, "Prenez 400 mg de vitamine D par jour.", glossary=french)) == [
        (ERROR, "'400 mg' in the translation, '400 IU' in the source")]


def test_glossary_spelling_does_not_stand_for_another_unit(glossaries):
    # 毫克 is mg in the zh-Hans glossary: it cannot stand for mL.
    assert findings_of("units", unit("zh-Hans", "Give 2.5 mL of the solution.", "服用2.5毫克溶液。",
                                     glossary=glossaries["zh-Hans"])) == [
        (ERROR, "'2.5毫克' in the translation, '2.5 mL' in the source")]
