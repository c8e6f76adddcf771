"""The publishing lock of a package folder, and the errors of publishing.

Only one run at a time publishes into a folder: `package_lock(out)` holds an exclusive, non-blocking
flock on `.<out name>.lock` beside it; a second run gets `PackageLocked` naming the holder's pid.
Kept apart from package.py (pandas, pyarrow) so that the command line can take the lock before it
starts a Prefect server or imports the publishing stages.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import socket
import stat
import sys
import threading
from pathlib import Path

from tradenews.errors import TradenewsError


class PublishError(TradenewsError):
    """The new package could not be published; the previous one stays."""


class PackageLocked(RuntimeError):
    """Another run holds the lock of this package folder."""


LOCK_SUFFIX = ".lock"
_held: dict[str, list] = {}  # lock path -> [fd, depth]: re-entrant within one process (flow + its tasks)
_held_guard = threading.Lock()


def lock_path(out: Path) -> Path:
    out = Path(out).resolve()
    return out.parent / f".{out.name}{LOCK_SUFFIX}"


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        info = json.loads(os.read(fd, 4096).decode("utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info.get("pid"):
        return "another process (pid not yet recorded)"
    return (f"pid {info['pid']} on {info.get('host', '?')}, started {info.get('started', '?')}"
            + (f": {info['command']}" if info.get("command") else ""))


@contextlib.contextmanager
def package_lock(out: Path):
    """Hold the exclusive publishing lock of `out` for the block; raise PackageLocked at once if taken."""
    path = lock_path(out)
    key = str(path)
    with _held_guard:
        if key in _held:
            _held[key][1] += 1
            fd = None
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                # never through a symlink: a link planted at the lock's name would make the run write the
                # holder's details into whatever file it points to
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise PublishError(f"cannot publish {Path(out).resolve()}: the lock file {path} is a symbolic "
                                       "link; remove it (a lock file is never followed)") from None
                raise publish_os_error(exc, Path(out).resolve()) from exc
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise PublishError(f"cannot publish {Path(out).resolve()}: the lock file {path} is not a regular "
                                   "file; remove it")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                os.close(fd)
                raise PackageLocked(
                    f"{Path(out).resolve()} is being published by another tradenews run ({holder}); "
                    f"this run changed nothing. Lock file: {path}. Try again when that run has finished."
                ) from None
            except BaseException:
                os.close(fd)
                raise
            info = {"pid": os.getpid(), "host": socket.gethostname(),
                    "started": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
                    "command": " ".join(sys.argv)[:300]}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
            _held[key] = [fd, 1]
    try:
        yield path
    finally:
        with _held_guard:
            entry = _held[key]
            entry[1] -= 1
            if entry[1] == 0:
                del _held[key]
                fcntl.flock(entry[0], fcntl.LOCK_UN)
                os.close(entry[0])


# errno -> what the user is told (disk full and read-only folders are the usual ones)
OS_REASONS = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
              errno.EROFS: "the folder is on a read-only file system", errno.EACCES: "permission denied",
              errno.EPERM: "operation not permitted"}


def publish_os_error(exc: OSError, out: Path) -> OSError:
    """The same kind of OSError (same errno and class, so callers can tell transient from permanent ones)
    with a message that names the package folder, the reason and the file, and says the old package stays."""
    if getattr(exc, "tradenews_message", False):
        return exc
    reason = OS_REASONS.get(exc.errno) or exc.strerror or str(exc)
    where = f" (at {exc.filename})" if exc.filename else ""
    message = f"cannot publish {out}: {reason}{where}; the previously published package, if any, is unchanged"
    err = OSError(exc.errno, message) if exc.errno is not None else OSError(message)
    err.tradenews_message = True
    return err
