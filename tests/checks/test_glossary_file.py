"""The glossary file: load_glossary reads it, refuses a malformed one naming the line, digests it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import CatalogError, PipelineError
from pipeline.glossary import NEGATION, TERM, Glossary, Term, glossary_path, load_glossary
from pipeline.locales import parse_locale

REPO = Path(__file__).resolve().parents[2]
DISPLAY = "locales/fr/glossary.yaml"

VALID = """\
# Glossary for French (fr): approved translations of key terms. See TRANSLATING.md.
terms:
  - source: discogram            # English; a string or a list of forms
    translations: [discographie]
    note: Established French term.
  - source: [not, do not, no]
    translations: ["ne ", "n'", pas, jamais, aucun]
    kind: negation
"""


def _load(tmp_path: Path, text: str) -> Glossary:
    path = tmp_path / "glossary.yaml"
    path.write_text(text, encoding="utf-8")
    return load_glossary(path, DISPLAY)


def test_valid_glossary(tmp_path):
    glossary = _load(tmp_path, VALID)
    assert glossary.path == DISPLAY
    assert glossary.terms == (
        Term(("discogram",), ("discographie",), TERM, "Established French term.", 3),
        Term(("not", "do not", "no"), ("ne ", "n'", "pas", "jamais", "aucun"), NEGATION, "", 6),
    )
    # A plain YAML 'no' is the English word, not a boolean; a term is found once, where it first occurs.
    assert [form for _, form in glossary.find("No food. Do not drink.")] == ["No"]
    assert [form for _, form in glossary.find("Nothing to drink; do not eat.")] == ["do not"]
    assert glossary.translations_of("Discogram") == ("discographie",)
    assert glossary.translations_of("discography") == ()


def test_digest_follows_content_not_layout(tmp_path):
    digest = _load(tmp_path, VALID).digest
    relaid = VALID.replace("# Glossary for French", "# Glossaire").replace("source: discogram ",
                                                                           "source: [discogram]")
    assert _load(tmp_path, relaid).digest == digest
    assert _load(tmp_path, VALID.replace("[discographie]", "[discographie, discogramme]")).digest != digest
    assert _load(tmp_path, VALID.replace("kind: negation", "kind: term")).digest != digest
    assert len(digest) == 64 and digest == _load(tmp_path, VALID).digest


def test_empty_glossary():
    assert len(Glossary.empty()) == 0
    assert Glossary.empty().find("Never disregard professional medical advice.") == []
    assert Glossary.empty() == Glossary.empty() and Glossary.empty().digest == Glossary(()).digest


def test_glossary_path():
    assert glossary_path(Path("locales"), parse_locale("pt-BR")) == Path("locales/pt_BR/glossary.yaml")


MALFORMED = [
    # (file content, message, line, hint)
    ("terms:\n  - source: discogram\n    translations: [discographie\n",
     "invalid YAML: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence that starts on "
     "line 3)", 4, None),
    ("terms:\n\t- source: discogram\n", "invalid YAML: found character '\\t' that cannot start any token", 2,
     "YAML indentation must use spaces, not tabs"),
    ("terms:\n  - source: discogram\n    translations: [discographie]\n    source: discograms\n",
     "duplicate key 'source' (first defined on line 2)", 4,
     "YAML would silently keep only the last one; remove or rename one"),
    ("terms:\n  - &a\n    source: discogram\n    translations: [discographie]\n  - *a\n",
     "YAML aliases (*name) are not allowed in source files", 5, "write the text out in full"),
    ("- source: discogram\n", "the glossary is not a mapping", 1,
     "a glossary is a mapping with one key, 'terms', a list of entries; see docs/glossary.md"),
    ("term:\n  - source: discogram\n", "unknown key 'term' at the top of the glossary", 1,
     "a glossary is a mapping with one key, 'terms', a list of entries; see docs/glossary.md"),
    ("terms: discogram\n", "'terms' must be a list of entries", 1,
     "a glossary is a mapping with one key, 'terms', a list of entries; see docs/glossary.md"),
    ("terms:\n  - discogram\n", "a glossary entry must be a mapping with 'source' and 'translations'", 2,
     "- source: discogram\n  translations: [discographie]"),
    ("terms:\n  - source: discogram\n    translation: [discographie]\n",
     "unknown key 'translation' in a glossary entry", 3, "the keys are: source, translations, note, kind"),
    ("terms:\n  - source: discogram\n", "glossary entry has no 'translations'", 2,
     "every entry needs 'source' (English) and 'translations' (approved)"),
    ("terms:\n  - source: discogram\n    translations: []\n", "'translations' is an empty list", 3, None),
    ("terms:\n  - source: discogram\n    translations: [discographie, '']\n",
     "'translations' must be a non-empty string or a list of non-empty strings", 3,
     'quote a value with leading or trailing spaces: "ne "'),
    ("terms:\n  - source: [discogram, {a: b}]\n    translations: [discographie]\n",
     "'source' must be a non-empty string or a list of non-empty strings", 2,
     'quote a value with leading or trailing spaces: "ne "'),
    ("terms:\n  - source: never\n    translations: [jamais]\n    kind: prohibition\n",
     "unknown kind 'prohibition'", 4, "kind is one of: term, negation"),
    ("terms:\n  - source: [not, never]\n    translations: [pas]\n  - source: Never\n    translations: [jamais]\n",
     "'Never' is already a source form of the term on line 2", 4,
     "an English form may belong to one term only: merge the two entries"),
    ("", "file is empty", 1, None),
]


@pytest.mark.parametrize(("text", "message", "line", "hint"), MALFORMED)
def test_malformed_glossary_names_the_line(tmp_path, text, message, line, hint):
    with pytest.raises(CatalogError) as caught:
        _load(tmp_path, text)
    error = caught.value
    assert (error.message, error.path, error.line, error.hint) == (message, DISPLAY, line, hint)
    assert str(error).startswith(f"{DISPLAY}:{line}: error: ")


def test_invalid_utf8_is_refused(tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_bytes(b"terms:\n  - source: discogram\n    translations: [discographie \xe9]\n")
    with pytest.raises(CatalogError) as caught:
        load_glossary(path, DISPLAY)
    assert (caught.value.message, caught.value.line) == ("file is not valid UTF-8", 3)


def test_null_terms_is_an_empty_glossary(tmp_path):
    assert _load(tmp_path, "terms:\n").terms == ()


@pytest.mark.parametrize("path", sorted((REPO / "locales").glob("*/glossary.yaml")), ids=lambda p: p.parent.name)
def test_shipped_glossaries_load(path):
    try:
        glossary = load_glossary(path, path.relative_to(REPO).as_posix())
    except PipelineError as exc:  # pragma: no cover - the message is the point
        pytest.fail(str(exc))
    assert any(term.kind == NEGATION for term in glossary.terms)
