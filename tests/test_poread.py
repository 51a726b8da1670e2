"""The fast PO reader gives exactly the catalogue polib's careful path gives, or steps aside."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.catalog as catalog
from pipeline.catalog import Catalog, Entry, parse_po, render_po
from pipeline.errors import CatalogError
from pipeline.poread import parse_fast

REPO = Path(__file__).resolve().parent.parent


def careful(data: bytes, display: str = "x.po") -> Catalog:
    """parse_po with the fast path switched off."""
    saved = catalog._parse_common
    catalog._parse_common = lambda text, display: None
    try:
        return parse_po(data, display)
    finally:
        catalog._parse_common = saved


def fast(data: bytes) -> Catalog | None:
    return catalog._parse_common(data.decode("utf-8"), "x.po")


SHIPPED = sorted((REPO / "locales").glob("*/LC_MESSAGES/*.po")) + sorted((REPO / "locales").glob("*.pot"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_every_shipped_catalogue_reads_the_same_both_ways(path):
    data = path.read_bytes()
    result = fast(data)
    assert result is not None, "the shipped files are the common case the fast path is for"
    assert result == careful(data, "x.po")


text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
entries = st.lists(
    st.builds(
        Entry,
        msgid=text.filter(bool),
        msgstr=text,
        msgctxt=st.one_of(st.none(), text),
        flags=st.lists(st.sampled_from(["fuzzy", "python-brace-format", "no-wrap"]), max_size=2, unique=True)
        .map(tuple),
        comment=st.lists(text.map(lambda t: t.replace("\n", " ").strip()), max_size=2).map("\n".join),
        extracted=st.lists(text.map(lambda t: t.replace("\n", " ").strip()).filter(bool), max_size=2)
        .map("\n".join),
        references=st.lists(st.from_regex(r"[a-z/]{1,12}\.yaml:[0-9]{1,3}", fullmatch=True), max_size=8)
        .map(tuple),
        previous_msgid=st.one_of(st.none(), text.filter(bool)),
    ),
    max_size=6,
    unique_by=lambda e: (e.msgctxt, e.msgid),
)


@settings(max_examples=150, deadline=None)
@given(entries, st.sampled_from(["", "Machine-drafted translation.\nSecond line."]), st.booleans())
def test_fast_and_careful_paths_agree_on_written_catalogues(items, header_comment, header_fuzzy):
    written = Catalog(tuple(items), (("Project-Id-Version", "x"), ("Language", "fr"),
                                     ("Content-Type", "text/plain; charset=UTF-8"), ("X-Extra", "a b")),
                      header_comment, header_fuzzy)
    data = render_po(written).encode("utf-8")
    try:
        expected = careful(data)
    except CatalogError as error:  # what the careful path refuses, parse_po refuses too
        with pytest.raises(CatalogError) as raised:
            parse_po(data, "x.po")
        assert str(raised.value) == str(error)
        return
    assert parse_po(data, "x.po") == expected  # the fast path may step aside, never disagree


@pytest.mark.parametrize("text", [
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr[0] "b"\n',
    'msgid ""\nmsgstr ""\n\n#~ msgid "old"\n#~ msgstr "vieux"\n',
    'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b\\q"\n',
    'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "unterminated\n',
    'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n',
    'msgid "a"\nmsgstr "no header"\n',
])
def test_the_fast_path_steps_aside_for_what_it_does_not_read(text):
    assert fast(text.encode("utf-8")) is None


REAL = (REPO / "locales" / "fr" / "LC_MESSAGES" / "site.po").read_text(encoding="utf-8")
mutation = st.tuples(st.integers(0, len(REAL)), st.integers(0, 3),
                     st.sampled_from(['"', "\\", "#", "\n", "#~ ", "msgid ", "msgstr ", " ", "é", "#| ", '\\"']))


def damaged(edits: list[tuple[int, int, str]]) -> str:
    """The French site.po with each (position, characters cut, text inserted) applied."""
    text = REAL
    for position, cut, insert in edits:
        text = text[:position] + insert + text[position + cut:]
    return text


@settings(max_examples=200, deadline=None)
@given(st.lists(mutation, min_size=1, max_size=4))
def test_fast_and_careful_paths_agree_on_damaged_files(edits):
    data = damaged(edits).encode("utf-8")
    try:
        expected = careful(data)
    except CatalogError as error:
        with pytest.raises(CatalogError) as raised:
            parse_po(data, "x.po")
        assert str(raised.value) == str(error)
        return
    assert parse_po(data, "x.po") == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", "a", "b c", " "]), max_size=6))
def test_comment_lines_join_as_polib_joins_them(lines):
    from pipeline.poread import polib_join

    text = ""
    for line in lines:  # polib's own loop
        if text:
            text += "\n"
        text += line
    assert polib_join(lines) == text


# The two fast readers: the canonical pattern and the line reader behind it.

def _as_read(**fields) -> SimpleNamespace:
    """A reader's ``make`` that keeps an entry's fields as they are given, with Entry's defaults."""
    return SimpleNamespace(**{"previous_msgid": None, "previous_msgctxt": None, **fields})


def _lines(text: str) -> tuple[list[SimpleNamespace], int] | None:
    """What the line reader reads of ``text``, made as the canonical reader makes its entries."""
    from pipeline.poread import _parse_lines, made

    found = _parse_lines(text)
    if found is None:
        return None
    return [made(e, _as_read) for e in found], (found[0].first_line if found else 1)


def _agree(text: str) -> None:
    """Where the canonical reader reads a text, the line reader reads the same entries."""
    from pipeline.poread import _parse_canonical

    canonical = _parse_canonical(text, _as_read)
    if canonical is not None:
        assert canonical == _lines(text)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_the_canonical_reader_reads_every_shipped_catalogue_as_the_line_reader_does(path):
    from pipeline.poread import _parse_canonical

    text = path.read_text(encoding="utf-8")
    fuzzy_with_previous = "#|" in text
    assert (_parse_canonical(text, _as_read) is None) == fuzzy_with_previous  # '#|' lines are the line reader's
    _agree(text)


@settings(max_examples=150, deadline=None)
@given(entries, st.sampled_from(["", "Machine-drafted translation.\nSecond line."]), st.booleans())
def test_the_two_fast_readers_agree_on_written_catalogues(items, header_comment, header_fuzzy):
    written = Catalog(tuple(items), (("Language", "fr"), ("Content-Type", "text/plain; charset=UTF-8")),
                      header_comment, header_fuzzy)
    _agree(render_po(written))


@settings(max_examples=300, deadline=None)
@given(st.lists(mutation, min_size=1, max_size=4))
def test_the_two_fast_readers_agree_on_damaged_files(edits):
    _agree(damaged(edits))


@pytest.mark.parametrize("text", [
    '# a\n#. b\n#: c:1\n#, fuzzy\nmsgctxt "x"\nmsgid "a"\nmsgstr "b"\n',  # the usual order
    '#. b\n# a\nmsgid "a"\nmsgstr "b"\n',  # comments out of order
    '#.  two spaces \n#:  p:1  q:2 \n#,  fuzzy ,  c-format \nmsgid "a"\nmsgstr "b"\n',
    '#\n# \nmsgid "a"\nmsgstr ""\n"b\\n"\n"\\"c\\\\"\n\n\n\nmsgid "d"\nmsgstr "e"',  # no final line break
    '#. \nmsgid "a"\nmsgstr "b"\n',  # an empty extracted comment: the careful path judges it
    'msgid "a"\nmsgstr "b\\\\"\n"n"\n',  # an escaped backslash at the end of a piece
    'msgid "a" \nmsgstr "b"\n',  # a trailing space
    '  msgid "a"\nmsgstr "b"\n',  # indentation
    'msgid "a"\n\nmsgstr "b"\n',  # a blank line inside the entry
    'msgid "a"\nmsgstr "b\\q"\n',  # an escape the careful path judges
    '#: a.yaml:1 b.yaml:2\n#: c.yaml:3\nmsgid "a"\nmsgstr "b"\n',  # references on two lines
    '#: a.yaml:1\n#: \nmsgid "a"\nmsgstr "b"\n',  # a references line naming nothing
    '#:  \n#: a.yaml:1\nmsgid "a"\nmsgstr "b"\n',  # the first references line naming nothing
    '#.  first \n#.   second  \nmsgid "a"\nmsgstr "b"\n',  # extracted lines: leading spaces are the text's
    '#. a\n#.  \nmsgid "a"\nmsgstr "b"\n',  # an extracted line that says nothing, after one that does
])
def test_the_two_fast_readers_agree_on_edge_cases(text):
    _agree(text)
    assert parse_fast(text, _as_read) == _lines_then_unique(text)


def _lines_then_unique(text):
    from pipeline.poread import _UNUSUAL

    if _UNUSUAL.search(text):
        return None
    found = _lines(text)
    if found is None or len({(e.msgctxt, e.msgid) for e in found[0]}) != len(found[0]):
        return None
    return found


def test_the_canonical_reader_reads_the_usual_layout():
    from pipeline.poread import _parse_canonical

    text = ('# a translator\n#. for you\n#: source/x.yaml:4 source/y.yaml:5\n#, fuzzy, no-wrap\nmsgctxt "ctx"\n'
            'msgid ""\n"two "\n"lines"\nmsgstr "tab\\there \\"quoted\\""\n\nmsgid "b"\nmsgstr "c"\n')
    (first, second), first_line = _parse_canonical(text, _as_read)
    assert (first.comment, first.extracted, first.references, first.flags) == (
        "a translator", "for you", ("source/x.yaml:4", "source/y.yaml:5"), ("fuzzy", "no-wrap"))
    assert (first.msgctxt, first.msgid, first.msgstr) == ("ctx", "two lines", 'tab\there "quoted"')
    assert (first_line, first.line, second.line) == (1, 6, 11)


@settings(max_examples=100, deadline=None)
@given(entries)
def test_entries_made_without_init_are_the_entries_init_makes(items):
    from dataclasses import asdict, fields

    from pipeline.catalog import _new_entry

    for entry in items:
        values = {f.name: getattr(entry, f.name) for f in fields(Entry)}
        made = _new_entry(**{k: v for k, v in values.items() if v != getattr(Entry, k, object())})
        assert made == entry and hash(made) == hash(entry) and asdict(made) == asdict(entry)
        assert made.key == entry.key


@given(st.text(alphabet=st.characters(codec=None, categories=None), max_size=40)
       | st.text(alphabet="ab \n\t\r\x00\x1f\x7f\x80\x85\xa0\u2027\u2028\u2029\u202f\ud800", max_size=12))
def test_the_unusual_characters_test_is_the_patterns(text):
    """parse_fast steps aside for a text with a character str.splitlines() or polib reads as a
    line break; has_unusual answers as the pattern did, for any text (lone surrogates too)."""
    from pipeline.poread import _UNUSUAL, has_unusual

    assert has_unusual(text) == (_UNUSUAL.search(text) is not None)


@pytest.mark.parametrize("character", [chr(c) for c in (*range(0x20), 0x7f, 0x85, 0x2028, 0x2029)])
def test_every_unusual_character_is_found_in_a_catalogue(character):
    from pipeline.poread import _UNUSUAL, has_unusual

    text = f'msgid ""\nmsgstr "é{character}"\n'
    assert has_unusual(text) == (_UNUSUAL.search(text) is not None) == (character not in "\t\n")
