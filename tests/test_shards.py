"""Sharded builds (one CI job per locale) merged by ``pipeline manifest merge`` give exactly
the dist/ of one full build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.test_gate import prepared
from tests.translate import fill


def tree(dist: Path) -> dict[str, bytes]:
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


@pytest.fixture
def root(source_root):
    root = prepared(source_root, "fr", "de", "ar")
    fill(root, "de", "discogram", translate=lambda e: None if e.msgctxt == "discogram/risks" else f"[de] {e.msgid}")
    return root


def test_merged_shards_equal_a_full_build(root, tmp_path, cli):
    assert cli("build", root=root).exit_code == 0
    full = tree(root / "dist")
    shards = []
    for tag in ("fr", "de", "ar"):
        job = tmp_path / f"job-{tag}"
        shutil.copytree(root, job, ignore=shutil.ignore_patterns("dist", ".pipeline-cache"))
        assert cli("build", "--locale", tag, root=job).exit_code == 0
        shards.append(str(job / "dist"))
    merged = tmp_path / "merged"
    result = cli("manifest", "merge", *shards, "--out", str(merged))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("3 published, 1 blocked")
    assert tree(merged) == full


def test_shards_from_different_sources_are_refused(root, tmp_path, cli):
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(root, one)
    shutil.copytree(root, two)
    article = two / "source/articles/discogram.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("Purpose", "Aims", 1), encoding="utf-8")
    assert cli("build", "--locale", "fr", root=one).exit_code == 0
    assert cli("build", "--locale", "de", root=two).exit_code == 0
    result = cli("manifest", "merge", str(one / "dist"), str(two / "dist"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{one / 'dist/manifest.json'}: error: the shards were built from different sources "
        "(their manifests' source.sha256 differ)")
    assert not (tmp_path / "out").exists()


def test_an_unfinished_shard_is_refused(root, tmp_path, cli):
    assert cli("build", "--locale", "fr", root=root).exit_code == 0
    manifest = root / "dist/manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps(dict(data, complete=False)), encoding="utf-8")
    result = cli("manifest", "merge", str(root / "dist"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{manifest}: error: manifest is incomplete: that build did not finish",
        "  hint: run the shard's build again",
    ]
