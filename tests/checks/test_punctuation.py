"""end-punctuation: the translation ends like the source, each language's marks counting as the same."""

from __future__ import annotations

import pytest

from pipeline.checks import WARNING, Unit
from pipeline.locales import parse_locale

from .conftest import findings_of
from .corpus import NBSP, NNBSP, unit

GOOD = [
    # Full stops
    ("zh-Hans", "Take 5 mg twice a day.", "每天服用两次，每次5毫克。"),
    ("ar", "Take 5 mg twice a day.", "تناول ٥ ملغ مرتين يوميًا."),
    # Colons: French no-break space before, Chinese full-width
    ("fr", "The primary purpose of a discogram is to:", f"L’objectif principal d’une discographie est de{NBSP}:"),
    ("fr", "The primary purpose of a discogram is to:", f"L’objectif principal d’une discographie est de{NNBSP}:"),
    ("zh-Hans", "The primary purpose of a discogram is to:", "椎间盘造影的主要目的是："),
    ("ar", "The primary purpose of a discogram is to:", "الغرض الأساسي من تصوير القرص هو:"),
    # Questions
    ("fr", "Is the procedure painful?", f"L’examen est-il douloureux{NNBSP}?"),
    ("es", "Is the procedure painful?", "¿Es doloroso el procedimiento?"),
    ("ar", "Is the procedure painful?", "هل الإجراء مؤلم؟"),
    ("zh-Hans", "Is the procedure painful?", "这项检查会疼吗？"),
    # Exclamations, semicolons, commas
    ("fr", "Do not drive!", f"Ne conduisez pas{NNBSP}!"),
    ("zh-Hans", "Do not drive!", "请勿驾驶！"),
    ("ar", "Rest for two days;", "استرح يومين؛"),
    ("zh-Hans", "Rest for two days;", "休息两天；"),
    ("ar", "Infection, bleeding,", "العدوى، النزيف،"),
    ("zh-Hans", "Infection, bleeding,", "感染、出血，"),
    # Closing quotes and brackets are looked through
    ("fr", "Your doctor may call it “provocation discography”.",
     f"Votre médecin peut l’appeler «{NNBSP}discographie de provocation{NNBSP}»."),
    ("de", "Your doctor may call it “provocation discography”.", "Ihr Arzt nennt sie vielleicht „Provokationsdiskographie“."),
    ("de", "Your doctor may call it “provocation discography.”", "Ihr Arzt nennt sie vielleicht „Provokationsdiskographie“."),
    ("zh-Hans", "A contrast dye is injected (live X-ray imaging)", "注入造影剂（实时X射线成像）"),
    # No punctuation on either side (list items)
    ("vi", "Nerve damage or irritation", "Tổn thương hoặc kích ứng thần kinh"),
    ("ar", "Nerve damage or irritation", "تلف الأعصاب أو تهيجها"),
    # Ellipses
    ("fr", "Read more...", "Lire la suite…"),
]

BAD = [
    ("de", "Take 5 mg twice a day.", "Nehmen Sie zweimal täglich 5 mg ein",
     "the translation ends with no punctuation, the source with '.'"),
    ("zh-Hans", "The primary purpose of a discogram is to:", "椎间盘造影的主要目的是。",
     "the translation ends with '。', the source with ':'"),
    ("es", "Is the procedure painful?", "El procedimiento es doloroso.",
     "the translation ends with '.', the source with '?'"),
    ("ar", "Nerve damage or irritation", "تلف الأعصاب أو تهيجها.",
     "the translation ends with '.', the source with no punctuation"),
    ("fr", "The primary purpose of a discogram is to:", f"L’objectif principal d’une discographie est de{NNBSP}?",
     "the translation ends with '?', the source with ':'"),
]


@pytest.mark.parametrize(("tag", "source", "translation"), GOOD)
def test_equivalent_punctuation_passes(tag, source, translation):
    assert findings_of("end-punctuation", unit(tag, source, translation)) == []


@pytest.mark.parametrize(("tag", "source", "translation", "message"), BAD)
def test_different_end_is_a_warning(tag, source, translation, message):
    assert findings_of("end-punctuation", unit(tag, source, translation)) == [(WARNING, message)]


def test_thai_may_end_without_a_mark():
    thai = Unit("Rest for two days.", "พักผ่อนสองวัน", parse_locale("th"))
    assert findings_of("end-punctuation", thai) == []
