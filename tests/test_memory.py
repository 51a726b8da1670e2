"""What keeps a build's memory down (docs/performance.md): the manifest and the state written
as they are made, job results taken in as they arrive, and nothing a job loaded (articles,
CLDR data) kept once the build no longer needs it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.build as build_module
import pipeline.dist as dist
from pipeline import fsutil
from pipeline.build import build
from pipeline.project import Project
from tests.test_extract import more_articles
from tests.test_gate import prepared

_record = st.fixed_dictionaries({"article": st.text(max_size=8), "locale": st.sampled_from(["en", "fr", "ar", "zh-Hans"]),
                                 "title": st.text(max_size=8)})


@settings(max_examples=100, deadline=None)
@given(st.lists(_record, max_size=12), st.integers(1, 4))
def test_the_streamed_manifest_is_the_manifest_dumped_whole(records, chunk):
    """Whatever the chunk size and the number of records (none, fewer than a chunk, a chunk
    exactly, more), the chunks join to ``dumps`` of the whole document."""
    manifest = {"schema_version": 1, "complete": True, "index": None,
                "locales": {"ar": {"name": "العربية"}, "zh-Hans": {"name": "中文"}}, "bundles": records}
    fragments = [dist.dumps(record).decode("utf-8")[:-1] for record in records]
    original = dist.MANIFEST_CHUNK
    dist.MANIFEST_CHUNK = chunk
    try:
        chunks = list(dist.manifest_chunks(manifest, iter(fragments)))
    finally:
        dist.MANIFEST_CHUNK = original
    assert b"".join(chunks) == dist.dumps(manifest)
    assert len(chunks) == 2 + -(-len(records) // chunk)  # head, one a chunk of records, tail


def test_a_file_written_in_chunks_or_by_a_writer_is_the_same_file(tmp_path):
    import pickle

    fsutil.atomic_write_bytes(tmp_path / "chunks", (b"ab", b"", b"cd"), durable=False)
    fsutil.atomic_write_bytes(tmp_path / "writer", lambda handle: pickle.dump({"a": [1, 2]}, handle), durable=False)
    assert (tmp_path / "chunks").read_bytes() == b"abcd"
    assert pickle.loads((tmp_path / "writer").read_bytes()) == {"a": [1, 2]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chunks", "writer"]  # no temporary left


def test_keep_same_leaves_a_file_holding_those_bytes_untouched(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_bytes(b"x" * 3_000_000)
    before = os.stat(path)
    assert fsutil.atomic_write_bytes(path, (b"x" * 1_000_000 for _ in range(3)), durable=False,
                                     keep_same=True) is False
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # The same size, one byte differs, in the last megabyte:
    assert fsutil.atomic_write_bytes(path, (b"x" * 2_999_999, b"y"), durable=False, keep_same=True) is True
    assert path.read_bytes().endswith(b"xy") and os.stat(path).st_ino != before.st_ino
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_jobs_results_are_handed_over_one_job_at_a_time():
    ran: list[int] = []

    def job(number: int) -> int:
        ran.append(number)
        return number * 10

    results = build_module._run(job, [(1,), (2,), (3,)], workers=1, progress=lambda: None)
    assert next(results) == ((1,), 10) and ran == [1]  # the second job waits until the first is taken
    assert list(results) == [((2,), 20), ((3,), 30)] and ran == [1, 2, 3]


def test_jobs_in_worker_processes_give_their_results_in_job_order():
    results = build_module._run(pow, [(2, n) for n in range(6)], workers=2, progress=lambda: None)
    assert [result for _, result in results] == [1, 2, 4, 8, 16, 32]


def test_jobs_are_made_as_they_are_submitted_two_a_worker_ahead():
    """A job's arguments are made only when it is about to be submitted: the build's page jobs
    carry their articles' switchers, made then, not for every job at once."""
    made: list[int] = []

    def jobs():
        for n in range(10):
            made.append(n)
            yield (2, n)

    results = build_module._run(pow, jobs(), workers=2, progress=lambda: None)
    assert next(results) == ((2, 0), 1)
    assert made == [0, 1, 2, 3, 4]  # four submitted, and the one after the first taken in
    assert [result for _, result in results] == [2 ** n for n in range(1, 10)] and len(made) == 10


def test_one_job_runs_in_this_process_whatever_the_workers():
    results = build_module._run(os.getpid, [()], workers=2, progress=lambda: None)
    assert list(results) == [((), os.getpid())]


@pytest.fixture
def root(source_root):
    return prepared(source_root, "fr", "de", "ar")


def test_a_build_keeps_no_locales_cldr_data_after_its_jobs(root):
    build(Project.open(root))  # three locales evaluated in this process
    import babel.localedata

    assert "babel.localedata" in sys.modules
    assert babel.localedata._cache == {}


def test_a_rebuild_holds_only_the_articles_its_changed_bundles_show(root, monkeypatch):
    article = root / "source/articles/discogram.yaml"
    data = article.read_text(encoding="utf-8")
    (root / "source/articles/second.yaml").write_text(data.replace("id: discogram", "id: second"), encoding="utf-8")
    build(Project.open(root))
    loaded: list[str] = []
    original = build_module.PartialSources.article
    monkeypatch.setattr(build_module.PartialSources, "article",
                        lambda self, article_id: loaded.append(article_id) or original(self, article_id))
    article.write_text(data.replace("Purpose", "The purpose", 1), encoding="utf-8")
    result = build(Project.open(root))
    assert sorted(set(loaded)) == ["discogram"]  # the other article's bundles were not evaluated
    assert {b["article"] for b in result.bundles} == {"discogram", "second"}
    assert "The purpose" in (root / "dist/en/discogram.json").read_text(encoding="utf-8")


def test_a_job_holds_its_own_articles_only_and_jobs_go_by_articles_then_locale(root, monkeypatch):
    """The two rounds' jobs, which a rebuild runs (a cold build runs whole jobs instead, which
    tests/test_whole.py holds to the same output)."""
    article = root / "source/articles/discogram.yaml"
    data = article.read_text(encoding="utf-8")
    (root / "source/articles/second.yaml").write_text(data.replace("id: discogram", "id: second"), encoding="utf-8")
    monkeypatch.setattr(build_module, "ARTICLES_PER_JOB", 1)
    monkeypatch.setattr(build_module, "WHOLE_JOBS", False)
    held: list[tuple[str, int]] = []
    original = build_module._evaluate_job

    def job(job_build, tag, articles):
        result = original(job_build, tag, articles)
        held.append((f"{tag}:{','.join(a for a, _ in articles)}",
                     len(build_module._CONTEXT["sources"].__dict__["_loaded"])))
        return result

    pages: list[tuple[str, list[str], dict]] = []
    render = build_module._render_job
    monkeypatch.setattr(build_module, "_evaluate_job", job)
    monkeypatch.setattr(build_module, "_render_job", lambda job_build, tag, ids, switchers: (
        pages.append((tag, ids, switchers)), render(job_build, tag, ids, switchers))[1])
    build(Project.open(root))
    assert held == [("ar:discogram", 1), ("de:discogram", 1), ("en:discogram", 1), ("fr:discogram", 1),
                    ("ar:second", 1), ("de:second", 1), ("en:second", 1), ("fr:second", 1)]
    # Pages too go a slice of a locale's articles a job, each with its own articles' switchers
    # ("second" has no translation: it is published in English alone).
    everyone = ("en", "ar", "de", "fr")
    assert pages == [("ar", ["discogram"], {"discogram": everyone}), ("de", ["discogram"], {"discogram": everyone}),
                     ("en", ["discogram"], {"discogram": everyone}), ("en", ["second"], {"second": ("en",)}),
                     ("fr", ["discogram"], {"discogram": everyone})]


def test_a_job_holds_one_articles_catalogue_at_a_time(root, monkeypatch):
    """A job gates its articles one after the other: each article's catalogue is read when its
    turn comes and let go before the next is read (a job of 200 articles held them all)."""
    import pipeline.qa as qa

    article = root / "source/articles/discogram.yaml"
    data = article.read_text(encoding="utf-8")
    po = root / "locales/fr/LC_MESSAGES/discogram.po"
    for other in ("second", "third"):
        (root / f"source/articles/{other}.yaml").write_text(data.replace("id: discogram", f"id: {other}"),
                                                             encoding="utf-8")
        (po.parent / f"{other}.po").write_bytes(po.read_bytes().replace(b'msgctxt "discogram/',
                                                                        f'msgctxt "{other}/'.encode()))
    held: list[tuple[str, tuple[str, ...]]] = []
    original = qa.read_domain

    def read_domain(project, data, domain):
        held.append((f"{data.locale.tag}:{domain}", tuple(sorted(data.catalogs))))
        return original(project, data, domain)

    monkeypatch.setattr(qa, "read_domain", read_domain)
    result = build(Project.open(root), ["fr"])
    assert [h for h in held if h[0].startswith("fr:")] == [
        ("fr:site", ()), ("fr:discogram", ("site",)), ("fr:second", ("site",)), ("fr:third", ("site",))]
    fr = {b["article"]: b["status"] for b in result.bundles if b["locale"] == "fr"}
    assert fr == {"discogram": "published", "second": "published", "third": "published"}
    import json

    third, second = (json.loads((root / f"dist/fr/{a}.json").read_bytes()) for a in ("third", "second"))
    assert third["title"] == second["title"] and third["title"]["lang"] == "fr"


def test_the_index_made_a_section_at_a_time_is_the_index_rendered_whole():
    from pipeline.bundle.html import render_index, render_index_bytes, render_index_section

    sections = [render_index_section({"tag": tag, "name": name, "english_name": name, "direction": direction,
                                      "articles": [{"href": f"{tag}/a.html", "title": title}]})
                for tag, name, direction, title in [("en", "English", "ltr", "Discogram <test> & more"),
                                                    ("ar", "العربية", "rtl", "تصوير القرص"),
                                                    ("zh-Hans", "中文", "ltr", "椎间盘造影 😀")]]
    for heading in ("Articles", "<i>Ärticles</i> \u00a0"):
        for chosen in (sections, sections[:1], []):
            assert render_index_bytes(heading, chosen) == render_index(heading, chosen).encode("utf-8")


def test_a_build_decodes_none_of_the_records_it_keeps_encoded(root, monkeypatch):
    """A record is decoded only when a field beyond its status, article and locale is read:
    nothing a build itself does reads one (a cold build, a no-op, one PO file changed)."""
    from pipeline.buildstate import Kept
    from tests.translate import fill

    decoded: list[str] = []
    original = Kept.full
    monkeypatch.setattr(Kept, "full", lambda self: decoded.append(f"{self.locale}/{self.article}") or original(self))
    build(Project.open(root))
    build(Project.open(root))
    fill(root, "de", "discogram", translate=lambda e: f"[de2] {e.msgid}")
    result = build(Project.open(root))
    assert decoded == []
    # The result's records are read back from the manifest written, not kept by the build.
    assert {b["locale"] for b in result.bundles} == {"en", "fr", "de", "ar"} and decoded == []


def test_a_build_without_its_state_never_parses_the_old_manifest(root, monkeypatch):
    """With the state gone (or the code changed), every bundle is made again: before the first
    file changes, the manifest on disk is replaced by one that lists nothing, unread (parsing
    it cost 50 MB at 21,000 bundles). The finished manifest is the one a full build writes."""
    import json

    build(Project.open(root))
    before = (root / "dist/manifest.json").read_bytes()
    (root / "dist/xx").mkdir()  # a stale bundle of a locale gone, listed by the old manifest
    (root / "dist/xx/discogram.json").write_text("{}", encoding="utf-8")
    (root / ".pipeline-cache/build-state.sqlite").unlink()
    parsed: list = []
    monkeypatch.setattr(dist, "read_manifest", lambda folder: parsed.append(folder))
    monkeypatch.setattr(build_module, "read_manifest", lambda folder: parsed.append(folder))
    manifests: list[bytes] = []
    write = dist.atomic_write_bytes

    def spy(path, data, **options):
        if path.name == "manifest.json":
            data = data if isinstance(data, bytes) else b"".join(data)
            manifests.append(data)
        return write(path, data, **options)

    monkeypatch.setattr(dist, "atomic_write_bytes", spy)
    result = build(Project.open(root))
    assert parsed == []
    first = json.loads(manifests[0])
    assert (first["complete"], first["bundles"], first["index"], first["locales"]) == (False, [], None, {})
    assert manifests[-1] == before and (root / "dist/manifest.json").read_bytes() == before
    assert result.removed == ["xx/discogram.json"] and result.published_count == 4 and result.blocked == []


def test_both_rounds_run_in_the_same_workers_started_by_a_fork_server(root, monkeypatch):
    """One pool serves both rounds, and its workers are not children of the build: a fork
    server started them, so they hold nothing the build held (tests can read that on Linux)."""
    monkeypatch.setattr(build_module, "PARALLEL_MIN", 0)
    evaluated: list = []
    rendered: list = []
    workers: list[set[int]] = []
    parents: set[int] = set()
    run = build_module._run

    def parent_of(pid: int) -> int:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        return int(status.split("PPid:")[1].split()[0])

    def counted(function, jobs, workers_wanted, progress, pool=None):
        jobs = list(jobs)
        (evaluated if function is build_module._evaluate_job else rendered).append(len(jobs))
        for item in run(function, jobs, workers_wanted, progress, pool):
            if pool is not None and pool.executor is not None and len(workers) < len(evaluated + rendered):
                workers.append(set(pool.executor._processes))
                if os.path.exists("/proc/self/status"):  # read while they run
                    parents.update(parent_of(pid) for pid in workers[-1])
            yield item

    monkeypatch.setattr(build_module, "_run", counted)
    build(Project.open(root), jobs=2)
    assert evaluated == [4] and rendered == [4]  # both rounds ran in workers: four jobs each
    assert len(workers) == 2 and workers[0] == workers[1] and len(workers[0]) == 2
    if os.path.exists("/proc/self/status"):
        assert len(parents) == 1 and os.getpid() not in parents  # the fork server's children


def test_files_dated_beyond_64_bit_nanoseconds_are_stamped_and_kept(root):
    """A wrong clock or an archive can date a file after 2262, past what 64 bits of nanoseconds
    hold: its stat is packed in a longer form, and rebuilds still see it unchanged or changed."""
    future = 32_503_680_000  # the year 3000, in seconds
    po = root / "locales/fr/LC_MESSAGES/discogram.po"
    os.utime(po, (future, future))
    first = build(Project.open(root))
    page = root / "dist/de/discogram.html"
    os.utime(page, (future, future))
    again = build(Project.open(root))  # the page's stat changed: read, found the same, kept
    assert (again.written, again.removed) == ([], [])
    assert build(Project.open(root)).written == []  # its new stat was kept
    po.write_text(po.read_text(encoding="utf-8").replace("[xx] Purpose", "[yy] Purpose"), encoding="utf-8")
    os.utime(po, (future, future))
    changed = build(Project.open(root))
    assert "fr/discogram.json" in changed.written and len(first.bundles) == 4


def test_locale_data_is_let_go_with_a_babel_that_has_no_clear_caches(monkeypatch):
    import babel.localedata
    from babel.dates import format_date

    format_date(None, locale="fr")
    assert babel.localedata._cache
    monkeypatch.delattr(babel.localedata, "clear_caches", raising=False)
    from pipeline.locales import release_locale_data

    release_locale_data()
    assert babel.localedata._cache == {}


def forget_locale(root: Path, tag: str) -> None:
    """Drop a locale's rows from the build state: its bundles are evaluated again."""
    import sqlite3

    db = sqlite3.connect(root / ".pipeline-cache/build-state.sqlite")
    db.execute("DELETE FROM bundles WHERE locale=?", (tag,))
    db.execute("DELETE FROM records WHERE locale=?", (tag,))
    db.commit()
    db.close()


def test_an_article_missing_from_a_damaged_parse_cache_is_parsed_alone(root, monkeypatch):
    """Jobs load their articles from the parse cache; one that is not there (a damaged pack)
    is parsed again from its own file, not by loading all of source/ for each article."""
    from pipeline import source

    build(Project.open(root))
    before = {p.relative_to(root / "dist").as_posix(): p.read_bytes() for p in (root / "dist").rglob("*.json")}
    (root / ".pipeline-cache/parsed.pack").write_bytes(b"damaged")
    forget_locale(root, "fr")  # fr is evaluated again
    monkeypatch.setattr(source, "load_sources", lambda *a, **k: pytest.fail("all of source/ loaded"))
    loaded: list[str] = []
    original = source._load_article
    monkeypatch.setattr(source, "_load_article", lambda path, *a: loaded.append(path.name) or original(path, *a))
    build(Project.open(root))
    assert loaded == ["discogram.yaml"]
    after = {p.relative_to(root / "dist").as_posix(): p.read_bytes() for p in (root / "dist").rglob("*.json")}
    assert after == before


def test_an_article_parsed_alone_that_is_no_longer_valid_says_where():
    from pipeline.errors import SourceError
    from pipeline.source import load_article

    with pytest.raises(SourceError) as raised:
        load_article(Path(__file__).parent, "no-such-article.yaml", frozenset({"risks"}))
    assert raised.value.problems[0].path == "no-such-article.yaml"


def test_extract_holds_at_most_two_articles_at_once(source_root, monkeypatch, cli):
    """Extract holds the article it is on, and the one before at most while it loads the next
    (parsed, or from the parse cache on a second run): loading all of source/ held the five."""
    import weakref

    from pipeline import source
    from pipeline.buildstate import ParsedCache

    more_articles(source_root, ["2025-01-01", "2025-08-01", "2024-12-31", "2025-02-02"])
    alive: list = []
    most: list[int] = []

    def track(article):
        if article is not None:
            alive.append(weakref.ref(article))
            most.append(sum(ref() is not None for ref in alive))
        return article

    parse, get = source._load_article, ParsedCache.get
    monkeypatch.setattr(source, "_load_article", lambda *args: track(parse(*args)))
    monkeypatch.setattr(ParsedCache, "get", lambda self, key: track(get(self, key)))
    cold = cli("extract", root=source_root)
    assert cold.exit_code == 0 and len(cold.stdout.splitlines()) == 6
    assert len(most) == 10 and max(most) <= 2  # parsed to validate, then from the cache to extract
    alive.clear()
    most.clear()
    (source_root / "locales/copy-1.pot").unlink()
    warm = cli("extract", root=source_root)
    assert (warm.exit_code, warm.stdout) == (0, "wrote locales/copy-1.pot\n")
    assert len(most) == 10 and max(most) <= 2  # from the cache, twice


def test_status_holds_one_locales_rows_at_a_time(source_root, monkeypatch, cli):
    """The table is spooled as each locale's rows come: while a locale's rows are made, only
    the locale before's are still alive (the table made whole held every row, and its cells)."""
    import weakref

    import pipeline.status

    assert cli("extract", root=source_root).exit_code == 0
    for tag in ("fr", "de", "ar"):
        assert cli("init", tag, root=source_root).exit_code == 0
    held: list[int] = []
    rows: list = []
    original = pipeline.status.locale_status

    def locale_status(project, sources, locale):
        held.append(sum(ref() is not None for ref in rows))
        found, problems = original(project, sources, locale)
        rows.extend(weakref.ref(r) for r in found)
        return found, problems

    monkeypatch.setattr(pipeline.status, "locale_status", locale_status)
    result = cli("status", root=source_root)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2 + 30 + 1
    assert held == [0, 10, 10]  # ten rows a locale
