"""doubled-words: "the the", but not grammar or reduplication."""

from __future__ import annotations

import pytest

from pipeline.checks import WARNING

from .conftest import findings_of
from .corpus import unit

GOOD = [
    ("zh-Hans", "Sit up slowly after the procedure.", "检查后请慢慢坐起来。"),        # 慢慢: no space
    ("vi", "Sit up slowly after the procedure.", "Sau thủ thuật, hãy từ từ ngồi dậy."),  # Vietnamese reduplication
    ("vi", "Walk a little every day.", "Hãy đi bộ đều đều mỗi ngày."),
    ("fr", "We wash our hands before the procedure.", "Nous nous lavons les mains avant l’examen."),
    ("fr", "You will rest after the procedure.", "Vous vous reposerez après l’examen."),
    ("de", "Patients who had the procedure should rest.",
     "Patienten, die die Untersuchung hatten, sollten sich ausruhen."),       # relative pronoun + article
    ("es", "Take 5 5 mg tablets.", "Tome 5 5 comprimidos de mg."),               # numbers are not words
    ("fr", "He flew to Bora Bora.", "Il est allé à Bora Bora."),                   # the source has it too
    ("ar", "Nerve damage or irritation", "تلف الأعصاب أو تهيجها"),
]

BAD = [
    ("fr", "Allergic reactions to the contrast dye", "Réactions allergiques au au produit de contraste",
     ["'au au' in the translation: the word is written twice"]),
    ("de", "Allergic reactions to the contrast dye", "Allergische Reaktionen auf das Kontrastmittel Kontrastmittel",
     ["'Kontrastmittel Kontrastmittel' in the translation: the word is written twice"]),
    ("es", "Avoid heavy lifting", "Evite evite levantar objetos pesados",
     ["'Evite evite' in the translation: the word is written twice"]),
    ("pt-BR", "Nerve damage or irritation", "Lesão ou ou irritação do do nervo",
     ["'ou ou' in the translation: the word is written twice",
      "'do do' in the translation: the word is written twice"]),
    ("ar", "Allergic reactions to the contrast dye", "تفاعلات تحسسية تجاه تجاه الصبغة التباينية",
     ["'تجاه تجاه' in the translation: the word is written twice"]),
]


@pytest.mark.parametrize(("tag", "source", "translation"), GOOD)
def test_legitimate_repetition_passes(tag, source, translation):
    assert findings_of("doubled-words", unit(tag, source, translation)) == []


@pytest.mark.parametrize(("tag", "source", "translation", "messages"), BAD)
def test_doubled_word_is_a_warning(tag, source, translation, messages):
    assert findings_of("doubled-words", unit(tag, source, translation)) == [(WARNING, m) for m in messages]
