"""Fuzzing the readers: whatever the bytes, only the project's own errors come out.

``pipeline.catalog.parse_po`` gets random PO-like text, random bytes and mutations of a
real PO file; ``pipeline.source.load_sources`` gets random YAML documents and mutations of
the real article. Either the input is read, or a :class:`~pipeline.errors.PipelineError`
says where it is wrong: never another exception (which the command line would show as a
traceback). Settings are modest: the suite shares two cores.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faults.conftest import MINIMAL, PO_FIXTURES
from pipeline.catalog import Catalog, parse_po, render_po
from pipeline.errors import PipelineError, Problem
from pipeline.source import Sources, load_sources

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GOOD_PO = (PO_FIXTURES / "good.po").read_bytes()
ARTICLE = (MINIMAL / "source" / "articles" / "discogram.yaml").read_bytes()
SITE = (MINIMAL / "source" / "site.yaml").read_bytes()


def read(data: bytes) -> Catalog | PipelineError:
    try:
        return parse_po(data, "fuzz.po")
    except PipelineError as error:
        _located(error)
        return error


def _located(error: PipelineError) -> None:
    """Every problem names the file (and a line, when it has one, counted from 1)."""
    for problem in error.problems:
        assert isinstance(problem, Problem) and problem.path and problem.message
        assert problem.line is None or problem.line >= 1


# ------------------------------------------------------------------ PO text

_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))
_TEXT = st.text(_CHARS, max_size=30)
_ESCAPED = st.lists(st.one_of(_TEXT.map(lambda t: t.replace("\\", "").replace('"', "")),
                              st.sampled_from(['\\n', '\\"', '\\\\', '\\t', '\\x', '\\', '"'])), max_size=5)
_QUOTED = st.builds(lambda parts, close: '"' + "".join(parts) + ('"' if close else ""), _ESCAPED,
                    st.booleans() | st.just(True))
_KEYWORD = st.sampled_from(["msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr[0]", "msgstr[1]", "msgstr[2]",
                            "msgstr[x]", "msgid_"])
_PREFIX = st.sampled_from(["", "", "", "#~ ", "#| ", "#~| ", "  "])
_LINE = st.one_of(
    st.builds(lambda p, k, q: f"{p}{k} {q}", _PREFIX, _KEYWORD, _QUOTED),
    st.builds(lambda p, q: f"{p}{q}", _PREFIX, _QUOTED),
    st.builds(lambda c, t: f"{c}{t}", st.sampled_from(["#", "# ", "#. ", "#: ", "#, ", "#,", "#|", "#~", "##"]),
              _TEXT),
    st.sampled_from(["", 'msgid ""', 'msgstr ""', '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"',
                     '"Content-Type: text/plain; charset=UTF-8\\n"', '"Content-Type: text/plain; charset=latin1\\n"',
                     "#, fuzzy", "#, python-brace-format"]),
    _TEXT,
)
_ENDING = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "\u2028", "\x0c"])


@st.composite
def po_text(draw) -> bytes:
    lines = draw(st.lists(_LINE, max_size=25))
    ending = draw(_ENDING)
    text = ending.join(lines) + draw(st.sampled_from(["", ending]))
    bom = b"\xef\xbb\xbf" if draw(st.integers(0, 9)) == 0 else b""
    return bom + text.encode("utf-8")


@FUZZ
@given(po_text())
def test_random_po_text_gives_a_catalogue_or_our_error(data: bytes) -> None:
    result = read(data)
    if isinstance(result, Catalog):
        # What was read is written back and read again as the same catalogue: nothing misread.
        again = parse_po(render_po(result).encode("utf-8"), "fuzz.po")
        assert [(e.key, e.msgstr, e.msgstr_plural, e.obsolete) for e in again.entries] == [
            (e.key, e.msgstr, e.msgstr_plural, e.obsolete) for e in result.entries]


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_give_a_catalogue_or_our_error(data: bytes) -> None:
    read(data)


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """``original`` after a few byte-level edits: delete, insert, duplicate or move a span, flip a byte."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        start = draw(st.integers(0, len(data) - 1))
        end = min(len(data), start + draw(st.integers(1, 80)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "move", "flip", "truncate"]))
        if action == "delete":
            del data[start:end]
        elif action == "insert":
            data[start:start] = draw(st.one_of(
                st.binary(min_size=1, max_size=8),
                st.sampled_from([b'"', b"\\", b"\n", b"\r", b"msgid ", b"msgstr ", b"msgstr[0] ", b"#~ ", b"#| ",
                                 b"msgctxt ", b"msgid_plural ", b"\xef\xbb\xbf", b"\xc3", b"\x00", b"\t",
                                 "\u2028".encode(), b"\n\n", b"{{ 7*7 }}"])))
        elif action == "duplicate":
            data[end:end] = data[start:end]
        elif action == "move":
            span = data[start:end]
            del data[start:end]
            at = draw(st.integers(0, len(data)))
            data[at:at] = span
        elif action == "flip":
            data[start] = draw(st.integers(0, 255))
        else:
            del data[start:]
    return bytes(data)


@FUZZ
@given(mutated(GOOD_PO))
def test_mutations_of_a_real_po_file_give_a_catalogue_or_our_error(data: bytes) -> None:
    result = read(data)
    if isinstance(result, Catalog):
        again = parse_po(render_po(result).encode("utf-8"), "fuzz.po")
        assert [(e.key, e.msgstr, e.obsolete) for e in again.entries] == [
            (e.key, e.msgstr, e.obsolete) for e in result.entries]


# ------------------------------------------------------------------ source YAML


def load(article: bytes, site: bytes = SITE) -> Sources | PipelineError:
    """``load_sources`` on a fresh root holding ``article`` as source/articles/discogram.yaml."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(MINIMAL, root)
        (root / "source/articles/discogram.yaml").write_bytes(article)
        (root / "source/site.yaml").write_bytes(site)
        try:
            return load_sources(root)
        except PipelineError as error:
            _located(error)
            return error


_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _TEXT, st.dates(),
                    st.sampled_from(["risks", "disclaimer", "discogram", "Purpose", "{date}", "*a", "&a x", "!!str",
                                     "- item", "key: value", "2025-06-06"]))
_KEYS = st.one_of(st.sampled_from(["id", "title", "updated", "introduction", "sections", "heading", "body", "role",
                                   "paragraph", "list", "steps", "definitions", "term", "definition"]), _TEXT)
_DOCUMENT = st.recursive(_SCALAR, lambda children: st.one_of(st.lists(children, max_size=4),
                                                             st.dictionaries(_KEYS, children, max_size=5)),
                         max_leaves=30)


@FUZZ
@given(_DOCUMENT, st.sampled_from(["block", "flow", "canonical"]))
def test_random_yaml_documents_give_sources_or_our_error(document, style: str) -> None:
    text = yaml.safe_dump(document, default_flow_style={"block": False, "flow": True, "canonical": None}[style],
                          canonical=style == "canonical", allow_unicode=True)
    load(text.encode("utf-8"))


@FUZZ
@given(st.text(_CHARS, max_size=400))
def test_random_text_as_yaml_gives_sources_or_our_error(text: str) -> None:
    load(text.encode("utf-8"))


@FUZZ
@given(mutated(ARTICLE))
def test_mutations_of_the_real_article_give_sources_or_our_error(data: bytes) -> None:
    load(data)


@FUZZ
@given(mutated(SITE))
def test_mutations_of_the_site_strings_give_sources_or_our_error(data: bytes) -> None:
    load(ARTICLE, data)
