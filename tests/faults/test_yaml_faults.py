"""Broken English source through ``pipeline build``: exit 2, file and line, and the last good dist/ untouched.

``tests/test_source.py`` holds the exact errors of every broken source (through
``extract``); here the same broken files go through ``build`` on a root that already has
a published ``dist/``, which must come out byte for byte as it was. The two faults it
lacks (a forbidden control character, nesting deep enough to crash a recursive walk) are
in ``tests/fixtures/sources/faults/``.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from faults.conftest import TESTS
from fixtures.build.content import snapshot
from test_source import BROKEN, EXPECTED

ARTICLE = "source/articles/discogram.yaml"
MORE = TESTS / "fixtures" / "sources" / "faults"
REPO = TESTS.parent

# The faults issue 8 names, as test_source.py's fixtures hold them.
ISSUE_FAULTS = ["yaml-syntax", "tabs", "wrong-type", "duplicate-key", "alias-bomb", "missing-risks",
                "site-no-disclaimer"]
MORE_EXPECTED = {
    "control-character": [
        f"{ARTICLE}:36: error: invalid YAML: character U+0007 is not allowed in a YAML file",
        "  hint: remove it (an invisible control character, often pasted in with the text)",
    ],
    "deep-nesting": [
        f"{ARTICLE}:2: error: YAML is nested too deeply",
        "  hint: an article needs only a few levels: sections, blocks, items",
        f"{ARTICLE}:2: error: title must be text, not a list",
        "  hint: quote the value if it is meant as text",
    ],
}


@pytest.fixture
def built(po_root: Path, cli) -> Path:
    """The translated minimal root with a published dist/ (fr, de, en)."""
    result = cli("build", "--strict", root=po_root)
    assert (result.exit_code, result.stderr) == (0, "")
    return po_root


def overlay(root: Path, folder: Path) -> None:
    shutil.copytree(folder, root, dirs_exist_ok=True)


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in MORE.iterdir() if p.is_dir()) == sorted(MORE_EXPECTED)
    assert set(ISSUE_FAULTS) <= set(EXPECTED)


@pytest.mark.parametrize("fault", ISSUE_FAULTS + sorted(MORE_EXPECTED))
def test_broken_source_fails_the_build_and_leaves_dist_as_it_was(fault: str, built: Path, cli) -> None:
    before = snapshot(built / "dist")
    overlay(built, MORE / fault if fault in MORE_EXPECTED else BROKEN / fault)
    expected = MORE_EXPECTED.get(fault) or EXPECTED[fault]
    result = cli("build", root=built)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == expected
    assert snapshot(built / "dist") == before
    check = cli("check", root=built)
    assert (check.exit_code, check.stdout, check.stderr.splitlines()) == (2, "", expected)


@pytest.mark.parametrize("fault", sorted(MORE_EXPECTED))
def test_more_broken_sources_through_extract(fault: str, po_root: Path, cli) -> None:
    overlay(po_root, MORE / fault)
    pots = snapshot(po_root / "locales")
    result = cli("extract", root=po_root)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", MORE_EXPECTED[fault])
    assert snapshot(po_root / "locales") == pots


def _limit_memory() -> None:  # in the child, before exec
    limit = 1024 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("fault", ["alias-bomb", None])
def test_an_alias_bomb_neither_hangs_nor_exhausts_memory(fault: str | None, built: Path) -> None:
    """In a process limited to 1 GiB of address space (the bomb expands to 9**9 strings) and 60 s.

    The good root runs under the same limits first, so that a failure means the bomb.
    """
    if fault:
        overlay(built, BROKEN / fault)
    done = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(built), "build"], capture_output=True,
                          text=True, timeout=60, preexec_fn=_limit_memory, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    if fault:
        assert (done.returncode, done.stderr.splitlines()) == (2, EXPECTED[fault])
    else:
        assert done.returncode == 0, done.stderr


def test_a_folder_named_like_an_article_fails_the_build_cleanly(built: Path, cli) -> None:
    before = snapshot(built / "dist")
    (built / "source/articles/lumbar-puncture.yaml").mkdir()
    result = cli("build", root=built)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", [
        "source/articles/lumbar-puncture.yaml: error: cannot read file: Is a directory",
        "  hint: each article is one YAML file",
    ])
    assert snapshot(built / "dist") == before
