"""Shared fixtures: content roots copied into tmp_path, and the command line run in-process."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def copy_root(target: Path, *, locales: bool = True) -> Path:
    """Copy the shipped content root (source/, pyproject.toml, optionally locales/) to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "source", target / "source")
    shutil.copy(REPO / "pyproject.toml", target / "pyproject.toml")
    if locales and (REPO / "locales").is_dir():
        shutil.copytree(REPO / "locales", target / "locales")
    return target


@pytest.fixture
def shipped_root(tmp_path: Path) -> Path:
    """A copy of the repository's own content root, with its shipped translations."""
    return copy_root(tmp_path / "root")


@pytest.fixture
def source_root(tmp_path: Path) -> Path:
    """A copy of the shipped English source only: no locales/ yet."""
    return copy_root(tmp_path / "root", locales=False)


@pytest.fixture
def cli(capsys):
    """Run ``pipeline ARGS...`` in-process through the real entry point and its error boundary."""
    from pipeline.cli import main

    def run(*args: str, root: Path | None = None) -> CliResult:
        argv = [*(["--root", str(root)] if root is not None else []), *args]
        capsys.readouterr()
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run
