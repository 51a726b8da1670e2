"""Bad entries under locales/: reported with the folder, skipped, and never turned into a path.

Folders whose names are not locale tags (``xx_INVALID!``, ``bad name``, ``...``, ``..fr``, a
terminal escape), files where folders belong, a link to a folder outside ``locales/`` and a
broken link sit next to the good ``fr`` and ``de``. ``status``, ``check``, ``update`` and
``build`` warn about each one and go on with the good locales; nothing is written anywhere
but ``dist/`` (and the build's own ``.pipeline-cache/``), and the folder the link points to
is never read into a bundle nor written.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from faults.conftest import SITE_PO

TAG_HINT = "  hint: use a BCP 47 tag such as 'fr', 'pt-BR' or 'zh-Hans' (gettext spelling 'pt_BR' is accepted too)"
LINK_HINT = "  hint: replace the link with the folder itself"
BAD_FOLDERS = ["xx_INVALID!", "bad name", "...", "..fr", "fr\x1b[31m"]

# What every command prints first, sorted by name as the folder is listed.
WARNINGS = [
    "locales/...: warning: not a locale folder, skipped: '...' is not a locale tag", TAG_HINT,
    "locales/..fr: warning: not a locale folder, skipped: '..fr' is not a locale tag", TAG_HINT,
    "locales/bad name: warning: not a locale folder, skipped: 'bad name' is not a locale tag", TAG_HINT,
    "locales/es.po: warning: a file where only locale folders belong, skipped",
    "  hint: a locale's catalogues go in locales/<locale>/LC_MESSAGES/<domain>.po",
    "locales/fr\\x1b[31m: warning: not a locale folder, skipped: the name holds unprintable characters",
    "locales/it: warning: a file where only locale folders belong, skipped",
    "locales/nl: warning: a broken link, skipped",
    "locales/pt: warning: not a locale folder, skipped: a link to a folder outside locales/", LINK_HINT,
    "locales/xx_INVALID!: warning: not a locale folder, skipped: 'xx_INVALID!' is not a locale tag", TAG_HINT,
]


def listing(folder: Path) -> dict[str, tuple[str, bytes | str | None]]:
    """Every entry under ``folder`` (links not followed): kind and content."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = ("dir", None)
            else:
                found[key] = ("file", path.read_bytes())
    return found


@pytest.fixture
def crowded(po_root: Path, tmp_path: Path) -> Path:
    """The translated root, with every kind of bad entry under locales/ and a locale folder outside it."""
    locales = po_root / "locales"
    outside = tmp_path / "outside" / "pt"
    shutil.copytree(locales / "fr", outside)
    for name in BAD_FOLDERS:
        shutil.copytree(locales / "fr", locales / name)
    (locales / "it").write_text("it\n", encoding="utf-8")  # a file where a folder belongs
    shutil.copy(locales / "fr/LC_MESSAGES/site.po", locales / "es.po")  # the flat layout, a classic mistake
    (locales / ".gitkeep").touch()  # hidden files and templates belong there: not reported
    (locales / "pt").symlink_to(outside, target_is_directory=True)
    (locales / "nl").symlink_to(tmp_path / "nowhere", target_is_directory=True)
    return po_root


def test_discovery_reports_and_skips_every_bad_entry(crowded: Path) -> None:
    from pipeline.errors import Problem
    from pipeline.project import Project

    locales, problems = Project.open(crowded).discover_locales()
    assert [locale.tag for locale in locales] == ["de", "fr"]
    assert [p.path for p in problems] == ["locales/...", "locales/..fr", "locales/bad name", "locales/es.po",
                                          "locales/fr\\x1b[31m", "locales/it", "locales/nl", "locales/pt",
                                          "locales/xx_INVALID!"]
    assert problems[7] == Problem("not a locale folder, skipped: a link to a folder outside locales/",
                                  "locales/pt", None, "replace the link with the folder itself")


@pytest.mark.parametrize("command", [["status"], ["check"], ["update"], ["build"], ["build", "--strict"]])
def test_every_command_warns_skips_and_writes_only_dist(command: list[str], crowded: Path, tmp_path: Path,
                                                       cli) -> None:
    before = listing(tmp_path)
    result = cli(*command, root=crowded)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code == 0
    assert result.stderr.splitlines() == WARNINGS
    after = listing(tmp_path)
    changed = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
    assert [key for key in changed if key != "root/dist" and not key.startswith(("root/dist/", "root/.pipeline-cache"))] == []
    if command[0] == "build":
        assert sorted(p.name for p in (crowded / "dist").iterdir()) == ["de", "en", "fr", "index.html",
                                                                      "manifest.json"]
        manifest = json.loads((crowded / "dist/manifest.json").read_text(encoding="utf-8"))
        assert sorted(manifest["locales"]) == ["de", "en", "fr"]
    if command[0] == "check":
        assert result.stdout.splitlines()[-1] == "2 published, 0 blocked"


def test_naming_a_linked_locale_is_refused(crowded: Path, cli) -> None:
    for command in (["build", "--locale", "pt"], ["check", "pt"], ["update", "pt"]):
        result = cli(*command, root=crowded)
        assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", [
            "locales/pt: error: locales/pt is a link to a folder outside locales/: not read", LINK_HINT])
    assert not (crowded / "dist").exists()


def test_naming_a_bad_folder_is_refused_as_a_bad_tag(crowded: Path, cli) -> None:
    result = cli("build", "--locale", "xx_INVALID!", root=crowded)
    assert (result.exit_code, result.stderr.splitlines()) == (2, ["error: 'xx_INVALID!' is not a locale tag",
                                                                  TAG_HINT])
    result = cli("check", "..", root=crowded)
    assert (result.exit_code, result.stderr.splitlines()) == (2, ["error: '..' is not a locale tag", TAG_HINT])
    assert not (crowded / "dist").exists()


def test_a_catalogue_linked_from_outside_is_not_read(po_root: Path, tmp_path: Path, cli) -> None:
    """A pull request can add a link as easily as a file: its target's lines must never be printed."""
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    site = po_root / SITE_PO
    site.unlink()
    site.symlink_to(secret)
    result = cli("check", root=po_root)
    assert result.exit_code == 1
    assert "root:x" not in result.stdout + result.stderr
    assert (f"  {SITE_PO}: blocked [malformed-po] cannot read the catalogue: the catalogue is a link to a file "
            "outside locales/: not read") in result.stdout.splitlines()
    build = cli("build", root=po_root)
    assert "root:x" not in build.stdout + build.stderr
    assert not (po_root / "dist/fr").exists()
    assert (po_root / "dist/de/discogram.json").is_file()
    update = cli("update", root=po_root)
    assert (update.exit_code, update.stderr.splitlines()) == (2, [
        f"{SITE_PO}: error: the catalogue is a link to a file outside locales/: not read",
        "  hint: replace the link with the PO file itself"])
    assert site.is_symlink() and secret.read_text(encoding="utf-8") == "root:x:0:0:root:/root:/bin/bash\n"


def test_a_catalogue_folder_linked_from_outside_is_not_read(po_root: Path, tmp_path: Path, monkeypatch) -> None:
    """Where a file leads is decided by the file when it is a link, else by its folder (found
    once a folder); by str or Path alike, and as the catalogue's reader sees it."""
    from pipeline.locales import Locale
    from pipeline.project import Project
    from pipeline.qa import LocaleCatalogs, read_domain

    project = Project.open(po_root)
    site = po_root / SITE_PO
    assert not project.outside_locales(site) and not project.outside_locales(str(site))
    inside_link = site.with_name("linked.po")
    inside_link.symlink_to(site)  # a link that stays inside locales/ is read
    assert not project.outside_locales(str(inside_link))
    # The usual file is opened refusing a link; a link is judged the careful way, and read the same.
    read = LocaleCatalogs(Locale("fr"))
    careful = []
    real = Project.outside_locales
    monkeypatch.setattr(Project, "outside_locales",
                        lambda self, path: careful.append(os.path.basename(path)) or real(self, path))
    for domain in ("site", "linked", "missing"):
        read_domain(project, read, domain)
    assert careful == ["linked.po"]
    assert read.catalogs["linked"].entries == read.catalogs["site"].entries
    assert read.stamps["linked"] == read.stamps["site"]  # the stamp is of the file read, not of the link
    assert (sorted(read.catalogs), sorted(read.paths), read.errors) == (
        ["linked", "site"], ["linked", "missing", "site"], {})
    site.parent.joinpath("folder.po").mkdir()  # not a file: the careful way names the error
    read_domain(project, read, "folder")
    assert read.errors["folder"].message.startswith("cannot read file: ")
    outside = tmp_path / "elsewhere"
    shutil.copytree(site.parent, outside)
    moved = po_root / "locales/de/LC_MESSAGES"
    shutil.rmtree(moved)
    moved.symlink_to(outside, target_is_directory=True)  # the folder itself leads outside
    fresh = Project.open(po_root)
    for path in (moved / "site.po", str(moved / "site.po")):
        assert fresh.outside_locales(path)
    data = LocaleCatalogs(Locale("de"))
    read_domain(fresh, data, "site")
    assert data.paths["site"] == "locales/de/LC_MESSAGES/site.po"
    assert "site" not in data.catalogs
    assert "link to a file outside locales/" in data.errors["site"].message
