"""Which folders a run may read and write.

A run writes only into its package folder (`out`), the reports folder and the cache folder, and only
files it owns there. Before anything is read or written a run is refused (`Refused`, one line) when

- `out` is a file, or an existing folder that is neither empty nor a tradenews package (a home folder,
  the current folder, a folder reached through a symlink: paths are resolved first);
- `out` and `raw` are the same folder or one is inside the other (the package would be read as
  input, or the input published over);
- the reports or the cache would be written inside `raw` (they would be read as input texts);
- `raw` is missing, a file or unreadable (a mistyped path, an unmounted share: the run would publish
  an empty package over the old one).

Runs started through the deployment (flow parameters that anyone who reaches the Prefect API can set)
are also confined (`confine`): raw, out, reports and a given cache must lie inside the checkout or a
root listed in $TRADENEWS_ALLOWED_ROOTS (os.pathsep-separated absolute paths), after `..` and symlinks
are resolved; `out` strictly inside one, since its lock and staging folder go beside it. The command
line run by a local user on their own paths is not confined.

A folder holds a tradenews package when its `datapackage.json` names the package `tradenews` and lists
the contributor `tradenews pipeline`: every version of tradenews wrote both (tradenews/publish/descriptor.py
takes them from here); or, when that descriptor is lost or damaged, when its CHANGELOG.md is one tradenews
wrote (the next run publishes the package again, from the version the changelog names).
"""
from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from tradenews.cache import default_cache_dir
from tradenews.errors import Refused
from tradenews.fileio import read_regular

ALLOWED_ROOTS_ENV = "TRADENEWS_ALLOWED_ROOTS"
DESCRIPTOR = "datapackage.json"
PACKAGE_NAME = "tradenews"
GENERATOR = "tradenews pipeline"  # the creator named in every descriptor tradenews writes
MAX_DESCRIPTOR_BYTES = 256 * 2**20
# A publication is built in `.NAME.tmp-XXXXXXXX` beside the package folder NAME; once checked, the
# journal inside it lists the files to move in (tradenews/publish/package.py).
STAGING_INFIX = ".tmp-"
STAGING_ID = re.compile(r"[0-9a-f]{8}")
JOURNAL = ".tradenews-publication.json"


@dataclass(frozen=True)
class Folders:
    """The folders of one run, resolved (symlinks and `..` followed, relative to the current folder)."""

    raw: Path
    out: Path
    reports: Path
    cache: Path | None  # None: the cache is off


def resolve_folders(raw: str | Path, out: str | Path, reports: str | Path | None = None,
                    cache: str | Path | None = None, use_cache: bool = True) -> Folders:
    """The run's folders with their defaults: reports beside the package, the cache from --cache,
    $TRADENEWS_CACHE_DIR or beside the package. An empty string is the current folder, as for any path."""
    out_path = Path(out).resolve()
    cache_dir = (Path(cache).expanduser().resolve() if cache else default_cache_dir(out_path)) if use_cache else None
    return Folders(Path(raw).resolve(), out_path,
                   Path(reports).resolve() if reports else out_path.parent / "reports", cache_dir)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_raw_folder(raw: Path) -> None:
    """Refuse a --raw that is missing, a file or unreadable: its run would publish an empty package."""
    try:
        st = os.stat(raw)
    except (FileNotFoundError, NotADirectoryError):
        raise Refused(f"--raw {raw} does not exist (a mistyped path, or a share that is not mounted); nothing "
                      "was published") from None
    if not stat.S_ISDIR(st.st_mode):
        raise Refused(f"--raw {raw} is a file, not a folder of texts; nothing was published") from None
    try:
        os.listdir(raw)
    except OSError as exc:
        raise Refused(f"--raw {raw}: cannot list the folder ({exc.strerror or exc}); nothing was published") from None


def check_folders(folders: Folders) -> None:
    """Refuse a --raw that is not a readable folder, and folders that overlap so that a run would read its
    own output or publish over its input."""
    raw, out = folders.raw, folders.out
    check_raw_folder(raw)
    if raw == out:
        raise Refused(f"--out {out} is the --raw folder: the package would be published over the texts it is "
                      "read from; choose another folder for the package")
    if _inside(out, raw):
        raise Refused(f"--out {out} is inside --raw {raw}: the package's files would be read as input texts; "
                      "choose a package folder outside it")
    if _inside(raw, out):
        raise Refused(f"--raw {raw} is inside --out {out}: publishing would mix the texts with the package's "
                      "files; keep the texts outside the package folder")
    for label, path in (("--reports", folders.reports), ("--cache", folders.cache)):
        if path is not None and _inside(path, raw):
            raise Refused(f"{label} {path} is inside --raw {raw}: its files would be read as input texts; "
                          "choose a folder outside it")


def allowed_roots(checkout: Path) -> list[Path]:
    """The checkout and the roots listed in $TRADENEWS_ALLOWED_ROOTS, resolved."""
    roots = [Path(checkout).resolve()]
    for entry in os.environ.get(ALLOWED_ROOTS_ENV, "").split(os.pathsep):
        entry = entry.strip()
        if not entry:
            continue
        if not Path(entry).expanduser().is_absolute():
            raise Refused(f"${ALLOWED_ROOTS_ENV}: {entry!r} is not an absolute path; list absolute folders "
                          f"separated by {os.pathsep!r}")
        roots.append(Path(entry).expanduser().resolve())
    return roots


def confine(folders: Folders, roots: list[Path], cache_given: bool = True) -> None:
    """Refuse a run whose folders lie outside `roots` (see the module doc). `cache_given`: False when the
    cache folder is the default (from $TRADENEWS_CACHE_DIR, set by whoever runs the worker, or beside out)."""
    named = [("raw", folders.raw, False), ("out", folders.out, True), ("reports", folders.reports, False)]
    if folders.cache is not None and cache_given:
        named.append(("cache", folders.cache, False))
    for label, path, strictly in named:
        if not any(_inside(path, root) and not (strictly and path == root) for root in roots):
            where = " or ".join(str(r) for r in roots)
            raise Refused(f"{label} {path} is outside the folders this deployment may use ({where}"
                          f"{', and strictly inside them' if strictly else ''}); a run through the deployment "
                          f"is confined to the checkout and ${ALLOWED_ROOTS_ENV}: add the folder there, where "
                          "the worker runs")


def is_tradenews_package(folder: Path) -> bool:
    """True when `folder/datapackage.json` is a regular file that tradenews wrote (see the module doc)."""
    try:
        data = read_regular(Path(folder) / DESCRIPTOR, MAX_DESCRIPTOR_BYTES)
        descriptor = json.loads(data) if len(data) <= MAX_DESCRIPTOR_BYTES else None
    except (OSError, ValueError, RecursionError):
        return False
    if not isinstance(descriptor, dict) or descriptor.get("name") != PACKAGE_NAME:
        return False
    contributors = descriptor.get("contributors")
    return isinstance(contributors, list) and any(
        isinstance(c, dict) and c.get("title") == GENERATOR for c in contributors)


def lost_descriptor(folder: Path) -> bool:
    """True for a tradenews package whose datapackage.json was lost or damaged: its CHANGELOG.md is one
    tradenews wrote, and its descriptor is missing, unreadable, not JSON, or names no other package. It is
    published again, from the version its changelog names (a descriptor of another package is never replaced)."""
    from tradenews.publish.changelog import CHANGELOG, TITLE

    try:
        title = TITLE.encode("utf-8")
        if read_regular(Path(folder) / CHANGELOG, len(title))[:len(title)] != title:
            return False
    except OSError:
        return False
    try:
        data = read_regular(Path(folder) / DESCRIPTOR, MAX_DESCRIPTOR_BYTES)
        descriptor = json.loads(data)
    except (OSError, ValueError, RecursionError):
        return True
    return not isinstance(descriptor, dict) or descriptor.get("name") in (None, PACKAGE_NAME)


def staging_folders(out: Path) -> list[Path]:
    """The staging folders of the package folder `out`, matched by their exact name (never a glob: a `*`
    or `[` in the package's name matches no other folder) and never through a symlink."""
    prefix = f".{out.name}{STAGING_INFIX}"
    try:
        names = os.listdir(out.parent)
    except OSError:
        return []
    found = [out.parent / n for n in names if n.startswith(prefix) and STAGING_ID.fullmatch(n[len(prefix):])]
    return sorted(p for p in found if p.is_dir() and not p.is_symlink())


def pending_publication(out: Path) -> bool:
    """A checked package that a killed run had started to move into `out` (the next publication completes it)."""
    return any((s / JOURNAL).is_file() for s in staging_folders(out))


def check_out_folder(out: Path) -> None:
    """Refuse a package folder that is a file, or an existing folder that is neither empty nor a package."""
    try:
        st = os.stat(out)
    except FileNotFoundError:
        return  # created by the first publication
    except NotADirectoryError:
        raise Refused(f"--out {out}: a part of this path is a file, not a folder; nothing was written") from None
    if not stat.S_ISDIR(st.st_mode):
        raise Refused(f"--out {out} is a file, not a folder; it is left as it is and nothing was written; "
                      "choose a folder for the package")
    try:
        empty = not os.listdir(out)
    except OSError as exc:
        raise Refused(f"--out {out}: cannot list the folder ({exc.strerror or exc}); nothing was written") from None
    if not empty and not is_tradenews_package(out) and not pending_publication(out) and not lost_descriptor(out):
        raise Refused(f"--out {out} holds other files and no tradenews package (no datapackage.json written by "
                      "tradenews); nothing was written: choose an empty or new folder, or the folder of a "
                      "package tradenews published")
