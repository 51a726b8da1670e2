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
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.bundle import SCHEMA_VERSION, fallback_chain, language_info, make_bundle
from pipeline.bundle.html import render_article, render_index
from pipeline.errors import Problem
from pipeline.fsutil import atomic_write_bytes
from pipeline.gate import BLOCKED, PUBLISHED, Verdict, evaluate_locale
from pipeline.locales import SOURCE_TAG, Locale
from pipeline.project import Project
from pipeline.qa import validate_policy
from pipeline.review import approvals_for
from pipeline.source import Article, Sources, load_sources

MANIFEST = "manifest.json"
INDEX = "index.html"


def dumps(data: object) -> bytes:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8, a final newline."""
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def file_record(path: str, data: bytes) -> dict:
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


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


class _Output:
    """Writes into dist/, retracting the manifest once before the first change."""

    def __init__(self, dist: Path, old_manifest: dict | None, touched_locales: set[str] | None) -> None:
        self.dist = dist
        self.old_manifest = old_manifest
        self.touched = touched_locales
        self.retracted = False
        self.written: list[str] = []
        self.removed: list[str] = []

    def _retract(self) -> None:
        if self.retracted:
            return
        self.retracted = True
        if not self.old_manifest:
            return
        keep = [b for b in self.old_manifest.get("bundles", [])
                if self.touched is not None and b["locale"] not in self.touched]
        kept_locales = {b["locale"] for b in keep}
        interim = dict(self.old_manifest, bundles=keep, index=None, complete=False,
                       locales={tag: info for tag, info in self.old_manifest.get("locales", {}).items()
                                if tag in kept_locales})
        atomic_write_bytes(self.dist / MANIFEST, dumps(interim))

    def write(self, relative: str, data: bytes) -> None:
        path = self.dist / relative
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return
        except OSError:
            pass
        self._retract()
        atomic_write_bytes(path, data)
        self.written.append(relative)

    def remove(self, relative: str) -> None:
        path = self.dist / relative
        if path.is_file():
            self._retract()
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


def _article_hash(project: Project, article: Article, site_bytes: bytes) -> str:
    h = hashlib.sha256()
    h.update((project.root / article.path).read_bytes())
    h.update(b"\0")
    h.update(site_bytes)
    return h.hexdigest()


def _read_manifest(dist: Path) -> dict | None:
    try:
        data = json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("bundles"), list) else None


def build(
    project: Project,
    locale_tags: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Run the gate on every bundle and write ``dist/``; see the module docstring for the guarantees."""
    sources = load_sources(project.root, project.config.required_roles)
    shard = bool(locale_tags)
    locales, problems = project.select_locales(locale_tags or [])
    validate_policy(project.config, locales)  # a bad [tool.pipeline.checks] fails before dist/ is touched
    result = BuildResult(problems=list(problems))
    site_bytes = (project.root / sources.site.path).read_bytes()
    hashes = {a.id: _article_hash(project, a, site_bytes) for a in sources.articles}
    required = project.config.required_roles

    with build_lock(project):
        dist = project.dist_dir
        old = _read_manifest(dist)
        touched = {SOURCE_TAG, *(l.tag for l in locales)} if shard else None
        out = _Output(dist, old, touched)

        # Pass 1: the gate and the JSON bundles, a locale at a time.
        bundles: dict[tuple[str, str], dict] = {}
        records: list[dict] = []
        total = len(locales) + 1
        for step, locale in enumerate([None, *locales], start=1):
            if locale is None:
                verdicts: list[Verdict | None] = [None] * len(sources.articles)
                tag = SOURCE_TAG
            else:
                report = evaluate_locale(project, sources, locale, approvals_for(project, locale))
                verdicts = list(report.verdicts)
                tag = locale.tag
                result.problems.extend(report.problems)
            for article, verdict in zip(sources.articles, verdicts):
                record = {"article": article.id, "locale": tag}
                if verdict is not None and not verdict.published:
                    record.update(status=BLOCKED, reasons=[r.to_json() for r in verdict.reasons],
                                  coverage=verdict.coverage.to_json(), review_state=verdict.review_state,
                                  files={})
                    records.append(record)
                    continue
                bundle = make_bundle(sources, article, tag, verdict, hashes[article.id], required)
                bundles[(article.id, tag)] = bundle
                record.update(status=PUBLISHED, reasons=[], coverage=bundle["coverage"],
                              review_state=bundle["review"]["state"], files={})
                records.append(record)
            if progress:
                progress(step, total)

        # Pass 2: pages (the language switcher needs every locale's verdict), then clean up.
        published_by_article: dict[str, list[str]] = {}
        kept_old = [b for b in (old or {}).get("bundles", []) if shard and b["locale"] not in touched
                    and _files_intact(dist, b)]
        for record in kept_old + records:
            if record["status"] == PUBLISHED:
                published_by_article.setdefault(record["article"], []).append(record["locale"])
        expected: set[str] = set()
        for record in records:
            if record["status"] != PUBLISHED:
                continue
            bundle = bundles[(record["article"], record["locale"])]
            languages = [language_info(t) for t in _order(published_by_article[record["article"]])]
            json_path = f"{record['locale']}/{record['article']}.json"
            html_path = f"{record['locale']}/{record['article']}.html"
            json_bytes = dumps(bundle)
            html_bytes = render_article(bundle, languages).encode("utf-8")
            out.write(json_path, json_bytes)
            out.write(html_path, html_bytes)
            record["files"] = {"json": file_record(json_path, json_bytes), "html": file_record(html_path, html_bytes)}
            expected.update((json_path, html_path))

        all_records = sorted(kept_old + records, key=lambda r: (r["article"], r["locale"]))
        index_bytes = _index(sources, all_records, bundles, dist).encode("utf-8")
        out.write(INDEX, index_bytes)
        _remove_stale(dist, out, expected, touched)

        manifest = _manifest(sources, all_records, index_bytes, [l for l in locales])
        if shard and old:
            manifest["locales"] = {**old.get("locales", {}), **manifest["locales"]}
            manifest["locales"] = {k: v for k, v in manifest["locales"].items()
                                   if any(r["locale"] == k for r in all_records)}
        manifest_bytes = dumps(manifest)
        out.write(MANIFEST, manifest_bytes)
        result.bundles = sorted(records, key=lambda r: (r["article"], r["locale"]))
        result.written = out.written
        result.removed = out.removed
    return result


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


def _remove_stale(dist: Path, out: _Output, expected: set[str], touched: set[str] | None) -> None:
    """Remove bundle files this build did not produce (blocked bundles, deleted articles or locales)."""
    if not dist.is_dir():
        return
    for child in sorted(dist.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        if touched is not None and child.name not in touched:
            continue
        for path in sorted(child.iterdir()):
            relative = f"{child.name}/{path.name}"
            if path.is_file() and (path.suffix in (".json", ".html") or _is_temporary(path.name)) \
                    and relative not in expected:
                out.remove(relative)
        with contextlib.suppress(OSError):
            child.rmdir()  # only succeeds when empty
    if touched is None:
        for path in sorted(dist.iterdir()):
            if path.is_file() and _is_temporary(path.name):
                out.remove(path.name)


def _is_temporary(name: str) -> bool:
    """A temporary file of :func:`atomic_write_bytes` left behind by a build that was killed."""
    return name.startswith(".") and name.endswith(".tmp")


def _index(sources: Sources, records: list[dict], bundles: dict, dist: Path) -> str:
    by_locale: dict[str, list[dict]] = {}
    for record in records:
        if record["status"] != PUBLISHED:
            continue
        bundle = bundles.get((record["article"], record["locale"]))
        if bundle is None:  # kept from an earlier shard build: read its title back
            try:
                bundle = json.loads((dist / record["files"]["json"]["path"]).read_text(encoding="utf-8"))
            except (OSError, ValueError, KeyError):
                continue
        by_locale.setdefault(record["locale"], []).append(
            {"href": f"{record['locale']}/{record['article']}.html", "title": bundle["title"]["text"]})
    languages = [{**language_info(tag), "articles": sorted(by_locale[tag], key=lambda a: a["href"])}
                 for tag in _order(list(by_locale))]
    return render_index(sources.site.labels["articles"].text, languages)


def _manifest(sources: Sources, records: list[dict], index_bytes: bytes, locales: list[Locale]) -> dict:
    tags = _order([SOURCE_TAG, *(l.tag for l in locales), *(r["locale"] for r in records)])
    return {
        "schema_version": SCHEMA_VERSION,
        "complete": True,
        "source": {"sha256": sources.digest, "locale": SOURCE_TAG},
        "machine_drafted_notice": "Translations marked review_state 'machine-drafted' were drafted by machine and "
                                  "have not been reviewed by a person.",
        "locales": {tag: {**language_info(tag), "fallback": list(fallback_chain(tag))} for tag in tags},
        "bundles": records,
        "index": file_record(INDEX, index_bytes),
    }
