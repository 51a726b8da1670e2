"""glossary: approved translations of key terms and negations (error in required sections)."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.checks import ERROR, WARNING
from pipeline.glossary import Glossary, Term

from .conftest import findings_of
from .corpus import ENGLISH, TRANSLATIONS, unit

NEVER = ENGLISH["never-disregard"][0]
NOT_SUBSTITUTE = ENGLISH["not-substitute"][0]
FASTING = ENGLISH["fasting"][0]

# The disclaimer turned into its opposite, one language at a time: the negation dropped.
DROPPED_NEGATION = [
    ("fr", NEVER, "Négligez les avis médicaux professionnels ou tardez à les demander en raison de ce que vous avez "
                  "lu sur ce site.",
     "the source says 'Never' (a negation) and the translation has none of 'pas', 'jamais', 'aucun', \"n'\"", 7),
    ("de", NEVER, "Missachten Sie professionellen medizinischen Rat und zögern Sie, ihn einzuholen, weil Sie etwas "
                  "auf dieser Website gelesen haben.",
     "the source says 'Never' (a negation) and the translation has none of 'nicht', 'nie', 'kein'", 6),
    ("es", NOT_SUBSTITUTE, "La información proporcionada pretende sustituir el consejo, el diagnóstico y el "
                           "tratamiento médico profesional.",
     "the source says 'not' (a negation) and the translation has none of 'no ', 'nunca', 'jamás', 'ningún', "
     "'ninguna'", 6),
    ("pt-BR", NEVER, "Desconsidere o aconselhamento médico profissional ou deixe de procurá-lo por causa de algo "
                     "que você leu neste site.",
     "the source says 'Never' (a negation) and the translation has none of 'não', 'nunca', 'jamais', 'nenhum', "
     "'nenhuma'", 6),
    ("vi", FASTING, "Ăn trong 6 giờ trước khi làm thủ thuật.",
     "the source says 'Do not' (a negation) and the translation has none of 'không', 'đừng', 'chớ'", 6),
    ("zh-Hans", NEVER, "因为您在本网站上读到的内容而忽视专业医疗建议或延迟寻求专业医疗建议。",
     "the source says 'Never' (a negation) and the translation has none of '不', '勿', '非', '没有', '无'", 6),
    ("ar", FASTING, "كُل شيئًا قبل الإجراء بـ٦ ساعات.",
     "the source says 'Do not' (a negation) and the translation has none of 'لا', 'ليس', 'لم', 'لن', 'أبدًا'", 6),
]


def _negation_message(start: str, tag: str, line: int) -> str:
    folder = {"pt-BR": "pt_BR", "zh-Hans": "zh_Hans"}.get(tag, tag)
    return (f"{start}: without it the sentence can say the opposite; restore the negation "
            f"(locales/{folder}/glossary.yaml:{line})")


@pytest.mark.parametrize(("tag", "source", "translation", "start", "line"), DROPPED_NEGATION)
def test_dropped_negation_blocks_a_required_section(tag, source, translation, start, line, glossaries):
    assert findings_of("glossary", unit(tag, source, translation, glossary=glossaries[tag], required=True)) == [
        (ERROR, _negation_message(start, tag, line))]


@pytest.mark.parametrize(("tag", "source", "translation", "start", "line"), DROPPED_NEGATION)
def test_dropped_negation_elsewhere_is_a_warning(tag, source, translation, start, line, glossaries):
    assert findings_of("glossary", unit(tag, source, translation, glossary=glossaries[tag], required=False)) == [
        (WARNING, _negation_message(start, tag, line))]


@pytest.mark.parametrize("tag", sorted(TRANSLATIONS))
@pytest.mark.parametrize("key", ["never-disregard", "not-substitute", "fasting", "avoid-lifting", "allergic"])
def test_kept_negations_and_terms_pass(tag, key, glossaries):
    english, required = ENGLISH[key]
    translation = TRANSLATIONS[tag][key]
    assert findings_of("glossary", unit(tag, english, translation, glossary=glossaries[tag], required=required)) == []


def test_lost_glossary_term(glossaries):
    source = ENGLISH["purpose"][0]
    assert findings_of("glossary", unit("fr", source, "L’objectif principal d’un discogramme est de\u00a0:",
                                        glossary=glossaries["fr"])) == [
        (WARNING, "glossary term 'discogram' in the source, none of its approved translations ('discographie') in "
                  "the translation; use one of them (locales/fr/glossary.yaml:2). Note: Established French term."),
    ]
    source = ENGLISH["allergic"][0]
    assert findings_of("glossary", unit("de", source, "Allergische Reaktionen auf den Farbstoff",
                                        glossary=glossaries["de"], required=True)) == [
        (ERROR, "glossary term 'contrast dye' in the source, none of its approved translations ('Kontrastmittel') in "
                "the translation; use one of them (locales/de/glossary.yaml:4)"),
    ]


def test_every_missing_term_is_reported(glossaries):
    english = "Avoid the contrast dye: do not have a discogram."
    assert [message[:40] for _, message in findings_of(
        "glossary", unit("es", english, "Tome el colorante: hágase una radiografía.", glossary=glossaries["es"]))] == [
        "glossary term 'discogram' in the source,",
        "glossary term 'contrast dye' in the sour",
        "the source says 'do not' (a negation) an",
        "the source says 'Avoid' (a negation) and",
    ]


@pytest.mark.parametrize(("english", "occurs"), [
    ("Do not eat.", "Do not"),
    ("NOT for children.", "NOT"),
    ("There is nothing to eat.", None),      # 'not' is a whole word
    ("You cannot eat.", None),
    ("The contrast\ndye is injected.", "contrast\ndye"),  # whitespace in a form matches any
    ("Discograms are performed.", "Discograms"),
])
def test_english_forms_match_whole_words_case_insensitively(english, occurs):
    terms = Glossary((Term(("not", "do not"), ("pas",), "negation"), Term(("contrast dye",), ("contraste",)),
                      Term(("discogram", "discograms"), ("discographie",))))
    assert [form for _, form in terms.find(english)][:1] == ([occurs] if occurs else [])


def test_translations_match_whatever_the_normalisation_case_space_and_apostrophe():
    terms = Glossary((Term(("not",), ("n'", "ne pas")), Term(("discogram",), ("Discographie",))))
    english = "A discogram is not painful."
    decomposed = unicodedata.normalize("NFD", "La DISCOGRAPHIE n’est pas douloureuse.")
    assert findings_of("glossary", unit("fr", english, decomposed, glossary=terms)) == []
    assert findings_of("glossary", unit("fr", "Do not eat a discogram.", "discographie : ne\u00a0pas manger",
                                        glossary=terms)) == []


def test_no_glossary_no_finding():
    assert findings_of("glossary", unit("fr", NEVER, "Négligez les avis.", glossary=None, required=True)) == []
    assert findings_of("glossary", unit("fr", NEVER, "Négligez les avis.", glossary=Glossary.empty(),
                                        required=True)) == []


def test_each_plural_form_keeps_the_negation(glossaries):
    plural = unit("fr", "Do not eat for {n} hour.", "", source_plural="Do not eat for {n} hours.",
                  translations=("Ne mangez pas pendant {n} heure.", "Mangez pendant {n} heures.",
                                "Ne mangez rien pendant {n} heures."),
                  nplurals=3, glossary=glossaries["fr"], required=True)
    assert findings_of("glossary", plural) == [
        (ERROR, _negation_message("the source says 'Do not' (a negation) and the translation has none of 'pas', "
                                  "'jamais', 'aucun', \"n'\" (plural form 1)", "fr", 7)),
        (ERROR, _negation_message("the source says 'Do not' (a negation) and the translation has none of 'pas', "
                                  "'jamais', 'aucun', \"n'\" (plural form 2)", "fr", 7)),
    ]
