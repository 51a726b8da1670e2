"""Atomic, idempotent file writes (Sphinx's rule: rewrite a file only when its bytes change)."""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO


def differs(path: Path | str, data: bytes) -> bool:
    """True unless ``path`` holds exactly ``data`` (the size is compared first, for speed)."""
    try:
        if os.stat(path).st_size != len(data):
            return True
        with open(path, "rb") as handle:
            return handle.read() != data
    except OSError:
        return True


def write_bytes_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly those bytes."""
    if not differs(path, data):
        return False
    atomic_write_bytes(path, data)
    return True


def write_text_if_changed(path: Path, text: str) -> bool:
    return write_bytes_if_changed(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path | str, data: bytes | Iterable[bytes] | Callable[[BinaryIO], None], durable: bool = True,
                       make_folder: bool = True, private: bool = False, keep_same: bool = False) -> bool:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``.

    ``data`` is the bytes, or chunks of them, or a function that writes them to the binary
    file it is given (a pickler): a file of megabytes is then written without ever being
    whole in memory (the manifest and the build state at 21,000 bundles). ``keep_same=True``: when
    ``path`` already holds exactly the bytes written, it is left as it was (its times too)
    and the temporary file goes; the return value says whether ``path`` was replaced.

    A reader (or a build killed half-way) sees the old file or the new one, never a
    truncated one. ``durable=False`` skips the fsync: for build output, which a rebuild
    recreates, the rename alone keeps readers safe, and 40,000 fsyncs cost seconds.
    ``make_folder=False``: the caller knows the folder exists (two system calls saved a file).
    ``private=True``, for files only this program reads, under its lock (the build cache):
    the old file is removed before the rename. ext4 writes a file's data out when it is
    renamed over another (its auto_da_alloc guard), which cost 7 to 60 ms for each
    megabytes-large state file; a crash in between leaves no file, which reads as a cold cache.
    """
    folder, name = os.path.split(path)
    if make_folder and folder:
        os.makedirs(folder, exist_ok=True)
    # A name of our own rather than mkstemp's: mkstemp draws random names and costs ~0.2 ms a
    # file, a lot over 40,000 files. The pid and a counter keep concurrent writers apart.
    global _counter
    _counter += 1
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{_counter}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        try:
            if callable(data):
                with os.fdopen(fd, "wb", closefd=False) as handle:
                    data(handle)
                data = ()
            for chunk in (data,) if isinstance(data, bytes) else data:
                view = memoryview(chunk)
                while view:  # os.write, not a file object: 42,000 of those cost a cold build 0.2 s
                    view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if keep_same and same_bytes(tmp, path):
            os.unlink(tmp)
            return False
        if private:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


_counter = 0


def same_bytes(one: Path | str, other: Path | str, block: int = 1 << 20) -> bool:
    """Whether two files hold the same bytes, compared a megabyte at a time (False if either
    is missing)."""
    try:
        if os.stat(one).st_size != os.stat(other).st_size:
            return False
        with open(one, "rb") as a, open(other, "rb") as b:
            while True:
                left, right = a.read(block), b.read(block)
                if left != right:
                    return False
                if not left:
                    return True
    except OSError:
        return False


# A file's stamp: the 20 bytes of its content hash, then its size, mtime, ctime and inode
# packed (:func:`pack_stat`). The build keeps one for each of 21,000 PO files, where a list
# of the four numbers and the hash in hex took 337 bytes, and 85 so (docs/performance.md).
STAMP_HASH = 20
_pack_four = struct.Struct("<QqqQ").pack
_pack_three = struct.Struct("<Qqq").pack


def pack_stat(st: os.stat_result, inode: bool = True) -> bytes:
    """Size, mtime, ctime (and the inode) as bytes that are equal exactly when they are:
    8 bytes a number, or, for a time beyond 64 bits (a file dated after the year 2262, which
    a wrong clock or an archive can give), 16 bytes a time: longer, so never equal to the
    short form."""
    try:
        if inode:
            return _pack_four(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        return _pack_three(st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    except struct.error:
        parts = [st.st_size.to_bytes(8, "little"), st.st_mtime_ns.to_bytes(16, "little", signed=True),
                 st.st_ctime_ns.to_bytes(16, "little", signed=True)]
        if inode:
            parts.append(st.st_ino.to_bytes(8, "little"))
        return b"".join(parts)


_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
# Opening with it fails (ELOOP) where the last part of the path is a symbolic link.
READ_NO_LINK = _READ | getattr(os, "O_NOFOLLOW", 0)


def read_stamped(path: Path | str, flags: int = _READ) -> tuple[bytes, bytes]:
    """A file's bytes and its stamp: the content hash, then its :func:`pack_stat` (of the
    file read, by fstat). Raises OSError. The build keeps stamps to see changed inputs
    (pipeline.buildstate.Stamps); the worker that reads a PO file stamps it too, so that a
    cold build reads each file once."""
    data, st = read_with_stat(path, flags)
    return data, content_hash(data) + pack_stat(st)


def content_hash(data: bytes) -> bytes:
    """The hash of a file's bytes that its stamp begins with: SHA-256's first 20 bytes.

    SHA-256 rather than BLAKE2b: x86-64 and ARM processors of the last years compute it in
    hardware (the SHA extensions, which OpenSSL uses), 6.9 against 12.7 us for a PO file of
    12 KB on this project's machine, once for each of a cold build's 21,000 PO files."""
    return hashlib.sha256(data).digest()[:STAMP_HASH]


def read_with_stat(path: Path | str, flags: int = _READ) -> tuple[bytes, os.stat_result]:
    """A file's bytes and the stat of the file read (fstat of the same descriptor, so both
    are of one file even if it is replaced meanwhile). Raises OSError.

    Reads stop at a read shorter than asked for once the stat's size is reached: for a file
    on disk that is its end, and the read of nothing that would confirm it is a system call
    less for each of the 41,000 files a cold build reads (a file that grew after its stat is
    read as far as that read reaches; its stat, of the older size, makes the next build read
    it again)."""
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        size = max(st.st_size + 1, 65536)
        chunks = []
        total = 0
        while chunk := os.read(fd, size):
            chunks.append(chunk)
            total += len(chunk)
            if len(chunk) < size and total >= st.st_size:
                break
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks), st
