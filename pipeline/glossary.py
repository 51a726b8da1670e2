"""Glossaries: per locale, the approved translations of key terms and of negations.

One file per locale, ``locales/<folder>/glossary.yaml`` (folder in gettext spelling: ``fr``,
``pt_BR``, ``zh_Hans``)::

    # Glossary for French (fr): approved translations of key terms. See TRANSLATING.md.
    terms:
      - source: discogram                 # English: a string, or a list of forms
        translations: [discographie]      # approved translations: a string, or a list
        note: Established French term.    # optional; shown to whoever breaks the rule
      - source: [not, do not, never]
        translations: ["ne ", "n'", pas, jamais, aucun]
        kind: negation                    # optional: term (the default) or negation

How a term is matched (the ``glossary`` check, :mod:`pipeline.checks.glossary`):

- A term *occurs* in an English message when one of its ``source`` forms does, on word
  boundaries and case-insensitively (``not`` matches "Not" and "do not", but not "nothing"
  nor "cannot"); spaces in a form match any run of whitespace. List every form you mean
  (``[discogram, discograms]``): there is no stemming.
- Where it occurs, the translation must contain **one** of its ``translations``, as a
  case-insensitive substring, after Unicode NFC normalisation, with every kind of space
  (U+00A0, U+202F...) read as a plain space and the typographic apostrophe ``’`` read as
  ``'`` (so ``n'`` matches ``n’``). A substring, not a word, so that German compounds
  (``Bandscheibe`` in ``Bandscheibenvorfall``) and Chinese (no spaces) work; that also
  means a short entry matches inside longer words (``ne `` is in ``une ``): prefer entries
  that cannot occur by accident.
- A missing term is an error in a required section (the disclaimer, the risks), a warning
  elsewhere. ``kind: negation`` only changes the message: a translation that drops a
  negation ("not", "never", "avoid", "do not") may say the opposite of the English.
- The units check reads the glossary too: an entry whose ``source`` is a unit it knows
  (``IU``, ``mg``, ``mL``...) adds the locale's spelling of that unit (``UI``, ``毫克``).

The file is checked when it is read: YAML duplicate keys and aliases are refused, unknown
keys are refused (a typo must not silently switch a rule off), every string must be
non-empty, and an English form may belong to one term only. Errors name the file and line.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pipeline.errors import CatalogError
from pipeline.locales import Locale
from pipeline.yamlnodes import compose, line_of

GLOSSARY_FILE = "glossary.yaml"
TERM = "term"
NEGATION = "negation"
KINDS = (TERM, NEGATION)
_TERM_KEYS = ("source", "translations", "note", "kind")

_WORD = re.compile(r"\w+")
_OTHER_SPACE = re.compile(r"[^\S \n]|\u200b")  # every other kind of space: U+00A0, U+202F, tab...
_APOSTROPHE = re.compile("[\u2019\u02bc\u2018]")


def normalize(text: str) -> str:
    """Text as translations are compared: NFC, casefolded, one kind of space and apostrophe."""
    text = unicodedata.normalize("NFC", text)
    if not text.isascii():
        text = _APOSTROPHE.sub("'", _OTHER_SPACE.sub(" ", text))
    return text.casefold()


@dataclass(frozen=True)
class Term:
    """One glossary entry: English forms and the translations that may stand for them."""

    sources: tuple[str, ...]
    translations: tuple[str, ...]
    kind: str = TERM
    note: str = ""
    line: int = 0
    _normalized: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_normalized", tuple(normalize(t) for t in self.translations))
        forms = sorted(self.sources, key=len, reverse=True)
        object.__setattr__(self, "_pattern", re.compile("|".join(_form_pattern(f) for f in forms), re.IGNORECASE))

    def occurs_in(self, english: str) -> str | None:
        """The form of this term as written in ``english``, or None if it does not occur."""
        match = self._pattern.search(english)
        return match.group() if match else None

    def translated_in(self, translation: str) -> bool:
        """True when one of the approved translations is in ``translation``."""
        return self.in_normalized(normalize(translation))

    def in_normalized(self, normalized: str) -> bool:
        """:meth:`translated_in` for a translation already passed through :func:`normalize`."""
        return any(t in normalized for t in self._normalized)


@dataclass(frozen=True)
class Glossary:
    """A locale's glossary: its terms, the file they came from, and a digest of their content.

    ``digest`` changes when, and only when, a term, form, translation, kind or note does:
    cache keys use it. Two glossaries are equal when their path and digest are.
    """

    terms: tuple[Term, ...] = field(compare=False)
    path: str = ""
    digest: str = ""
    # First word of every form -> the terms that have a form starting with it: a message is
    # only matched against the few terms whose first word it contains.
    _index: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    _always: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.digest:
            object.__setattr__(self, "digest", _digest(self.terms))
        index: dict[str, list[int]] = {}
        always: set[int] = set()
        for number, term in enumerate(self.terms):
            for form in term.sources:
                words = _WORD.findall(form.casefold())
                if words and _WORD.match(form):
                    index.setdefault(words[0], []).append(number)
                else:  # starts with a symbol ('%', '°C'): no first word to look up
                    always.add(number)
        object.__setattr__(self, "_index", {k: tuple(sorted(set(v))) for k, v in index.items()})
        object.__setattr__(self, "_always", frozenset(always))

    @classmethod
    def empty(cls) -> Glossary:
        return cls(())

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, english: str) -> list[tuple[Term, str]]:
        """The terms that occur in ``english``, each with the form found, in glossary order."""
        candidates = set(self._always)
        index = self._index
        if index:
            for word in _WORD.findall(english.casefold()):
                hits = index.get(word)
                if hits:
                    candidates.update(hits)
        found = []
        for number in sorted(candidates):
            term = self.terms[number]
            form = term.occurs_in(english)
            if form is not None:
                found.append((term, form))
        return found

    def translations_of(self, english: str) -> tuple[str, ...]:
        """The approved translations of the term that has ``english`` as one of its forms."""
        wanted = english.casefold()
        for term in self.terms:
            if any(form.casefold() == wanted for form in term.sources):
                return term.translations
        return ()


def _form_pattern(form: str) -> str:
    # Word boundaries where the form starts or ends with a letter or digit: "not" must not
    # match in "nothing"; "%" or "°C" must still match right after a digit.
    body = r"\s+".join(re.escape(w) for w in form.split())
    start = r"(?<!\w)" if _WORD.match(form) else ""
    end = r"(?!\w)" if _WORD.match(form[-1]) else ""
    return start + body + end


def _digest(terms: tuple[Term, ...]) -> str:
    content = [[list(t.sources), list(t.translations), t.kind, t.note] for t in terms]
    data = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def glossary_path(locales_dir: Path, locale: Locale) -> Path:
    """Where the glossary of ``locale`` lives: ``locales/<folder>/glossary.yaml``."""
    return locales_dir / locale.folder / GLOSSARY_FILE


def load_glossary(path: Path, display: str) -> Glossary:
    """Read and validate a glossary file; raise :class:`CatalogError` naming the line of a fault.

    ``display`` is the path as messages show it (``locales/fr/glossary.yaml``).
    """
    node, problems = compose(path, display)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s) in this file)" if len(problems) > 1 else ""
        raise CatalogError(first.message + more, path=display, line=first.line, hint=first.hint)
    assert node is not None
    return Glossary(tuple(_read_terms(node, display)), display)


def _read_terms(root: Node, display: str) -> list[Term]:
    example = "a glossary is a mapping with one key, 'terms', a list of entries; see docs/glossary.md"
    if not isinstance(root, MappingNode):
        raise CatalogError("the glossary is not a mapping", path=display, line=line_of(root), hint=example)
    entries = None
    for key, value in root.value:
        if _scalar(key) != "terms":
            raise CatalogError(f"unknown key '{_scalar(key) or key.tag}' at the top of the glossary",
                               path=display, line=line_of(key), hint=example)
        entries = value
    if entries is None:
        raise CatalogError("the glossary has no 'terms' key", path=display, line=line_of(root), hint=example)
    if isinstance(entries, ScalarNode) and entries.tag.endswith(":null"):
        return []
    if not isinstance(entries, SequenceNode):
        raise CatalogError("'terms' must be a list of entries", path=display, line=line_of(entries), hint=example)
    terms: list[Term] = []
    owner: dict[str, int] = {}  # casefolded English form -> line of the term that has it
    for entry in entries.value:
        term = _read_term(entry, display)
        for form in term.sources:
            key = " ".join(form.casefold().split())
            if key in owner:
                raise CatalogError(
                    f"'{form}' is already a source form of the term on line {owner[key]}",
                    path=display, line=term.line,
                    hint="an English form may belong to one term only: merge the two entries",
                )
            owner[key] = term.line
        terms.append(term)
    return terms


def _read_term(entry: Node, display: str) -> Term:
    line = line_of(entry)
    if not isinstance(entry, MappingNode):
        raise CatalogError("a glossary entry must be a mapping with 'source' and 'translations'",
                           path=display, line=line, hint="- source: discogram\n  translations: [discographie]")
    fields: dict[str, Node] = {}
    for key, value in entry.value:
        name = _scalar(key)
        if name not in _TERM_KEYS:
            raise CatalogError(f"unknown key '{name or key.tag}' in a glossary entry", path=display,
                               line=line_of(key), hint=f"the keys are: {', '.join(_TERM_KEYS)}")
        fields[name] = value
    for required in ("source", "translations"):
        if required not in fields:
            raise CatalogError(f"glossary entry has no '{required}'", path=display, line=line,
                               hint="every entry needs 'source' (English) and 'translations' (approved)")
    sources = _strings(fields["source"], "source", display)
    translations = _strings(fields["translations"], "translations", display)
    note = _one_string(fields["note"], "note", display) if "note" in fields else ""
    kind = _one_string(fields["kind"], "kind", display) if "kind" in fields else TERM
    if kind not in KINDS:
        raise CatalogError(f"unknown kind '{kind}'", path=display, line=line_of(fields["kind"]),
                           hint=f"kind is one of: {', '.join(KINDS)}")
    return Term(tuple(s.strip() for s in sources), tuple(translations), kind, note, line)


def _scalar(node: Node) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def _one_string(node: Node, name: str, display: str) -> str:
    value = _scalar(node)
    if value is None or not value.strip():
        raise CatalogError(f"'{name}' must be a non-empty string", path=display, line=line_of(node))
    return value


def _strings(node: Node, name: str, display: str) -> tuple[str, ...]:
    """A string or a list of strings, none empty (spaces count: "ne " is a valid translation)."""
    items = node.value if isinstance(node, SequenceNode) else [node]
    values = []
    for item in items:
        value = _scalar(item)
        if value is None or not value.strip():
            raise CatalogError(f"'{name}' must be a non-empty string or a list of non-empty strings",
                               path=display, line=line_of(item),
                               hint='quote a value with leading or trailing spaces: "ne "')
        values.append(value)
    if not values:
        raise CatalogError(f"'{name}' is an empty list", path=display, line=line_of(node))
    return tuple(values)
