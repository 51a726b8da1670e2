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
or its language switcher did. Large builds spread the locales over worker processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import fsutil
from pipeline.buildstate import BuildState, ParsedCache, Stamps, code_digest, digest, file_stat
from pipeline.bundle import SCHEMA_VERSION
from pipeline.errors import Problem
from pipeline.locales import SOURCE_TAG, Locale
from pipeline.project import Project
from pipeline.source import SITE_DOMAIN, Article, Site, Sources, article_key, load_site, load_sources

# The gate, the checks, Babel and Jinja2 are imported where they are used: a no-op rebuild
# of 20,000 bundles needs none of them, and importing them costs a fifth of a second.
PUBLISHED = "published"  # the gate's words (tests/test_incremental.py checks they agree)
BLOCKED = "blocked"

MANIFEST = "manifest.json"
INDEX = "index.html"
# Below this many bundles to evaluate, worker processes cost more than they save.
PARALLEL_MIN = 200


def dumps(data: object) -> bytes:
    """Deterministic JSON: sorted keys, compact, UTF-8, a final newline.

    Compact because the C encoder serialises it ten times faster than an indented one,
    and apps parse it; ``python -m json.tool`` shows it indented.
    """
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def file_record(path: str, data: bytes) -> dict:
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file of dist/: atomic, without fsync (a rebuild recreates it)."""
    fsutil.atomic_write_bytes(path, data, durable=False)


@dataclass
class BuildResult:
    # The manifest records of the bundles this build evaluated: every one in a full build,
    # the shard's locales (and English) with --locale; a shard answers for its own locales.
    bundles: list[dict] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def published(self) -> list[dict]:
        return [b for b in self.bundles if b["status"] == PUBLISHED]

    @property
    def blocked(self) -> list[dict]:
        return [b for b in self.bundles if b["status"] == BLOCKED]


def _bundle_id(record: dict) -> str:
    return f"{record['locale']}/{record['article']}"


class _Output:
    """Writes into dist/; before a bundle's files change, the manifest stops listing it."""

    def __init__(self, dist: Path, known: Callable[[], tuple | None] | None = None) -> None:
        self.dist = dist
        # The manifest on disk as the last build recorded it: its fields but the bundles, and
        # each bundle's (id, locale, encoded record). Retracting from it needs no parsing;
        # it is put together only when a retraction happens.
        self._known_factory = known
        self._known_made = False
        self._known: tuple | None = None
        self._old: dict | None = None
        self._read = False
        self.written: list[str] = []
        self.removed: list[str] = []
        self.retracted = False

    @property
    def old_manifest(self) -> dict | None:
        """The manifest on disk before this build: read when first needed (9 MB at 20,000 bundles)."""
        if not self._read:
            self._read = True
            self._old = _read_manifest(self.dist)
            self.listed = list((self._old or {}).get("bundles", []))
        return self._old

    def retract(self, ids: set[str], index: bool = False) -> None:
        """Rewrite the manifest without the bundles in ``ids`` (and without the index's hash,
        with ``index``), before their files change; nothing when it lists none of them."""
        if not ids and not index:
            return
        if not self._known_made:
            self._known_made = True
            self._known = self._known_factory() if self._known_factory else None
        if self._known is not None:
            head, listing = self._known
            if not any(bundle_id in ids for bundle_id, _, _ in listing) and not (index and not self.retracted):
                return
            self.retracted = True
            listing = [item for item in listing if item[0] not in ids]
            self._known = (head, listing)
            kept_locales = {locale for _, locale, _ in listing}
            interim = dict(head, index=None, complete=False,
                           locales={tag: info for tag, info in head.get("locales", {}).items() if tag in kept_locales})
            atomic_write_bytes(self.dist / MANIFEST, dumps_manifest(interim, [f for _, _, f in listing]))
            return
        if not self.old_manifest:
            return
        dropping = [b for b in self.listed if _bundle_id(b) in ids]
        if not dropping and not (index and not self.retracted):
            return
        self.retracted = True
        self.listed = [b for b in self.listed if _bundle_id(b) not in ids]
        kept_locales = {b["locale"] for b in self.listed}
        interim = dict(self.old_manifest, bundles=self.listed, index=None, complete=False,
                       locales={tag: info for tag, info in self.old_manifest.get("locales", {}).items()
                                if tag in kept_locales})
        atomic_write_bytes(self.dist / MANIFEST, dumps(interim))

    def write(self, relative: str, data: bytes) -> bool:
        path = self.dist / relative
        if not fsutil.differs(path, data):
            return False
        atomic_write_bytes(path, data)
        self.written.append(relative)
        return True

    def remove(self, relative: str) -> None:
        path = self.dist / relative
        if path.is_file():
            path.unlink()
            self.removed.append(relative)


@contextlib.contextmanager
def build_lock(project: Project) -> Iterator[None]:
    """An exclusive lock for the duration of a build (fcntl.flock; released if the process dies)."""
    import fcntl

    lock_dir = project.root / ".pipeline-cache"
    lock_dir.mkdir(exist_ok=True)
    with open(lock_dir / "build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_manifest(dist: Path) -> dict | None:
    try:
        data = json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("bundles"), list) else None


# ----------------------------------------------------------------------------- jobs
#
# A job works on one locale and returns small records; it writes its own files. Worker
# processes are forked after _CONTEXT is set, so they share the loaded sources.

_CONTEXT: dict = {}


def _evaluate_job(tag: str, article_ids: list[str]) -> tuple[list[dict], list[str], list[Problem]]:
    """Gate and JSON bundles for some articles of one locale (English: ``tag`` 'en')."""
    from pipeline.bundle import make_bundle
    from pipeline.gate import evaluate_locale
    from pipeline.review import approvals_for

    project: Project = _CONTEXT["project"]
    sources: Sources = _CONTEXT["sources"]
    site_bytes = (project.root / sources.site.path).read_bytes()
    required = project.config.required_roles
    articles = tuple(sources.article(a) for a in article_ids)
    out = _Output(project.dist_dir)
    problems: list[Problem] = []
    if tag == SOURCE_TAG:
        verdicts = [None] * len(articles)
    else:
        locale = Locale(tag)
        report = evaluate_locale(project, sources, locale, approvals_for(project, locale), articles,
                                 errors_only=True)
        verdicts = list(report.verdicts)
        problems.extend(report.problems)
    results = []
    for article, verdict in zip(articles, verdicts):
        record = {"article": article.id, "locale": tag}
        if verdict is not None and not verdict.published:
            record.update(status=BLOCKED, reasons=[r.to_json() for r in verdict.reasons],
                          coverage=verdict.coverage.to_json(), review_state=verdict.review_state, files={})
            results.append({"record": record, "title": None, "json_stat": None})
            continue
        bundle = make_bundle(sources, article, tag, verdict, _source_sha256(project, article.path, site_bytes),
                             required)
        json_path = f"{tag}/{article.id}.json"
        json_bytes = dumps(bundle)
        out.write(json_path, json_bytes)
        record.update(status=PUBLISHED, reasons=[], coverage=bundle["coverage"],
                      review_state=bundle["review"]["state"], files={"json": file_record(json_path, json_bytes)})
        results.append({"record": record, "title": bundle["title"]["text"],
                        "json_stat": file_stat(project.dist_dir / json_path)})
    return results, out.written, problems


def _source_sha256(project: Project, article_path: str, site_bytes: bytes) -> str:
    """The bundle's source hash: its article file and the site strings, as apps see it."""
    h = hashlib.sha256((project.root / article_path).read_bytes())
    h.update(b"\0")
    h.update(site_bytes)
    return h.hexdigest()


def _render_job(tag: str, items: list[tuple[str, tuple[str, ...]]]) -> tuple[list[dict], list[str]]:
    """Pages of one locale: each (article, the tags of its language switcher)."""
    from pipeline.bundle import language_info
    from pipeline.bundle.html import render_article

    dist = _CONTEXT["project"].dist_dir
    out = _Output(dist)
    results = []
    for article_id, tags in items:
        bundle = json.loads((dist / tag / f"{article_id}.json").read_bytes())
        html_path = f"{tag}/{article_id}.html"
        html_bytes = render_article(bundle, [language_info(t) for t in tags]).encode("utf-8")
        out.write(html_path, html_bytes)
        results.append({"article": article_id, "html": file_record(html_path, html_bytes),
                        "html_stat": file_stat(dist / html_path)})
    return results, out.written


def _run(function: Callable, jobs: list[tuple], workers: int, progress: Callable[[], None]) -> list:
    """Run ``function(*job)`` for every job, in worker processes when it pays; results in job order."""
    if workers <= 1 or len(jobs) <= 1:
        results = []
        for job in jobs:
            results.append(function(*job))
            progress()
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(function, *job) for job in jobs]
        results = []
        for future in futures:
            results.append(future.result())
            progress()
        return results


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
    """Run the gate on every bundle and write ``dist/``; see the module docstring for the guarantees."""
    env = _environment(project)
    cache_dir = project.root / ".pipeline-cache"
    roles = project.config.required_roles
    with build_lock(project):
        state = BuildState.load(cache_dir, env)
        from pipeline.bundle import KNOWN_CHAINS, KNOWN_LANGUAGES

        KNOWN_LANGUAGES.update(state.outputs.get("languages", {}))
        KNOWN_CHAINS.update(state.outputs.get("chains", {}))
        stamps = Stamps(project.root, state.stamps, state.saved_ns)
        parsed = ParsedCache(cache_dir / "parsed", env)
        # source/ exactly as the last build validated it: no need to read it again; the
        # articles that changed bundles show are loaded from the parse cache when needed.
        files = _source_files(project)
        file_hashes = {display: stamps.of(display) for display in files}
        known = state.sources
        if known and known.get("files") == file_hashes:
            articles = known["articles"]  # [[id, path], ...], sorted by id
            site = load_site(project.root, roles)
            sources = _PartialSources(project.root, site, known["digest"], articles, parsed, roles)
        else:
            sources = load_sources(project.root, roles, cache=parsed)
            articles = [[a.id, a.path] for a in sources.articles]
            known = {"files": file_hashes, "articles": articles, "digest": sources.digest}
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
        def known_manifest() -> tuple | None:
            if (shard or "head" not in state.outputs or state.outputs.get("manifest") != file_stat(dist / MANIFEST)
                    or not all(e.get("fragment") for e in state.bundles.values())):
                return None
            ordered = sorted(state.bundles.items(), key=lambda item: (item[1]["record"]["article"],
                                                                        item[1]["record"]["locale"]))
            return state.outputs["head"], [(bundle_id, e["record"]["locale"], e["fragment"]) for bundle_id, e in ordered]

        out = _Output(dist, known_manifest)

        # What each bundle is made of, and which ones must be evaluated again.
        site_source = file_hashes["source/site.yaml"]
        hashes = {article_id: f"{file_hashes[path]}:{site_source}" for article_id, path in articles}
        keys: dict[str, str] = {}
        for locale in [None, *locales]:
            tag = SOURCE_TAG if locale is None else locale.tag
            if locale is None:
                shared = "source"
                folder = ""
            else:
                folder = f"locales/{locale.folder}"
                shared = digest(stamps.of(f"{folder}/LC_MESSAGES/{SITE_DOMAIN}.po"),
                                stamps.of(f"{folder}/glossary.yaml"), stamps.of(f"{folder}/reviews.yaml"))
            for article_id, _ in articles:
                own = "" if locale is None else stamps.of(f"{folder}/LC_MESSAGES/{article_id}.po")
                # env is the same for every key (a changed env discards the whole state).
                keys[f"{tag}/{article_id}"] = f"{hashes[article_id]}:{shared}:{own}"
        previous = state.bundles
        entries: dict[str, dict] = {}
        dirty: dict[str, list[str]] = {}
        for bundle_id, key in keys.items():
            tag, article_id = bundle_id.split("/", 1)
            prev = previous.get(bundle_id)
            if prev is not None and prev["key"] == key and (
                    prev["record"]["status"] == BLOCKED
                    or file_stat(dist_prefix + prev["record"]["files"]["json"]["path"]) == prev["json_stat"]):
                entries[bundle_id] = prev
            else:
                dirty.setdefault(tag, []).append(article_id)

        dirty_count = sum(len(v) for v in dirty.values())
        jobs_total = [len(dirty), 0]
        done = [0]

        def tick() -> None:
            done[0] += 1
            if progress:
                progress(done[0], max(jobs_total[0] + jobs_total[1], done[0]))

        _CONTEXT.update(project=project, sources=sources)
        try:
            # Round 1: the gate and the JSON bundles of what changed, a locale per job.
            evaluate = [(tag, ids) for tag, ids in sorted(dirty.items())]
            out.retract({f"{tag}/{a}" for tag, ids in evaluate for a in ids})
            for (tag, _), (found, written, job_problems) in zip(
                    evaluate, _run(_evaluate_job, evaluate, _workers(jobs, dirty_count), tick)):
                out.written.extend(written)
                result.problems.extend(job_problems)
                for item in found:
                    bundle_id = _bundle_id(item["record"])
                    entries[bundle_id] = {"key": keys[bundle_id], "record": item["record"], "title": item["title"],
                                          "json_stat": item["json_stat"], "html_key": None, "html_stat": None,
                                          "fragment": None}

            # Round 2: pages whose bundle or language switcher changed.
            old = out.old_manifest if shard else None
            kept_old = [b for b in (old or {}).get("bundles", []) if shard and b["locale"] not in
                        {SOURCE_TAG, *(l.tag for l in locales)} and _files_intact(dist, b)]
            published: dict[str, list[str]] = {}
            for record in [*kept_old, *(e["record"] for e in entries.values())]:
                if record["status"] == PUBLISHED:
                    published.setdefault(record["article"], []).append(record["locale"])
            switchers = {article: tuple(_order(tags)) for article, tags in published.items()}
            renders: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
            for bundle_id, entry in entries.items():
                record = entry["record"]
                if record["status"] != PUBLISHED:
                    continue
                tags = switchers[record["article"]]
                html_key = f"{record['files']['json']['sha256']}:{','.join(tags)}"
                html = record["files"].get("html")
                if entry.get("html_key") == html_key and html and file_stat(dist_prefix + html["path"]) == entry["html_stat"]:
                    continue
                entry["html_key"] = html_key
                renders.setdefault(record["locale"], []).append((record["article"], tags))
            render = [(tag, items) for tag, items in sorted(renders.items())]
            jobs_total[1] = len(render)
            out.retract({f"{tag}/{a}" for tag, items in render for a, _ in items})
            for (tag, _), (found, written) in zip(
                    render, _run(_render_job, render, _workers(jobs, sum(len(i) for _, i in render)), tick)):
                out.written.extend(written)
                for item in found:
                    entry = entries[f"{tag}/{item['article']}"]
                    entry["record"]["files"]["html"] = item["html"]
                    entry["html_stat"] = item["html_stat"]
                    entry["fragment"] = None
        finally:
            _CONTEXT.clear()

        records = [e["record"] for e in entries.values()]
        all_records = sorted([*kept_old, *records], key=lambda r: (r["article"], r["locale"]))
        expected = {info["path"] for r in all_records for info in r["files"].values()}
        stale = _stale_files(dist, expected, None if not shard else {SOURCE_TAG, *(l.tag for l in locales)})
        if stale:
            out.retract({"/".join(p.split("/")[:2]).removesuffix(".json").removesuffix(".html") for p in stale})
            for path in stale:
                out.remove(path)
            _remove_empty_folders(dist)
        selection = sorted(l.tag for l in locales) if shard else None
        outputs = {"selection": selection, "source": sources.digest, "bundles": len(all_records)}
        # Nothing evaluated, rendered or removed, and the index and manifest are the files the
        # last build of this selection wrote: they would come out the same, so skip them.
        last = {k: v for k, v in state.outputs.items() if k not in ("index_sections", "languages", "chains", "head")}
        untouched = (not evaluate and not render and not stale and set(entries) == set(previous)
                     and last == {**outputs, "index": file_stat(dist / INDEX), "manifest": file_stat(dist / MANIFEST)})
        if not untouched:
            titles = {_bundle_id(e["record"]): e["title"] for e in entries.values()}
            sections = dict(state.outputs.get("index_sections", {}))
            index_bytes = _index(sources, all_records, titles, dist, sections).encode("utf-8")
            if fsutil.differs(dist / INDEX, index_bytes):
                out.retract(set(), index=True)  # the manifest lists the index's hash: retract it first
                out.write(INDEX, index_bytes)
            manifest = _manifest(sources, [], index_bytes, locales)
            tags = _order([SOURCE_TAG, *(l.tag for l in locales), *(r["locale"] for r in all_records)])
            manifest["locales"] = _locales_section(tags)
            if shard and old:
                merged = {**old.get("locales", {}), **manifest["locales"]}
                manifest["locales"] = {k: v for k, v in merged.items() if any(r["locale"] == k for r in all_records)}
            fragments = {}
            for bundle_id, entry in entries.items():
                if entry.get("fragment") is None:
                    entry["fragment"] = dumps(entry["record"]).decode("utf-8")[:-1]
                fragments[bundle_id] = entry["fragment"]
            for record in kept_old:
                fragments[_bundle_id(record)] = dumps(record).decode("utf-8")[:-1]
            out.write(MANIFEST, dumps_manifest(manifest, [fragments[_bundle_id(r)] for r in all_records]))
            outputs.update(index_sections=sections, languages=dict(KNOWN_LANGUAGES), chains=dict(KNOWN_CHAINS),
                           head={k: v for k, v in manifest.items() if k != "bundles"})
            outputs.update(index=file_stat(dist / INDEX), manifest=file_stat(dist / MANIFEST))

        new_stamps = {**(state.stamps if shard else {}), **stamps.now}
        if not untouched or new_stamps != state.stamps or known != state.sources:
            keep = {k: v for k, v in previous.items() if shard and k not in keys}
            keep.update(entries)
            changed = ({tag for tag, _ in evaluate} | {tag for tag, _ in render}
                       if set(entries) == set(previous) and state.env == env else None)
            state.save(env, new_stamps, keep, outputs if not untouched else state.outputs, known, changed)
        result.bundles = sorted(records, key=lambda r: (r["article"], r["locale"]))
        result.written = sorted(set(out.written))
        result.removed = out.removed
    return result


def _source_files(project: Project) -> list[str]:
    """The files of source/ that load_sources reads, as paths under the root."""
    folder = project.root / "source" / "articles"
    names = sorted(n for n in os.listdir(folder) if n.endswith((".yaml", ".yml"))) if folder.is_dir() else []
    return ["source/site.yaml", *(f"source/articles/{n}" for n in names)]


class _PartialSources(Sources):
    """Sources whose articles come, on demand, from the parse cache: for a rebuild whose
    source/ is byte for byte what the last build validated. Only the articles that some
    changed bundle shows are ever loaded."""

    def __init__(self, root: Path, site: Site, digest_: str, articles: list, parsed: ParsedCache,
                 roles: frozenset[str]) -> None:
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_paths", dict((a, p) for a, p in articles))
        object.__setattr__(self, "_parsed", parsed)
        object.__setattr__(self, "_roles", roles)
        object.__setattr__(self, "_loaded", {})
        super().__init__(site, (), digest_)

    def article(self, article_id: str) -> Article:
        loaded = self.__dict__["_loaded"]
        article = loaded.get(article_id)
        if article is None:
            path = self.__dict__["_paths"][article_id]
            data = (self.__dict__["_root"] / path).read_bytes()
            article = self.__dict__["_parsed"].get(article_key(path, data, self.__dict__["_roles"]))
            if article is None:  # not in the cache after all: parse it (it was valid last time)
                full = load_sources(self.__dict__["_root"], self.__dict__["_roles"])
                article = full.article(article_id)
            loaded[article_id] = article
        return article

    def domains(self) -> tuple[str, ...]:
        return (SITE_DOMAIN, *self.__dict__["_paths"])


def dumps_manifest(manifest: dict, fragments: list[str]) -> bytes:
    """``dumps(manifest)`` with its ``bundles`` given as already encoded records.

    The records of unchanged bundles are encoded once and kept: re-encoding 20,000 of
    them on every rebuild costs more than the rest of a small rebuild. The result is the
    same bytes (tests/test_incremental.py compares them).
    """
    text = dumps(dict(manifest, bundles=[])).decode("utf-8")
    marker = '"bundles":[]'
    assert text.count(marker) == 1  # a key; inside a string it would read \"bundles\"
    return text.replace(marker, '"bundles":[' + ",".join(fragments) + "]", 1).encode("utf-8")


def _locales_section(tags: list[str]) -> dict:
    from pipeline.bundle import fallback_chain, language_info

    return {tag: {**language_info(tag), "fallback": list(fallback_chain(tag))} for tag in tags}


def _files_intact(dist: Path, record: dict) -> bool:
    for info in record.get("files", {}).values():
        path = dist / info["path"]
        try:
            if path.stat().st_size != info["size"]:
                return False
        except OSError:
            return False
    return True


def _order(tags: list[str]) -> list[str]:
    """English first, then by tag: a stable order for switchers and the index."""
    return sorted(set(tags), key=lambda t: (t != SOURCE_TAG, t))


def _stale_files(dist: Path, expected: set[str], touched: set[str] | None) -> list[str]:
    """Bundle files this build did not produce (blocked bundles, deleted articles or locales),
    and temporary files a killed build left behind."""
    stale: list[str] = []
    if not dist.is_dir():
        return stale
    for child in sorted(dist.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            if touched is None and child.is_file() and _is_temporary(child.name):
                stale.append(child.name)
            continue
        if touched is not None and child.name not in touched:
            continue
        for name in sorted(os.listdir(child)):
            relative = f"{child.name}/{name}"
            if relative in expected:
                continue
            if name.endswith((".json", ".html")) or _is_temporary(name):
                if (child / name).is_file():
                    stale.append(relative)
    return stale


def _remove_empty_folders(dist: Path) -> None:
    for child in sorted(dist.iterdir()):
        if child.is_dir() and not child.name.startswith("."):
            with contextlib.suppress(OSError):
                child.rmdir()  # only succeeds when empty


def _is_temporary(name: str) -> bool:
    """A temporary file of :func:`atomic_write_bytes` left behind by a build that was killed."""
    return name.startswith(".") and name.endswith(".tmp")


def _index(sources: Sources, records: list[dict], titles: dict[str, str | None], dist: Path,
           sections: dict | None = None) -> str:
    return index_page(sources.site.labels["articles"].text, records, titles, dist, sections)


def index_page(heading: str, records: list[dict], titles: dict[str, str | None], dist: Path,
               sections: dict | None = None) -> str:
    """``dist/index.html``: the published articles by language (titles read back where unknown).

    ``sections`` (kept by the caller across builds) maps a language to its rendered section
    and the key it was rendered from: only the languages whose list changed are rendered.
    """
    from pipeline.bundle import language_info
    from pipeline.bundle.html import render_index, render_index_section

    by_locale: dict[str, list[dict]] = {}
    for record in records:
        if record["status"] != PUBLISHED:
            continue
        title = titles.get(_bundle_id(record))
        if title is None:  # kept from an earlier shard build: read its title back
            try:
                title = json.loads((dist / record["files"]["json"]["path"]).read_bytes())["title"]["text"]
            except (OSError, ValueError, KeyError):
                continue
        by_locale.setdefault(record["locale"], []).append(
            {"href": f"{record['locale']}/{record['article']}.html", "title": title})
    rendered = []
    for tag in _order(list(by_locale)):
        language = {**language_info(tag), "articles": sorted(by_locale[tag], key=lambda a: a["href"])}
        key = digest(json.dumps(language, sort_keys=True, ensure_ascii=False))
        known = (sections or {}).get(tag)
        if known is None or known[0] != key:
            known = (key, render_index_section(language))
            if sections is not None:
                sections[tag] = known
        rendered.append(known[1])
    if sections is not None:
        for tag in set(sections) - set(by_locale):
            del sections[tag]
    return render_index(heading, rendered)


def _manifest(sources: Sources, records: list[dict], index_bytes: bytes, locales: list[Locale]) -> dict:
    return manifest_document(sources.digest, records, index_bytes, [l.tag for l in locales])


def manifest_document(source_sha256: str, records: list[dict], index_bytes: bytes, tags: list[str]) -> dict:
    """The manifest (pipeline/schemas/manifest.schema.json) for ``records``, sorted by the caller."""
    tags = _order([SOURCE_TAG, *tags, *(r["locale"] for r in records)])
    return {
        "schema_version": SCHEMA_VERSION,
        "complete": True,
        "source": {"sha256": source_sha256, "locale": SOURCE_TAG},
        "machine_drafted_notice": "Translations marked review_state 'machine-drafted' were drafted by machine and "
                                  "have not been reviewed by a person.",
        "locales": _locales_section(tags),
        "bundles": records,
        "index": file_record(INDEX, index_bytes),
    }
