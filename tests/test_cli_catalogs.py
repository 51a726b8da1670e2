"""The command line around the catalogue commands: --root, python -m, usage errors, the whole flow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.catalog import read_po
from test_extract import msgfmt_check

REPO = Path(__file__).resolve().parent.parent
ROOT_HINT = "  hint: run the command in the content root, or name it with --root PATH"


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "100"})


def test_python_m_pipeline_help(tmp_path: Path) -> None:
    done = run_module("--help", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[0] == "Usage: pipeline [OPTIONS] COMMAND [ARGS]..."
    assert "  --root PATH  The content root (default: the current folder).  [default: .]" in lines
    commands = [line.split()[0] for line in lines[lines.index("Commands:") + 1:] if line.strip()]
    assert commands[:4] == ["extract", "init", "update", "status"]


def test_python_m_pipeline_runs_a_command(source_root: Path) -> None:
    done = run_module("extract", cwd=source_root)
    assert (done.returncode, done.stdout, done.stderr) == (
        0, "wrote locales/site.pot\nwrote locales/discogram.pot\n", "")


def test_python_m_pipeline_error_has_no_traceback(tmp_path: Path) -> None:
    done = run_module("status", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr.splitlines()) == (2, "", [
        f"{tmp_path.resolve()}: error: {tmp_path.resolve()} is not a content root: it has no source/ folder",
        ROOT_HINT,
    ])


@pytest.mark.parametrize("command", ["extract", "update", "status", "init fr"])
def test_not_a_content_root(command: str, tmp_path: Path, cli) -> None:
    empty = (tmp_path / "empty").resolve()
    empty.mkdir()
    result = cli(*command.split(), root=empty)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", [
        f"{empty}: error: {empty} is not a content root: it has no source/ folder", ROOT_HINT])


def test_a_root_that_does_not_exist(tmp_path: Path, cli) -> None:
    missing = tmp_path.resolve() / "nowhere"
    result = cli("extract", root=missing)
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        f"{missing}: error: {missing} is not a content root: it has no source/ folder", ROOT_HINT])


def test_the_current_folder_is_the_default_root(source_root: Path, cli, monkeypatch) -> None:
    monkeypatch.chdir(source_root)
    result = cli("extract")
    assert (result.exit_code, result.stdout) == (0, "wrote locales/site.pot\nwrote locales/discogram.pot\n")
    assert sorted(p.name for p in (source_root / "locales").iterdir()) == ["discogram.pot", "site.pot"]


def test_root_option_from_elsewhere(source_root: Path, tmp_path: Path, cli, monkeypatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert cli("extract", root=Path("..") / "root").exit_code == 0
    assert sorted(p.name for p in (source_root / "locales").iterdir()) == ["discogram.pot", "site.pot"]
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(("args", "lines"), [
    (["bogus"], ["Usage: pipeline [OPTIONS] COMMAND [ARGS]...", "Try 'pipeline --help' for help.", "",
                 "Error: No such command 'bogus'."]),
    (["init"], ["Usage: pipeline init [OPTIONS] {LOCALE}", "Try 'pipeline init --help' for help.", "",
                "Error: Missing argument 'LOCALE'."]),
    (["extract", "--colour"], ["Usage: pipeline extract [OPTIONS]", "Try 'pipeline extract --help' for help.", "",
                               "Error: No such option: --colour"]),
])
def test_usage_errors_exit_2(args: list[str], lines: list[str], source_root: Path, cli) -> None:
    result = cli(*args, root=source_root)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", lines)


def test_the_whole_flow(source_root: Path, cli) -> None:
    """extract -> init -> (edit) -> extract -> update -> status, each with its exit code and files."""
    assert cli("extract", root=source_root).exit_code == 0
    assert cli("init", "pt-BR", root=source_root).exit_code == 0
    result = cli("update", root=source_root)
    assert (result.exit_code, result.stdout) == (0, "catalogues are up to date\n")

    article = source_root / "source/articles/discogram.yaml"
    article.write_text(article.read_text().replace("          - Disc injury or herniation\n", ""))
    assert cli("extract", root=source_root).stdout == "wrote locales/discogram.pot\n"
    result = cli("update", root=source_root)
    assert (result.exit_code, result.stdout) == (0, "updated locales/pt_BR/LC_MESSAGES/discogram.po\n")
    po = read_po(source_root / "locales/pt_BR/LC_MESSAGES/discogram.po")
    assert "Disc injury or herniation" not in [e.msgid for e in po.entries]  # untranslated: nothing to keep

    rows = json.loads(cli("status", "--format", "json", root=source_root).stdout)["locales"]
    assert [(r["locale"], r["section"], r["untranslated"]) for r in rows if r["required"]] == [
        ("pt-BR", "disclaimer", 5), ("pt-BR", "risks", 5)]
    assert sorted(str(p.relative_to(source_root)) for p in (source_root / "locales").rglob("*") if p.is_file()) == [
        "locales/discogram.pot", "locales/pt_BR/LC_MESSAGES/discogram.po", "locales/pt_BR/LC_MESSAGES/site.po",
        "locales/site.pot"]
    for path in (source_root / "locales").rglob("*.po*"):
        msgfmt_check(path)


def test_the_shipped_translations_are_readable_and_accepted_by_msgfmt(shipped_root: Path, cli) -> None:
    """Every PO file in the repository parses, and an update of the shipped content reports no problem."""
    result = cli("update", root=shipped_root)
    assert (result.exit_code, result.stderr) == (0, "")
    assert len(list((shipped_root / "locales").glob("*/LC_MESSAGES/*.po"))) >= 4  # fr and pt_BR at least
    for path in sorted((shipped_root / "locales").glob("*/LC_MESSAGES/*.po")):
        msgfmt_check(path)
