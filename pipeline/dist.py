"""The output directory: ``dist/`` written so that it is always right.

Deterministic JSON, atomic writes that happen only when bytes change, the manifest's
retraction protocol (a manifest never lists a file that is being rewritten), the lock
that keeps builds apart, stale files, and the index and manifest documents. Used by
:mod:`pipeline.build` and :mod:`pipeline.shards`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path

from orjson import OPT_APPEND_NEWLINE, OPT_SORT_KEYS
from orjson import dumps as _orjson_dumps

from pipeline import fsutil
from pipeline.buildstate import digest, file_stat
from pipeline.bundle import SCHEMA_VERSION
from pipeline.errors import InputError, Problem
from pipeline.locales import SOURCE_TAG
from pipeline.project import Project, printable

# The gate's words (tests/test_incremental.py checks they agree); the gate itself is
# imported only by the jobs that evaluate bundles.
PUBLISHED = "published"
BLOCKED = "blocked"
MANIFEST = "manifest.json"
INDEX = "index.html"
# A folder of dist/ that a build makes from nothing is written as ".building-<name>" and takes
# its name when the build is done (OutputDir's ``staged``, :func:`stage_folders`).
STAGING = ".building-"
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_ORJSON_OPTIONS = OPT_SORT_KEYS | OPT_APPEND_NEWLINE


def dumps(data: object) -> bytes:
    """Deterministic JSON: sorted keys, compact, UTF-8, a final newline.

    Compact because the C encoder serialises it ten times faster than an indented one,
    and apps parse it; ``python -m json.tool`` shows it indented.

    orjson writes it: the bytes of :func:`dumps_json`, in a tenth of the time (a bundle:
    58 against 5 µs, 9% of its instructions; docs/performance.md). The two agree on everything
    but a float below 1e-4 (``1e-05`` against ``0.00001``) and NaN or infinity (``NaN``
    against ``null``); the only floats dist/ holds are coverage percentages rounded to a
    tenth (tests/test_dist_json.py holds the two to each other). What orjson refuses (a key
    that is not a str, an int beyond 64 bits, a lone surrogate, a type JSON has no word
    for) goes to the json module, which encodes it or raises as it always did.
    """
    try:
        return _orjson_dumps(data, option=_ORJSON_OPTIONS)
    except TypeError:
        return dumps_json(data)


def dumps_json(data: object) -> bytes:
    """:func:`dumps` by the standard library's json module: the reference."""
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def file_record(path: str, data: bytes) -> dict:
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def atomic_write_bytes(path: Path, data: bytes | Iterable[bytes], make_folder: bool = True,
                       keep_same: bool = False) -> bool:
    """Write a file of dist/: atomic, without fsync (a rebuild recreates it); see
    :func:`pipeline.fsutil.atomic_write_bytes`."""
    return fsutil.atomic_write_bytes(path, data, durable=False, make_folder=make_folder, keep_same=keep_same)


def record_id(record: dict) -> str:
    return f"{record['locale']}/{record['article']}"


class OutputDir:
    """Writes into dist/; before a bundle's files change, the manifest stops listing it."""

    def __init__(self, dist: Path, known: Callable[[], object | None] | None = None,
                 everything: str | None = None, staged: Mapping[str, str] | None = None) -> None:
        self.dist = dist
        # Folders of dist/ this build makes from nothing (a cold build's: :func:`stage_folders`),
        # by name, and where their files are written meanwhile.
        self.staged = dict(staged or {})
        # The source digest, when this build makes every bundle again: its first retraction
        # writes a manifest that lists nothing rather than reading the old one (9 MB of JSON,
        # 50 MB parsed, at 21,000 bundles) to drop every bundle from it.
        self._everything = everything
        # The manifest on disk as the last build recorded it (pipeline.build._KnownManifest: its
        # fields but the bundles, and the state's records it lists, with ``head``, ``unlist``,
        # ``tags`` and ``records``). Retracting from it needs no parsing; it is asked for only
        # when a retraction happens.
        self._known_factory = known
        self._known_made = False
        self._known = None
        self._old: dict | None = None
        self.listed: list[dict] = []  # the old manifest's records, once it is read (old_manifest)
        self._read = False
        self.written: list[str] = []  # by this process
        self._log = None  # the paths workers wrote (record_written)
        self._logged = 0
        self.removed: list[str] = []
        self.retracted = False
        self._folders: set[str] = set()  # made (or found) by this build: not made again

    @property
    def old_manifest(self) -> dict | None:
        """The manifest on disk before this build, read when first needed (9 MB at 20,000
        bundles), but for its bundles: their records are ``listed``, less those retracted since.
        A build that retracts them all (one whose state is gone, or whose code changed) then
        holds none of the 21,000 records parsed (50 MB), and forks no worker holding them."""
        if not self._read:
            self._read = True
            self._old = read_manifest(self.dist)
            self.listed = self._old.pop("bundles") if self._old else []
        return self._old

    def retract(self, pairs: Iterable[tuple[str, str]], index: bool = False) -> None:
        """Rewrite the manifest without the bundles ``pairs`` names (locale, article), and without
        the index's hash with ``index``, before their files change; nothing when it lists none of
        them."""
        if not self._known_made:
            self._known_made = True
            self._known = self._known_factory() if self._known_factory else None
        if self._known is not None:
            # The state's rows the manifest lists: a retraction unlists them, and the interim
            # manifest is streamed from the rows still listed.
            known = self._known
            losing = known.unlist(pairs)
            if not losing and not (index and not self.retracted):
                return
            self.retracted = True
            if losing:  # a locale stays listed while one of its bundles does
                left = known.tags()
                known.head = dict(known.head, locales={tag: info for tag, info in known.head.get("locales", {}).items()
                                                       if tag not in losing or tag in left})
            interim = dict(known.head, index=None, complete=False)
            atomic_write_bytes(self.dist / MANIFEST, manifest_chunks(interim, known.records()))
            return
        ids = {f"{tag}/{article}" for tag, article in pairs}
        if not ids and not index:
            return
        if self._everything is not None and not self._read and (self.dist / MANIFEST).is_file():
            self._read = True  # never read: every bundle it lists goes, or is another build's stale file
            self.retracted = True
            atomic_write_bytes(self.dist / MANIFEST, dumps(unfinished_manifest(self._everything)))
            return
        if not self.old_manifest:
            return
        dropping = [b for b in self.listed if record_id(b) in ids]
        if not dropping and not (index and not self.retracted):
            return
        self.retracted = True
        self.listed = [b for b in self.listed if record_id(b) not in ids]
        kept_locales = {b["locale"] for b in self.listed}
        interim = dict(self.old_manifest, bundles=self.listed, index=None, complete=False,
                       locales={tag: info for tag, info in self.old_manifest.get("locales", {}).items()
                                if tag in kept_locales})
        atomic_write_bytes(self.dist / MANIFEST, dumps(interim))

    def record_written(self, paths: list[str]) -> None:
        """Take the paths a worker wrote: logged to a temporary file, not held (a cold build at
        1,000 x 20 writes 42,002 files, whose paths took 3.4 MB); :meth:`all_written` reads them back."""
        if not paths:
            return
        if self._log is None:
            import tempfile

            self._log = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
        self._log.write("\n".join(paths) + "\n")
        self._logged += len(paths)

    @property
    def written_count(self) -> int:
        return self._logged + len(self.written)

    def all_written(self) -> list[str]:
        """Every path written, by this process and the workers whose paths it took, sorted."""
        paths = set(self.written)
        if self._log is not None:
            self._log.seek(0)
            paths.update(line[:-1] for line in self._log)
            self._log.seek(0, os.SEEK_END)
        return sorted(paths)

    def write(self, relative: str, data: bytes) -> bool:
        # Paths as strs: pathlib's parsing and joining were 2% of a cold build's 42,000 writes.
        path = os.path.join(self.dist, relative)
        if not fsutil.differs(path, data):
            return False
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        atomic_write_bytes(path, data, make_folder=False)
        self.written.append(relative)
        return True

    def write_stat(self, relative: str, data: bytes) -> bytes | None:
        """:meth:`write` a file of a folder (``folder/name``), and give its stat as the build keeps
        it (:func:`pipeline.buildstate.file_stat`).

        In a folder this build makes from nothing (``staged``), the file is new in a folder no
        reader lists: it is written in place, with no temporary file, rename or comparison with
        what was there (nothing was), and its stat is the open file's. A file 37 to 58 us of
        the kernel's time against 60 to 90 (docs/performance.md)."""
        folder, _, name = relative.rpartition("/")
        staged = self.staged.get(folder)
        if staged is None:
            self.write(relative, data)
            return file_stat(os.path.join(self.dist, relative))
        fd = os.open(f"{staged}{os.sep}{name}", _NEW_FILE, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            st = os.fstat(fd)
        finally:
            os.close(fd)
        self.written.append(relative)
        return fsutil.pack_stat(st, inode=False)

    def folder(self, name: str) -> str:
        """Where the files of dist/'s folder ``name`` are during this build."""
        return self.staged.get(name) or os.path.join(self.dist, name)

    def write_chunks(self, relative: str, chunks: Iterable[bytes]) -> bool:
        """:meth:`write` for a file given in chunks (the manifest), never whole in memory."""
        if atomic_write_bytes(self.dist / relative, chunks, keep_same=True):
            self.written.append(relative)
            return True
        return False

    def remove(self, relative: str) -> None:
        path = self.dist / relative
        if path.is_file():
            path.unlink()
            self.removed.append(relative)
            self._folders.clear()  # empty folders may go next: make them again if written to


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


def read_manifest(dist: Path) -> dict | None:
    try:
        data = json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("bundles"), list) else None


# Records a chunk of the streamed manifest: large enough that joining is cheap, small enough
# that no chunk weighs more than a few hundred kilobytes.
MANIFEST_CHUNK = 500


def manifest_chunks(manifest: dict, fragments: Iterable[str]) -> Iterator[bytes]:
    """``dumps(manifest)`` with its ``bundles`` given as already encoded records, in chunks.

    The records come encoded (a kept bundle spells its own out, :meth:`pipeline.buildstate.Kept.encoded`):
    encoding 20,000 of them with ``json`` on every rebuild costs more than the rest of a
    small rebuild. The bytes are the same (tests/test_incremental.py compares them), yielded
    a few hundred records at a time and written as they come: the whole manifest (9 MB at
    21,000 bundles) as one str and then as bytes was 18 MB of a build's peak memory.
    """
    head = dumps(dict(manifest, bundles=[]))
    marker = b'"bundles":[]'
    assert head.count(marker) == 1  # a key; inside a string it would read \"bundles\"
    at = head.index(marker)
    yield head[:at] + b'"bundles":['
    fragments = iter(fragments)
    separator = b""
    # Encoded a chunk at a time, not as one str: the head's language names are beyond Latin-1,
    # and a str of them and the records would be four bytes a character.
    while chunk := list(islice(fragments, MANIFEST_CHUNK)):
        yield separator + ",".join(chunk).encode("utf-8")
        separator = b","
    yield b"]" + head[at + len(marker):]


def locales_section(tags: list[str]) -> dict:
    from pipeline.bundle import fallback_chain, language_info

    return {tag: {**language_info(tag), "fallback": list(fallback_chain(tag))} for tag in tags}


def files_intact(dist: Path, record: dict) -> bool:
    for info in record.get("files", {}).values():
        path = dist / info["path"]
        try:
            if path.stat().st_size != info["size"]:
                return False
        except OSError:
            return False
    return True


def ordered_tags(tags: list[str]) -> list[str]:
    """English first, then by tag: a stable order for switchers and the index."""
    return sorted(set(tags), key=lambda t: (t != SOURCE_TAG, t))


def refuse_links(project: Project) -> None:
    """Refuse a ``dist/`` that is a link, or holds a folder that is one, before a build
    touches it: a build writes through a link and removes files it did not make from every
    folder of ``dist/`` (:func:`stale_files`), so a ``dist`` link committed by a pull request
    (to the home folder, a web root) would have a build delete pages and JSON files there."""
    dist = project.dist_dir
    links = [dist] if os.path.islink(dist) else []
    if not links and os.path.isdir(dist):
        with os.scandir(dist) as entries:
            links = sorted(dist / entry.name for entry in entries
                           if entry.is_symlink() and (entry.is_dir() or not os.path.exists(entry.path)))
    problems = []
    for link in links:
        shown = printable(project.display(link))
        problems.append(Problem(f"{shown} is a link (to {printable(os.readlink(link))}): a build writes and removes "
                                "files in dist/, so it must hold real folders, not links", shown, None,
                                "remove the link and build again; to publish elsewhere, copy dist/ there after the build"))
    if problems:
        raise InputError(problems)


def stage_folders(dist: Path, names: Iterable[str]) -> dict[str, str]:
    """Hidden folders for the folders of ``dist`` named ``names``, which a build makes from
    nothing (they do not exist): made empty, by name. :func:`publish_staged` gives each its name.

    A reader of dist/ (a web server, an app's sync) never lists a locale's folder half-written,
    and a build killed before the end leaves only hidden folders, which the next one removes
    (:func:`remove_staged`)."""
    staged = {}
    for name in names:
        path = os.path.join(dist, STAGING + name)
        os.makedirs(path)
        staged[name] = path
    return staged


def publish_staged(dist: Path, staged: Mapping[str, str]) -> set[str]:
    """Give each staged folder its name in ``dist`` (an empty one goes: a locale whose bundles
    are all blocked has no folder). A folder of that name made since the build began (by hand:
    builds hold the lock) gets the staged files one by one. The names of the folders renamed
    whole, which hold only what this build wrote: no stale file to look for in them."""
    whole = set()
    for name, path in sorted(staged.items()):
        final = os.path.join(dist, name)
        if not os.listdir(path):
            os.rmdir(path)
            continue
        try:
            os.rename(path, final)
            whole.add(name)
        except OSError:
            os.makedirs(final, exist_ok=True)
            for child in sorted(os.listdir(path)):
                os.replace(os.path.join(path, child), os.path.join(final, child))
            os.rmdir(path)
    return whole


def remove_staged(dist: Path) -> None:
    """Remove the staged folders a build left (killed, or failed before publishing them)."""
    import shutil

    try:
        with os.scandir(dist) as entries:
            leftovers = [entry.path for entry in entries
                         if entry.name.startswith(STAGING) and entry.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def stale_files(dist: Path, expected: Callable[[str], set[str]], touched: set[str] | None,
                skip: set[str] = frozenset()) -> list[str]:
    """Bundle files this build did not produce (blocked bundles, deleted articles or locales),
    and temporary files a killed build left behind. ``expected`` gives the names a folder of
    dist/ should hold (asked a folder at a time: 42,000 paths held at once took 4 MB); the
    folders in ``skip`` are known to hold none (the caller saw that their listing did not change)."""
    stale: list[str] = []
    if not dist.is_dir():
        return stale
    for child in sorted(dist.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            if touched is None and child.is_file() and is_temporary(child.name):
                stale.append(child.name)
            continue
        if touched is not None and child.name not in touched or child.name in skip:
            continue
        names = expected(child.name)
        for name in sorted(os.listdir(child)):
            relative = f"{child.name}/{name}"
            if name in names:
                continue
            if name.endswith((".json", ".html")) or is_temporary(name):
                if (child / name).is_file():
                    stale.append(relative)
    return stale


def remove_empty_folders(dist: Path) -> None:
    for child in sorted(dist.iterdir()):
        if child.is_dir() and not child.name.startswith("."):
            with contextlib.suppress(OSError):
                child.rmdir()  # only succeeds when empty


def is_temporary(name: str) -> bool:
    """A temporary file of :func:`atomic_write_bytes` left behind by a build that was killed."""
    return name.startswith(".") and name.endswith(".tmp")


def index_page(heading: str, records: Iterable[Mapping], dist: Path) -> bytes:
    """``dist/index.html`` of these records, whose bundles are in ``dist`` (a merge of shards:
    :mod:`pipeline.shards`): the published articles by language, their titles read back."""
    from pipeline.bundle import language_info
    from pipeline.bundle.html import render_index_bytes, render_index_section

    by_locale: dict[str, list[tuple[str, str]]] = {}
    for record in records:
        title = _title_on_disk(dist, record) if record["status"] == PUBLISHED else None
        if title is not None:
            by_locale.setdefault(record["locale"], []).append((f"{record['locale']}/{record['article']}.html", title))
    return render_index_bytes(heading, [render_index_section({**language_info(tag), "articles": [
        {"href": h, "title": t} for h, t in sorted(by_locale[tag])]}) for tag in ordered_tags(list(by_locale))])


def _title_on_disk(dist: Path, record: Mapping) -> str | None:
    """A published bundle's title, read back from its JSON file (None if it cannot be)."""
    try:
        return json.loads((dist / record["files"]["json"]["path"]).read_bytes())["title"]["text"]
    except (OSError, ValueError, KeyError):
        return None


def write_index(state, out: OutputDir, dist: Path, heading: str, tags: list[str] | None,
                 kept_old: list[dict], only: set[str] | None) -> dict:
    """Write ``dist/index.html`` (when its bytes change) a language's section at a time, and
    return its file record. A section is rendered again only when what it lists changed
    (``only``: the languages whose list may have, when the caller knows the others did not);
    the sections are kept in the state. The page was 1.5 MB at 1,000 x 20: never whole in memory."""
    from pipeline.bundle import language_info
    from pipeline.bundle.html import index_frame, render_index_bytes, render_index_section

    theirs: dict[str, list[tuple[str, str]]] = {}  # kept from an earlier shard build: titles read back
    for record in kept_old:
        title = _title_on_disk(dist, record) if record["status"] == PUBLISHED else None
        if title is not None:
            theirs.setdefault(record["locale"], []).append((f"{record['locale']}/{record['article']}.html", title))
    ours = {tag for tag in state.published_tags() if tags is None or tag in tags}
    listed = ordered_tags([*ours, *theirs])
    for tag in listed:
        known = state.section(tag)
        if known is not None and only is not None and tag not in only:
            continue
        articles = [(f"{tag}/{article}.html", title) for article, title in state.titles(tag)] if tag in ours else []
        articles.extend(theirs.get(tag, ()))
        articles.sort()
        info = language_info(tag)
        # What the section is rendered from, as one string: hashing it costs a tenth of
        # encoding the list as JSON, which mattered at 1,000 articles in 20 languages.
        key = digest(json.dumps(info, sort_keys=True, ensure_ascii=False), *(f"{h}\t{t}" for h, t in articles))
        if known is None or known[0] != key:
            state.set_section(tag, key, render_index_section({**info, "articles": [{"href": h, "title": t}
                                                                                  for h, t in articles]}))
    state.keep_sections(set(listed))
    frame = index_frame(heading)
    if frame is None:
        sections = [state.section(tag)[1] for tag in listed]
        chunks = lambda: iter((render_index_bytes(heading, sections),))  # noqa: E731
    else:
        def chunks():
            yield frame[0]
            for tag in listed:
                yield state.section(tag)[1].encode("utf-8")
            yield frame[1]
    h = hashlib.sha256()
    size = 0
    for chunk in chunks():
        h.update(chunk)
        size += len(chunk)
    record = {"path": INDEX, "sha256": h.hexdigest(), "size": size}
    if file_sha256(dist / INDEX) != record["sha256"]:
        out.retract((), index=True)  # the manifest lists the index's hash: retract it first
        out.write_chunks(INDEX, chunks())
    return record


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file, read a megabyte at a time; None when it cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def index_record_of(path: Path) -> dict:
    """The manifest's record of the index page on disk (read a megabyte at a time)."""
    return {"path": INDEX, "sha256": file_sha256(path), "size": path.stat().st_size}


def manifest_document(source_sha256: str, records: list[dict], index_bytes: bytes, tags: list[str]) -> dict:
    """The manifest (pipeline/schemas/manifest.schema.json) for ``records``, sorted by the caller."""
    tags = ordered_tags([SOURCE_TAG, *tags, *(r["locale"] for r in records)])
    return dict(unfinished_manifest(source_sha256), complete=True, locales=locales_section(tags), bundles=records,
                index=file_record(INDEX, index_bytes))


def unfinished_manifest(source_sha256: str) -> dict:
    """A manifest that lists nothing yet: what a build that makes every bundle again (its state
    lost, its code changed) writes before it changes any file, without reading the old one."""
    return {
        "schema_version": SCHEMA_VERSION,
        "complete": False,
        "source": {"sha256": source_sha256, "locale": SOURCE_TAG},
        "machine_drafted_notice": "Translations marked review_state 'machine-drafted' were drafted by machine and "
                                  "have not been reviewed by a person.",
        "locales": {},
        "bundles": [],
        "index": None,
    }
