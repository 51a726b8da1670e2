"""dist/'s JSON is written by orjson (``pipeline.dist.dumps``) and must be, byte for byte,
what the json module writes (``dumps_json``): apps and caches key on the files' hashes, and
a build with another encoder must not rewrite 21,000 unchanged bundles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.build.content import translated_root
from pipeline.build import build
from pipeline.dist import dumps, dumps_json
from pipeline.gate import Coverage
from pipeline.project import Project

# Everything dist/ holds: str keys, text of any kind (lone surrogates are refused by both
# encoders, tested below), ints, booleans, null, lists and tuples, and the one kind of float
# there is, a percentage rounded to a tenth.
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)))
_PERCENT = st.integers(0, 1000).map(lambda tenths: round(tenths / 10, 1))
_SCALARS = st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70) | _TEXT | _PERCENT
_JSON = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                     | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=30)


@settings(max_examples=500, deadline=None)
@given(_JSON)
def test_dumps_writes_the_bytes_the_json_module_writes(data):
    assert dumps(data) == dumps_json(data)


def test_every_coverage_percentage_is_written_alike():
    for total in range(1, 600):
        for translated in range(total + 1):
            percent = Coverage(total, translated).percent
            assert dumps(percent) == dumps_json(percent), (total, translated)


def test_what_orjson_refuses_goes_to_the_json_module():
    assert dumps({1: "one"}) == dumps_json({1: "one"}) == b'{"1":"one"}\n'
    assert dumps({"big": 2 ** 70}) == dumps_json({"big": 2 ** 70}) == b'{"big":1180591620717411303424}\n'
    with pytest.raises(TypeError):
        dumps({"a": {1, 2}})  # no JSON for a set: the json module's own error
    with pytest.raises(UnicodeEncodeError):
        dumps({"a": "\ud800"})  # as before: the json module's str, then its UTF-8


def test_the_two_differ_where_dumps_says_they_do():
    # The reason the float rule above matters: a tiny float is spelled differently.
    assert dumps(1e-05) != dumps_json(1e-05)
    assert dumps(float("nan")) != dumps_json(float("nan"))


def test_a_builds_json_files_are_what_the_json_module_writes(tmp_path: Path):
    root = translated_root(tmp_path / "root", ("fr", "ar", "es-MX"), origin={"ar": "machine-drafted"})
    build(Project.open(root))
    files = sorted((root / "dist").rglob("*.json"))
    assert len(files) >= 5  # the manifest and a bundle a locale, English included
    for path in files:
        data = path.read_bytes()
        assert dumps_json(json.loads(data)) == data, path
