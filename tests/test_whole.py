"""A build that makes every bundle of every locale (a cold one) runs both rounds at once: jobs of
some articles in every locale, each page made with its bundle (pipeline.build._whole_job). It
must write what the two rounds write, keep the same state, and leave rebuilds incremental."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import pipeline.build as build_module
from pipeline.build import build
from pipeline.project import Project
from tests.test_gate import prepared
from tests.translate import fill

ARTICLES = ("discogram", "second", "third", "fourth")


@pytest.fixture
def several(source_root: Path) -> Path:
    """Four articles in fr, de and ar; "second" is not translated into Arabic and "third" has
    fuzzy risks in German: both blocked there, so their pages' switchers leave that locale out."""
    text = (source_root / "source/articles/discogram.yaml").read_text(encoding="utf-8")
    for other in ARTICLES[1:]:
        (source_root / f"source/articles/{other}.yaml").write_text(text.replace("id: discogram", f"id: {other}"),
                                                                  encoding="utf-8")
    root = prepared(source_root, "fr", "de", "ar")
    for other in ARTICLES[1:]:
        for folder in ("fr", "de", "ar"):
            if (other, folder) == ("second", "ar"):
                continue
            fuzzy = (lambda e: e.msgctxt == "third/risks") if (other, folder) == ("third", "de") else (lambda e: False)
            fill(root, folder, other, fuzzy=fuzzy)
    return root


def files(dist: Path) -> dict[str, bytes]:
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


def state_rows(root: Path, stamps: bool = True) -> tuple[list, list]:
    """The build state's rows and records, but for the files' stats (inode, times), which differ
    from one build to the next (and the PO files' stamps, which hold theirs, unless ``stamps``)."""
    db = sqlite3.connect(root / ".pipeline-cache" / "build-state.sqlite")
    try:
        columns = [row[1] for row in db.execute("PRAGMA table_info(bundles)")
                   if not row[1].endswith("_stat") and (stamps or row[1] != "po_stamp")]
        bundles = db.execute(f"SELECT {', '.join(columns)} FROM bundles ORDER BY locale, article").fetchall()
        records = db.execute("SELECT article, locale, record FROM records ORDER BY article, locale").fetchall()
    finally:
        db.close()
    return bundles, records


def cold(root: Path, monkeypatch, whole: bool, jobs: int | None) -> tuple[dict[str, bytes], tuple, list[str]]:
    """A cold build, one way or the other: dist/, the state's rows and the functions its jobs ran."""
    import shutil

    for name in ("dist", ".pipeline-cache"):
        shutil.rmtree(root / name, ignore_errors=True)
    ran: list[str] = []
    run = build_module._run

    def recorded(function, jobs_given, *args, **kwargs):
        ran.append(function.__name__)
        return run(function, jobs_given, *args, **kwargs)

    monkeypatch.setattr(build_module, "WHOLE_JOBS", whole)
    monkeypatch.setattr(build_module, "_run", recorded)
    result = build(Project.open(root), jobs=jobs)
    monkeypatch.setattr(build_module, "_run", run)
    problems = [str(p) for p in result.problems]
    return files(root / "dist"), state_rows(root), ran + problems


@pytest.mark.parametrize("jobs", [1, 2], ids=["in-process", "two-workers"])
def test_whole_jobs_write_what_the_two_rounds_write(several, monkeypatch, jobs):
    if jobs > 1:
        monkeypatch.setattr(build_module, "PARALLEL_MIN", 0)
    rounds, rounds_state, rounds_ran = cold(several, monkeypatch, False, jobs)
    whole, whole_state, whole_ran = cold(several, monkeypatch, True, jobs)
    validated = ["parse_articles"] if jobs > 1 else []  # the articles validated in the workers first
    assert rounds_ran[:len(validated) + 2] == [*validated, "_evaluate_job", "_render_job"]
    assert whole_ran[:len(validated) + 1] == [*validated, "_whole_job"]
    assert whole == rounds  # every page, bundle, the index and the manifest, byte for byte
    assert whole_state == rounds_state  # the rows a rebuild compares with: keys, records, pages' switchers
    assert whole_ran[len(validated) + 1:] == rounds_ran[len(validated) + 2:]  # the same problems
    # The blocked bundles have no page, and the switchers name the locales that published.
    assert "ar/second.html" not in whole and "de/third.html" not in whole
    assert b'href="../ar/second.html"' not in whole["fr/second.html"]
    assert b'href="../ar/discogram.html"' in whole["fr/discogram.html"]


def test_rebuilds_after_whole_jobs_are_incremental(several):
    build(Project.open(several))
    before = files(several / "dist")
    assert build(Project.open(several)).written == []  # a no-op: the pages' keys were kept with their bundles
    fill(several, "de", "third")  # its risks reviewed: the bundle is published, every third page's switcher grows
    result = build(Project.open(several))
    assert result.written == ["ar/third.html", "de/third.html", "de/third.json", "en/third.html", "fr/third.html",
                              "index.html", "manifest.json"]
    after = files(several / "dist")
    assert [p for p in after if before.get(p) != after[p]] == [p for p in result.written]


def test_a_whole_job_reads_each_locales_files_once_a_worker_and_holds_its_own_articles(several, monkeypatch):
    """A process keeps each locale's gate for its next whole jobs: the site strings, glossary
    and ledger are read once; each job loads its own articles, and gives back the stamps of its
    own articles' PO files (and the site strings')."""
    import pipeline.qa as qa

    reads: list[str] = []
    original = qa.read_domain

    def read_domain(project, data, domain):
        reads.append(f"{data.locale.tag}:{domain}")
        return original(project, data, domain)

    monkeypatch.setattr(qa, "read_domain", read_domain)
    jobs: list[tuple[list[str], int, dict]] = []
    job = build_module._whole_job

    def recorded(job_build, articles, tags):
        parts, written = job(job_build, articles, tags)
        loaded = len(build_module._CONTEXT["sources"].__dict__["_loaded"])
        jobs.append(([a for a, _ in articles], loaded, {tag: sorted(facts["stamps"]) for tag, _, _, facts, _ in parts}))
        return parts, written

    monkeypatch.setattr(build_module, "_whole_job", recorded)
    build(Project.open(several))
    # Two jobs for the one process (as two jobs a worker would share the work): two articles each.
    assert [(ids, loaded) for ids, loaded, _ in jobs] == [(["discogram", "fourth"], 2), (["second", "third"], 2)]
    assert jobs[1][2]["fr"] == ["locales/fr/LC_MESSAGES/second.po", "locales/fr/LC_MESSAGES/site.po",
                                "locales/fr/LC_MESSAGES/third.po"]
    assert jobs[1][2]["ar"] == ["locales/ar/LC_MESSAGES/second.po", "locales/ar/LC_MESSAGES/site.po",
                                "locales/ar/LC_MESSAGES/third.po"]  # second.po untranslated, stamped all the same
    assert jobs[1][2]["en"] == []
    assert sorted(r for r in reads if r.endswith(":site")) == ["ar:site", "de:site", "fr:site"]
    assert len(reads) == 3 + 3 * len(ARTICLES)


def test_whole_jobs_in_workers_give_the_parent_the_locales_language_facts(several, monkeypatch):
    """As the two rounds' jobs do (tests/test_incremental.py): the parent never loads a locale's
    CLDR data for its name, direction or fallback chain."""
    from tests.test_incremental import language_facts_only_in_workers

    language_facts_only_in_workers(monkeypatch)
    ran: list[str] = []
    run = build_module._run
    monkeypatch.setattr(build_module, "_run", lambda function, *args: (ran.append(function.__name__),
                                                                         run(function, *args))[1])
    result = build(Project.open(several), jobs=2)
    assert ran[-1] == "_whole_job" and "_evaluate_job" not in ran and "_render_job" not in ran
    assert result.published_count == 4 * 4 - 2
    assert '"name":"العربية"' in (several / "dist/manifest.json").read_text(encoding="utf-8").replace(" ", "")


def test_a_whole_build_keeps_no_locales_cldr_data(several, monkeypatch):
    """Each locale's gate reads what it needs of the locale's CLDR data once and lets it go:
    a job of every locale would otherwise hold every locale's to its end."""
    from collections import Counter

    import babel.localedata

    import pipeline.bundle as bundle

    # What this process knows of the locales from earlier tests, forgotten: read again here.
    monkeypatch.setattr(bundle, "KNOWN_LANGUAGES", {})
    monkeypatch.setattr(bundle, "KNOWN_CHAINS", {})
    monkeypatch.setattr(bundle, "_DATE_LOCALES", {})
    bundle.format_long_date.cache_clear()

    loads: Counter = Counter()
    original = babel.localedata.load

    def load(name, *args, **kwargs):
        loads[name] += 1
        return original(name, *args, **kwargs)

    babel.localedata.load = load
    try:
        build(Project.open(several))
    finally:
        babel.localedata.load = original
    assert babel.localedata._cache == {}
    # Each locale's data read once (its gate's setup), not once a job or a bundle; CLDR's root,
    # which every locale's data is merged onto, once with each of the four.
    assert {name: count for name, count in loads.items() if name != "root"} == {"en": 1, "ar": 1, "de": 1, "fr": 1}
    assert loads["root"] == 4


@pytest.mark.parametrize("jobs", [1, 2], ids=["in-process", "two-workers"])
def test_whole_jobs_over_an_existing_dist_write_what_the_two_rounds_write(several, monkeypatch, jobs):
    """A changed site.yaml makes every bundle again over the dist/ the last build left: whole jobs
    then write into the published folders (a file only where its bytes change) and must leave
    what the two rounds leave."""
    import shutil

    if jobs > 1:
        monkeypatch.setattr(build_module, "PARALLEL_MIN", 0)
    build(Project.open(several))
    other = several.parent / "other"
    shutil.copytree(several, other, symlinks=True)
    site = "source/site.yaml"
    text = (several / site).read_text(encoding="utf-8")
    assert "Contents" in text
    results = {}
    for root, whole in ((several, True), (other, False)):
        (root / site).write_text(text.replace("Contents", "In this article", 1), encoding="utf-8")
        monkeypatch.setattr(build_module, "WHOLE_JOBS", whole)
        ran: list[str] = []
        run = build_module._run
        monkeypatch.setattr(build_module, "_run", lambda function, *args, ran=ran, run=run: (
            ran.append(function.__name__), run(function, *args))[1])
        result = build(Project.open(root), jobs=jobs)
        monkeypatch.setattr(build_module, "_run", run)
        results[whole] = (ran, result.written, files(root / "dist"), state_rows(root, stamps=False))
    assert "_whole_job" in results[True][0] and "_render_job" not in results[True][0]
    assert "_render_job" in results[False][0]
    assert results[True][1:] == results[False][1:]  # the same files written, the same dist/ and state
    assert "In this article" in results[True][2]["en/discogram.html"].decode("utf-8")


def test_a_whole_job_holds_about_the_same_number_of_bundles_at_every_size():
    """What a whole job holds until its pages are made is its bundles (11 KB each): about
    BUNDLES_PER_WHOLE_JOB at any number of articles and locales, so that a worker's peak does
    not grow with the corpus; small corpora get two jobs a worker, so that both workers work."""
    from pipeline.build import BUNDLES_PER_WHOLE_JOB, _whole_slices

    def held(articles: int, locales: int, workers: int = 2) -> tuple[int, int]:
        slices = _whole_slices([f"a{i:05}" for i in range(articles)], locales, workers)
        assert [a for s in slices for a in s] == [f"a{i:05}" for i in range(articles)]  # each once, in order
        return max(len(s) for s in slices) * locales, len(slices)

    for articles, locales in ((1000, 21), (5000, 41), (100, 6), (1000, 6), (300, 101)):
        bundles, _ = held(articles, locales)
        assert bundles <= max(BUNDLES_PER_WHOLE_JOB, locales)
        assert bundles > BUNDLES_PER_WHOLE_JOB // 2 or locales > BUNDLES_PER_WHOLE_JOB // 2
    assert held(1000, 21) == (147, 143)
    assert held(100, 6) == (150, 4) and held(4, 4, 1) == (8, 2)
