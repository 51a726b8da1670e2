"""Content roots for the fault tests.

``po_root``: the minimal content root (``tests/fixtures/sources/minimal``), extracted, with
French and German translated in full (``fixtures.build.content.fill``). Its French
``site.po`` is ``tests/fixtures/po/good.po`` byte for byte, so each broken file under
``tests/fixtures/po/`` (that file with one fault) can be laid over it and its lines are
the ones the tests quote. Built once per session, copied for each test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
MINIMAL = TESTS / "fixtures" / "sources" / "minimal"
PO_FIXTURES = TESTS / "fixtures" / "po"
SITE_PO = "locales/fr/LC_MESSAGES/site.po"


def build_po_root(target: Path) -> Path:
    from fixtures.build.content import fill
    from pipeline.extract import extract
    from pipeline.locales import parse_locale
    from pipeline.project import Project
    from pipeline.translations import init_locale

    shutil.copytree(MINIMAL, target)
    project = Project.open(target)
    extract(project)
    for tag in ("fr", "de"):
        init_locale(project, parse_locale(tag))
        for pot in sorted((target / "locales").glob("*.pot")):
            fill(target, tag, pot.stem)
    return target


@pytest.fixture(scope="session")
def po_template(tmp_path_factory) -> Path:
    root = build_po_root(tmp_path_factory.mktemp("po-template") / "root")
    assert (root / SITE_PO).read_bytes() == (PO_FIXTURES / "good.po").read_bytes(), (
        "tests/fixtures/po/good.po no longer matches the French site.po of the minimal root: "
        "regenerate the fixtures as tests/fixtures/po/README.md says")
    return root


@pytest.fixture
def po_root(po_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the translated minimal root (fr and de), at ``tmp_path/root``."""
    target = tmp_path / "root"
    shutil.copytree(po_template, target)
    return target


def place(root: Path, fixture: str, where: str = SITE_PO) -> bytes:
    """Lay ``tests/fixtures/po/<fixture>`` over the root's French site.po; return its bytes."""
    data = (PO_FIXTURES / fixture).read_bytes()
    (root / where).write_bytes(data)
    return data
