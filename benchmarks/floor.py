"""The file system's share of a cold build: what its file operations alone take on this machine.

A cold build reads each bundle's input (its PO file, or the article for an English bundle) and
writes two files a bundle into ``dist/``. :func:`io_floor` does exactly that and nothing else,
through the build's own functions (``pipeline.fsutil.read_stamped``; ``OutputDir.write_stat``,
which writes each file of a folder made from nothing straight into the hidden folder that takes
its name at the end, ``stage_folders`` and ``publish_staged``), in as many processes as the build
has workers, by jobs of one locale's slice of articles as the build's.
Nothing is parsed, checked or rendered: every bundle's files are the bytes of one bundle the cold
build wrote.

The cold build cannot be faster than this on the same disk, whatever its Python costs; what it
takes beyond it is the pipeline's own work (docs/performance.md, "What is left"). On this
project's machine the kernel's time per file created moves by a factor of ten from one hour to the
next, so the benchmark times this beside the cold build, not once for all.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipeline.build import ARTICLES_PER_JOB  # the build's jobs, which these are shaped as


def bundle_inputs(root: Path) -> list[tuple[str, list[str]]]:
    """Each bundle's input, by locale (English first): a folder name for the locale's
    files, and the files read, one a bundle."""
    articles = sorted(p for p in (root / "source" / "articles").iterdir() if p.suffix in (".yaml", ".yml"))
    inputs = [("en", [str(p) for p in articles])]
    for folder in sorted((root / "locales").iterdir()):
        if (folder / "LC_MESSAGES").is_dir():
            inputs.append((folder.name, [str(folder / "LC_MESSAGES" / f"{p.stem}.po") for p in articles]))
    return inputs


def _job(out: str, staged: dict[str, str], tag: str, inputs: list[str], json_bytes: bytes, html_bytes: bytes
         ) -> int:
    from pipeline import fsutil
    from pipeline.dist import OutputDir

    writer = OutputDir(Path(out), staged=staged)
    for source in inputs:
        fsutil.read_stamped(source)
        name = Path(source).stem
        writer.write_stat(f"{tag}/{name}.json", json_bytes)
        writer.write_stat(f"{tag}/{name}.html", html_bytes)
    return len(inputs) * 2


def sample_bundle(dist: Path) -> tuple[bytes, bytes]:
    """The JSON and page of the first translated bundle in ``dist/`` (the English one if none)."""
    folders = sorted(p for p in dist.iterdir() if p.is_dir())
    folder = next((p for p in folders if p.name != "en"), folders[0])
    first = min(p for p in folder.iterdir() if p.suffix == ".json")
    return first.read_bytes(), first.with_suffix(".html").read_bytes()


def io_floor(root: Path, out: Path, workers: int | None = None) -> dict:
    """Read every input and write every output of a cold build of ``root`` (built already:
    its ``dist/`` gives the bytes) into ``out``; the wall seconds and the files written."""
    from pipeline.dist import publish_staged, stage_folders

    json_bytes, html_bytes = sample_bundle(root / "dist")
    inputs = bundle_inputs(root)
    workers = workers or int(os.environ.get("PIPELINE_JOBS") or os.cpu_count() or 1)
    began = time.perf_counter()
    staged = stage_folders(out, [tag for tag, _ in inputs])  # out is new: every folder is made from nothing
    jobs = [(str(out), staged, tag, files[start:start + ARTICLES_PER_JOB], json_bytes, html_bytes)
            for tag, files in inputs for start in range(0, len(files), ARTICLES_PER_JOB)]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            files = sum(pool.map(_job, *zip(*jobs)))
    else:
        files = sum(_job(*job) for job in jobs)
    publish_staged(out, staged)
    return {"seconds": round(time.perf_counter() - began, 3), "files": files}
