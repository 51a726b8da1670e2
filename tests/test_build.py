"""``pipeline build`` (issue 4, points 3 to 6): the manifest, and a dist/ that is always right.

Each test makes its own translated content root (``fixtures.build.content``) so that the
gate's verdicts are known: fr and ar fully translated (ar machine-drafted), de with
nothing translated (blocked), unless a test says otherwise.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

import pipeline.build
import pipeline.dist
from fixtures.build.content import (
    manifest_mismatches,
    po_path,
    set_translation,
    snapshot,
    translated_root,
)
from pipeline.build import build
from pipeline.locales import parse_locale
from pipeline.project import Project
from pipeline.translations import init_locale

SCHEMAS = Path(__file__).resolve().parent.parent / "pipeline" / "schemas"
RISK_HEADING = "Risks and Complications"
NOT_REQUIRED = "Assess the integrity and structure of the spinal discs"


def make_root(tmp_path: Path, tags=("fr", "ar"), blocked=("de",)) -> Path:
    root = translated_root(tmp_path / "root", tags, origin={"ar": "machine-drafted"})
    for tag in blocked:
        init_locale(Project.open(root), parse_locale(tag))
    return root


def manifest(root: Path) -> dict:
    return json.loads((root / "dist/manifest.json").read_text(encoding="utf-8"))


def statuses(root: Path) -> list[tuple[str, str, str]]:
    return [(b["article"], b["locale"], b["status"]) for b in manifest(root)["bundles"]]


def validate(root: Path) -> None:
    """The manifest and every bundle on disk match their schemas."""
    from jsonschema import Draft202012Validator

    def validator(name: str) -> Draft202012Validator:
        schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    errors = [f"manifest.json: {e.json_path}: {e.message}" for e in validator("manifest.schema.json")
              .iter_errors(manifest(root))]
    bundle_validator = validator("bundle.schema.json")
    for path in sorted((root / "dist").glob("*/*.json")):
        errors += [f"{path.name}: {e.json_path}: {e.message}"
                   for e in bundle_validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
    assert errors == []


@pytest.fixture
def root(tmp_path) -> Path:
    return make_root(tmp_path)


# ------------------------------------------------------------------ the manifest


def test_manifest_lists_every_bundle_with_files_hashes_and_reasons(root):
    build(Project.open(root))
    data = manifest(root)
    assert statuses(root) == [("discogram", "ar", "published"), ("discogram", "de", "blocked"),
                              ("discogram", "en", "published"), ("discogram", "fr", "published")]
    assert (data["schema_version"], data["complete"]) == (1, True)
    from pipeline.source import load_sources

    assert data["source"] == {"locale": "en", "sha256": load_sources(root).digest}
    records = {b["locale"]: b for b in data["bundles"]}
    for tag in ("ar", "en", "fr"):
        assert records[tag]["reasons"] == []
        assert sorted(records[tag]["files"]) == ["html", "json"]
        for kind, info in records[tag]["files"].items():
            assert info["path"] == f"{tag}/discogram.{kind}"
            payload = (root / "dist" / info["path"]).read_bytes()
            assert info == {"path": info["path"], "sha256": hashlib.sha256(payload).hexdigest(),
                            "size": len(payload)}
    assert (records["ar"]["review_state"], records["fr"]["review_state"], records["en"]["review_state"]) == (
        "machine-drafted", "unreviewed", "source")
    de = records["de"]
    assert de["files"] == {} and de["status"] == "blocked"
    heading_line = _entry_line(po_path(root, "de", "discogram"), RISK_HEADING)
    assert de["reasons"][0] == {
        "rule": "untranslated", "path": "locales/de/LC_MESSAGES/discogram.po", "line": heading_line,
        "section": "risks", "check": None,
        "message": f"untranslated in required section 'risks': \"{RISK_HEADING}\""}
    assert {r["rule"] for r in de["reasons"]} == {"untranslated", "coverage"}
    assert {r["section"] for r in de["reasons"]} == {"risks", "disclaimer", None}  # None: coverage
    index = (root / "dist/index.html").read_bytes()
    assert data["index"] == {"path": "index.html", "sha256": hashlib.sha256(index).hexdigest(), "size": len(index)}
    assert manifest_mismatches(root / "dist") == []
    validate(root)


def test_manifest_gives_each_locale_its_fallback_chain(tmp_path):
    root = make_root(tmp_path, tags=("fr", "es-MX", "pt-BR", "zh-Hant"), blocked=("es",))
    build(Project.open(root))
    locales = manifest(root)["locales"]
    assert {tag: info["fallback"] for tag, info in locales.items()} == {
        "en": ["en"],
        "es": ["es", "en"],
        "es-MX": ["es-MX", "es-419", "es", "en"],
        "fr": ["fr", "en"],
        "pt-BR": ["pt-BR", "pt", "en"],
        "zh-Hant": ["zh-Hant", "en"],  # never zh-Hans
    }
    assert locales["es-MX"] == {"tag": "es-MX", "name": "español (México)", "english_name": "Spanish (Mexico)",
                                "direction": "ltr", "fallback": ["es-MX", "es-419", "es", "en"]}
    validate(root)


def test_manifest_is_written_last(root, monkeypatch):
    order: list[str] = []
    real = pipeline.dist.atomic_write_bytes

    def spy(path: Path, data: bytes, **options) -> None:
        order.append(Path(path).relative_to(root / "dist").as_posix())
        real(path, data, **options)

    monkeypatch.setattr(pipeline.dist, "atomic_write_bytes", spy)
    real_publish = pipeline.build.publish_staged

    def publish(dist: Path, staged: dict[str, str]) -> set[str]:
        # A folder made from nothing is written hidden: its files appear when it takes its name.
        for name, folder in sorted(staged.items()):
            order.extend(f"{name}/{file}" for file in sorted(os.listdir(folder)))
        return real_publish(dist, staged)

    monkeypatch.setattr(pipeline.build, "publish_staged", publish)
    build(Project.open(root))
    assert order[-1] == "manifest.json"
    assert order.count("manifest.json") == 1  # no earlier manifest: nothing to retract
    assert sorted(order) == sorted(snapshot(root / "dist"))

    set_translation(root, "fr", "discogram", NOT_REQUIRED, "Évaluer les disques")
    order.clear()
    build(Project.open(root))
    # The old manifest is retracted before the first change, the new one written last.
    assert order == ["manifest.json", "fr/discogram.json", "fr/discogram.html", "manifest.json"]


# ------------------------------------------------------------------ dist/ is always right


def test_blocked_bundle_loses_its_earlier_files(root):
    build(Project.open(root))
    assert (root / "dist/fr/discogram.html").is_file()
    line = set_translation(root, "fr", "discogram", RISK_HEADING, "")
    result = build(Project.open(root))
    assert sorted(result.removed) == ["fr/discogram.html", "fr/discogram.json"]
    assert not (root / "dist/fr").exists()
    fr = next(b for b in manifest(root)["bundles"] if b["locale"] == "fr")
    assert (fr["status"], fr["files"], fr["reasons"][0]["line"], fr["reasons"][0]["rule"]) == (
        "blocked", {}, line, "untranslated")
    # The other pages no longer offer a link to it.
    assert "../fr/discogram.html" not in (root / "dist/ar/discogram.html").read_text(encoding="utf-8")
    assert manifest_mismatches(root / "dist") == []


def test_files_of_a_deleted_article_and_locale_go(root):
    article = root / "source/articles/discogram.yaml"
    copy = root / "source/articles/discogram-two.yaml"
    copy.write_text(article.read_text(encoding="utf-8").replace("id: discogram\n", "id: discogram-two\n", 1),
                    encoding="utf-8")
    build(Project.open(root))
    assert (root / "dist/en/discogram-two.json").is_file()
    assert ("discogram-two", "fr", "blocked") in statuses(root)  # not in the fr catalogues: not translated

    copy.unlink()
    for path in (root / "locales/ar/LC_MESSAGES").iterdir():
        path.unlink()
    (root / "locales/ar/LC_MESSAGES").rmdir()
    (root / "locales/ar").rmdir()
    result = build(Project.open(root))
    assert sorted(result.removed) == ["ar/discogram.html", "ar/discogram.json",
                                      "en/discogram-two.html", "en/discogram-two.json"]
    assert sorted(snapshot(root / "dist")) == ["en/discogram.html", "en/discogram.json", "fr/discogram.html",
                                               "fr/discogram.json", "index.html", "manifest.json"]
    assert statuses(root) == [("discogram", "de", "blocked"), ("discogram", "en", "published"),
                              ("discogram", "fr", "published")]
    assert set(manifest(root)["locales"]) == {"de", "en", "fr"}
    assert "ar/discogram.html" not in (root / "dist/index.html").read_text(encoding="utf-8")


def test_leftovers_of_a_killed_write_are_cleaned_up(root):
    build(Project.open(root))
    leftovers = [root / "dist/fr/.discogram.json.x1y2.tmp", root / "dist/.manifest.json.a1b2.tmp"]
    for path in leftovers:
        path.write_bytes(b"half")
    build(Project.open(root))
    assert [p.exists() for p in leftovers] == [False, False]


def staged_folders(dist: Path) -> list[str]:
    return sorted(p.name for p in dist.iterdir() if p.name.startswith(pipeline.dist.STAGING))


def test_a_folder_made_from_nothing_is_written_hidden_and_named_when_done(root, monkeypatch):
    """A reader of dist/ never lists a locale's folder half-written: a cold build writes each
    into a hidden folder, which takes its name once every file of it is written."""
    seen = {}
    real_publish = pipeline.build.publish_staged

    def publish(dist: Path, staged: dict[str, str]) -> set[str]:
        seen.update(staged=sorted(staged), hidden=staged_folders(dist),
                    listed=sorted(p.name for p in dist.iterdir() if p.is_dir() and not p.name.startswith(".")),
                    files={name: sorted(os.listdir(folder)) for name, folder in staged.items()})
        return real_publish(dist, staged)

    monkeypatch.setattr(pipeline.build, "publish_staged", publish)
    first = build(Project.open(root))
    assert seen["staged"] == ["ar", "de", "en", "fr"]  # de's bundle is blocked: its folder stays empty
    assert seen["hidden"] == [".building-ar", ".building-de", ".building-en", ".building-fr"]
    assert seen["listed"] == []
    assert seen["files"]["fr"] == ["discogram.html", "discogram.json"]
    assert seen["files"]["de"] == []
    dist = root / "dist"
    assert staged_folders(dist) == []
    assert sorted(p.name for p in dist.iterdir() if p.is_dir()) == ["ar", "en", "fr"]
    assert sorted(first.written) == sorted(snapshot(dist))
    assert manifest_mismatches(dist) == []
    # The stats the build kept are the files' as named: the next build reads and writes nothing.
    again = build(Project.open(root))
    assert (again.written, again.removed) == ([], [])

    # A folder that already exists is written in place, file by file, as before.
    seen.clear()
    set_translation(root, "fr", "discogram", NOT_REQUIRED, "Évaluer les disques")
    (root / "dist/en").rename(root / "elsewhere")
    third = build(Project.open(root))
    assert seen["staged"] == ["en"]
    assert sorted(third.written) == ["en/discogram.html", "en/discogram.json", "fr/discogram.html",
                                     "fr/discogram.json", "manifest.json"]
    assert snapshot(root / "dist/en") == snapshot(root / "elsewhere")
    assert manifest_mismatches(dist) == []


def test_a_build_that_fails_publishes_no_new_folder_and_the_next_clears_what_a_killed_one_left(root, monkeypatch):
    build(Project.open(root))
    before = snapshot(root / "dist")
    (root / "dist/fr").rename(root / "fr-aside")  # fr's folder is made from nothing again

    def failing(*job):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline.build, "_render_job", failing)
    with pytest.raises(OSError):
        build(Project.open(root))
    assert staged_folders(root / "dist") == []
    assert not (root / "dist/fr").exists()
    monkeypatch.undo()

    # What a build killed before publishing leaves (no clean-up runs then) goes with the next build.
    leftover = root / "dist/.building-fr"
    leftover.mkdir()
    (leftover / "discogram.json").write_bytes(b"half")
    build(Project.open(root))
    assert staged_folders(root / "dist") == []
    assert snapshot(root / "dist") == before
    assert manifest_mismatches(root / "dist") == []


def test_a_staged_folder_whose_name_was_taken_meanwhile_gives_its_files_one_by_one(tmp_path):
    dist = tmp_path / "dist"
    staged = pipeline.dist.stage_folders(dist, ["fr", "de", "es"])
    Path(staged["fr"], "a.json").write_bytes(b"new")
    Path(staged["es"], "b.json").write_bytes(b"new too")
    (dist / "fr").mkdir()
    (dist / "fr/other.html").write_bytes(b"someone's")
    # Only es's folder holds nothing but what the build wrote: the build need not list it for stale files.
    assert pipeline.dist.publish_staged(dist, staged) == {"es"}
    assert snapshot(dist) == {"es/b.json": b"new too", "fr/a.json": b"new", "fr/other.html": b"someone's"}
    assert sorted(p.name for p in dist.iterdir()) == ["es", "fr"]  # de: empty, gone


def test_bad_input_leaves_dist_untouched_and_exits_2(root, cli):
    build(Project.open(root))
    before = snapshot(root / "dist")
    article = root / "source/articles/discogram.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("sections:\n", "sections: [\n", 1),
                       encoding="utf-8")
    result = cli("build", root=root)
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("source/articles/discogram.yaml:") and ": error: " in first, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert snapshot(root / "dist") == before


@pytest.mark.parametrize("args, message", [
    (["--locale", "xx_INVALID!"], "error: 'xx_INVALID!' is not a locale tag"),
    (["--locale", "it"], "error: no catalogues for locale 'it' (looked in locales/it)"),
])
def test_bad_locale_argument_exits_2_before_touching_dist(root, cli, args, message):
    build(Project.open(root))
    before = snapshot(root / "dist")
    result = cli("build", *args, root=root)
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, message)
    assert snapshot(root / "dist") == before


def test_a_bad_policy_fails_before_dist_is_touched(root, cli):
    build(Project.open(root))
    before = snapshot(root / "dist")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("coverage_threshold = 80",
                                                                       'coverage_threshold = "lots"'),
                         encoding="utf-8")
    result = cli("build", root=root)
    assert result.exit_code == 2 and "pyproject.toml" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(root / "dist") == before


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path):
    first = make_root(tmp_path / "one")
    second = make_root(tmp_path / "two")
    build(Project.open(first))
    build(Project.open(second))
    assert snapshot(first / "dist") == snapshot(second / "dist")
    again = build(Project.open(first))
    assert (again.written, again.removed) == ([], [])
    assert snapshot(first / "dist") == snapshot(second / "dist")


def test_output_does_not_depend_on_the_clock_or_the_environment(tmp_path, monkeypatch):
    first = make_root(tmp_path / "one")
    build(Project.open(first))
    second = make_root(tmp_path / "two")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    monkeypatch.setenv("LANG", "ar_EG.UTF-8")
    build(Project.open(second))
    assert snapshot(first / "dist") == snapshot(second / "dist")


def test_locale_shard_touches_no_other_locale(root):
    build(Project.open(root))
    ar_before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "dist/ar").iterdir()}
    # ar changes on disk but is not in the shard: its files must stay as they were.
    set_translation(root, "ar", "discogram", NOT_REQUIRED, "نص جديد")
    set_translation(root, "fr", "discogram", NOT_REQUIRED, "Évaluer les disques")
    result = build(Project.open(root), ["fr"])
    assert sorted(result.written) == ["fr/discogram.html", "fr/discogram.json", "manifest.json"]
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "dist/ar").iterdir()} == ar_before
    assert statuses(root) == [("discogram", "ar", "published"), ("discogram", "de", "blocked"),
                              ("discogram", "en", "published"), ("discogram", "fr", "published")]
    assert "Évaluer les disques" in (root / "dist/fr/discogram.html").read_text(encoding="utf-8")
    assert manifest_mismatches(root / "dist") == []
    validate(root)


def test_locale_shard_that_blocks_removes_only_its_own_files(root):
    build(Project.open(root))
    set_translation(root, "fr", "site", "Medical Disclaimer", "Avertissement", fuzzy=True)
    result = build(Project.open(root), ["fr"])
    assert sorted(result.removed) == ["fr/discogram.html", "fr/discogram.json"]
    assert (root / "dist/ar/discogram.html").is_file()
    fr = next(b for b in manifest(root)["bundles"] if b["locale"] == "fr")
    assert (fr["status"], fr["reasons"][0]["rule"], fr["reasons"][0]["section"]) == ("blocked", "fuzzy", "disclaimer")
    assert manifest_mismatches(root / "dist") == []
    validate(root)


def test_locale_shard_drops_records_whose_files_are_gone(root):
    """Someone deleted a published file by hand: the shard's manifest does not list it."""
    build(Project.open(root))
    (root / "dist/ar/discogram.html").unlink()
    build(Project.open(root), ["fr"])
    assert ("discogram", "ar", "published") not in statuses(root)
    assert manifest_mismatches(root / "dist") == []


@pytest.mark.parametrize("shard", [None, ["fr"]], ids=["full", "shard"])
@pytest.mark.parametrize("fail_after", [0, 1, 3, 5])
def test_a_build_killed_half_way_leaves_a_true_manifest(root, monkeypatch, fail_after, shard):
    build(Project.open(root))
    # Change something every page shows, so that every file is rewritten.
    set_translation(root, "fr", "site", "Contents", "Table des matières")
    set_translation(root, "ar", "site", "Contents", "الفهرس")
    path = root / "source/site.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("contents: Contents", "contents: Contents list"),
                    encoding="utf-8")
    real = pipeline.dist.atomic_write_bytes
    calls = []

    class Killed(Exception):
        pass

    def dying(target: Path, data: bytes, **options) -> None:
        if len(calls) == fail_after:
            raise Killed(target)
        calls.append(target)
        real(target, data, **options)

    monkeypatch.setattr(pipeline.dist, "atomic_write_bytes", dying)
    with pytest.raises(Killed):
        build(Project.open(root), shard)
    assert manifest_mismatches(root / "dist") == []
    data = manifest(root)
    if fail_after > 0:
        assert data["complete"] is False
        kept = ["ar", "de"] if shard else []  # a shard keeps the other locales' records
        assert sorted(b["locale"] for b in data["bundles"]) == kept
        assert sorted(data["locales"]) == kept
    validate(root)

    monkeypatch.setattr(pipeline.dist, "atomic_write_bytes", real)
    build(Project.open(root))
    assert manifest(root)["complete"] is True
    assert manifest_mismatches(root / "dist") == []
    assert sorted(b["locale"] for b in manifest(root)["bundles"]) == ["ar", "de", "en", "fr"]


@pytest.mark.parametrize("blank", [" ", "\u200b", " \u2066\u2069 "])
def test_a_blank_translation_in_a_required_section_blocks(root, blank):
    set_translation(root, "fr", "discogram", "Nerve damage or irritation", blank)
    build(Project.open(root))
    fr = next(b for b in manifest(root)["bundles"] if b["locale"] == "fr")
    assert fr["status"] == "blocked"
    assert [(r["rule"], r["message"]) for r in fr["reasons"]] == [
        ("untranslated", "blank (only spaces or invisible characters) in required section 'risks': "
                         "\"Nerve damage or irritation\"")]


# ------------------------------------------------------------------ the command line


def _entry_line(path: Path, msgid: str) -> int:
    from pipeline.catalog import read_po

    return next(e.line for e in read_po(path).entries if e.msgid == msgid)


def test_summary_line_and_the_blocked_list(root, cli):
    result = cli("build", root=root)
    de = next(b for b in manifest(root)["bundles"] if b["locale"] == "de")
    line = _entry_line(po_path(root, "de", "discogram"), RISK_HEADING)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "3 published, 1 blocked (8 files written, 0 removed)",
        f"  blocked de discogram: locales/de/LC_MESSAGES/discogram.po:{line}: untranslated in required section "
        f"'risks': \"{RISK_HEADING}\" (+{len(de['reasons']) - 1} more: pipeline check de)",
    ]
    assert result.stderr == ""  # no progress bar, no warning

    again = cli("build", root=root)
    assert again.stdout.splitlines()[0] == "3 published, 1 blocked (0 files written, 0 removed)"


def test_strict_exits_1_when_something_is_blocked(root, cli):
    assert cli("build", "--strict", root=root).exit_code == 1
    assert cli("build", root=root).exit_code == 0
    shard = cli("build", "--strict", "--locale", "fr", root=root)
    assert (shard.exit_code, shard.stdout.splitlines()) == (0, ["2 published, 0 blocked (0 files written, 0 removed)"])


def test_strict_exits_0_when_everything_is_published(tmp_path, cli):
    root = make_root(tmp_path, tags=("fr",), blocked=())
    result = cli("build", "--strict", root=root)
    assert (result.exit_code, result.stdout.splitlines()) == (
        0, ["2 published, 0 blocked (6 files written, 0 removed)"])


def test_a_malformed_po_blocks_its_locale_and_nothing_else(root, cli):
    path = po_path(root, "fr", "discogram")
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    result = cli("build", root=root)
    assert result.exit_code == 0
    assert statuses(root) == [("discogram", "ar", "published"), ("discogram", "de", "blocked"),
                              ("discogram", "en", "published"), ("discogram", "fr", "blocked")]
    fr = next(b for b in manifest(root)["bundles"] if b["locale"] == "fr")
    assert fr["reasons"][0]["rule"] == "malformed-po"
    assert fr["reasons"][0]["path"] == "locales/fr/LC_MESSAGES/discogram.po"
    validate(root)


def test_progress_bar_is_quiet_under_the_test_runner(root, cli, monkeypatch):
    from pipeline.cli import build as command

    monkeypatch.delenv("CI", raising=False)
    result = cli("build", root=root)
    assert "building" not in result.stderr and result.stderr == ""
    # The same build with the bar forced on does draw it: the assertion above can fail.
    monkeypatch.setattr(command, "_show_progress", lambda: True)
    shown = cli("build", root=root)
    assert "building" in shown.stderr


@pytest.mark.parametrize("tty, env, shown", [
    (False, {}, False),
    (True, {}, True),
    (True, {"CI": "true"}, False),
    (True, {"CI": "1"}, False),
    (True, {"CI": "false"}, True),
    (True, {"TERM": "dumb"}, False),
])
def test_progress_bar_only_on_a_terminal_outside_ci(monkeypatch, tty, env, shown):
    import sys

    from pipeline.cli import build as command

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty, raising=False)
    assert command._show_progress() is shown


def test_make_build_on_the_shipped_content_gives_a_valid_dist(shipped_root, cli):
    """The shipped locales, whatever state their translation is in: a valid, consistent dist/."""
    result = cli("build", root=shipped_root)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    validate(shipped_root)
    assert manifest_mismatches(shipped_root / "dist") == []
    records = manifest(shipped_root)["bundles"]
    on_disk = sorted(p.name for p in (shipped_root / "locales").iterdir() if p.is_dir())
    assert sorted({b["locale"] for b in records} - {"en"}) == sorted(parse_locale(f).tag for f in on_disk)
    for record in records:
        if record["status"] == "published" and record["locale"] != "en":
            # Honest content: shipped translations are machine-drafted until a person reviews them.
            assert record["review_state"] in ("machine-drafted", "reviewed"), record


@pytest.mark.parametrize("trusted", [False, True])
def test_blocked_bundle_loses_its_files_even_where_folder_listings_are_trusted(root, monkeypatch, trusted):
    # With the racy margin at 0, every folder's recorded mtime is trusted at once; a bundle that
    # changes status must still have its folder listed, and its files removed.
    import time

    import pipeline.build

    if trusted:
        monkeypatch.setattr(pipeline.build, "RACY_NS", 0)
    build(Project.open(root))
    time.sleep(0.05)
    set_translation(root, "fr", "discogram", NOT_REQUIRED, "Évaluer les disques")  # a text, not a status
    assert sorted(build(Project.open(root)).written) == ["fr/discogram.html", "fr/discogram.json", "manifest.json"]
    set_translation(root, "fr", "discogram", RISK_HEADING, "")
    result = build(Project.open(root))
    assert sorted(result.removed) == ["fr/discogram.html", "fr/discogram.json"]
    assert manifest_mismatches(root / "dist") == []


def test_successive_retractions_keep_dropping_the_locales_they_empty(tmp_path):
    """The interim manifest is streamed from the state's rows still listed, in manifest order."""
    import json

    from pipeline.build import _KnownManifest
    from pipeline.buildstate import BuildState, Kept
    from pipeline.dist import OutputDir

    head = {"complete": True, "index": {"path": "index.html"}, "schema_version": 1,
            "locales": {"de": {"tag": "de"}, "en": {"tag": "en"}, "fr": {"tag": "fr"}}}
    state = BuildState.load(tmp_path / "cache", "env")
    order = ["de/a", "en/a", "fr/a", "de/b", "en/b"]
    state.put([(Kept.evaluated("key", {"article": b.split("/")[1], "locale": b.split("/")[0], "status": "blocked",
                                       "reasons": [], "files": {}}, None, None), None) for b in order])
    state.list_all()
    out = OutputDir(tmp_path, lambda: _KnownManifest(state, head))

    def listed() -> tuple[list[str], list[str]]:
        data = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
        assert data["complete"] is False and data["index"] is None
        return sorted(data["locales"]), [f"{b['locale']}/{b['article']}" for b in data["bundles"]]

    out.retract([("fr", "a")])
    assert listed() == (["de", "en"], ["de/a", "en/a", "de/b", "en/b"])
    out.retract([("de", "a")])  # de keeps de/b
    assert listed() == (["de", "en"], ["en/a", "de/b", "en/b"])
    out.retract([("de", "b"), ("en", "a"), ("fr", "a")])  # fr/a: no longer listed
    assert listed() == (["en"], ["en/b"])
    written = (tmp_path / "manifest.json").stat().st_mtime_ns
    out.retract([("de", "a")])  # nothing listed to drop: not written again
    assert (tmp_path / "manifest.json").stat().st_mtime_ns == written
    out.retract((), index=True)  # nothing more to drop: the same interim manifest
    assert listed() == (["en"], ["en/b"])
    state.close()


def test_a_script_that_builds_without_a_main_guard_fails_rather_than_hangs(root, tmp_path):
    """A worker imports the main script again (the fork server's way): an unguarded script would
    start a build in each worker, which would wait for the first build's lock for ever. The
    build raises in the workers instead, and the script fails, naming the guard."""
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text("import pipeline.build as b\nfrom pipeline.project import Project\n"
                      f"b.PARALLEL_MIN = 0\nb.build(Project.open({str(root)!r}), jobs=2)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)
    assert done.returncode != 0
    assert 'if __name__ == "__main__"' in done.stderr
