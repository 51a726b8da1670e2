"""Build ``dist/``: a JSON bundle and an HTML page per published article x locale, the
index page, and the manifest, written last.

The output directory is always right:
- bad input (source, configuration, a locale tag) fails before ``dist/`` is touched;
- every file is written atomically, and only when its bytes change;
- before the first change, the manifest drops the bundles this build may rewrite, and
  the final manifest is written last: a build killed half-way leaves a manifest whose
  every file is on disk with the listed hash;
- a blocked bundle's earlier files and the files of deleted articles or locales go;
- ``--locale`` builds a shard: other locales' files and manifest entries are kept;
- one build at a time (a lock), so two builds never interleave their writes.

Rebuilds are incremental (:mod:`pipeline.buildstate`): a bundle is evaluated again only
when something it is made of changed, and a page is rendered again only when its bundle
or its language switcher did. Large builds spread the work over worker processes: a
rebuild in two rounds (the bundles, then the pages whose bundle or switcher changed, from
the JSON written), a build that makes every bundle (a cold one) in one, each job making
some articles in every locale and their pages (:func:`_whole_job`).
"""

from __future__ import annotations

import collections
import contextlib
import gc
import heapq
import itertools
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.buildstate import (HASH, RACY_NS, BuildState, Kept, Stamps, bundle_key, code_digest,
                                 digest, file_stat, parse_cache, verified_stat)
from pipeline.dist import (BLOCKED, INDEX, MANIFEST, PUBLISHED, OutputDir, build_lock, dumps, file_record,
                           files_intact, index_record_of, locales_section, manifest_chunks, ordered_tags,
                           publish_staged, read_manifest, refuse_links, remove_empty_folders, remove_staged,
                           stage_folders, stale_files, unfinished_manifest, write_index)
from pipeline.errors import Problem
from pipeline.fsutil import read_with_stat
from pipeline.locales import SOURCE_TAG, Locale, release_locale_data
from pipeline.project import Project
from pipeline.source import SITE_DOMAIN, PartialSources, Site, load_site, validate_sources

# The gate, the checks, Babel and Jinja2 are imported where they are used: a no-op rebuild
# of 20,000 bundles needs none of them, and importing them costs a fifth of a second.
# Below this many bundles to evaluate, worker processes cost more than they save.
PARALLEL_MIN = 200
# A job evaluates, or renders the pages of, at most this many articles of one locale: what a
# worker holds (a job's articles, results and written paths), and what the build takes in at
# once from a job, is bounded by it, not by the corpus. 200 held a worker at 65 MB at 1,000
# articles against 59 at 100; 100 costs no measurable time (each job reads the locale's
# site.po, glossary and ledger again, a few milliseconds) and more, smaller jobs share the
# work out more evenly.
ARTICLES_PER_JOB = 100
# A job of a build that makes every bundle (_whole_job) takes some articles in every locale:
# about this many bundles (at 1,000 x 20, seven articles; 143 jobs), which it holds until their
# pages are made (11 KB each). 200 made a worker's peak 2 MB higher at 1,000 x 20 than at
# 100 x 5, where two jobs a worker (_whole_slices) hold 150: the largest job is now about the
# same at both; what still grows with the locales is each locale's gate a worker keeps (its
# site strings, their findings and texts, its glossary): 1 MB more at 20 locales than at 5.
BUNDLES_PER_WHOLE_JOB = 150
WHOLE_JOBS = True  # False: the two rounds, always (the tests compare the two ways)


@dataclass
class BuildResult:
    """What a build did. It holds the blocked bundles' records (the command line lists them)
    and counts the published ones; the records of all (21,000 at 1,000 x 20) are not held,
    but read back from the manifest the build wrote when asked for (:attr:`bundles`)."""

    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    published_count: int = 0
    written_count: int = 0
    blocked: list[dict] = field(default_factory=list)
    manifest: Path | None = None
    # The locales a shard build answers for (None: every one, a full build).
    selection: set[str] | None = None
    _written: Callable[[], list[str]] | None = field(default=None, repr=False)

    @property
    def written(self) -> list[str]:
        """The files this build wrote, sorted: read back from its log when asked."""
        return self._written() if self._written is not None else []

    @property
    def bundles(self) -> list[dict]:
        """The manifest records of the bundles this build answers for, in manifest order: every
        one in a full build, the shard's locales (and English) with --locale."""
        manifest = read_manifest(self.manifest.parent) if self.manifest is not None else None
        records = manifest["bundles"] if manifest else []
        return [r for r in records if self.selection is None or r["locale"] in self.selection]

    @property
    def published(self) -> list[dict]:
        return [b for b in self.bundles if b["status"] == PUBLISHED]


# ----------------------------------------------------------------------------- jobs
#
# A job works on some articles of one locale and returns small records; it writes its own
# files. It is given its build (_Build) with its arguments: the worker processes are started
# by a fork server, and hold nothing of the build that runs them. _CONTEXT is what the
# process running a job keeps of its build between jobs: its articles, loaded from the parse
# cache, which the next job (the same articles in another locale) uses again.

_CONTEXT: dict = {}


@dataclass(frozen=True)
class _Build:
    """What a job needs of the build it is part of: sent with every job (a few kilobytes)."""

    token: str  # this build, among those a process has run jobs for
    project: Project
    site: Site
    digest: str
    staged: dict[str, str]  # folders of dist/ made from nothing, and where they are written (OutputDir)


def _context(build: _Build, articles: list[tuple[str, str]]) -> tuple[Project, "PartialSources"]:
    """The project and sources of ``build`` in the process running a job, knowing ``articles``
    (id, path): made at a worker's first job, kept for its next ones."""
    if _CONTEXT.get("token") != build.token:
        _CONTEXT.clear()
        root = build.project.root
        _CONTEXT.update(token=build.token, project=build.project,
                        sources=PartialSources(root, build.site, build.digest, [], parse_cache(root),
                                                build.project.config.required_roles))
    sources = _CONTEXT["sources"]
    sources.know(articles)
    return _CONTEXT["project"], sources


def _evaluate_job(build: _Build, tag: str, articles: list[tuple[str, str]]
                  ) -> tuple[list[dict], list[str], list[Problem], dict]:
    """Gate and JSON bundles for some articles of one locale (English: ``tag`` 'en'), and
    what the build keeps of what the job read: the locale's language facts, computed here,
    where the locale's CLDR data is loaded anyway, rather than in the parent, which would
    load every locale's (a megabyte each) and the language names of langcodes (24 MB) for
    the manifest; and the stamps of the PO files read, which the parent need not hash."""
    from pipeline.bundle import fallback_chain, language_info

    project, sources = _context(build, articles)
    article_ids = [article_id for article_id, _ in articles]
    site_bytes = (project.root / sources.site.path).read_bytes()
    sources.keep_only(article_ids)  # the last job's articles, when they are this one's too
    articles = tuple(sources.article(a) for a in article_ids)
    out = OutputDir(project.dist_dir, staged=build.staged)
    problems: list[Problem] = []
    stamps: dict[str, bytes] = {}  # the PO files read, by path: the build's stamps of them
    if tag == SOURCE_TAG:
        verdicts = ((article, None, ()) for article in articles)
    else:
        gate, locale_problems = _gate(project, sources, tag)
        problems.extend(locale_problems)
        # An article at a time: its catalogue, findings and texts go before the next is read.
        verdicts = gate.stream(articles)
    results = []
    for article, verdict, found in verdicts:
        problems.extend(found)
        results.append(_bundle(project, sources, out, article, tag, verdict, site_bytes)[0])
    if tag != SOURCE_TAG:
        stamps = {gate.data.paths[domain]: stamp for domain, stamp in gate.data.stamps.items()}
    return results, out.written, problems, {"language": language_info(tag), "chain": fallback_chain(tag),
                                            "stamps": stamps}


def _gate(project: Project, sources: "PartialSources", tag: str):
    """The gate of one locale (its site strings, glossary, ledger and checks' policy read),
    and the warnings about those files."""
    from pipeline.gate import LocaleGate

    locale = Locale(tag)
    approvals = None  # the gate's default: nothing approved
    if os.path.lexists(project.locale_dir(locale) / "reviews.yaml"):  # no ledger: no approvals, and
        from pipeline.review import approvals_for  # no need to import the review package (20 ms)

        approvals = approvals_for(project, locale)
    gate = LocaleGate(project, sources, approvals, errors_only=True, locale=locale)
    return gate, gate.problems()


def _bundle(project: Project, sources: "PartialSources", out: OutputDir, article, tag: str, verdict,
            site_bytes: bytes) -> tuple[dict, dict | None]:
    """One bundle's result for the build (its record, title and JSON file's stat), its JSON
    written when it is published; and the bundle itself (None when blocked)."""
    from pipeline.bundle import make_bundle

    record = {"article": article.id, "locale": tag}
    if verdict is not None and not verdict.published:
        record.update(status=BLOCKED, reasons=[r.to_json() for r in verdict.reasons],
                      coverage=verdict.coverage.to_json(), review_state=verdict.review_state, files={})
        return {"record": record, "title": None, "json_stat": None}, None
    bundle = make_bundle(sources, article, tag, verdict, _source_sha256(sources, article.id, site_bytes),
                         project.config.required_roles)
    json_path = f"{tag}/{article.id}.json"
    json_bytes = dumps(bundle)
    json_stat = out.write_stat(json_path, json_bytes)
    record.update(status=PUBLISHED, reasons=[], coverage=bundle["coverage"],
                  review_state=bundle["review"]["state"], files={"json": file_record(json_path, json_bytes)})
    return {"record": record, "title": bundle["title"]["text"], "json_stat": json_stat}, bundle


def _whole_job(build: _Build, articles: list[tuple[str, str]], tags: list[str]
               ) -> tuple[list[tuple[str, list[dict], list[Problem], dict, list[dict]]], list[str]]:
    """Both rounds at once, for a build that makes every bundle of every locale (a cold one):
    some articles in every locale, a locale at a time (its gate's data warm), then each
    article's pages, whose language switcher (the locales that published it) is then known.
    No bundle is read back for its page, and the build keeps each bundle's row once. A job
    holds its bundles until its pages are made: about BUNDLES_PER_WHOLE_JOB, whatever the
    number of locales.

    For each locale in ``tags``' order (the build turns it from one job to the next, so that two
    workers write into different folders of dist/ at a time): what :func:`_evaluate_job`
    returns of it (results, problems, facts) and its pages (what :func:`_render_job` returns);
    and the paths written.
    A worker keeps each locale's gate for its next jobs of the same build (:func:`_kept_gate`):
    a job of every locale would otherwise read every locale's site strings, glossary and
    ledger again."""
    from pipeline.bundle import fallback_chain, language_info

    project, sources = _context(build, articles)
    article_ids = [article_id for article_id, _ in articles]
    site_bytes = (project.root / sources.site.path).read_bytes()
    sources.keep_only(article_ids)
    out = OutputDir(project.dist_dir, staged=build.staged)
    gates = {tag: _kept_gate(project, sources, tag) for tag in tags if tag != SOURCE_TAG}
    found: dict[str, list[dict]] = {tag: [] for tag in tags}
    problems: dict[str, list[Problem]] = {tag: list(gates[tag][1]) if tag in gates else [] for tag in tags}
    stamps: dict[str, dict[str, bytes]] = {tag: {} for tag in tags}
    pages: dict[str, list[dict]] = {tag: [] for tag in tags}
    articles = [sources.article(article_id) for article_id in article_ids]
    made: dict[str, list[tuple[str, dict]]] = {article_id: [] for article_id in article_ids}
    order = {tag: place for place, tag in enumerate(tags)}
    for tag in tags:  # a locale at a time, its gate's data warm in the caches
        if tag == SOURCE_TAG:
            verdicts = ((article, None, ()) for article in articles)
        else:
            gate = gates[tag][0]
            verdicts = gate.stream(articles)  # each catalogue read when its turn comes, and let go after
        for article, verdict, article_problems in verdicts:
            problems[tag].extend(article_problems)
            result, bundle = _bundle(project, sources, out, article, tag, verdict, site_bytes)
            found[tag].append(result)
            if bundle is not None:
                made[article.id].append((tag, bundle))
        if tag != SOURCE_TAG:  # the stamps of the articles' PO files (a kept gate's data holds only the site's)
            data = gate.data
            for article_id in article_ids:
                path, stamp = data.paths.pop(article_id, None), data.stamps.pop(article_id, None)
                if stamp is not None:
                    stamps[tag][path] = stamp
            release_locale_data()  # one locale's CLDR data at a time (_kept_gate)
    # The pages, now that each article's switcher is known: a locale's folder at a time, each
    # bundle let go as soon as its page is written, while it is still in the processor's caches
    # (let go all at once after the last page, the bundles took 2% of the build to free).
    switchers = {article_id: [language_info(tag) for tag in ordered_tags([tag for tag, _ in published])]
                 for article_id, published in made.items()}
    queue = sorted((order[tag], place, tag, article_id) for place, article_id in enumerate(article_ids)
                   for tag, _ in made[article_id])
    bundles = {(tag, article_id): bundle for article_id, made_of in made.items() for tag, bundle in made_of}
    del made
    for _, _, tag, article_id in queue:
        pages[tag].append(_page(out, tag, article_id, bundles.pop((tag, article_id)), switchers[article_id]))
    for tag, (gate, _) in gates.items():
        data = gate.data
        stamps[tag].update((data.paths[domain], stamp) for domain, stamp in data.stamps.items())
    return [(tag, found[tag], problems[tag], {"language": language_info(tag), "chain": fallback_chain(tag),
                                             "stamps": stamps[tag]}, pages[tag]) for tag in tags], out.written


def _whole_slices(article_ids: list[str], locales: int, workers: int) -> list[list[str]]:
    """The articles of each whole job: about BUNDLES_PER_WHOLE_JOB bundles a job (what a job
    holds until its pages are made), and at least two jobs a worker where the articles allow,
    so that the workers share the work to the end. Four a worker made a small corpus's jobs
    half the size of a large one's (78 bundles at 100 x 5, 189 at 1,000 x 20): a worker's peak
    grew by 3 MB from one to the other. Jobs of 100 bundles at every size kept it level, but
    were slower at 1,000 x 20 (250 jobs against 112; three pairs back to back, 9.9 to 11.3 s
    against 9.3 to 9.9 s)."""
    per_job = max(1, min(BUNDLES_PER_WHOLE_JOB // locales, -(-len(article_ids) // (2 * workers))))
    return [article_ids[start:start + per_job] for start in range(0, len(article_ids), per_job)]


def _kept_gate(project: Project, sources: "PartialSources", tag: str):
    """:func:`_gate`, made at a worker's first job in the locale and kept for its next jobs of
    the same build (in _CONTEXT, which a new build clears). What every bundle and page needs of
    the locale's CLDR data is read here once (its language facts and long dates' stand-in, a
    few kilobytes, kept) and the data let go: a whole job lets go of the data a locale's
    bundles loaded after each locale (the checks' facts of a locale, kept once read; a number
    written as the locale writes it, for a finding's message), so that it holds one locale's
    at a time, as a job of one locale does."""
    gates = _CONTEXT.setdefault("gates", {})
    kept = gates.get(tag)
    if kept is None:
        from pipeline.bundle import date_locale, fallback_chain, language_info

        kept = gates[tag] = _gate(project, sources, tag)
        language_info(tag)
        fallback_chain(tag)
        date_locale(tag)
        release_locale_data()
    return kept


def _source_sha256(sources: "PartialSources", article_id: str, site_bytes: bytes) -> str:
    """The bundle's source hash: its article file (the bytes it was loaded from) and the site
    strings, as apps see it."""
    h = sources.file_hash(article_id).copy()
    h.update(b"\0")
    h.update(site_bytes)
    return h.hexdigest()


def _render_job(build: _Build, tag: str, article_ids: list[str], switchers: dict[str, tuple[str, ...]]
                ) -> tuple[list[dict], list[str]]:
    """Pages of some articles of one locale, with each article's language switcher (its tags)."""
    import orjson

    from pipeline.bundle import language_info

    project, sources = _context(build, [])
    sources.keep_only(())  # a worker's last evaluate job's articles: pages need none
    out = OutputDir(project.dist_dir, staged=build.staged)
    prefix = f"{out.folder(tag)}{os.sep}"
    results = []
    for article_id in article_ids:
        tags = switchers[article_id]
        # What dumps wrote (orjson: 14 µs, json's 30), read without a file object (four system
        # calls rather than nine).
        bundle = orjson.loads(read_with_stat(f"{prefix}{article_id}.json")[0])
        results.append(_page(out, tag, article_id, bundle, [language_info(t) for t in tags]))
    return results, out.written


def _page(out: OutputDir, tag: str, article_id: str, bundle: dict, languages: list[dict]) -> dict:
    """A bundle's page, written, and its result for the build (its file record and stat):
    ``languages`` are its switcher's (:func:`pipeline.bundle.html.render_article`)."""
    from pipeline.bundle.html import render_article

    html_path = f"{tag}/{article_id}.html"
    html_bytes = render_article(bundle, languages).encode("utf-8")
    html_stat = out.write_stat(html_path, html_bytes)
    return {"article": article_id, "html": file_record(html_path, html_bytes), "html_stat": html_stat}


class _Pool:
    """The worker processes of one build, started when first needed and kept for both rounds.

    A fork server starts them (``multiprocessing``'s "forkserver": a process started clean,
    with this module imported, forks each worker): forked from the build itself, a worker
    held whatever the build held when it forked, which grew with the corpus (the validation's
    leftovers and the build's bookkeeping, 1.5 to 3 MB more a worker at 1,000 articles than
    at 100). The fork server starts once in a process (0.1 s) and serves its later builds."""

    def __init__(self) -> None:
        self.executor = None

    def get(self, workers: int):
        if self.executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["pipeline.build"])
            self.executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        return self.executor

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
            self.executor = None


def _run(function: Callable, jobs: Iterable[tuple], workers: int, progress: Callable[[], None],
         pool: _Pool | None = None) -> Iterator[tuple[tuple, object]]:
    """Run ``function(*job)`` for every job, in worker processes when it pays (``pool``'s,
    or a pool of its own); yield each job and its result in job order, as soon as it and those
    before it are done.

    A generator, so the caller takes in each job's results before the next arrive: a cold
    build's evaluate jobs return 21,000 records, which held all at once were 46 MB of the
    parent's peak (docs/performance.md). Jobs are taken from ``jobs`` as they are submitted,
    two a worker ahead of the one whose result is taken in: a job's arguments are made when it
    is about to run, and no more results than that wait for the caller."""
    jobs = iter(jobs)
    if workers > 1:
        ahead = list(itertools.islice(jobs, 2 * workers))
        if len(ahead) <= 1:
            workers = 1
        jobs = itertools.chain(ahead, jobs)
    if workers <= 1:
        for job in jobs:
            result = _job(function, *job)
            progress()
            yield job, result
            del result
        return
    own = pool is None
    pool = pool or _Pool()
    try:
        executor = pool.get(min(workers, len(ahead)))
        pending: collections.deque = collections.deque()
        for job in itertools.islice(jobs, 2 * workers):
            pending.append((job, executor.submit(_job, function, *job)))
        while pending:
            job, future = pending.popleft()
            result = future.result()
            del future  # a done future keeps its result: let it go with the caller's
            following = next(jobs, None)
            if following is not None:
                pending.append((following, executor.submit(_job, function, *following)))
            progress()
            yield job, result
            del job, result
    finally:
        if own:
            pool.close()


def run_jobs(function: Callable, jobs: Iterable[tuple], bundles: int) -> Iterator[tuple[tuple, object]]:
    """For another command (``check``): ``function(*job)`` for each job, in worker processes when
    ``bundles`` are enough to pay for them (as a build decides: ``PARALLEL_MIN``,
    ``PIPELINE_JOBS``), each job and its result in job order (:func:`_run`)."""
    return _run(function, jobs, _workers(None, bundles), lambda: None)


def _job(function: Callable, *job):
    """Run a job with the cyclic garbage collector paused, then collect once, and let go of
    the job's locale data (:func:`pipeline.locales.release_locale_data`).

    A job makes hundreds of thousands of short-lived objects, nearly all freed by reference
    counting; the collector's passes over them (and over the loaded sources) were a
    twentieth of a cold build. What cycles a job leaves are collected when it ends, from
    the youngest generation only: that is where everything the job made still is, and a
    full collection would walk the loaded sources again for every job.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return function(*job)
    finally:
        release_locale_data()
        if enabled:
            gc.enable()
            gc.collect(0)


# Articles a job of the validation parses (_parse_in): at 1,000 articles, ten a worker, so that
# the parent takes each job's articles in while the workers parse the next.
ARTICLES_PER_PARSE = 50


def _parse_in(pool: _Pool, jobs: int | None):
    """How a build validates the articles it must parse (pipeline.source.Parse): in the
    build's workers, a slice a job, when they are enough to pay for the workers' start (as
    the bundles decide it: ``PARALLEL_MIN``); the workers then stay for the rounds. The
    parent would otherwise parse them alone, with the other core idle: at 1,000 articles,
    0.75 s before the first bundle."""
    from pipeline.source import parse_articles

    def parse(items: list[tuple[str, str]], roles: frozenset[str]):
        workers = _workers(jobs, len(items))
        if workers <= 1:
            return None
        slices = ((items[start:start + ARTICLES_PER_PARSE], roles)
                  for start in range(0, len(items), ARTICLES_PER_PARSE))
        return (made for _, results in _run(parse_articles, slices, workers, lambda: None, pool)
                for made in results)

    return parse


def _workers(jobs: int | None, amount: int) -> int:
    if amount < PARALLEL_MIN:
        return 1
    if jobs is None:
        jobs = int(os.environ.get("PIPELINE_JOBS") or os.cpu_count() or 1)
    return max(1, jobs)


# ----------------------------------------------------------------------------- build


def _environment(project: Project) -> str:
    """What every bundle depends on beyond its own files: code, libraries, configuration."""
    from pipeline.bundle.html import templates_digest  # reads the templates; imports no Jinja2

    return digest(code_digest(), templates_digest(), project.config.text,
                  ",".join(sorted(project.config.required_roles)))


def build(
    project: Project,
    locale_tags: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
) -> BuildResult:
    """Run the gate on every bundle and write ``dist/``; see the module docstring for the guarantees.

    The worker processes are started by a fork server, which, like every start method but
    ``fork``, imports the main script of the program again in each worker: a script that calls
    this function must do so under ``if __name__ == "__main__":`` (the ``pipeline`` command does).
    Unguarded, each worker would start a build of its own, and wait for the first's lock."""
    import multiprocessing.process
    import sqlite3

    if getattr(multiprocessing.process.current_process(), "_inheriting", False):
        raise RuntimeError('pipeline.build.build() was called while a worker process of a build was importing '
                           'the main script again: call it under if __name__ == "__main__": in that script')
    env = _environment(project)
    cache_dir = project.root / ".pipeline-cache"
    refuse_links(project)
    with build_lock(project):
        for attempt in (1, 2):
            state = BuildState.load(cache_dir, env)
            pool = _Pool()
            try:
                return _build(project, state, env, locale_tags, progress, jobs, pool)
            except sqlite3.DatabaseError as error:
                # The state's file went bad under the build (a damaged page found late): it is a
                # cache; build again without it, which makes every bundle again. Twice is the
                # file system's doing (a full disk: SQLite's "database or disk is full").
                state.close()
                with contextlib.suppress(OSError):
                    os.unlink(state.path)
                if attempt == 2:
                    raise OSError(0, f"the build's state could not be kept ({error})", str(state.path)) from error
            finally:
                pool.close()
                state.close()
    raise AssertionError("unreachable")


def _build(project: Project, state: BuildState, env: str, locale_tags: list[str] | None,
           progress: Callable[[int, int], None] | None, jobs: int | None, pool: "_Pool") -> BuildResult:
    cache_dir = project.root / ".pipeline-cache"
    roles = project.config.required_roles
    from pipeline.bundle import KNOWN_CHAINS, KNOWN_LANGUAGES

    KNOWN_LANGUAGES.update(state.outputs.get("languages", {}))
    KNOWN_CHAINS.update(state.outputs.get("chains", {}))
    stamps = Stamps(project.root, state.stamps, state.saved_ns)
    parsed = parse_cache(project.root)  # shared with the other commands
    # source/ exactly as the last build validated it: no need to read it again; the
    # articles that changed bundles show are loaded from the parse cache when needed.
    files = _source_files(project)
    file_hashes = {display: stamps.of(display) for display in files}
    known = state.sources
    if known and known.get("files") == file_hashes:
        articles = known["articles"]  # [[id, path], ...], sorted by id
        site = load_site(project.root, roles)
        sources = PartialSources(project.root, site, known["digest"], articles, parsed, roles)
    else:
        # Validated, then loaded from the parse cache where they are evaluated (_evaluate_job);
        # an article file with the bytes the last build validated is valid still.
        validated = ({path: (known["files"].get(path), article_id) for article_id, path in known["articles"]}
                     if known and "articles" in known else None)
        site, articles, source_digest = validate_sources(project.root, roles, parsed, validated,
                                                         _parse_in(pool, jobs))
        parsed.flush()
        if (cache_dir / "parsed").is_dir():  # the one-file-per-article cache of earlier versions
            shutil.rmtree(cache_dir / "parsed", ignore_errors=True)
        sources = PartialSources(project.root, site, source_digest, articles, parsed, roles)
        # The locale folders validated before stay known: source/ says nothing about them,
        # and validating 20 folder names again imports langcodes' tables (0.15 s).
        known = {"files": file_hashes, "articles": articles, "digest": source_digest,
                 "locale_folders": (known or {}).get("locale_folders")}
    shard = bool(locale_tags)
    locales, problems = project.select_locales(locale_tags or [], known.get("locale_folders"))
    if project.config.checks:  # a bad [tool.pipeline.checks] fails before dist/ is touched
        from pipeline.qa import validate_policy

        validate_policy(project.config, locales)
    if not shard:
        known = {**known, "locale_folders": {l.folder: l.tag for l in locales}}
    result = BuildResult(problems=list(problems))
    dist = project.dist_dir
    dist_prefix = str(dist) + os.sep
    building = [SOURCE_TAG, *(l.tag for l in locales)]
    remove_staged(dist)  # what a killed build left

    def known_manifest() -> "_KnownManifest | None":
        if shard or "head" not in state.outputs or state.outputs.get("manifest") != file_stat(dist / MANIFEST):
            return None
        return _KnownManifest(state, state.outputs["head"])

    # A build without a state makes every bundle again (unless it is a shard, which keeps the
    # other shards' records from the manifest on disk).
    out = OutputDir(dist, known_manifest, everything=None if shard or state.has_bundles else sources.digest)

    # What each bundle is made of, and which ones must be evaluated again: a locale's rows at a
    # time (the state is on disk: docs/performance.md, "Memory").
    site_source = file_hashes["source/site.yaml"]
    article_ids = [sys.intern(article_id) for article_id, _ in articles]
    hashes = {article_id: f"{file_hashes[path]}:{site_source}" for article_id, path in articles}
    shared_of: dict[str, tuple[str, str]] = {}  # tag: (its locale folder, the key part its bundles share)
    dirty: dict[str, list[str]] = {}
    # Locales with a file of dist/ whose stat changed but whose bytes did not (a copied or
    # restored dist/): their rows are saved with the new stats.
    refreshed: set[str] = set()
    added = removed = stamps_changed = False
    for locale in [None, *locales]:
        tag = SOURCE_TAG if locale is None else locale.tag
        if locale is None:
            shared = "source"
            folder = ""
        else:
            folder = f"locales/{locale.folder}"
            shared = digest(stamps.of(f"{folder}/LC_MESSAGES/{SITE_DOMAIN}.po"),
                            stamps.of(f"{folder}/glossary.yaml"), stamps.of(f"{folder}/reviews.yaml"))
        shared_of[tag] = (folder, shared)
        rows = state.locale_rows(tag)
        new_stamps: list[tuple[str, bytes | None]] = []
        new_stats: list[tuple[str, bytes]] = []
        for article_id in article_ids:
            prev = rows.pop(article_id, None)
            if prev is None:
                # Nothing to compare its key with: it is evaluated anyway, and the worker that
                # reads its PO file stamps it (a cold build reads 20,000 files once, not twice).
                added = True
                dirty.setdefault(tag, []).append(article_id)
                continue
            prev_key, status, json_stat, json_sha, po_stamp = prev
            own = ""
            if locale is not None:
                stamp = stamps.po(f"{folder}/LC_MESSAGES/{article_id}.po", po_stamp)
                own = "-" if stamp is None else stamp[:HASH].hex()
                if stamp != po_stamp:
                    new_stamps.append((article_id, stamp))
            # env is the same for every key (a changed env discards the whole state).
            if prev_key == bundle_key(hashes[article_id], shared, own):
                if status == BLOCKED or file_stat(f"{dist_prefix}{tag}/{article_id}.json") == json_stat:
                    continue
                stat = verified_stat(f"{dist_prefix}{tag}/{article_id}.json", json_sha)
                if stat is not None:
                    new_stats.append((article_id, stat))
                    refreshed.add(tag)
                    continue
            dirty.setdefault(tag, []).append(article_id)
        if new_stamps:
            state.refresh(tag, "po_stamp", new_stamps)
            stamps_changed = True
        if new_stats:
            state.refresh(tag, "json_stat", new_stats)
        if rows:  # articles gone
            state.delete(tag, list(rows))
            removed = True
        del rows
    others = False  # the state has bundles of locales this build does not make
    for tag in state.tags():
        if tag not in shared_of:
            if shard:
                others = True
            else:
                state.delete(tag)
                removed = True

    def key_of(tag: str, article_id: str, stamp: bytes | None) -> bytes:
        shared = shared_of[tag][1]
        own = "" if tag == SOURCE_TAG else "-" if stamp is None else stamp[:HASH].hex()
        return bundle_key(hashes[article_id], shared, own)

    dirty_count = sum(len(v) for v in dirty.values())
    workers = _workers(jobs, dirty_count)
    # Every bundle of every locale to make (a cold build, or one after source/site.yaml
    # changed): both rounds at once, some articles in every locale a job (_whole_job), when
    # the articles are enough for two such jobs a worker (fewer would leave a worker idle).
    whole = (WHOLE_JOBS and not shard and len(article_ids) >= 2 * workers and set(dirty) == set(building)
             and all(len(dirty[tag]) == len(article_ids) for tag in building))
    # Jobs by slice of articles, then locale: a worker takes the same articles in several
    # locales in a row, and loads them from the parse cache once (see _evaluate_job).
    evaluate = [] if whole else [(tag, ids[start:start + ARTICLES_PER_JOB])
                                 for start, tag, ids in sorted((start, tag, ids) for tag, ids in dirty.items()
                                                               for start in range(0, len(ids), ARTICLES_PER_JOB))]
    slices = _whole_slices(article_ids, len(building), workers) if whole else []
    paths = dict(articles)
    jobs_total = [len(evaluate) + len(slices), 0]
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress:
            progress(done[0], max(jobs_total[0] + jobs_total[1], done[0]))

    index_tags: set[str] = set()  # locales with a bundle whose title or status changed: their index lists
    status_changed = False  # a bundle was published or blocked: the files dist/ should hold changed
    from pipeline.bundle.html import use_bytecode_cache

    use_bytecode_cache(cache_dir / "templates")
    # The locales whose folder of dist/ this build makes from nothing (every one, in a cold
    # build) are written into hidden folders, which take their names after round 2.
    staged = stage_folders(dist, sorted(tag for tag in dirty if not os.path.lexists(dist_prefix + tag)))
    job_build = _Build(os.urandom(8).hex(), project, sources.site, sources.digest, staged)
    _CONTEXT.update(token=job_build.token, project=project, sources=sources)  # for jobs run in this process
    kept_old: list[dict] = []
    made_whole: set[str] = set()  # folders of dist/ made from nothing and named whole: no stale file in them
    try:
        # Round 1: the gate and the JSON bundles of what changed, some articles of a locale a job.
        out.retract((tag, a) for tag, ids in evaluate for a in ids)
        out.retract((tag, a) for ids in slices for a in ids for tag in building)
        # What is wrong in the catalogues read (edited msgids, Plural-Forms, the glossary): each
        # problem belongs to a bundle (its PO file) or to its locale (site.po, glossary, ledger).
        # Only owners with a problem are listed: the others read again are known from the state.
        found_problems: dict[str, list[Problem]] = {}

        def take(tag: str, ids: list[str], found: list[dict], job_problems: list[Problem], facts: dict,
                 pages: dict[str, tuple[dict, str]] | None = None) -> list[tuple[Kept, bytes | None]]:
            """Keep what a job made of some articles in one locale: its stamps and its problems;
            and give its rows (with each page made with them, ``pages``: the page's file record
            and switcher, by article) for the state."""
            nonlocal status_changed, stamps_changed
            KNOWN_LANGUAGES.setdefault(tag, facts["language"])  # for the pages' switchers, the
            KNOWN_CHAINS.setdefault(tag, facts["chain"])  # index and the manifest
            folder = shared_of[tag][0]
            po_of = {f"{folder}/LC_MESSAGES/{article_id}.po": article_id for article_id in ids}
            po_stamps: dict[str, bytes] = {}
            for relative, stamp in facts["stamps"].items():
                if relative in po_of:
                    po_stamps[po_of[relative]] = stamp
                else:
                    stamps.record(relative, stamp)
            for problem in job_problems:  # each job reads its locale's site.po and glossary again
                article_id = po_of.get(problem.path or "")
                owned = found_problems.setdefault(tag if article_id is None else f"{tag}/{article_id}", [])
                if problem not in owned:
                    owned.append(problem)
            rows = []
            for item in found:
                article_id = item["record"]["article"]
                before = state.get(tag, article_id) if state.has_bundles else None
                if before is None or before.status != item["record"]["status"]:
                    index_tags.add(tag)
                    status_changed = True
                elif before.title != item["title"]:
                    index_tags.add(tag)
                stamp = None
                if tag != SOURCE_TAG:
                    stamp = po_stamps.get(article_id)
                    if stamp is None:  # not read (missing): stamped here, '-' when it is
                        stamp = stamps.po(f"{folder}/LC_MESSAGES/{article_id}.po", None)
                entry = Kept.evaluated(key_of(tag, article_id, stamp), item["record"], item["title"],
                                       item["json_stat"])
                page = pages.get(article_id) if pages else None
                if page is not None:  # made with its bundle: round 2 has nothing to do for it
                    made, switcher = page
                    entry.html_key = (entry.json_sha, switcher)
                    entry.with_page(made["html"])
                    entry.html_stat = made["html_stat"]
                rows.append((entry, stamp))
            if po_stamps:
                stamps_changed = True
            return rows

        # Each job with its articles' paths, made as it is submitted (_run).
        with_paths = ((job_build, tag, [(a, paths[a]) for a in ids]) for tag, ids in evaluate)
        for (_, tag, pairs), (found, written, job_problems, facts) in (
                _run(_evaluate_job, with_paths, workers, tick, pool) if evaluate else ()):
            out.record_written(written)
            state.put(take(tag, [article_id for article_id, _ in pairs], found, job_problems, facts))
            del found
        spelled: dict[tuple[str, ...], str] = {}  # one str for each switcher, as round 2 spells it
        # Each job's locales from a place of their own: two jobs running at once write into
        # different folders of dist/, rather than both into each in turn.
        whole_jobs = ((job_build, [(a, paths[a]) for a in ids], building[place:] + building[:place])
                      for ids, place in zip(slices, itertools.cycle(range(0, len(building), 3))))
        for (_, pairs, _), (parts, written) in _run(_whole_job, whole_jobs, workers, tick, pool) if slices else ():
            out.record_written(written)
            ids = [article_id for article_id, _ in pairs]
            published: dict[str, list[str]] = {}
            for tag, _, _, _, pages in parts:
                for made in pages:
                    published.setdefault(made["article"], []).append(tag)
            switcher_of = {}
            for article_id, tags in published.items():
                ordered = tuple(ordered_tags(tags))
                switcher_of[article_id] = spelled.setdefault(ordered, ",".join(ordered))
            rows = []  # every locale's, kept at once: a job's 21 locales were 42 calls of SQLite's
            for tag, found, job_problems, facts, pages in parts:
                rows.extend(take(tag, ids, found, job_problems, facts,
                                 {made["article"]: (made, switcher_of[made["article"]]) for made in pages}))
            state.put(rows)
            del parts, rows

        # Round 2: pages whose bundle or language switcher changed, made from the JSON bundles
        # (none after whole jobs, which made every page with its bundle).
        sources.keep_only(())
        old = out.old_manifest if shard else None  # the other shards' records: never retracted here
        kept_old = [b for b in (out.listed if old else []) if b["locale"] not in shared_of and files_intact(dist, b)]
        published: dict[str, list[str]] = {}
        for record in kept_old:
            if record["status"] == PUBLISHED:
                published.setdefault(record["article"], []).append(record["locale"])
        interned = {tag: tag for tag in building}
        for article, tag in (state.published(building if shard else None) if not whole else ()):
            published.setdefault(article, []).append(interned.get(tag) or sys.intern(tag))
        switchers = {article: tuple(ordered_tags(tags)) for article, tags in published.items()}
        del published
        # One str for each switcher: the state keeps each page's with it.
        joined = {article: spelled.setdefault(tags, ",".join(tags)) for article, tags in switchers.items()}
        render: list[tuple[str, list[str]]] = []  # a locale's pages, some articles a job, as for round 1
        article_of = {article_id: article_id for article_id in article_ids}
        for tag in sorted(building) if not whole else ():
            items: list[str] = []
            stats: list[tuple[str, bytes]] = []
            for article, json_sha, html_json_sha, html_switcher, html_path, html_stat, html_sha, fragment in \
                    state.pages(tag):
                # What the page is made of: its bundle and its switcher.
                if html_json_sha == json_sha and html_switcher == joined[article] and html_path:
                    if file_stat(dist_prefix + html_path) == html_stat:
                        continue
                    if fragment is not None:  # the record is kept encoded: the page's hash is in it
                        html_sha = (json.loads(fragment)["files"].get("html") or {}).get("sha256")
                    stat = verified_stat(dist_prefix + html_path, html_sha)
                    if stat is not None:
                        stats.append((article, stat))
                        refreshed.add(tag)
                        continue
                items.append(article_of.get(article) or article)
            if stats:
                state.refresh(tag, "html_stat", stats)
            render.extend((tag, items[start:start + ARTICLES_PER_JOB]) for start in range(0, len(items), ARTICLES_PER_JOB))
            del items
        jobs_total[1] = len(render)
        out.retract((tag, a) for tag, items in render for a in items)
        # Each job with the switchers of its own articles, made as it is submitted (_run).
        with_switchers = ((job_build, tag, items, {a: switchers[a] for a in items}) for tag, items in render)
        for (_, tag, _, _), (found, written) in (_run(_render_job, with_switchers, _workers(
                jobs, sum(len(i) for _, i in render)), tick, pool) if render else ()):
            out.record_written(written)
            pages = []
            for item in found:
                entry = state.get(tag, item["article"])
                entry.html_key = (entry.json_sha, joined[entry.article])
                entry.with_page(item["html"])
                entry.html_stat = item["html_stat"]
                pages.append(entry)
            state.set_pages(pages)
            del found, pages
        rendered_tags = {tag for tag, _ in render}
        del render
        made_whole = publish_staged(dist, staged)
        staged = {}
    finally:
        pool.close()
        _CONTEXT.clear()
        if staged:  # the build failed: nothing of the new folders is published
            remove_staged(dist)

    # The problems of what this build did not read again are the ones the last build found:
    # a warning is printed by every build until it is fixed, not only by the one that read it.
    evaluated: dict[str, set[str]] = {}  # made when asked: few owners have a problem

    def read_again(owner: str) -> bool:
        """Whether this build read the owner's file again: a bundle it evaluated, or a locale."""
        tag, _, article_id = owner.partition("/")
        if tag not in dirty:
            return False
        if not article_id:
            return True
        if tag not in evaluated:
            evaluated[tag] = set(dirty[tag])
        return article_id in evaluated[tag]

    def current(owner: str) -> bool:
        tag, _, article_id = owner.partition("/")
        return tag in shared_of and (not article_id or article_id in hashes)

    problems_kept = {owner: listed for owner, listed in state.outputs.get("problems", {}).items()
                     if not read_again(owner) and (current(owner)
                                                   or shard and owner.split("/", 1)[0] not in shared_of)}
    problems_kept.update((owner, tuple(listed)) for owner, listed in found_problems.items() if listed)
    reported = {problem for owner, listed in problems_kept.items() if owner.split("/", 1)[0] in shared_of
                for problem in listed}
    result.problems.extend(sorted(reported, key=lambda p: (p.path or "", p.line or 0, p.message, p.hint or "")))

    same_bundles = not added and not removed and not others  # the bundles the last build made, no more
    # A folder of dist/ whose mtime is the one the last build recorded (and older than that
    # build by the racy margin) holds the same names; with the same bundles expected, it
    # holds no stale file. Listing 20 folders of 2,000 names costs a tenth of a second.
    same_listing = set()
    if not shard and not status_changed and same_bundles:
        limit = state.saved_ns - RACY_NS
        for name, mark in state.outputs.get("folders", {}).items():
            if mark < limit and file_mtime(dist_prefix + name) == mark:
                same_listing.add(name)
    old_files: dict[str, set[str]] = {}  # other shards' files, by folder
    for record in kept_old:
        for info in record["files"].values():
            folder, _, name = info["path"].partition("/")
            old_files.setdefault(folder, set()).add(name)

    def expected(folder: str) -> set[str]:
        names = state.expected_files(folder) if folder in shared_of else set()
        return names | old_files.get(folder, set())

    stale = stale_files(dist, expected, None if not shard else set(shared_of), skip=same_listing | made_whole)
    if stale:
        out.retract(sorted({(p.split("/")[0], p.split("/")[1].removesuffix(".json").removesuffix(".html"))
                            for p in stale if p.count("/") == 1}))
        for path in stale:
            out.remove(path)
        remove_empty_folders(dist)
    selection = sorted(shared_of) if shard else None
    total = state.count() if not shard else None
    outputs = {"selection": selection, "source": sources.digest, "bundles": total}
    # Nothing evaluated, rendered or removed, and the index and manifest are the files the
    # last build of this selection wrote: they would come out the same, so skip them.
    last = {k: v for k, v in state.outputs.items()
            if k not in ("index_heading", "languages", "chains", "head", "folders", "problems")}
    untouched = (not evaluate and not rendered_tags and not stale and same_bundles
                 and last == {**outputs, "index": file_stat(dist / INDEX), "manifest": file_stat(dist / MANIFEST)})
    if not untouched:
        heading = sources.site.labels["articles"].text
        same_lists = same_bundles and not stale and not shard  # but for the locales in index_tags
        if (same_lists and not index_tags and state.outputs.get("index_heading") == heading
                and state.outputs.get("index") == file_stat(dist / INDEX)):
            index_record = index_record_of(dist / INDEX)  # the same titles and statuses: the same page
        else:
            index_record = write_index(state, out, dist, heading, building if shard else None, kept_old,
                                        index_tags if same_lists else None)
        tags = [SOURCE_TAG, *(l.tag for l in locales)]
        manifest = dict(unfinished_manifest(sources.digest), complete=True, index=index_record)
        listed_tags = {tag for tag in state.tags() if not shard or tag in shared_of}
        listed_tags.update(r["locale"] for r in kept_old)
        manifest["locales"] = locales_section(ordered_tags([*tags, *listed_tags]))
        if shard and old:
            merged = {**old.get("locales", {}), **manifest["locales"]}
            manifest["locales"] = {k: v for k, v in merged.items() if k in listed_tags}
        out.write_chunks(MANIFEST, manifest_chunks(manifest, _records(state, building if shard else None, kept_old)))
        state.list_all()
        outputs.update(index_heading=heading, languages=dict(KNOWN_LANGUAGES), chains=dict(KNOWN_CHAINS))
        if not shard:  # a shard's manifest lists other shards' records, which the state does not hold
            outputs["head"] = {k: v for k, v in manifest.items() if k != "bundles"}
        outputs.update(index=file_stat(dist / INDEX), manifest=file_stat(dist / MANIFEST),
                       folders=folder_marks(dist), problems=problems_kept)
    new_stamps = {**(state.stamps if shard else {}), **stamps.now}
    if (not untouched or stamps_changed or new_stamps != state.stamps or known != state.sources or refreshed
            or state.env != env):
        state.save(env, new_stamps, outputs if not untouched else state.outputs, known)
    result.published_count, result.blocked = _summary(state, building if shard else None)
    result.manifest = dist / MANIFEST
    result.selection = set(shared_of) if shard else None
    result.written_count, result._written = out.written_count, out.all_written
    result.removed = out.removed
    return result


def _records(state: BuildState, tags: list[str] | None, kept_old: list[dict]) -> Iterator[str]:
    """The manifest's records, encoded, by article then locale: the state's (of ``tags``), and
    the other shards' kept from the manifest on disk."""
    ours = ((article, locale, record) for article, locale, record in state.records(tags))
    if not kept_old:
        return (record for _, _, record in ours)
    theirs = sorted((r["article"], r["locale"], dumps(r).decode("utf-8")[:-1]) for r in kept_old)
    return (record for _, _, record in heapq.merge(ours, theirs))


def _summary(state: BuildState, tags: list[str] | None) -> tuple[int, list[dict]]:
    """How many bundles are published, and the blocked ones' records (the command line lists them)."""
    wanted = None if tags is None else set(tags)
    return state.published_count(wanted), state.blocked_records(wanted)


class _KnownManifest:
    """The manifest on disk as the last build wrote it: its fields but the bundles, and the
    state's rows it lists (``listed``), which a build changes only after retracting them."""

    def __init__(self, state: BuildState, head: dict) -> None:
        self.state = state
        self.head = head

    def unlist(self, pairs: Iterable[tuple[str, str]]) -> set[str]:
        """Stop listing these bundles; the locales of those that were listed."""
        tags: set[str] = set()
        for tag, group in itertools.groupby(pairs, key=lambda pair: pair[0]):
            if self.state.unlist(tag, (article for _, article in group)):
                tags.add(tag)
        return tags

    def tags(self) -> set[str]:
        return self.state.listed_tags()

    def records(self) -> Iterator[str]:
        return (record for _, _, record in self.state.records(listed=True))


def file_mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def folder_marks(dist: Path) -> dict[str, int]:
    """Each folder of dist/ and its mtime, which any file added, removed or renamed in it changes."""
    marks = {}
    with os.scandir(dist) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                marks[entry.name] = entry.stat(follow_symlinks=False).st_mtime_ns
    return marks


def _source_files(project: Project) -> list[str]:
    """The files of source/ that load_sources reads, as paths under the root."""
    folder = project.root / "source" / "articles"
    names = sorted(n for n in os.listdir(folder) if n.endswith((".yaml", ".yml"))) if folder.is_dir() else []
    return ["source/site.yaml", *(f"source/articles/{n}" for n in names)]
