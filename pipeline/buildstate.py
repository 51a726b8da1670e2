"""What the last build saw and wrote: the cache behind incremental rebuilds.

Kept in ``.pipeline-cache/`` (safe to delete: the next build is then a cold one). Every
reuse is keyed by content, never by time alone:

- an input file's hash is reused only while its size, mtime, ctime and inode are those
  recorded (ctime changes with every write and cannot be set back, unlike mtime), and the
  ctime is older than the recording by two seconds or more (git's "racy" rule: a file
  written in the same instant as the record is hashed again);
- a bundle is reused only while its key (the hash of everything it is made of: the code
  and templates, the configuration, the library versions, its article and the site
  strings, its locale's PO files, glossary and review ledger) is the one recorded, and
  its files in ``dist/`` still have the size and mtime the build gave them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from pipeline import fsutil

STATE_VERSION = 10
HASH = fsutil.STAMP_HASH
RACY_NS = 2_000_000_000


def digest(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


# The libraries whose data reaches the output, by distribution and by module name.
LIBRARIES = (("babel", "babel"), ("langcodes", "langcodes"), ("language-data", "language_data"),
             ("jinja2", "jinja2"), ("markupsafe", "markupsafe"), ("polib", "polib"), ("pyyaml", "yaml"))


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of the package's own code, templates and schemas, and of the libraries whose
    data reaches the output (CLDR dates and names): any change rebuilds everything."""
    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=20)
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".json"):
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name, module in LIBRARIES:
        h.update(f"{name}={library_version(name, module)}\0".encode())
    return h.hexdigest()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


@lru_cache(maxsize=None)
def _listing(folder: str) -> tuple[str, ...]:
    try:
        return tuple(sorted(os.listdir(folder)))
    except OSError:
        return ()


def library_version(name: str, module: str) -> str:
    """The installed version of distribution ``name`` (importable as ``module``), without
    importing either: from the ``.dist-info`` folder's name beside the module. Importing
    importlib.metadata costs every build 40 ms; it is the fallback for other layouts."""
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        origin = Path(spec.origin)
        folder = origin.parent.parent if origin.name == "__init__.py" else origin.parent
        found = []
        for entry in _listing(str(folder)):
            stem, _, kind = entry.rpartition(".")
            if kind in ("dist-info", "egg-info") and "-" in stem:
                dist, version = stem.split("-", 1)
                if _normal(dist) == _normal(name):
                    found.append(version.split("-")[0])
        if found:
            return ",".join(found)
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


class Stamps:
    """Content hashes of input files, reusing the last build's while a file is untouched."""

    def __init__(self, root: Path, previous: dict, saved_ns: int) -> None:
        self.root = root
        self.root_prefix = str(root) + os.sep
        self.previous = previous
        self.limit = saved_ns - RACY_NS
        self.now: dict[str, bytes] = {}

    def of(self, relative: str) -> str:
        """The content hash of ``relative`` (a path under the root, with '/'), in hex; '-' if missing."""
        known = self.now.get(relative)
        if known is not None:
            return known[:HASH].hex()
        path = self.root_prefix + relative
        try:
            st = os.stat(path)
        except OSError:
            return "-"
        prev = self.previous.get(relative)
        if prev is not None and prev[HASH:] == fsutil.pack_stat(st) and st.st_ctime_ns < self.limit:
            self.now[relative] = prev
            return prev[:HASH].hex()
        try:  # os.open and fstat: the stamp and the bytes are of the same file, and fewer calls
            _, stamp = fsutil.read_stamped(path)
        except OSError:
            return "-"
        self.now[relative] = stamp
        return stamp[:HASH].hex()

    def po(self, relative: str, previous: bytes | None) -> bytes | None:
        """The stamp of an article's PO file, which the build keeps with its bundle rather than
        here: ``previous`` (its bundle's) while the file is untouched; None if it is missing."""
        path = self.root_prefix + relative
        try:
            st = os.stat(path)
        except OSError:
            return None
        if previous is not None and previous[HASH:] == fsutil.pack_stat(st) and st.st_ctime_ns < self.limit:
            return previous
        try:
            return fsutil.read_stamped(path)[1]
        except OSError:
            return None

    def record(self, relative: str, stamp: bytes) -> None:
        """Take the stamp a worker made of a file it read (:func:`pipeline.fsutil.read_stamped`)."""
        self.now.setdefault(relative, stamp)


def file_stat(path: Path | str) -> bytes | None:
    """What says a file of dist/ is still the one the build wrote: size, mtime and ctime,
    packed (:func:`pipeline.fsutil.pack_stat`: a list of the three numbers took 224 bytes,
    and the build keeps two for each of 21,000 bundles)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return fsutil.pack_stat(st, inode=False)


def verified_stat(path: Path | str, sha256: str | None) -> bytes | None:
    """The stat of a file of dist/ that holds the bytes the last build wrote (``sha256``, as
    the manifest lists it), or None when it holds others or is missing.

    For a file whose stat is not the one the build kept: a ``dist/`` copied, restored from a
    CI cache or moved with its project has new inodes and times but the same bytes, and is
    not built again; the caller keeps the new stat, so the next build reads nothing."""
    if sha256 is None:
        return None
    try:
        data, st = fsutil.read_with_stat(path)
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        return None
    return fsutil.pack_stat(st, inode=False)


class ParsedCache:
    """Articles as :func:`pipeline.source.load_sources` read them, in one pack file.

    Keyed by :func:`pipeline.source.article_key` (file name, bytes, required roles) and the
    code. The pack is an index (key to offset and length) followed by one pickle per article,
    so a rebuild that needs two articles reads two slices, not a thousand; and a cold build
    writes one file, not a thousand (each file created costs 0.1 to 0.7 ms on this disk).
    New entries go to an unnamed temporary file beside the pack until :meth:`flush`, which
    writes the articles this build used and nothing else, an article at a time: a cold build
    of 1,000 articles held 7 MB of pickles until the flush and 7 MB more joined for it, and
    the memory they left behind was in every worker forked after.
    """

    MAGIC = b"pipeline-parsed-1\n"

    def __init__(self, path: Path, env: str) -> None:
        self.path = path
        self.env = env
        self._index: dict[str, tuple[int, int]] | None = None
        self._handle = None
        self._pending: dict[str, tuple[int, int]] = {}  # new entries: offset and length in _spill
        self._spill = None
        self._used: set[str] = set()

    def _key(self, key: str) -> str:
        return digest(self.env, key)

    def _open(self) -> dict[str, tuple[int, int]]:
        if self._index is None:
            self._index = {}
            try:
                handle = open(self.path, "rb")
            except OSError:
                return self._index
            try:
                head = handle.read(len(self.MAGIC) + 16)
                if head[:len(self.MAGIC)] != self.MAGIC:
                    raise ValueError("not a parse cache")
                at = int.from_bytes(head[-16:-8], "little")
                size = int.from_bytes(head[-8:], "little")
                handle.seek(at)
                index = pickle.loads(handle.read(size))
                if not isinstance(index, dict):
                    raise ValueError("not a parse cache")
                self._index, self._handle = index, handle
            except Exception:  # noqa: BLE001 - damaged or foreign: parse the files again
                handle.close()
        return self._index

    def _blob(self, key: str) -> bytes | None:
        where = self._pending.get(key)
        handle = self._spill
        if where is None:
            where = self._open().get(key)
            handle = self._handle
        if where is None or handle is None:
            return None
        # pread, not seek and read: forked workers share the file's offset with the parent.
        blob = os.pread(handle.fileno(), where[1], where[0])
        return blob if len(blob) == where[1] else None

    def get(self, key: str):
        key = self._key(key)
        try:
            blob = self._blob(key)
            article = pickle.loads(blob) if blob is not None else None
        except Exception:  # noqa: BLE001 - damaged: parse the file again
            return None
        if article is not None:
            self._used.add(key)
        return article

    def keep(self, key: str) -> None:
        """Keep the entry of ``key`` in the pack at the next :meth:`flush`, unread."""
        key = self._key(key)
        if key in self._pending or key in self._open():
            self._used.add(key)

    def __contains__(self, key: str) -> bool:
        """Whether the cache holds an entry for ``key`` (without reading it)."""
        key = self._key(key)
        return key in self._pending or key in self._open()

    def __setitem__(self, key: str, article) -> None:
        self.put_pickled(key, pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, key: str, blob: bytes) -> None:
        """Keep an article already pickled (``pickle.HIGHEST_PROTOCOL``, as :meth:`__setitem__`
        pickles one): by the worker that parsed it (pipeline.source.parse_articles)."""
        key = self._key(key)
        try:
            if self._spill is None:
                import tempfile

                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._spill = tempfile.TemporaryFile(dir=self.path.parent)  # gone when closed, or at a crash
            offset = self._spill.seek(0, os.SEEK_END)
            self._spill.write(blob)
            self._spill.flush()
        except OSError:  # a cache: an article it cannot keep is parsed again by the next build
            return
        self._pending[key] = (offset, len(blob))
        self._used.add(key)

    def flush(self) -> None:
        """Write the pack again when this build parsed something new: the entries it used."""
        if not self._pending:
            return
        # Layout: magic, the index's offset and length (8 bytes each), the pickles, the index.
        old = self._open()
        index: dict[str, tuple[int, int]] = {}
        offset = len(self.MAGIC) + 16
        for key in sorted(self._used):
            where = self._pending.get(key) or (old.get(key) if self._handle is not None else None)
            if where is not None:
                index[key] = (offset, where[1])
                offset += where[1]
        tail = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)

        def chunks():
            yield self.MAGIC + offset.to_bytes(8, "little") + len(tail).to_bytes(8, "little")
            for key, (_, size) in index.items():
                blob = self._blob(key)
                if blob is None or len(blob) != size:
                    raise OSError(f"the parse cache changed while it was written: {key}")
                yield blob
            yield tail

        try:
            fsutil.atomic_write_bytes(self.path, chunks(), durable=False, private=True)
        except OSError:  # a cache: the next build parses again what it could not keep
            pass
        self.close()
        self._pending.clear()
        self._index = None

    def close(self) -> None:
        for name in ("_handle", "_spill"):
            handle = getattr(self, name)
            if handle is not None:
                handle.close()
                setattr(self, name, None)


def parse_cache(root: Path) -> ParsedCache:
    """The project's parse cache, which every command that reads ``source/`` shares: each
    article keyed by its file's name and bytes and the required roles, and by the code that
    parsed it (:func:`code_digest`: the package and the libraries, PyYAML among them)."""
    return ParsedCache(root / ".pipeline-cache" / "parsed.pack", code_digest())


def _encode(record: dict) -> str:
    """A record as the manifest lists it: compact JSON with sorted keys."""
    from pipeline.dist import dumps  # the manifest's own encoding (dist imports this module)

    return dumps(record).decode("utf-8")[:-1]


_plain: dict[str, bool] = {}


def _is_plain(text: str) -> bool:
    """Whether ``text`` is written in JSON as it is, between quotes (no quote, backslash or
    control character): then a record naming it can be spelled out by :meth:`Kept.encoded`."""
    plain = _plain.get(text)
    if plain is None:
        plain = _plain[text] = json.dumps(text, ensure_ascii=False)[1:-1] == text
    return plain


_coverages: dict[tuple, str] = {}


def _coverage(coverage: dict) -> str:
    """A coverage encoded, one str for equal ones (21,000 bundles have a handful). Keyed by
    each value's type too: 1 and 1.0 are equal, and encode differently."""
    try:
        key = tuple(sorted((name, type(value), value) for name, value in coverage.items()))
        known = _coverages.get(key)
    except TypeError:  # a value that is not hashable: not worth keeping one str for
        return _encode(coverage)
    if known is None:
        known = _coverages[key] = sys.intern(_encode(coverage))
    return known


def _is_word(text) -> bool:
    """Whether ``text`` is a str of ASCII letters and digits (a hash): JSON writes it as it is."""
    return isinstance(text, str) and text.isascii() and text.isalnum()


class Kept(Mapping):
    """One bundle in the build state: what a rebuild compares, and its manifest record; a row
    of :class:`BuildState` (its fields are the row's columns: :func:`_columns`, :func:`_kept`).

    A build makes one for each bundle it evaluates or renders again, and writes it to the
    state; the others stay rows. A published bundle's record is made of its article and
    locale, its coverage, its review state and its files' hashes and sizes; the bundle keeps
    those (the coverage and the review state as strs shared with every bundle that has the
    same) and spells the record out when it is written to the state's records (a fifth of a
    microsecond a record, where encoding it with ``json`` cost more than the rest of a small
    rebuild; byte for byte what ``dumps`` gives: tests/test_incremental.py). Any other record
    (a blocked one, or one naming a str JSON would escape) is kept encoded, as ``fragment``.
    The bundle is itself a read-only mapping of its record, decoded only when a field beyond
    the status, article and locale is asked for.
    """

    __slots__ = ("key", "title", "json_stat", "html_key", "html_stat", "status", "json_sha", "html_path",
                 "fragment", "coverage", "review_state", "json_size", "html_sha", "html_size", "article", "locale",
                 "_full")

    def __init__(self, key: str, title: str | None, json_stat, html_key: tuple[str, str] | None, html_stat,
                 status: str, json_sha: str | None, html_path: str | None, fragment: str | None,
                 coverage: str | None = None, review_state: str | None = None, json_size: int = 0,
                 html_sha: str | None = None, html_size: int = 0, article: str = "", locale: str = "") -> None:
        self.key, self.title, self.json_stat, self.html_key, self.html_stat = key, title, json_stat, html_key, html_stat
        self.status, self.json_sha, self.html_path, self.fragment = status, json_sha, html_path, fragment
        self.coverage, self.review_state, self.json_size = coverage, review_state, json_size
        self.html_sha, self.html_size = html_sha, html_size
        self.article, self.locale = sys.intern(article), sys.intern(locale)
        self._full = None

    @classmethod
    def evaluated(cls, key: str, record: dict, title: str | None, json_stat) -> "Kept":
        article, locale, status = record["article"], record["locale"], record["status"]
        files = record["files"]
        json_file = files.get("json")
        kept = cls(key, title, json_stat, None, None, status, json_file["sha256"] if json_file else None, None, None,
                   article=article, locale=locale)
        review_state = record.get("review_state")
        if (status == "published" and not record["reasons"] and len(record) == 7 and list(files) == ["json"]
                and json_file["path"] == f"{locale}/{article}.json" and len(json_file) == 3
                and isinstance(review_state, str) and isinstance(record["coverage"], dict)
                and isinstance(article, str) and isinstance(locale, str)
                and _is_plain(article) and _is_plain(locale) and _is_plain(review_state)
                and _is_word(json_file["sha256"]) and type(json_file["size"]) is int):
            kept.coverage, kept.review_state = _coverage(record["coverage"]), sys.intern(review_state)
            kept.json_size = json_file["size"]
        else:
            kept.fragment = _encode(record)
        return kept

    @property
    def record(self) -> "Kept":
        """The bundle's manifest record: the bundle itself, as a mapping."""
        return self

    def full(self) -> dict:
        if self._full is None:
            self._full = json.loads(self.encoded())
        return self._full

    def __getitem__(self, key: str):
        if key == "status":
            return self.status
        if key == "article":
            return self.article
        if key == "locale":
            return self.locale
        return self.full()[key]

    def __iter__(self):
        return iter(self.full())

    def __len__(self) -> int:
        return len(self.full())

    def __bool__(self) -> bool:  # never empty: not worth decoding the record to say so
        return True

    def encoded(self) -> str:
        """The record as the manifest lists it (compact JSON, sorted keys)."""
        if self.fragment is not None:
            return self.fragment
        article, locale = self.article, self.locale
        files = f'"json":{{"path":"{locale}/{article}.json","sha256":"{self.json_sha}","size":{self.json_size}}}'
        if self.html_sha is not None:
            files = f'"html":{{"path":"{self.html_path}","sha256":"{self.html_sha}","size":{self.html_size}}},{files}'
        return (f'{{"article":"{article}","coverage":{self.coverage},"files":{{{files}}},"locale":"{locale}",'
                f'"reasons":[],"review_state":"{self.review_state}","status":"published"}}')

    def page_sha256(self) -> str | None:
        """The hash of the page the record lists, if it lists one."""
        if self.fragment is None:
            return self.html_sha
        return (json.loads(self.fragment)["files"].get("html") or {}).get("sha256")  # not kept decoded

    def with_page(self, html: dict) -> None:
        """List the bundle's page (``files.html``) in its record."""
        if (self.fragment is None and html["path"] == f"{self.locale}/{self.article}.html" and len(html) == 3
                and _is_word(html["sha256"]) and type(html["size"]) is int):
            self.html_sha, self.html_size = html["sha256"], html["size"]
        else:
            record = json.loads(self.encoded())
            record["files"]["html"] = html
            self.fragment = _encode(record)
        self.html_path, self._full = html["path"], None



# A bundle's row: its locale and article, its :class:`Kept` fields (_columns; the page's key as
# two columns) and the stamp of its own PO file. Its manifest record, as the manifest lists it, is
# in a table of its own, in manifest order, with whether the manifest on disk lists it: the
# rows a build goes over for its keys stay narrow (a row with its record did not fit a page,
# and the state of 21,000 bundles took 100 MB), and the manifest is read in the order it is written.
_KEPT_COLUMNS = ("key", "title", "json_stat", "html_json_sha", "html_switcher", "html_stat", "status", "json_sha",
                 "html_path", "fragment", "coverage", "review_state", "json_size", "html_sha", "html_size")
_SCHEMA = f"""
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;
CREATE TABLE bundles (locale TEXT NOT NULL, article TEXT NOT NULL, {", ".join(_KEPT_COLUMNS)}, po_stamp BLOB,
                      PRIMARY KEY (locale, article)) WITHOUT ROWID;
CREATE TABLE records (article TEXT NOT NULL, locale TEXT NOT NULL, record TEXT NOT NULL, listed INTEGER NOT NULL,
                      PRIMARY KEY (article, locale)) WITHOUT ROWID;
CREATE INDEX unlisted ON records (article, locale) WHERE NOT listed;
CREATE TABLE sections (locale TEXT PRIMARY KEY, key TEXT NOT NULL, html TEXT NOT NULL) WITHOUT ROWID;
"""
_ROW = ", ".join(("locale", "article", *_KEPT_COLUMNS))
_PUT = f"INSERT OR REPLACE INTO bundles ({_ROW}, po_stamp) VALUES ({', '.join('?' * (len(_KEPT_COLUMNS) + 3))})"
_PUT_RECORD = "INSERT OR REPLACE INTO records (article, locale, record, listed) VALUES (?, ?, ?, 0)"


def bundle_key(*parts: str) -> bytes:
    """What a bundle is made of (the hashes of its inputs), as the state keeps it: 20 bytes."""
    return hashlib.blake2b(":".join(parts).encode("utf-8"), digest_size=20).digest()


class BuildState:
    """The last build's record, in one SQLite database (``.pipeline-cache/build-state.sqlite``).

    A row a bundle, so that a build holds none of them all at once: it goes over a locale's
    rows at a time, reads and writes the rows of the bundles it makes again, and streams the
    manifest's records from their own table in manifest order (by article, then locale: that
    table's key). Before, the build loaded every bundle into memory (1.5 KB a
    bundle: 32 MB at 600 bundles, 74 MB at 21,000).

    A build runs in one transaction, committed by :meth:`save` at its end: a build that stops
    half-way leaves the state of the build before it, as a state saved last always did (its
    keys and stats no longer match the files that build rewrote, which are made again).
    Anything unreadable, a damaged or foreign file, another version or another environment
    (code, templates, configuration) means a cold build: the tables start empty.

    SQLite because it is in Python's standard library, keeps its pages on disk, orders and
    finds rows by key, and rolls a transaction back when the process dies; a cache, never an
    interface.
    """

    FILE = "build-state.sqlite"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / self.FILE
        self.db = None
        self.stamps: dict = {}  # the stamps of the inputs but the articles' PO files (a row each)
        self.saved_ns = 0
        self.env = ""
        self.outputs: dict = {}
        self.sources: dict = {}
        self.has_bundles = False

    @classmethod
    def load(cls, directory: Path, env: str) -> "BuildState":
        import sqlite3

        state = cls(directory)
        for stale in ("build-state.pickle", *(p.name for p in directory.glob("bundles-*.pickle"))):
            with contextlib.suppress(OSError):  # the state of earlier versions
                os.unlink(directory / stale)
        directory.mkdir(parents=True, exist_ok=True)
        try:
            state.db = state._open()
            meta = dict(state.db.execute("SELECT name, value FROM meta"))
            data = pickle.loads(meta["state"]) if "state" in meta else None
            if not isinstance(data, dict) or data.get("version") != STATE_VERSION or data.get("env") != env:
                state._reset()
                return state
            state.has_bundles = state.db.execute("SELECT 1 FROM bundles LIMIT 1").fetchone() is not None
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, AttributeError,
                ImportError, IndexError):  # damaged, partial or foreign: a cold start
            state.close()
            with contextlib.suppress(OSError):
                os.unlink(state.path)
            state.db = state._open()
            state._reset()
            return state
        state.env = env
        state.stamps = data.get("stamps") or {}
        state.saved_ns = int(data.get("saved_ns") or 0)
        state.outputs = data.get("outputs") or {}
        state.sources = data.get("sources") or {}
        return state

    def _open(self):
        import sqlite3

        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        # A cache: a process that dies mid-build leaves the journal, which rolls the build
        # back; only a crash of the machine itself could leave a damaged file, read as cold.
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA cache_size=-512")
        if db.execute("SELECT count(*) FROM sqlite_master WHERE name='records'").fetchone()[0] == 0:
            db.executescript(_SCHEMA)
        db.execute("BEGIN IMMEDIATE")
        return db

    def _reset(self) -> None:
        for table in ("bundles", "records", "sections", "meta"):
            self.db.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(Exception):
                self.db.rollback()
            self.db.close()
            self.db = None

    # Rows -----------------------------------------------------------------------------

    def locale_rows(self, tag: str) -> dict[str, tuple]:
        """The bundles of one locale, by article: (key, status, json_stat, json_sha, po_stamp)."""
        return {row[0]: row[1:] for row in self.db.execute(
            "SELECT article, key, status, json_stat, json_sha, po_stamp FROM bundles WHERE locale=?", (tag,))}

    def tags(self) -> list[str]:
        return [tag for (tag,) in self.db.execute("SELECT DISTINCT locale FROM bundles")]

    def get(self, tag: str, article: str) -> "Kept | None":
        row = self.db.execute(f"SELECT {_ROW} FROM bundles WHERE locale=? AND article=?", (tag, article)).fetchone()
        return None if row is None else _kept(row)

    def put(self, entries: list[tuple["Kept", bytes | None]]) -> None:
        """Write these bundles' rows, each with the stamp of its own PO file, and their records
        (which the manifest on disk does not list: they were retracted before they were made)."""
        self.db.executemany(_PUT, ((e.locale, e.article, *_columns(e), stamp) for e, stamp in entries))
        self.db.executemany(_PUT_RECORD, ((e.article, e.locale, e.encoded()) for e, _ in entries))

    def set_pages(self, entries: list["Kept"]) -> None:
        """Write the page fields and the record of bundles whose page was rendered again."""
        self.db.executemany(
            "UPDATE bundles SET html_json_sha=?, html_switcher=?, html_stat=?, html_path=?, html_sha=?, html_size=?, "
            "fragment=? WHERE locale=? AND article=?",
            ((*(e.html_key or (None, None)), e.html_stat, e.html_path, e.html_sha, e.html_size, e.fragment,
              e.locale, e.article) for e in entries))
        self.db.executemany("UPDATE records SET record=? WHERE article=? AND locale=?",
                            ((e.encoded(), e.article, e.locale) for e in entries))

    # What a rebuild refreshes of a bundle it keeps: a stamp or a stat that changed, not its bytes.
    REFRESHED = ("po_stamp", "json_stat", "html_stat")

    def refresh(self, tag: str, column: str, values: list[tuple[str, bytes | None]]) -> None:
        """Set ``column`` (one of :attr:`REFRESHED`) of these bundles of a locale: (article, value)."""
        if column not in self.REFRESHED:
            raise ValueError(f"not a column a rebuild refreshes: {column}")
        self.db.executemany(f"UPDATE bundles SET {column}=? WHERE locale=? AND article=?",
                            ((value, tag, article) for article, value in values))

    def delete(self, tag: str, articles: list[str] | None = None) -> None:
        """Forget a locale's bundles (``articles``: only those)."""
        if articles is None:
            self.db.execute("DELETE FROM bundles WHERE locale=?", (tag,))
            self.db.execute("DELETE FROM records WHERE locale=?", (tag,))
        else:
            self.db.executemany("DELETE FROM bundles WHERE locale=? AND article=?", ((tag, a) for a in articles))
            self.db.executemany("DELETE FROM records WHERE article=? AND locale=?", ((a, tag) for a in articles))

    def published(self, tags: list[str] | None) -> Iterator[tuple[str, str]]:
        """(article, locale) of every published bundle (of ``tags`` only, when given)."""
        rows = self.db.execute("SELECT article, locale FROM bundles WHERE status='published'")
        if tags is None:
            return iter(rows)
        wanted = set(tags)
        return ((article, tag) for article, tag in rows if tag in wanted)

    def published_tags(self) -> set[str]:
        return {tag for (tag,) in self.db.execute("SELECT DISTINCT locale FROM bundles WHERE status='published'")}

    def published_count(self, tags: list[str] | None) -> int:
        return sum(count for tag, count in self.db.execute(
            "SELECT locale, count(*) FROM bundles WHERE status='published' GROUP BY locale")
            if tags is None or tag in tags)

    def blocked_records(self, tags: list[str] | None) -> list[dict]:
        """The records of the blocked bundles (of ``tags``), decoded, in manifest order."""
        return [json.loads(record) for tag, record in self.db.execute(
            "SELECT records.locale, record FROM bundles JOIN records USING (locale, article) "
            "WHERE status!='published' ORDER BY records.article, records.locale") if tags is None or tag in tags]

    def pages(self, tag: str) -> list[tuple]:
        """A locale's published bundles: (article, json_sha, html_json_sha, html_switcher, html_path,
        html_stat, html_sha, fragment), for the pages' round."""
        return self.db.execute(
            "SELECT article, json_sha, html_json_sha, html_switcher, html_path, html_stat, html_sha, fragment "
            "FROM bundles WHERE locale=? AND status='published'", (tag,)).fetchall()

    def records(self, tags: list[str] | None = None, listed: bool = False) -> Iterator[tuple[str, str, str]]:
        """(article, locale, record) in manifest order: by article, then locale; of ``tags``
        only, and only the records the manifest on disk lists (``listed``), when asked."""
        query = "SELECT article, locale, record FROM records" + (" WHERE listed" if listed else "")
        rows = self.db.execute(query + " ORDER BY article, locale")
        if tags is None:
            return iter(rows)
        wanted = set(tags)
        return (row for row in rows if row[1] in wanted)

    def titles(self, tag: str) -> list[tuple[str, str | None]]:
        """A locale's published bundles, by article, with their titles."""
        return self.db.execute("SELECT article, title FROM bundles WHERE locale=? AND status='published' "
                               "ORDER BY article", (tag,)).fetchall()

    def expected_files(self, tag: str) -> set[str]:
        """The files of ``dist/<tag>/`` that the locale's published bundles have, by name."""
        names = set()
        for article, html_path in self.db.execute(
                "SELECT article, html_path FROM bundles WHERE locale=? AND status='published'", (tag,)):
            names.add(f"{article}.json")
            if html_path:
                names.add(html_path.rsplit("/", 1)[-1])
        return names

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM bundles").fetchone()[0]

    # The manifest on disk, as the records it lists ------------------------------------

    def unlist(self, tag: str, articles: Iterable[str]) -> int:
        """Mark these bundles' records as no longer listed; how many were."""
        return self.db.executemany("UPDATE records SET listed=0 WHERE article=? AND locale=? AND listed",
                                   ((article, tag) for article in articles)).rowcount

    def listed_tags(self) -> set[str]:
        return {tag for (tag,) in self.db.execute("SELECT DISTINCT locale FROM records WHERE listed")}

    def list_all(self) -> None:
        """Mark every record as listed: the manifest just written lists them all (a shard's lists
        its own; no build reads the listing after a shard build, which keeps no manifest head)."""
        self.db.execute("UPDATE records SET listed=1 WHERE NOT listed")

    # The index page's sections --------------------------------------------------------

    def section(self, tag: str) -> tuple[str, str] | None:
        row = self.db.execute("SELECT key, html FROM sections WHERE locale=?", (tag,)).fetchone()
        return None if row is None else (row[0], row[1])

    def set_section(self, tag: str, key: str, html: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO sections (locale, key, html) VALUES (?, ?, ?)", (tag, key, html))

    def keep_sections(self, tags: set[str]) -> None:
        for (tag,) in self.db.execute("SELECT locale FROM sections").fetchall():
            if tag not in tags:
                self.db.execute("DELETE FROM sections WHERE locale=?", (tag,))

    # ----------------------------------------------------------------------------------

    def save(self, env: str, stamps: dict, outputs: dict, sources: dict) -> None:
        """Record the build and commit it."""
        data = {"version": STATE_VERSION, "env": env, "saved_ns": time.time_ns(), "stamps": stamps,
                "outputs": outputs, "sources": sources}
        self.db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('state', ?)",
                        (pickle.dumps(data, pickle.HIGHEST_PROTOCOL),))
        self.db.commit()
        self.db.execute("BEGIN IMMEDIATE")


def _columns(entry: "Kept") -> tuple:
    html_key = entry.html_key or (None, None)
    return (entry.key, entry.title, entry.json_stat, html_key[0], html_key[1], entry.html_stat, entry.status,
            entry.json_sha, entry.html_path, entry.fragment, entry.coverage, entry.review_state, entry.json_size,
            entry.html_sha, entry.html_size)


def _kept(row: tuple) -> "Kept":
    (locale, article, key, title, json_stat, html_json_sha, html_switcher, html_stat, status, json_sha, html_path,
     fragment, coverage, review_state, json_size, html_sha, html_size) = row
    html_key = None if html_json_sha is None and html_switcher is None else (html_json_sha, html_switcher)
    return Kept(key, title, json_stat, html_key, html_stat, status, json_sha, html_path, fragment, coverage,
                review_state, json_size, html_sha, html_size, article, locale)
