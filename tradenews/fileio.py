"""Small file operations with the guarantees the publisher relies on."""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import uuid
from pathlib import Path

KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


class NotARegularFile(OSError):
    """The path names a folder, a FIFO, a device or a socket, not a regular file."""


def read_regular(path: Path, limit: int) -> bytes:
    """The first `limit + 1` bytes at most of a regular file (symlinks followed): never blocks on a FIFO,
    never reads a device such as /dev/zero, never holds more than limit + 1 bytes, whatever the size the
    file system reports. A caller that gets more than `limit` bytes knows the file is too big."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # O_NONBLOCK: opening a FIFO returns at once
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFile(errno.EINVAL, f"not a regular file ({KINDS.get(stat.S_IFMT(mode), 'special')})",
                                  str(path))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str, durable: bool = True) -> None:
    """Write a whole file or nothing (a temporary file beside it, renamed over it): a killed run never
    leaves a half-written file. `durable` also syncs the file and its folder to disk."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    if durable:
        fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make the renames inside a folder durable (not every file system can sync a folder: then skipped)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
