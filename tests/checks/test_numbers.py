"""numbers: the same numbers as the source, read in the locale's own notation."""

from __future__ import annotations

import pytest

from pipeline.checks import ERROR
from pipeline.checks._locale import locale_info
from pipeline.checks.numbers import find_numbers

from .conftest import findings_of
from .corpus import LOCALES, NBSP, NNBSP, unit

GOOD = [
    # (locale, source, translation)
    ("fr", "Give 2.5 mL of the solution.", f"Donnez 2,5{NBSP}ml de la solution."),
    ("fr", "Give 2.5 mL of the solution.", "Donnez 2.5 ml de la solution."),  # English notation: still 2.5
    ("de", "Give 2.5 mL of the solution.", "Geben Sie 2,5 ml der Lösung."),
    ("es", "Give 2.5 mL of the solution.", "Administre 2,5 ml de la solución."),
    ("pt-BR", "Give 2.5 mL of the solution.", "Administre 2,5 mL da solução."),
    ("vi", "Give 2.5 mL of the solution.", "Dùng 2,5 ml dung dịch."),
    ("zh-Hans", "Give 2.5 mL of the solution.", "服用2.5毫升溶液。"),
    ("ar", "Give 2.5 mL of the solution.", "أعطِ ٢٫٥ مل من المحلول."),
    ("ar", "Give 2.5 mL of the solution.", "أعطِ 2.5 مل من المحلول."),
    ("fr", "About 1,000 patients took part.", "Environ 1 000 patients y ont participé."),
    ("fr", "About 1,000 patients took part.", f"Environ 1{NBSP}000 patients y ont participé."),
    ("fr", "About 1,000 patients took part.", f"Environ 1{NNBSP}000 patients y ont participé."),
    ("fr", "About 1,000 patients took part.", "Environ 1000 patients y ont participé."),
    ("de", "About 1,000 patients took part.", "Etwa 1.000 Patienten nahmen teil."),
    ("es", "About 1,000 patients took part.", "Participaron unos 1000 pacientes."),
    ("es", "About 10,000 patients took part.", "Participaron unos 10 000 pacientes."),  # RAE: SI spacing
    ("de", "About 10,000 patients took part.", f"Etwa 10{NNBSP}000 Patienten nahmen teil."),
    ("pt-BR", "About 1,000 patients took part.", "Cerca de 1.000 pacientes participaram."),
    ("vi", "About 1,000 patients took part.", "Khoảng 1.000 bệnh nhân đã tham gia."),
    ("zh-Hans", "About 1,000 patients took part.", "约有1,000名患者参与。"),
    ("ar", "About 1,000 patients took part.", "شارك نحو ١٬٠٠٠ مريض."),
    ("de", "A dose of 1,250.5 mg", "Eine Dosis von 1.250,5 mg"),
    ("fr", "A dose of 1,250.5 mg", f"Une dose de 1{NNBSP}250,5{NNBSP}mg"),
    ("ar", "1 in 500 patients", "١ من كل ٥٠٠ مريض"),
    ("ar", "1 in 500 patients", "۱ از هر ۵۰۰ بیمار"),  # Persian digits are digits too
    ("zh-Hans", "1 in 500 patients", "每500名患者中有1名"),
    ("vi", "1 in 500 patients", "Cứ 500 bệnh nhân thì có 1 người"),  # order is free
    # Ranges, whatever joins their ends.
    ("fr", "Rest for 1–2 days.", "Reposez-vous 1 à 2 jours."),
    ("de", "Rest for 1-2 days.", "Ruhen Sie sich 1–2 Tage aus."),
    ("es", "Rest for 1 to 2 days.", "Descanse de 1 a 2 días."),
    ("zh-Hans", "Rest for 1–2 days.", "休息1至2天。"),
    # Percentages: the sign is the units check's business; the number is the same.
    ("fr", "Infection occurs in less than 1% of cases.", f"Une infection survient dans moins de 1{NBSP}% des cas."),
    ("ar", "Infection occurs in less than 1% of cases.", "تحدث العدوى في أقل من ١٪ من الحالات."),
    # Numbers written as words in the source are left alone, in words or in digits.
    ("fr", "There are two main types of discograms:", "Il existe deux principaux types de discographie\u00a0:"),
    ("de", "There are two main types of discograms:", "Es gibt 2 Haupttypen der Diskographie:"),
    ("fr", "Take 5 mg twice a day.", f"Prenez 5{NBSP}mg 2 fois par jour."),
    # No numbers at all; X-ray and CT are not numbers.
    ("fr", "X-rays, CT scans, or MRI scans are taken", "Des radiographies, des scanners ou des IRM sont réalisés"),
    # A list marker is numbering, not a number; the page numbers steps itself.
    ("fr", "The patient is positioned on an X-ray table", "1. Le patient est installé sur une table de radiographie"),
    ("zh-Hans", "Take 5 mg twice a day.", "1、每天服用两次，每次5毫克。"),
    # Codes copied as they are.
    ("de", "Vitamin B12 and COVID-19", "Vitamin B12 und COVID-19"),
]

BAD = [
    # (locale, source, translation, messages)
    ("fr", "Take 5 mg twice a day.", "Prenez 50 mg deux fois par jour.",
     ["'50' in the translation, '5' in the source"]),
    ("de", "1 in 500 patients has an allergic reaction to the contrast dye.",
     "1 von 50 Patienten hat eine allergische Reaktion auf das Kontrastmittel.",
     ["'50' in the translation, '500' in the source"]),
    ("zh-Hans", "Do not eat for 6 hours before the procedure.", "检查前8小时内请勿进食。",
     ["'8' in the translation, '6' in the source"]),
    ("ar", "Do not eat for 6 hours before the procedure.", "لا تأكل شيئًا لمدة ٨ ساعات قبل الإجراء.",
     ["'٨' (read as 8) in the translation, '6' in the source"]),
    ("ar", "Take 5 mg twice a day.", "تناول ٥٠ ملغ مرتين يوميًا.",
     ["'٥٠' (read as 50) in the translation, '5' in the source"]),
    # The locale's reading wins: a French reader reads 1,000 as one, a German 2.500 as 2500.
    ("fr", "About 1,000 patients took part.", "Environ 1,000 patients y ont participé.",
     [f"'1,000' (read as 1) in the translation, '1,000' in the source; French writes 1000 as '1{NNBSP}000'"]),
    ("de", "Give 2.5 mL of the solution.", "Geben Sie 2.500 ml der Lösung.",
     ["'2.500' (read as 2500) in the translation, '2.5' in the source"]),
    ("es", "Give 2.5 mL of the solution.", "Administre 25 ml de la solución.",
     ["'25' in the translation, '2.5' in the source"]),
    # Lost, added, and every problem at once.
    ("vi", "Do not eat for 6 hours before the procedure.", "Không ăn gì trước khi làm thủ thuật.",
     ["'6' in the source is missing from the translation; keep every number, written with digits"]),
    ("pt-BR", "Take 5 mg twice a day.", "Tome 5 mg duas vezes ao dia por 7 dias.",
     ["'7' in the translation is not in the source"]),
    ("es", "Take 1–2 tablets 3 times a day for 10 days.", "Tome 1 a 2 comprimidos tres veces al día durante 100 días.",
     ["'100' in the translation, '3' in the source",
      "'10' in the source is missing from the translation; keep every number, written with digits"]),
    # A number in digits written as a word in the translation.
    ("fr", "Do not eat for 6 hours before the procedure.", "Ne mangez pas pendant les six heures qui précèdent l’examen.",
     ["'6' in the source is missing from the translation; keep every number, written with digits"]),
]


@pytest.mark.parametrize(("tag", "source", "translation"), GOOD)
def test_same_numbers_pass(tag, source, translation):
    assert findings_of("numbers", unit(tag, source, translation)) == []


@pytest.mark.parametrize(("tag", "source", "translation", "messages"), BAD)
def test_different_numbers_are_errors(tag, source, translation, messages):
    assert findings_of("numbers", unit(tag, source, translation)) == [(ERROR, m) for m in messages]


def test_plural_forms_are_compared_with_msgid_or_msgid_plural():
    good = unit("fr", "Rest for 1 day.", "", source_plural="Rest for {n} days.",
                translations=("Reposez-vous 1 jour.", "Reposez-vous {n} jours.", "Reposez-vous {n} jours."), nplurals=3)
    assert findings_of("numbers", good) == []
    bad = unit("fr", "Rest for 1 day.", "", source_plural="Rest for {n} days.",
               translations=("Reposez-vous 2 jours.", "Reposez-vous {n} jours.", "Reposez-vous {n} jours."), nplurals=3)
    assert findings_of("numbers", bad) == [(ERROR, "'2' in the translation, '1' in the source (plural form 0)")]


@pytest.mark.parametrize(("tag", "text", "values"), [
    ("fr", f"1{NNBSP}000,5 et 2,5 et 1,000", ["1000.5", "2.5", "1.000"]),
    ("de", "1.000 und 2,5 und 1,2,3", ["1000", "2.5", "1", "2", "3"]),
    ("ar", "١٬٠٠٠ و٢٫٥", ["1000", "2.5"]),
    ("zh-Hans", "１０毫克", ["10"]),  # full-width digits
    ("fr", "1. Prenez 5 mg\n2. Reposez-vous", ["5"]),
    ("de", "Schritte 1 5 und 1 2345", ["1", "5", "1", "2345"]),  # a space groups exactly three digits only
])
def test_find_numbers_reads_the_locale_notation(tag, text, values):
    assert [str(n.value) for n in find_numbers(text, locale_info(LOCALES[tag]))] == values
