"""When the file system refuses: a file where the pipeline needs a folder (``dist/``,
``.pipeline-cache/``, a locale's folder of ``dist/``). Every command answers with the path and
exit code 2, never a traceback, and what it wrote before stays true: the manifest lists only
files that hold what it says."""

from __future__ import annotations

import shutil
from pathlib import Path

from fixtures.build.content import fill, manifest_mismatches, pseudo

HINT = ("  hint: a file where a folder belongs, a folder that cannot be written, or a full disk: "
        "fix that and run the command again")


def refused(stderr: str, path: Path, reason: str) -> bool:
    lines = stderr.splitlines()
    return lines == [f"{path}: error: the file system refused it: {reason}", HINT]


def test_a_file_where_the_cache_folder_belongs(po_root: Path, cli) -> None:
    shutil.rmtree(po_root / ".pipeline-cache", ignore_errors=True)  # extract's parse cache
    (po_root / ".pipeline-cache").write_text("a file\n", encoding="utf-8")
    result = cli("build", root=po_root)
    assert result.exit_code == 2
    assert refused(result.stderr, po_root / ".pipeline-cache", "File exists"), result.stderr
    assert not (po_root / "dist").exists()
    assert (po_root / ".pipeline-cache").read_text(encoding="utf-8") == "a file\n"
    # The commands that only read keep working: the parse cache is skipped, not needed.
    assert cli("status", root=po_root).exit_code == 0


def test_a_file_where_dist_belongs(po_root: Path, cli) -> None:
    (po_root / "dist").write_text("a file\n", encoding="utf-8")
    result = cli("build", root=po_root)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{po_root / 'dist'}/") and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines()[-1] == HINT
    assert (po_root / "dist").read_text(encoding="utf-8") == "a file\n"


def test_a_page_that_cannot_be_replaced_leaves_a_manifest_that_tells_the_truth(po_root: Path, cli) -> None:
    assert cli("build", root=po_root).exit_code == 0
    dist = po_root / "dist"
    page = dist / "fr" / "discogram.html"
    page.unlink()
    page.mkdir()  # a folder where the page goes: the rename over it fails
    fill(po_root, "fr", "discogram", lambda entry: pseudo("fr", entry.msgid) + " (bis)")
    result = cli("build", root=po_root)
    assert result.exit_code == 2
    assert refused(result.stderr, page, "Is a directory"), result.stderr
    assert manifest_mismatches(dist) == []  # fr's bundle was retracted before its files changed
    page.rmdir()
    assert cli("build", root=po_root).exit_code == 0  # once the folder is gone, the next build mends it
    assert manifest_mismatches(dist) == [] and page.is_file()


def _outside(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder outside the content root holding someone's own pages and data."""
    outside = tmp_path / "outside"
    files = {"stuff/page.html": "<p>mine</p>\n", "stuff/data.json": "{}\n", "fr/discogram.html": "<p>also mine</p>\n"}
    for name, text in files.items():
        (outside / name).parent.mkdir(parents=True, exist_ok=True)
        (outside / name).write_text(text, encoding="utf-8")
    return outside, files


def _untouched(outside: Path, files: dict[str, str]) -> bool:
    found = {p.relative_to(outside).as_posix(): p.read_text(encoding="utf-8") for p in outside.rglob("*") if p.is_file()}
    return found == files


def test_a_dist_that_is_a_link_is_refused_before_anything_is_written_through_it(po_root: Path, tmp_path: Path,
                                                                                  cli) -> None:
    """A build writes through a link and removes the files it did not make from each folder of
    dist/: a committed dist link (to a home folder, a web root) would lose someone's files."""
    outside, files = _outside(tmp_path)
    (po_root / "dist").symlink_to(outside, target_is_directory=True)
    result = cli("build", root=po_root)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"dist: error: dist is a link (to {outside}): a build writes and removes files in dist/, so it must "
        "hold real folders, not links",
        "  hint: remove the link and build again; to publish elsewhere, copy dist/ there after the build"]
    assert _untouched(outside, files)


def test_a_folder_of_dist_that_is_a_link_is_refused_and_the_last_good_dist_stays(po_root: Path, tmp_path: Path,
                                                                                   cli) -> None:
    assert cli("build", root=po_root).exit_code == 0
    dist = po_root / "dist"
    outside, files = _outside(tmp_path)
    shutil.rmtree(dist / "fr")
    (dist / "fr").symlink_to(outside / "fr", target_is_directory=True)
    (dist / "gone").symlink_to(tmp_path / "nowhere")  # a dangling link, where a folder could go
    before = {p: p.read_bytes() for p in dist.rglob("*") if p.is_file() and not p.is_relative_to(dist / "fr")}
    result = cli("build", root=po_root)
    assert result.exit_code == 2
    assert [line.split(" (to ")[0] for line in result.stderr.splitlines() if "error" in line] == [
        "dist/fr: error: dist/fr is a link", "dist/gone: error: dist/gone is a link"]
    assert _untouched(outside, files)
    assert {p: p.read_bytes() for p in dist.rglob("*") if p.is_file() and not p.is_relative_to(dist / "fr")} == before


def test_a_link_named_with_a_terminal_escape_is_shown_escaped(po_root: Path, tmp_path: Path, cli) -> None:
    (po_root / "dist").mkdir()
    (po_root / "dist" / "fr\x1b[31m").symlink_to(tmp_path / "red\x1b[0m", target_is_directory=True)
    result = cli("build", root=po_root)
    assert result.exit_code == 2 and "\x1b" not in result.stderr
    assert result.stderr.startswith("dist/fr\\x1b[31m: error: dist/fr\\x1b[31m is a link (to "), result.stderr
