"""Incremental rebuilds: only what changed is evaluated and rewritten, and the cache never
serves stale content."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.build
import pipeline.bundle.html as html
from pipeline.build import build
from pipeline.project import Project
from tests.test_gate import prepared
from tests.translate import fill


@pytest.fixture
def root(source_root):
    return prepared(source_root, "fr", "de", "ar")


def mtimes(dist: Path) -> dict[str, int]:
    return {p.relative_to(dist).as_posix(): p.stat().st_mtime_ns for p in sorted(dist.rglob("*")) if p.is_file()}


def test_a_no_op_rebuild_writes_nothing(root):
    build(Project.open(root))
    before = mtimes(root / "dist")
    result = build(Project.open(root))
    assert (result.written, result.removed) == ([], [])
    assert mtimes(root / "dist") == before


def test_a_changed_po_file_rewrites_only_its_bundle(root):
    build(Project.open(root))
    before = mtimes(root / "dist")
    fill(root, "de", "discogram", translate=lambda e: f"[de] {e.msgid}")
    result = build(Project.open(root))
    assert result.written == ["de/discogram.html", "de/discogram.json", "index.html", "manifest.json"]
    after = mtimes(root / "dist")
    assert [name for name in before if before[name] != after[name]] == [
        "de/discogram.html", "de/discogram.json", "index.html", "manifest.json"]
    assert (root / "dist/de/discogram.json").read_text(encoding="utf-8").count("[de] ") == 34


def test_a_same_size_edit_with_its_mtime_set_back_is_still_seen(root):
    po = root / "locales/fr/LC_MESSAGES/discogram.po"
    old = 1_600_000_000
    for path in (root / "locales").rglob("*"):
        os.utime(path, (old, old))
    build(Project.open(root))
    text = po.read_text(encoding="utf-8")
    assert "[xx] Purpose" in text
    po.write_text(text.replace("[xx] Purpose", "[yy] Purpose"), encoding="utf-8")  # same size
    os.utime(po, (old, old))
    build(Project.open(root))
    assert "[yy] Purpose" in (root / "dist/fr/discogram.json").read_text(encoding="utf-8")


def test_a_deleted_locale_disappears(root):
    build(Project.open(root))
    shutil.rmtree(root / "locales/ar")
    result = build(Project.open(root))
    assert sorted(result.removed) == ["ar/discogram.html", "ar/discogram.json"]
    assert not (root / "dist/ar").exists()
    manifest = (root / "dist/manifest.json").read_text(encoding="utf-8")
    assert '"ar"' not in manifest


def test_a_changed_template_rebuilds_every_page(root, tmp_path, monkeypatch):
    build(Project.open(root))
    templates = tmp_path / "templates"
    shutil.copytree(html.TEMPLATES, templates)
    page = templates / "article.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<main>", "<main class=\"changed\">"),
                    encoding="utf-8")
    monkeypatch.setattr(html, "TEMPLATES", templates)
    for cached in (html.environment, html.css, html.templates_digest):
        cached.cache_clear()
    try:
        result = build(Project.open(root))
    finally:
        for cached in (html.environment, html.css, html.templates_digest):
            cached.cache_clear()
    pages = sorted(p for p in result.written if p.endswith(".html") and p != "index.html")
    assert pages == ["ar/discogram.html", "de/discogram.html", "en/discogram.html", "fr/discogram.html"]
    assert all('<main class="changed">' in (root / "dist" / p).read_text(encoding="utf-8") for p in pages)


def test_a_dist_file_changed_by_hand_is_rewritten(root):
    build(Project.open(root))
    page = root / "dist/fr/discogram.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"<main>", b"<main>tampered"))
    result = build(Project.open(root))
    assert result.written == ["fr/discogram.html", "manifest.json"]  # retracted, then restored
    assert page.read_bytes() == original


def test_a_copied_project_is_not_built_again(root, tmp_path, monkeypatch):
    """dist/ and .pipeline-cache/ copied with their project, or restored from a CI cache onto
    a fresh checkout, have new inodes and times but the same bytes: nothing is evaluated or
    written, and the next build reads none of them again. A file whose bytes differ is."""
    import pipeline.build
    import pipeline.buildstate
    import pipeline.fsutil

    build(Project.open(root))
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)  # new inodes and ctimes
    jobs = []
    for name in ("_evaluate_job", "_render_job"):
        real = getattr(pipeline.build, name)
        monkeypatch.setattr(pipeline.build, name, lambda *job, real=real, name=name: jobs.append(name) or real(*job))
    result = build(Project.open(copy))
    assert (result.written, result.removed, jobs) == ([], [], [])
    assert mtimes(copy / "dist") == mtimes(root / "dist")

    reads = []
    real_read = pipeline.fsutil.read_with_stat
    monkeypatch.setattr(pipeline.fsutil, "read_with_stat", lambda path: reads.append(str(path)) or real_read(path))
    monkeypatch.setattr(pipeline.buildstate, "RACY_NS", 0)  # trust the new stamps at once (the real margin is 2 s)
    build(Project.open(copy))  # stamps the inputs again, with no margin this time
    reads.clear()
    assert build(Project.open(copy)).written == []
    assert reads == []  # the new stats were kept: nothing of dist/ or locales/ is read again

    page = copy / "dist/de/discogram.html"
    page.write_bytes(page.read_bytes().replace(b"<main>", b"<main>tampered"))
    assert build(Project.open(copy)).written == ["de/discogram.html", "manifest.json"]
    assert page.read_bytes() == (root / "dist/de/discogram.html").read_bytes()


def test_a_deleted_cache_means_a_cold_build_with_the_same_output(root):
    build(Project.open(root))
    first = {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")}
    shutil.rmtree(root / ".pipeline-cache")
    shutil.rmtree(root / "dist")
    build(Project.open(root))
    assert {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")} == first


def test_worker_processes_give_the_same_output(root, monkeypatch):
    import pipeline.build

    build(Project.open(root))
    first = {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")}
    shutil.rmtree(root / ".pipeline-cache")
    shutil.rmtree(root / "dist")
    monkeypatch.setattr(pipeline.build, "PARALLEL_MIN", 1)
    build(Project.open(root), jobs=2)
    assert {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")} == first


def language_facts_only_in_workers(monkeypatch) -> None:
    """Fail the build if the parent computes a locale's language facts (name, direction,
    fallback chain) itself, rather than taking them from the worker that built the locale;
    and run the build's jobs in workers."""
    import os

    import pipeline.build
    import pipeline.bundle

    parent = os.getpid()
    for name in ("_language_info", "_fallback_chain"):
        real = getattr(pipeline.bundle, name)

        def only_in_workers(tag, real=real, name=name):
            assert os.getpid() != parent, f"the parent computed {name}({tag!r}) itself"
            return real(tag)

        monkeypatch.setattr(pipeline.bundle, name, only_in_workers)
    monkeypatch.setattr(pipeline.bundle, "KNOWN_LANGUAGES", {})
    monkeypatch.setattr(pipeline.bundle, "KNOWN_CHAINS", {})
    monkeypatch.setattr(pipeline.build, "PARALLEL_MIN", 0)


def test_workers_give_the_parent_their_locales_language_facts(root, monkeypatch):
    """The parent takes each locale's name, direction and fallback chain from the worker that
    built it: computing them itself would load every locale's CLDR data and langcodes' names
    (tens of megabytes at 20 locales, in the process that holds the whole build)."""
    build(Project.open(root))
    first = {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")}
    shutil.rmtree(root / ".pipeline-cache")
    shutil.rmtree(root / "dist")
    language_facts_only_in_workers(monkeypatch)
    build(Project.open(root), jobs=2)
    assert {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")} == first


def test_a_locale_split_over_several_jobs_builds_what_one_job_builds(tmp_path, monkeypatch):
    """Large locales are evaluated some articles a job; each job reads the locale's site.po,
    and what is wrong there is still reported once."""
    import pipeline.build
    from benchmarks.corpus import generate

    root = tmp_path / "root"
    generate(root, 5, 2)
    site_po = next((root / "locales").glob("*/LC_MESSAGES/site.po"))
    with site_po.open("a", encoding="utf-8") as handle:
        handle.write('\nmsgctxt "site/labels"\nmsgid "A label nobody wrote"\nmsgstr "Une étiquette"\n')
    whole = build(Project.open(root))
    first = {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")}
    shutil.rmtree(root / ".pipeline-cache")
    shutil.rmtree(root / "dist")
    monkeypatch.setattr(pipeline.build, "ARTICLES_PER_JOB", 2)
    split = build(Project.open(root))
    assert {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")} == first
    stray = [p for p in split.problems if "A label nobody wrote" in p.message]
    assert len(stray) == 1 and split.problems == whole.problems
    assert len(split.published) == 5 * 3


def test_a_rebuild_reports_the_catalogue_problems_of_what_it_did_not_read_again(tmp_path):
    """Warnings about catalogues (here, entries whose msgid matches no English) are printed by
    every build until they are fixed, not only by the build that read the file: a CI build
    from a restored cache must show them too. Cold and warm builds list the same ones."""
    from benchmarks.corpus import generate

    root = tmp_path / "root"
    generate(root, 3, 2)

    def stray(tag: str, domain: str, msgid: str) -> None:
        with (root / f"locales/{tag}/LC_MESSAGES/{domain}.po").open("a", encoding="utf-8") as handle:
            handle.write(f'\nmsgid "{msgid}"\nmsgstr "x"\n')

    stray("fr", "discogram-ba", "An edited fr ba msgid")
    stray("fr", "site", "An edited fr site msgid")
    stray("es", "discogram-bc", "An edited es bc msgid")

    def said(result) -> list[str]:
        return [f"{p.path}: {p.message.split(chr(39))[1]}" for p in result.problems]

    expected = ["locales/es/LC_MESSAGES/discogram-bc.po: An edited es bc msgid",
                "locales/fr/LC_MESSAGES/discogram-ba.po: An edited fr ba msgid",
                "locales/fr/LC_MESSAGES/site.po: An edited fr site msgid"]
    assert said(build(Project.open(root))) == expected
    assert said(build(Project.open(root))) == expected  # nothing read again: the kept problems
    fill(root, "fr", "discogram-bb", translate=lambda e: f"[fr] (new) {e.msgid}")
    again = build(Project.open(root))  # fr read again for one bundle: site.po anew, ba's kept
    assert again.written[0] == "fr/discogram-bb.html" and said(again) == expected
    assert said(build(Project.open(root), ["es"])) == expected[:1]  # a shard answers for its locales
    assert said(build(Project.open(root))) == expected

    po = root / "locales/fr/LC_MESSAGES/discogram-ba.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "An edited fr ba msgid"\nmsgstr "x"\n', ""),
                  encoding="utf-8")
    assert said(build(Project.open(root))) == [expected[0], expected[2]]
    shutil.rmtree(root / "locales/es")
    assert said(build(Project.open(root))) == [expected[2]]
    warm = build(Project.open(root)).problems
    shutil.rmtree(root / ".pipeline-cache")
    assert build(Project.open(root)).problems == warm


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 70_000])
def test_a_file_is_read_whole_when_the_system_reads_it_in_pieces(tmp_path, monkeypatch, size):
    """The reader stops at a short read only once the stat's size is reached, so a file
    system that hands a file over in pieces (here: 1,000 bytes a read) still gives all of it;
    a file on disk is read without the last read of nothing."""
    import pipeline.fsutil

    path = tmp_path / "file"
    data = bytes(i % 251 for i in range(size))
    path.write_bytes(data)
    assert pipeline.fsutil.read_with_stat(path)[0] == data
    reads = []
    real = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real(fd, min(n, 1000)))
    read, st = pipeline.fsutil.read_with_stat(path)
    assert (read, st.st_size) == (data, size)
    assert len(reads) == max(1, -(-size // 1000))  # no read of nothing after the last piece
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real(fd, n))
    reads.clear()
    assert pipeline.fsutil.read_with_stat(path)[0] == data
    assert len(reads) == 1


def test_a_cold_build_reads_each_po_file_once_and_keeps_its_stamp(root, monkeypatch):
    """The job that reads a PO file stamps it for the build state; the parent does not read
    it again to hash it. The next build still sees an edit."""
    from collections import Counter

    import pipeline.buildstate
    import pipeline.catalog
    import pipeline.fsutil
    import pipeline.qa

    reads: Counter = Counter()
    real = pipeline.fsutil.read_stamped

    def counted(path, *flags):
        reads[Path(path).relative_to(root).as_posix()] += 1
        return real(path, *flags)

    for module in (pipeline.fsutil, pipeline.catalog, pipeline.qa):
        monkeypatch.setattr(module, "read_stamped", counted)
    monkeypatch.setattr(pipeline.buildstate, "RACY_NS", 0)  # trust stamps at once (the real margin is 2 s)
    build(Project.open(root))
    article_reads = {path: n for path, n in reads.items() if path.endswith("/discogram.po")}
    assert sorted(article_reads) == [f"locales/{tag}/LC_MESSAGES/discogram.po" for tag in ("ar", "de", "fr")]
    assert set(article_reads.values()) == {1}
    reads.clear()
    assert build(Project.open(root)).written == []  # the stamps were kept: nothing is read again
    assert not [path for path in reads if path.endswith(".po")]
    fill(root, "de", "discogram", translate=lambda e: f"[de] {e.msgid}")
    assert "de/discogram.json" in build(Project.open(root)).written


def test_the_builds_status_words_are_the_gates():
    import pipeline.dist
    import pipeline.gate

    assert (pipeline.dist.PUBLISHED, pipeline.dist.BLOCKED) == (pipeline.gate.PUBLISHED, pipeline.gate.BLOCKED)


def test_a_tampered_manifest_is_rewritten_even_when_no_bundle_changed(root):
    build(Project.open(root))
    manifest = root / "dist/manifest.json"
    original = manifest.read_bytes()
    manifest.write_bytes(b"{}")
    result = build(Project.open(root))
    assert result.written == ["manifest.json"]
    assert manifest.read_bytes() == original


def test_a_rebuild_from_the_parse_cache_equals_a_cold_build(root, tmp_path):
    build(Project.open(root))
    fill(root, "fr", "discogram", translate=lambda e: None if e.msgctxt == "discogram/types" else f"[fr] {e.msgid}")
    build(Project.open(root))  # source/ unchanged: its articles come from the parse cache
    cold = tmp_path / "cold"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("dist", ".pipeline-cache"))
    build(Project.open(cold))
    assert {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")} == \
        {p: (cold / "dist" / p).read_bytes() for p in mtimes(cold / "dist")}


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_edited_articles_bundles_carry_the_hash_of_its_new_bytes(root, jobs, monkeypatch):
    """A bundle's source hash is taken from the bytes its article was loaded from, once an
    article (not read again for each locale): after an edit, every locale's bundle has the new
    hash, in workers (jobs=2) as in the build's own process."""
    import hashlib
    import json

    import pipeline.build

    monkeypatch.setattr(pipeline.build, "PARALLEL_MIN", 1)  # workers even for this small project

    build(Project.open(root), jobs=jobs)
    article = root / "source/articles/discogram.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("Purpose", "The purpose", 1), encoding="utf-8")
    build(Project.open(root), jobs=jobs)
    expected = hashlib.sha256(article.read_bytes() + b"\0" + (root / "source/site.yaml").read_bytes()).hexdigest()
    hashes = {path.parent.name: json.loads(path.read_bytes())["source"]["sha256"]
              for path in (root / "dist").glob("*/discogram.json")}
    assert len(hashes) > 2 and set(hashes.values()) == {expected}


def test_an_edited_article_is_validated_again(root, cli):
    assert cli("build", root=root).exit_code == 0
    article = root / "source/articles/discogram.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("role: risks", "role: risk"), encoding="utf-8")
    before = mtimes(root / "dist")
    result = cli("build", root=root)
    assert result.exit_code == 2
    assert "has no section with the required role 'risks'" in result.stderr
    assert mtimes(root / "dist") == before


def test_a_rebuild_after_one_article_changed_reads_no_other_article(root, monkeypatch):
    """The articles whose bytes the last build validated are valid still: not loaded from the
    parse cache, not parsed, and kept in it; the one edited is parsed and validated."""
    import pipeline.buildstate as buildstate
    import pipeline.source as source

    article = root / "source/articles/discogram.yaml"
    data = article.read_text(encoding="utf-8")
    for other in ("second", "third"):
        (root / f"source/articles/{other}.yaml").write_text(data.replace("id: discogram", f"id: {other}"),
                                                             encoding="utf-8")
    build(Project.open(root))
    read: list[str] = []
    original_get, original_load = buildstate.ParsedCache.get, source._load_article
    monkeypatch.setattr(buildstate.ParsedCache, "get", lambda self, key: read.append(key.split("|")[0]) or
                        original_get(self, key))
    monkeypatch.setattr(source, "_load_article", lambda path, display, *rest: read.append(f"parsed {display}") or
                        original_load(path, display, *rest))
    (root / "source/articles/third.yaml").write_text(data.replace("id: discogram", "id: third")
                                                     .replace("Purpose", "The purpose", 1), encoding="utf-8")
    result = build(Project.open(root))
    # The edited one: missed in the cache, parsed, then read back by the job that evaluates it.
    assert [r for r in read if "third" in r] == ["source/articles/third.yaml", "parsed source/articles/third.yaml",
                                                 "source/articles/third.yaml"]
    assert not [r for r in read if "third" not in r]  # the others: neither read back nor parsed
    assert {b["article"] for b in result.bundles} == {"discogram", "second", "third"}
    assert "The purpose" in (root / "dist/en/third.json").read_text(encoding="utf-8")
    # The pack keeps the unchanged articles (and the edited one's new version only), for the
    # next rebuild that shows them.
    assert len(buildstate.ParsedCache(root / ".pipeline-cache/parsed.pack", "any")._open()) == 3
    (root / "source/articles/second.yaml").write_text(data.replace("id: discogram", "id: second")
                                                      .replace("Purpose", "A purpose", 1), encoding="utf-8")
    (root / "source/articles/third.yaml").write_text(data.replace("id: discogram", "id: third")
                                                     .replace("Purpose", "A purpose", 1), encoding="utf-8")
    read.clear()
    build(Project.open(root))
    assert "parsed source/articles/discogram.yaml" not in read and "source/articles/discogram.yaml" not in read


@pytest.mark.parametrize("workers", [False, True], ids=["parsed here", "parsed by the workers"])
def test_an_unchanged_article_whose_id_an_edited_one_takes_is_a_duplicate(root, cli, parses, request, workers):
    if workers:
        request.getfixturevalue("in_workers")
    article = root / "source/articles/discogram.yaml"
    data = article.read_text(encoding="utf-8")
    (root / "source/articles/second.yml").write_text(data.replace("id: discogram", "id: second"), encoding="utf-8")
    assert cli("build", root=root).exit_code == 0
    before = mtimes(root / "dist")
    # A new file, sorted first, takes the id of one the last build validated, sorted after it:
    # that one is read again (here, even where the workers parse the new one) to say where its id is.
    (root / "source/articles/second.yaml").write_text(data.replace("id: discogram", "id: second"), encoding="utf-8")
    parses.clear()
    result = cli("build", root=root)
    assert parses == [(["source/articles/second.yaml"], workers)]
    assert result.exit_code == 2
    assert ("source/articles/second.yml:3: error: duplicate article id 'second' (also in "
            "source/articles/second.yaml)") in result.stderr
    assert mtimes(root / "dist") == before


def test_the_manifest_assembled_from_kept_records_is_plain_json(root):
    import json

    from pipeline.build import dumps

    build(Project.open(root))
    fill(root, "fr", "discogram", translate=lambda e: f"[fr2] {e.msgid}")
    build(Project.open(root))  # most records reused as encoded, fr's encoded again
    data = (root / "dist/manifest.json").read_bytes()
    assert data == dumps(json.loads(data))


def state_rows(root: Path) -> dict[str, tuple]:
    """The build state's rows, by bundle id (a copy read with SQLite, outside any build)."""
    import sqlite3

    db = sqlite3.connect(root / ".pipeline-cache/build-state.sqlite")
    try:
        return {f"{row[0]}/{row[1]}": row for row in db.execute("SELECT * FROM bundles")}
    finally:
        db.close()


def test_a_second_no_op_rebuild_rewrites_no_state_either(root):
    build(Project.open(root))
    build(Project.open(root))
    state = root / ".pipeline-cache/build-state.sqlite"
    before = state.stat().st_mtime_ns
    result = build(Project.open(root))
    assert (result.written, state.stat().st_mtime_ns) == ([], before)
    assert sorted(p.name for p in state.parent.iterdir() if p.name.startswith("build-state")) == [state.name]


def test_a_rebuild_changes_only_the_state_rows_of_the_bundles_it_made_again(root):
    build(Project.open(root))
    before = state_rows(root)
    assert sorted(before) == ["ar/discogram", "de/discogram", "en/discogram", "fr/discogram"]
    fill(root, "de", "discogram", translate=lambda e: f"[de-bis] {e.msgid}")
    build(Project.open(root))
    after = state_rows(root)
    assert [bundle for bundle in sorted(after) if after[bundle] != before[bundle]] == ["de/discogram"]
    assert build(Project.open(root)).written == []  # and the state reads back whole


def test_the_index_follows_a_changed_heading_and_a_changed_title(root):
    build(Project.open(root))
    site = root / "source/site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("articles: Articles", "articles: Patient articles"),
                    encoding="utf-8")
    build(Project.open(root))
    index = (root / "dist/index.html").read_text(encoding="utf-8")
    assert "<h1>Patient articles</h1>" in index
    fill(root, "fr", "discogram", translate=lambda e: "La discographie, expliquée" if e.msgctxt == "discogram/title"
         else f"[xx] {e.msgid}")
    build(Project.open(root))
    assert '<a href="fr/discogram.html">La discographie, expliquée</a>' in (root / "dist/index.html").read_text(
        encoding="utf-8")


def test_a_title_changed_in_one_locale_renders_only_that_locales_index_section(root, monkeypatch):
    """The other locales' sections are taken as the last build rendered them, unread; the page
    is the one a cold build writes. A blocked bundle changes its locale's list the same way."""
    import pipeline.bundle.html
    import pipeline.dist

    build(Project.open(root))
    assert b'lang="ar"' in (root / "dist/index.html").read_bytes()
    rendered, keyed = [], []
    real = pipeline.bundle.html.render_index_section
    monkeypatch.setattr(pipeline.bundle.html, "render_index_section",
                        lambda language: rendered.append(language["tag"]) or real(language))
    real_digest = pipeline.dist.digest
    monkeypatch.setattr(pipeline.dist, "digest", lambda *parts: keyed.append(parts[0]) or real_digest(*parts))
    fill(root, "de", "discogram", translate=lambda e: "Die Diskographie" if e.msgctxt == "discogram/title"
         else f"[xx] {e.msgid}")
    build(Project.open(root))
    assert rendered == ["de"] and len(keyed) == 1  # the other three sections are not even keyed again
    fill(root, "ar", "discogram", translate=lambda e: None if e.msgctxt == "discogram/risks" else f"[xx] {e.msgid}")
    rendered.clear()
    assert [b["locale"] for b in build(Project.open(root)).blocked] == ["ar"]
    assert rendered == []  # ar's section is gone, no other is rendered again
    index = (root / "dist/index.html").read_bytes()
    assert b"Die Diskographie" in index and b'hreflang="ar"' not in index and b'lang="ar"' not in index
    shutil.rmtree(root / ".pipeline-cache")
    shutil.rmtree(root / "dist")
    build(Project.open(root))
    assert (root / "dist/index.html").read_bytes() == index


def test_the_parse_cache_is_one_file_that_keeps_what_the_build_used(tmp_path):
    from pipeline.buildstate import ParsedCache

    pack = tmp_path / "parsed.pack"
    cache = ParsedCache(pack, "env")
    cache["a"], cache["b"] = {"article": "a"}, ["b"]
    assert cache.get("a") == {"article": "a"}  # served before any flush
    cache.flush()
    assert [p.name for p in tmp_path.iterdir()] == ["parsed.pack"]
    again = ParsedCache(pack, "env")
    assert (again.get("a"), again.get("b"), again.get("c")) == ({"article": "a"}, ["b"], None)
    assert ParsedCache(pack, "other code").get("a") is None  # keyed by the code too
    # A build that used only "b" and parsed "c" keeps those two.
    third = ParsedCache(pack, "env")
    assert third.get("b") == ["b"]
    third["c"] = "c"
    third.flush()
    fourth = ParsedCache(pack, "env")
    assert (fourth.get("a"), fourth.get("b"), fourth.get("c")) == (None, ["b"], "c")


def test_the_parse_cache_holds_no_new_article_in_memory(tmp_path):
    """New entries wait in a temporary file, and the pack is written an entry at a time: a cold
    build of 1,000 articles held 7 MB of pickles until the flush, and 7 MB more joined."""
    import tracemalloc

    from pipeline.buildstate import ParsedCache

    pack = tmp_path / "parsed.pack"
    articles = {f"article-{n}": {"id": n, "text": f"{n:05d}" * 2000} for n in range(300)}  # 3 MB pickled
    cache = ParsedCache(pack, "env")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for key, article in articles.items():
            cache[key] = article
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.reset_peak()
        cache.flush()
        flush_peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert held < 300_000 and flush_peak < 500_000, (held, flush_peak)
    assert [p.name for p in tmp_path.iterdir()] == ["parsed.pack"]  # the temporary file is gone
    again = ParsedCache(pack, "env")
    assert all(again.get(key) == article for key, article in articles.items())


def test_every_command_that_reads_source_shares_the_parse_cache(root, cli, monkeypatch):
    """extract, update, status and the build parse an article once between them; an edited
    article is parsed again by the next command, which sees the edit."""
    import pipeline.source as source

    shutil.rmtree(root / ".pipeline-cache")  # the fixture's own extract filled it
    parsed: list[str] = []
    original = source._load_article
    monkeypatch.setattr(source, "_load_article", lambda path, display, *rest: parsed.append(display) or
                        original(path, display, *rest))
    for command in ("extract", "update", "status", "build"):
        assert cli(command, root=root).exit_code == 0, command
    assert parsed == ["source/articles/discogram.yaml"]  # by the first command only
    article = root / "source/articles/discogram.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("Purpose", "The purpose", 1), encoding="utf-8")
    assert cli("extract", root=root).exit_code == 0
    assert parsed == ["source/articles/discogram.yaml"] * 2
    assert 'msgid "The purpose"' in (root / "locales/discogram.pot").read_text(encoding="utf-8")
    assert cli("build", root=root).exit_code == 0
    assert len(parsed) == 2  # the build takes the article extract parsed


def test_a_command_works_where_the_parse_cache_cannot_be_kept(root, cli):
    shutil.rmtree(root / ".pipeline-cache", ignore_errors=True)
    (root / ".pipeline-cache").write_text("not a folder", encoding="utf-8")
    result = cli("status", root=root)
    assert result.exit_code == 0 and "discogram" in result.stdout
    assert (root / ".pipeline-cache").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("damage", [b"", b"not a pack", b"pipeline-parsed-1\n" + b"\xff" * 16, "truncate"])
def test_a_damaged_parse_cache_is_a_miss_not_a_crash(tmp_path, damage):
    from pipeline.buildstate import ParsedCache

    pack = tmp_path / "parsed.pack"
    cache = ParsedCache(pack, "env")
    cache["a"] = {"article": "a"}
    cache.flush()
    pack.write_bytes(pack.read_bytes()[:40] if damage == "truncate" else damage)
    assert ParsedCache(pack, "env").get("a") is None


def test_a_build_reads_its_articles_back_from_the_pack(root):
    build(Project.open(root))
    cache = root / ".pipeline-cache"
    assert (cache / "parsed.pack").is_file() and not (cache / "parsed").exists()
    before = {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")}
    (cache / "build-state.sqlite").unlink()  # no state: source/ is loaded again, through the pack
    from pipeline import source

    calls = []
    original = source._load_article
    try:
        source._load_article = lambda *a, **k: calls.append(a) or original(*a, **k)
        build(Project.open(root))
        assert calls == []
        assert {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")} == before
        article = root / "source/articles/discogram.yaml"
        article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # new bytes
        build(Project.open(root))
        assert len(calls) == 1  # an edited file is parsed again
    finally:
        source._load_article = original


def test_unchanged_dist_folders_are_not_listed_and_a_stray_file_is_still_found(root, monkeypatch):
    import time

    import pipeline.build
    import pipeline.dist

    monkeypatch.setattr(pipeline.build, "RACY_NS", 0)  # trust marks at once (the real margin is 2 s)
    build(Project.open(root))
    listed = []
    real_listdir = os.listdir
    dist = root / "dist"

    def listdir(path):
        if Path(path).parent == dist:  # a locale's folder of dist/
            listed.append(Path(path).name)
        return real_listdir(path)

    monkeypatch.setattr(pipeline.dist.os, "listdir", listdir)
    assert build(Project.open(root)).written == []
    assert listed == []  # every folder's mtime is the one recorded: its names are the same
    time.sleep(0.05)  # past the file system's timestamp tick
    (root / "dist/fr/stray.json").write_text("{}", encoding="utf-8")
    result = build(Project.open(root))
    assert listed == ["fr"] and result.removed == ["fr/stray.json"]
    assert not (root / "dist/fr/stray.json").exists()


def test_a_cache_file_is_replaced_whole_and_leaves_no_temporary(tmp_path):
    from pipeline.fsutil import atomic_write_bytes

    path = tmp_path / "build-state.pickle"
    path.write_bytes(b"old state")
    atomic_write_bytes(path, b"new state", durable=False, private=True)
    atomic_write_bytes(tmp_path / "fresh.pickle", b"first", durable=False, private=True)  # nothing to remove
    assert path.read_bytes() == b"new state" and (tmp_path / "fresh.pickle").read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build-state.pickle", "fresh.pickle"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_a_damaged_state_means_a_cold_build_with_the_same_output(root, damage):
    # What a crash of the machine could leave, or another program's file of that name.
    import sqlite3

    build(Project.open(root))
    before = {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")}
    state = root / ".pipeline-cache/build-state.sqlite"
    if damage == "garbage":
        state.write_bytes(b"not a database" * 100)
    elif damage == "truncated":
        state.write_bytes(state.read_bytes()[:5000])
    else:
        state.unlink()
        db = sqlite3.connect(state)
        db.execute("CREATE TABLE bundles (x)")
        db.commit()
        db.close()
    result = build(Project.open(root))
    assert {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")} == before
    # Evaluated again from scratch: every bundle came out the same; only the manifest, which
    # retracted them while they were being evaluated, was written again.
    assert result.written == ["manifest.json"]


def test_a_state_that_goes_bad_during_a_build_is_dropped_and_the_build_runs_again(root, monkeypatch):
    """A damaged page of the state found late (SQLite raises where it reads it): the build
    removes the state and makes every bundle again, and dist/ is what a cold build writes."""
    import sqlite3

    from pipeline.buildstate import BuildState

    build(Project.open(root))
    before = {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")}
    fill(root, "de", "discogram", translate=lambda e: f"[de-bis] {e.msgid}")
    failed: list[str] = []
    original = BuildState.put

    def put(self, entries):
        if not failed:
            failed.append(str(self.path))
            raise sqlite3.DatabaseError("database disk image is malformed")
        return original(self, entries)

    monkeypatch.setattr(BuildState, "put", put)
    result = build(Project.open(root))
    assert len(failed) == 1 and result.published_count == 4
    after = {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")}
    assert {p for p in after if after[p] != before[p]} == {"de/discogram.json", "de/discogram.html", "index.html",
                                                             "manifest.json"}
    # Twice (a full disk): the file system's message, naming the state (pipeline/cli's boundary).
    failed.clear()
    monkeypatch.setattr(BuildState, "put", lambda self, entries: (_ for _ in ()).throw(
        sqlite3.OperationalError("database or disk is full")))
    fill(root, "de", "discogram", translate=lambda e: f"[de-ter] {e.msgid}")
    with pytest.raises(OSError, match="could not be kept .database or disk is full.") as raised:
        build(Project.open(root))
    assert raised.value.filename.endswith("build-state.sqlite")
    monkeypatch.setattr(BuildState, "put", original)
    fill(root, "de", "discogram", translate=lambda e: f"[de-bis] {e.msgid}")
    shutil.rmtree(root / ".pipeline-cache")
    shutil.rmtree(root / "dist")
    build(Project.open(root))
    assert {p: (root / "dist" / p).read_bytes() for p in mtimes(root / "dist")} == after
    assert build(Project.open(root)).written == []  # the state made again is whole


def test_a_rebuild_answers_with_the_records_the_manifest_lists(root):
    import json

    fill(root, "ar", "discogram", translate=lambda e: None if e.msgctxt == "discogram/risks" else f"[ar] {e.msgid}")
    first = build(Project.open(root))
    again = build(Project.open(root))  # every record kept from the state, decoded only when read
    manifest = json.loads((root / "dist/manifest.json").read_text(encoding="utf-8"))
    assert again.bundles == first.bundles == manifest["bundles"]
    assert [dict(b) for b in again.bundles] == manifest["bundles"]
    assert [b["reasons"][0]["rule"] for b in again.blocked] == ["untranslated"]


_text = st.text(max_size=12)
_file = st.fixed_dictionaries({"path": _text, "sha256": _text, "size": st.integers(0, 10**9)})


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({
    "article": _text, "locale": _text, "status": st.sampled_from(["published", "blocked"]),
    "reasons": st.lists(st.fixed_dictionaries({"message": _text, "rule": _text}), max_size=2),
    "coverage": st.fixed_dictionaries({"total": st.integers(0, 99), "percent": st.floats(0, 100)}),
    "review_state": _text, "files": st.fixed_dictionaries({}, optional={"json": _file, "html": _file})}), _file)
def test_a_record_given_its_page_is_the_record_encoded_with_it(record, html):
    """Kept.with_page splices the page's file record into the encoded record: the same bytes
    as encoding the record with it, whatever the strings hold."""
    from pipeline.buildstate import Kept
    from pipeline.dist import dumps

    kept = Kept.evaluated("key", record, "title", None)
    kept.with_page(html)
    expected = {**record, "files": {**record["files"], "html": html}}
    assert kept.encoded() == dumps(expected).decode("utf-8")[:-1]
    assert kept.record == expected and kept.html_path == html["path"]


# A bundle's id is "<locale>/<article>": neither holds a slash (locale tags and article ids are validated).
# Nor a lone surrogate: no file the build reads decodes to one.
_name = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/"), max_size=6) | st.sampled_from(
    ["discogram", "fr", "pt-BR", "zh-Hans", "العربية"])
_hex = st.text("0123456789abcdef", min_size=1, max_size=64) | _text


@settings(max_examples=300, deadline=None)
@given(_name, _name, st.sampled_from(["published", "blocked"]),
       st.dictionaries(st.sampled_from(["fallback", "percent", "total", "translated"]),
                       st.integers(-2, 100) | st.floats(0, 100) | st.booleans()),
       _name | st.sampled_from(["unreviewed", "machine-drafted", "reviewed"]), _hex, st.integers(0, 10**9),
       st.booleans(), _hex, st.integers(0, 10**9), st.booleans())
def test_a_published_record_spelled_out_is_the_record_encoded(article, locale, status, coverage, review_state,
                                                              json_sha, json_size, blocked_reason, html_sha,
                                                              html_size, html_elsewhere):
    """Kept keeps a published bundle's record as its parts and spells it out for the manifest:
    the same bytes as ``dumps`` gives the record, before and after its page is listed, whatever
    the strings hold (a quote, a backslash, a control character) and whatever the numbers are."""
    from pipeline.buildstate import Kept, _columns, _kept
    from pipeline.dist import dumps

    record = {"article": article, "locale": locale, "status": status, "coverage": coverage,
              "reasons": [{"rule": "untranslated"}] if blocked_reason else [], "review_state": review_state,
              "files": {"json": {"path": f"{locale}/{article}.json", "sha256": json_sha, "size": json_size}}}
    kept = Kept.evaluated("key", record, "title", None)
    assert kept.encoded() == dumps(record).decode("utf-8")[:-1]
    html = {"path": f"{locale}/{article}.html" if not html_elsewhere else "elsewhere.html", "sha256": html_sha,
            "size": html_size}
    kept.with_page(html)
    expected = {**record, "files": {**record["files"], "html": html}}
    assert kept.encoded() == dumps(expected).decode("utf-8")[:-1]
    assert kept.record == expected and kept.html_path == html["path"]
    again = _kept((locale, article, *_columns(kept)))  # a row of the state, as the next build reads it
    assert again.encoded() == kept.encoded()


def _articles(root: Path, ids: list[str]) -> str:
    """Copies of the article under these ids; the article's text."""
    data = (root / "source/articles/discogram.yaml").read_text(encoding="utf-8")
    for article_id in ids:
        (root / f"source/articles/{article_id}.yaml").write_text(
            data.replace("id: discogram", f"id: {article_id}").replace("Purpose", f"Purpose {article_id}", 1),
            encoding="utf-8")
    return data


@pytest.fixture
def in_workers(monkeypatch):
    """Builds validate source/ in worker processes, two articles a job, however few they are."""
    monkeypatch.setattr(pipeline.build, "PARALLEL_MIN", 1)
    monkeypatch.setattr(pipeline.build, "ARTICLES_PER_PARSE", 2)


@pytest.fixture
def parses(monkeypatch) -> list[tuple[list[str], bool]]:
    """Each parse of articles a build's validation asked for (pipeline.build._parse_in): the
    articles, and whether the workers took them (else they were parsed in this process)."""
    made: list[tuple[list[str], bool]] = []
    real = pipeline.build._parse_in

    def parse_in(pool, jobs):
        parse = real(pool, jobs)

        def recorded(items, roles):
            result = parse(items, roles)
            made.append(([display for _, display in items], result is not None))
            return result

        return recorded

    monkeypatch.setattr(pipeline.build, "_parse_in", parse_in)
    return made


def test_articles_validated_in_the_workers_give_what_validating_them_here_gives(root, tmp_path, in_workers,
                                                                                  parses):
    """A build parses the articles it must validate in its workers (pipeline.build._parse_in):
    the same problems, sources, digest and parse cache as parsing them in this process."""
    from pipeline import buildstate
    from pipeline.build import _parse_in, _Pool
    from pipeline.errors import SourceError
    from pipeline.source import validate_sources

    data = _articles(root, ["alpha", "beta", "gamma", "delta", "epsilon"])
    roles = Project.open(root).config.required_roles
    (root / "source/articles/beta.yaml").write_text(data.replace("id: discogram", "id: beta")
                                                    .replace("updated:", "updated: 2025-02-30\nx:"), encoding="utf-8")
    (root / "source/articles/gamma.yml").write_text(data.replace("id: discogram", "id: gamma"), encoding="utf-8")
    (root / "source/articles/zeta.yaml").mkdir()  # a folder named like an article

    def validated(parse_here: bool, cache_name: str):
        cache = buildstate.ParsedCache(tmp_path / cache_name, "env")
        pool = _Pool()
        try:
            return validate_sources(root, roles, cache, None, None if parse_here else _parse_in(pool, 2)), cache
        finally:
            pool.close()

    failures = []
    for parse_here in (True, False):
        with pytest.raises(SourceError) as caught:
            validated(parse_here, f"failed-{parse_here}.pack")
        failures.append(caught.value.problems)
    assert failures[0] == failures[1]
    assert {p.path for p in failures[0]} == {"source/articles/beta.yaml", "source/articles/gamma.yml",
                                             "source/articles/zeta.yaml"}

    (root / "source/articles/beta.yaml").write_text(data.replace("id: discogram", "id: beta"), encoding="utf-8")
    (root / "source/articles/gamma.yml").unlink()
    (root / "source/articles/zeta.yaml").rmdir()
    (here, here_cache), (there, there_cache) = validated(True, "here.pack"), validated(False, "there.pack")
    assert here == there and len(here[1]) == 6
    here_cache.flush()
    there_cache.flush()
    assert (tmp_path / "here.pack").read_bytes() == (tmp_path / "there.pack").read_bytes()
    assert [(len(displays), taken) for displays, taken in parses] == [(7, True), (6, True)]  # not the folder


def test_a_cold_build_validating_in_its_workers_writes_the_same_bytes(root, tmp_path, in_workers, parses):
    import shutil as sh

    _articles(root, ["alpha", "beta", "gamma"])
    copy = tmp_path / "copy"
    sh.copytree(root, copy)
    build(Project.open(root), jobs=1)  # everything in this process
    build(Project.open(copy), jobs=2)
    added = ["source/articles/alpha.yaml", "source/articles/beta.yaml", "source/articles/gamma.yaml"]
    assert parses == [(added, False), (added, True)]  # the fixture's own article is in the parse cache
    files = {p.relative_to(root / "dist").as_posix(): p.read_bytes() for p in (root / "dist").rglob("*") if p.is_file()}
    assert files == {p.relative_to(copy / "dist").as_posix(): p.read_bytes()
                     for p in (copy / "dist").rglob("*") if p.is_file()}
    assert ((root / ".pipeline-cache/parsed.pack").read_bytes()
            == (copy / ".pipeline-cache/parsed.pack").read_bytes())
