"""Interrupted and concurrent runs: a build or an update killed part-way loses nothing and lies about nothing.

The content root is a generated corpus (``python -m benchmarks.corpus --articles 30
--locales 3``: 120 bundles, 240 pages, 93 PO files), so that a run takes long enough to
be killed in the middle. Two kinds of kill, both with SIGKILL (no clean-up runs):

- at a chosen moment in the run's writes: ``os.replace`` (the last step of every atomic
  write) kills its own process on its N-th call, so the run dies with a temporary file
  written and not yet renamed; or ``os.rename``, with which a cold build gives each folder
  of dist/ it wrote hidden its name. Deterministic.
- after a delay: fractions of the time a whole run took on this machine. Where each kill
  lands varies from run to run; the properties hold wherever it lands, so nothing here
  flakes, and nothing asserts on time.

Afterwards: every file ``dist/manifest.json`` lists exists with the listed sha256 and size,
every JSON file in ``dist/`` parses, and every PO file parses and holds either its old
bytes or the bytes a complete update gives it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.build.content import manifest_mismatches, snapshot
from pipeline.catalog import read_po

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO), "CI": "1"}
# Runs `pipeline ARGS` in a process that SIGKILLs itself on the N-th call of os.NAME.
KILL_ON_CALL = """
import os, signal, sys
count, real = [0], getattr(os, sys.argv[1])
def dying(*args, **kwargs):
    count[0] += 1
    if count[0] == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
setattr(os, sys.argv[1], dying)
from pipeline.cli import main
main(sys.argv[3:])
"""


def pipeline(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "--root", str(root), *args], cwd=REPO, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def run(root: Path, *args: str) -> tuple[int, str, str]:
    return finish(pipeline(root, *args))


def killed_after(root: Path, delay: float, *args: str) -> int:
    """Start ``pipeline ARGS``, SIGKILL its process group after ``delay`` seconds; its exit code."""
    process = pipeline(root, *args)
    time.sleep(delay)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it finished first: the properties must hold then too
    code, _, err = finish(process)
    assert "Traceback" not in err
    return code


def killed_on_replace(root: Path, nth: int, *args: str, name: str = "replace") -> int:
    done = subprocess.run([sys.executable, "-c", KILL_ON_CALL, name, str(nth), "--root", str(root), *args], cwd=REPO,
                          env=ENV, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr
    return done.returncode


def timed(root: Path, *args: str) -> float:
    started = time.perf_counter()
    code, _, err = run(root, *args)
    assert code == 0, err
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "root"
    subprocess.run([sys.executable, "-m", "benchmarks.corpus", "--articles", "30", "--locales", "3", str(root)],
                   cwd=REPO, env=ENV, check=True, capture_output=True)
    code, _, err = run(root, "extract")
    assert code == 0, err
    return root


@pytest.fixture
def root(corpus: Path, tmp_path: Path) -> Path:
    target = tmp_path / "root"
    shutil.copytree(corpus, target)
    return target


def change_every_bundle(root: Path, turn: int) -> None:
    """Edit a label every page shows (differently each turn), so that the next build rewrites all of dist/."""
    site = root / "source/site.yaml"
    text = site.read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^  contents: .*$", f"  contents: Contents, revision {turn + 1}", text)
    assert changed != text
    site.write_text(changed, encoding="utf-8")


def assert_dist_is_true(dist: Path) -> None:
    """The manifest (if any) lists only files that are on disk as listed; every JSON file parses,
    but in the hidden folders a killed first build writes locale folders in (``.building-<tag>``,
    never listed, removed by the next build), whose files are written in place."""
    if (dist / "manifest.json").exists():
        assert manifest_mismatches(dist) == []
    for path in sorted(dist.rglob("*.json")):
        if not path.relative_to(dist).parts[0].startswith(".building-"):
            json.loads(path.read_bytes())


def assert_complete(root: Path) -> None:
    code, out, err = run(root, "build")
    assert (code, "Traceback" in err) == (0, False), err
    assert out.splitlines()[0].startswith("120 published, 0 blocked")
    manifest = json.loads((root / "dist/manifest.json").read_bytes())
    assert manifest["complete"] is True and len(manifest["bundles"]) == 120
    assert manifest_mismatches(root / "dist") == []
    assert [p.name for p in (root / "dist").rglob("*.tmp")] == []  # leftovers of the killed runs are gone


# ------------------------------------------------------------------ build


@pytest.mark.parametrize("first", [True, False], ids=["first-build", "rebuild"])
def test_a_build_killed_at_any_write_leaves_a_true_manifest(first: bool, root: Path) -> None:
    if not first:
        assert run(root, "build")[0] == 0
    # about 245 atomic writes in a build that rewrites everything: early, middle, late
    for turn, nth in enumerate([2, 121, 230]):
        if not first or turn:
            change_every_bundle(root, turn)
        code = killed_on_replace(root, nth, "build")
        assert code in (-signal.SIGKILL, 0)
        assert_dist_is_true(root / "dist")
    assert_complete(root)


def assert_folders_whole(dist: Path) -> None:
    """Every folder of dist/ a reader lists holds all its bundles (30 articles, a JSON file and a
    page each): a cold build gives a folder its name only once it is written."""
    if not dist.exists():  # killed before it made dist/
        return
    listed = {p.name: sorted(os.listdir(p)) for p in dist.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert {name: len(files) for name, files in listed.items()} == {name: 60 for name in listed}


def test_a_cold_build_killed_anywhere_lists_no_half_written_folder(root: Path) -> None:
    whole = timed(root, "build")
    for nth in (1, 3):  # the first folder's rename, the third's: some folders named, others hidden
        shutil.rmtree(root / "dist")
        assert killed_on_replace(root, nth, "build", name="rename") == -signal.SIGKILL
        assert_folders_whole(root / "dist")
        folders = [p.name for p in (root / "dist").iterdir() if p.is_dir()]
        hidden = [name for name in folders if name.startswith(".building-")]
        assert (len(folders) - len(hidden), len(hidden)) == (nth - 1, 4 - (nth - 1))  # en and 3 locales
    for fraction in (0.3, 0.6, 0.9):
        shutil.rmtree(root / "dist", ignore_errors=True)  # the last kill may have come before it was made
        killed_after(root, whole * fraction, "build")
        assert_folders_whole(root / "dist")
        assert_dist_is_true(root / "dist")
    assert_complete(root)
    assert [p.name for p in (root / "dist").iterdir() if p.name.startswith(".")] == []


def test_a_build_killed_after_a_delay_leaves_a_true_manifest(root: Path) -> None:
    whole = timed(root, "build")
    for turn, fraction in enumerate([0.35, 0.55, 0.75, 0.95]):
        change_every_bundle(root, turn)
        killed_after(root, whole * fraction, "build")
        assert_dist_is_true(root / "dist")
    assert_complete(root)


def test_two_builds_at_once_do_not_corrupt_dist(root: Path) -> None:
    for turn in range(2):
        if turn:
            change_every_bundle(root, turn)
        first, second = pipeline(root, "build"), pipeline(root, "build")
        results = [finish(first), finish(second)]
        assert [(code, "Traceback" in err) for code, _, err in results] == [(0, False), (0, False)]
        # one of them did the work; the other, waiting on the lock, found it done
        written = sorted(out.splitlines()[0] for _, out, _ in results)
        assert written[0].startswith("120 published, 0 blocked (0 files written")
        assert_dist_is_true(root / "dist")
        manifest = json.loads((root / "dist/manifest.json").read_bytes())
        assert manifest["complete"] is True and len(manifest["bundles"]) == 120


# ------------------------------------------------------------------ update


@pytest.fixture
def stale(root: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """The corpus with new templates that change every PO file; the PO files before and after an update."""
    env = {**ENV, "SOURCE_DATE_EPOCH": "1700000000"}  # a new POT-Creation-Date in every template
    done = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(root), "extract"], cwd=REPO, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    before = snapshot(root / "locales")
    updated = root.parent / "updated"
    shutil.copytree(root, updated)
    assert run(updated, "update")[0] == 0
    after = snapshot(updated / "locales")
    changed = [name for name in before if name.endswith(".po") and before[name] != after[name]]
    assert len(changed) == 93  # every PO file is rewritten: a kill can land in any of them
    return root, before, after


def assert_po_files_whole(root: Path, before: dict[str, bytes], after: dict[str, bytes]) -> tuple[int, int]:
    """Every PO file parses and is its old or its new self; (old, new) counts."""
    counts = [0, 0]
    for name in sorted(before):
        if not name.endswith(".po"):
            continue
        data = (root / "locales" / name).read_bytes()
        assert data in (before[name], after[name]), name
        counts[data == after[name]] += 1
        read_po(root / "locales" / name)
    return counts[0], counts[1]


@pytest.mark.parametrize("nth", [1, 47])
def test_update_killed_at_a_write_never_truncates_a_po_file(nth: int, stale) -> None:
    root, before, after = stale
    assert killed_on_replace(root, nth, "update") == -signal.SIGKILL
    # the files written before the kill are new, the one being written and the rest are old
    assert assert_po_files_whole(root, before, after) == (93 - (nth - 1), nth - 1)
    assert run(root, "update")[0] == 0
    assert assert_po_files_whole(root, before, after) == (0, 93)


def test_update_killed_after_a_delay_never_truncates_a_po_file(stale) -> None:
    root, before, after = stale
    whole = timed(root.parent / "updated", "update")  # an update with nothing to do: start-up and reading
    for fraction in (0.9, 1.2, 1.6):
        killed_after(root, whole * fraction, "update")
        assert_po_files_whole(root, before, after)
    assert run(root, "update")[0] == 0
    assert assert_po_files_whole(root, before, after) == (0, 93)
