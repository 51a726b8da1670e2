"""Combine the ``dist/`` folders of sharded builds (``pipeline build --locale L`` per CI job)
into one consistent ``dist/``: ``pipeline manifest merge``.

Each shard holds English and its own locales. Merging checks that every shard was built
from the same source (the manifests' source hash) and that bundles built by more than one
shard (English) are byte-identical, copies every file after checking its sha256, then
re-renders the pages whose language switcher now knows more locales, writes the index,
and writes the merged manifest last.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.dist import (INDEX, MANIFEST, PUBLISHED, atomic_write_bytes, dumps, file_record, index_page,
                           manifest_document, ordered_tags, record_id)
from pipeline.fsutil import differs
from pipeline.bundle import language_info
from pipeline.bundle.html import render_article
from pipeline.errors import PipelineError
from pipeline.locales import SOURCE_TAG


class ShardError(PipelineError):
    """A shard cannot be merged: missing, incomplete, or built from other sources."""


@dataclass
class MergeResult:
    bundles: list[dict] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


def _load(shard: Path) -> dict:
    path = shard / MANIFEST
    try:
        data = json.loads(path.read_bytes())
    except OSError:
        raise ShardError("no manifest: not the dist/ folder of a build", path=str(path)) from None
    except ValueError as exc:
        raise ShardError(f"manifest is not valid JSON: {exc}", path=str(path)) from None
    if not isinstance(data, dict) or not data.get("complete") or not isinstance(data.get("bundles"), list):
        raise ShardError("manifest is incomplete: that build did not finish", path=str(path),
                         hint="run the shard's build again")
    return data


def merge_shards(shards: list[Path], out: Path) -> MergeResult:
    """Merge the shards' dist/ folders into ``out`` (created or updated in place)."""
    if not shards:
        raise ShardError("name at least one shard folder")
    manifests = [(shard, _load(shard)) for shard in shards]
    source = {m["source"]["sha256"] for _, m in manifests}
    if len(source) != 1:
        raise ShardError("the shards were built from different sources (their manifests' source.sha256 differ)",
                         path=str(shards[0] / MANIFEST), hint="build every shard from the same commit")
    records: dict[str, dict] = {}
    origin: dict[str, Path] = {}
    for shard, manifest in manifests:
        for record in manifest["bundles"]:
            bundle_id = record_id(record)
            known = records.get(bundle_id)
            if known is None:
                records[bundle_id] = record
                origin[bundle_id] = shard
                continue
            same = (known["status"] == record["status"]
                    and known.get("files", {}).get("json", {}).get("sha256")
                    == record.get("files", {}).get("json", {}).get("sha256"))
            if not same:
                raise ShardError(f"shards disagree on the bundle {bundle_id}", path=str(shard / MANIFEST),
                                 hint=f"compare it with {origin[bundle_id] / MANIFEST}")
    result = MergeResult()
    published: dict[str, list[str]] = {}
    for record in records.values():
        if record["status"] == PUBLISHED:
            published.setdefault(record["article"], []).append(record["locale"])
    heading = None
    for bundle_id, record in sorted(records.items()):
        if record["status"] != PUBLISHED:
            continue
        shard = origin[bundle_id]
        info = record["files"]["json"]
        data = (shard / info["path"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != info["sha256"]:
            raise ShardError("file does not match the shard's manifest (sha256)", path=str(shard / info["path"]))
        if differs(out / info["path"], data):
            atomic_write_bytes(out / info["path"], data)
            result.written.append(info["path"])
        bundle = json.loads(data)
        if heading is None and record["locale"] == SOURCE_TAG:
            heading = bundle["labels"]["articles"]["text"]
        tags = ordered_tags(published[record["article"]])
        page = render_article(bundle, [language_info(t) for t in tags]).encode("utf-8")
        html_path = f"{record['locale']}/{record['article']}.html"
        if differs(out / html_path, page):
            atomic_write_bytes(out / html_path, page)
            result.written.append(html_path)
        record = dict(record, files={"json": info, "html": file_record(html_path, page)})
        records[bundle_id] = record
    ordered = sorted(records.values(), key=lambda r: (r["article"], r["locale"]))
    index = index_page(heading or "Articles", ordered, out)
    if differs(out / INDEX, index):
        atomic_write_bytes(out / INDEX, index)
        result.written.append(INDEX)
    manifest = manifest_document(source.pop(), ordered, index, [])
    atomic_write_bytes(out / MANIFEST, dumps(manifest))
    result.written.append(MANIFEST)
    result.bundles = ordered
    return result
