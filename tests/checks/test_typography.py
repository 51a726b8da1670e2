"""No check misfires on correct translations in the typography of every language we ship."""

from __future__ import annotations

import pytest

from pipeline.checks import run_checks

from .corpus import ENGLISH, SHIPPED, TRANSLATIONS, unit


@pytest.mark.parametrize("tag", SHIPPED)
@pytest.mark.parametrize("key", sorted(ENGLISH))
def test_correct_translation_has_no_finding(tag, key, glossaries):
    english, required = ENGLISH[key]
    translation = TRANSLATIONS[tag][key]
    assert run_checks(unit(tag, english, translation, glossary=glossaries[tag], required=required)) == []


def test_corpus_is_complete():
    assert {tag: sorted(TRANSLATIONS[tag]) for tag in SHIPPED} == {tag: sorted(ENGLISH) for tag in SHIPPED}
