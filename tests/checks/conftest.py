"""Fixtures for the check tests: the test glossaries, and running one check through run_checks."""

from __future__ import annotations

import pytest

from pipeline.checks import Unit, run_checks

from .corpus import SHIPPED, glossary


@pytest.fixture(scope="session")
def glossaries(tmp_path_factory):
    """Every shipped locale's test glossary (tests/checks/corpus.py), read by load_glossary."""
    folder = tmp_path_factory.mktemp("glossaries")
    return {tag: glossary(tag, folder) for tag in SHIPPED}


def findings_of(check_id: str, unit: Unit) -> list[tuple[str, str]]:
    """(severity, message) of every finding of one check, run the way the gate runs it."""
    return [(f.severity, f.message) for f in run_checks(unit) if f.check == check_id]
