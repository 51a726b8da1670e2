"""control-characters: bidi overrides (error in required sections) and zero-width characters."""

from __future__ import annotations

import pytest

from pipeline.checks import ERROR, WARNING

from .conftest import findings_of
from .corpus import unit

NEVER = "Never disregard professional medical advice or delay seeking it because of something you have read on this site."
ARABIC = "لا تتجاهل أبدًا المشورة الطبية المتخصصة ولا تتأخر في طلبها بسبب شيء قرأته على هذا الموقع."
RLO = "\u202e"

GOOD = [
    ("ar", ARABIC),
    ("ar", "تحدث العدوى في أقل من \u200e1%\u200e من الحالات."),  # LRM, as CLDR writes Arabic percentages
    ("ar", "هل الإجراء مؤلم\u061c؟"),  # ARABIC LETTER MARK
    ("zh-Hans", "切勿因为您在本网站上读到的内容而忽视专业医疗建议或延迟寻求专业医疗建议。"),
    # Zero-width non-joiner and joiner are Persian and Indic spelling (نمی‌خواهم, क्‍ष): never flagged.
    ("ar", "نمی\u200cخواهم"),
    ("ar", "क्\u200dष"),
]


@pytest.mark.parametrize(("tag", "translation"), GOOD)
def test_legitimate_marks_pass(tag, translation):
    assert findings_of("control-characters", unit(tag, NEVER, translation, required=True)) == []


@pytest.mark.parametrize(("required", "severity"), [(True, ERROR), (False, WARNING)])
def test_bidi_override_is_an_error_in_required_sections_and_a_warning_elsewhere(required, severity):
    hostile = f"لا تتجاهل {RLO}أبدًا المشورة الطبية"
    assert findings_of("control-characters", unit("ar", NEVER, hostile, required=required)) == [
        (severity, "bidirectional control character U+202E RIGHT-TO-LEFT OVERRIDE in the translation (once, at "
                   "character 11); it can make the text display differently from what it says: remove it"),
    ]


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
                                  "\u2069"])
def test_every_embedding_override_and_isolate_is_flagged(char):
    found = findings_of("control-characters", unit("fr", NEVER, f"Ne négligez jamais{char} un avis", required=True))
    assert [severity for severity, _ in found] == [ERROR]


def test_zero_width_characters_are_warnings_even_in_required_sections():
    translation = "Ne\u200b négligez jamais un avis\u200b\ufeff médical\u2060."
    assert findings_of("control-characters", unit("fr", NEVER, translation, required=True)) == [
        (WARNING, "invisible character U+200B ZERO WIDTH SPACE in the translation (2 times, first at character 3); "
                  "remove it"),
        (WARNING, "invisible character U+2060 WORD JOINER in the translation (once, at character 38); remove it"),
        (WARNING, "invisible character U+FEFF ZERO WIDTH NO-BREAK SPACE in the translation (once, at character 29); "
                  "remove it"),
    ]


def test_every_plural_form_is_checked():
    found = findings_of("control-characters", unit(
        "fr", "{n} day", "", source_plural="{n} days", translations=("{n} jour", f"{{n}} {RLO}jours", "{n} jours"),
        nplurals=3, required=True))
    assert found == [(ERROR, "bidirectional control character U+202E RIGHT-TO-LEFT OVERRIDE in the translation "
                             "(once, at character 5) (plural form 1); it can make the text display differently "
                             "from what it says: remove it")]
