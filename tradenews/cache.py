"""Per-document extraction cache: a keyed store of `Extraction`s on disk, as plain JSON data.

Key: the SHA-256 of the raw file's bytes, a hash of its sidecar metadata (the publication date
changes what 今年 or 11月7日 resolve to) and `extractor_version()` (package version plus a hash of
the extraction code and reference data). A changed file, sidecar or extractor misses the cache;
nothing else can make a cached extraction stale. Paths are not part of the key: a renamed file
is a hit, and its current paths are set on the loaded document.

Layout: `<cache dir>/extractions/<extractor version>/<sha256>-<meta hash>.json`, with the marker file
`.tradenews-cache` in each version folder. An entry is data, never code: the `Extraction` dataclass
tree of tradenews/model.py written field by field (dates as ISO strings) with the key and extractor
version it was written under. Loading rebuilds the tree from the model's own field types and checks
every value; a truncated, corrupt or foreign entry (wrong key, wrong shape, wrong types, too big, not a
regular file) is a miss, re-extracted and rewritten, never an exception. Entries are written to a
temporary file and renamed, so a killed run never leaves a half-written entry.

Pruning (`prune`) keeps the most recent extractor versions and deletes only what the cache wrote: in
`extractions/`, version folders that carry the marker (or, written by earlier versions, hold nothing
but entries), and in them only files named as entries are; then the folder, if nothing else is left. A
cache folder pointed at a folder holding other files loses none of them.

Default folder: `$TRADENEWS_CACHE_DIR` if set, else `.cache/tradenews` beside the package folder
(`datapackage/` -> `./.cache/tradenews`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from tradenews.fileio import read_regular, write_atomic
from tradenews.model import Extraction, SourceFile

ENV_VAR = "TRADENEWS_CACHE_DIR"
KEEP_VERSIONS = 3
ENTRY_FORMAT = 1
MAX_ENTRY_BYTES = 64 * 2**20  # an article is at most 2 MB; its extraction is a fraction of that
MARKER = ".tradenews-cache"
MARKER_TEXT = "tradenews extraction cache: the entries in this folder are written and pruned by tradenews\n"
# entries (this format and the pickles of earlier versions) and their temporary files; nothing else is pruned
ENTRY_NAME = re.compile(r"\.?[0-9a-f]{64}-[0-9a-f]{16}\.(?:json|pickle)(?:\.\d+-[0-9a-f]{8}\.tmp)?")


def default_cache_dir(out: Path) -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return Path(out).resolve().parent / ".cache" / "tradenews"


def meta_hash(meta: dict) -> str:
    canonical = json.dumps(meta, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _safe(version: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in version)


@dataclass
class CacheStats:
    cached: list[str] = field(default_factory=list)  # source_path of documents loaded from the cache
    extracted: list[str] = field(default_factory=list)  # source_path of documents extracted in this run
    warnings: list[str] = field(default_factory=list)  # the cache could not be written (full, read-only)

    def merge(self, other: "CacheStats") -> None:
        self.cached.extend(other.cached)
        self.extracted.extend(other.extracted)
        self.warnings.extend(w for w in other.warnings if w not in self.warnings)


def unwritable(root: Path, exc: OSError) -> str:
    """The warning for a cache folder that cannot be written: the run goes on without writing to it."""
    reason = os.strerror(exc.errno) if exc.errno else str(exc)
    where = f" (at {exc.filename})" if exc.filename else ""
    return (f"extraction cache {root} cannot be written: {reason}{where}; this run goes on without "
            "caching (documents are extracted, nothing is stored)")


class BadEntry(ValueError):
    """A cache entry that does not hold what the model says an Extraction is."""


def to_data(value):
    """An Extraction (or any value of its tree) as JSON data: dataclasses as objects, dates as ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"the extraction cache cannot write a {type(value).__name__}")


@functools.cache
def _field_types(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls)


def from_data(tp, data):
    """The value of type `tp` (a field type of tradenews/model.py) that `data` holds; BadEntry if it does not."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        [inner] = [a for a in args if a is not type(None)] or [None]
        return from_data(inner, data)
    if origin is list and isinstance(data, list):
        return [from_data(args[0], v) for v in data]
    if origin is tuple and isinstance(data, list) and len(args) == 2 and args[1] is Ellipsis:
        return tuple(from_data(args[0], v) for v in data)
    if dataclasses.is_dataclass(tp) and isinstance(data, dict):
        fields = dataclasses.fields(tp)
        if set(data) != {f.name for f in fields}:
            raise BadEntry(f"{tp.__name__}: fields {sorted(data)} are not {sorted(f.name for f in fields)}")
        hints = _field_types(tp)
        return tp(**{f.name: from_data(hints[f.name], data[f.name]) for f in fields})
    if tp is dt.date and isinstance(data, str) and len(data) == 10:
        return dt.date.fromisoformat(data)
    if tp is bool and type(data) is bool:
        return data
    if tp is int and type(data) is int:
        return data
    if tp is float and type(data) in (int, float):  # kept as written: a float field may hold an int
        return data
    if tp is str and isinstance(data, str):
        return data
    raise BadEntry(f"{data!r:.40} is not a {tp}")


class ExtractionCache:
    def __init__(self, root: Path, extractor_version: str):
        self.root = Path(root)
        self.version = extractor_version
        self.dir = self.root / "extractions" / _safe(extractor_version)

    def path(self, src: SourceFile) -> Path:
        return self.dir / f"{src.sha256}-{meta_hash(src.meta)}.json"

    def get(self, src: SourceFile) -> Extraction | None:
        """The cached extraction of `src`, or None: a missing, unreadable or invalid entry is a miss."""
        path = self.path(src)
        try:
            data = read_regular(path, MAX_ENTRY_BYTES)
            if len(data) > MAX_ENTRY_BYTES:
                return None
            entry = json.loads(data)
            if not (isinstance(entry, dict) and entry.get("format") == ENTRY_FORMAT
                    and entry.get("extractor_version") == self.version and entry.get("key") == path.stem):
                return None
            return from_data(Extraction, entry.get("extraction"))
        except (OSError, ValueError, TypeError, RecursionError):  # BadEntry and JSON errors are ValueErrors
            return None

    def put(self, src: SourceFile, extraction: Extraction) -> None:
        path = self.path(src)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._mark()
        entry = {"format": ENTRY_FORMAT, "extractor_version": self.version, "key": path.stem,
                 "extraction": to_data(extraction)}
        # ASCII escapes: any string (a lone surrogate included) is written and read back exactly
        write_atomic(path, json.dumps(entry, ensure_ascii=True, separators=(",", ":")), durable=False)
        # mark this version as recently used (prune keeps the newest ones)
        os.utime(self.dir, None)

    def _mark(self) -> None:
        marker = self.dir / MARKER
        if not marker.is_file():
            write_atomic(marker, MARKER_TEXT, durable=False)

    def prune(self, keep: int = KEEP_VERSIONS) -> list[Path]:
        """Drop the entries of all but the `keep` most recently used extractor versions (only the cache's own
        files: see the module doc). A cache that cannot be changed (read-only, gone) is left as it is."""
        base = self.root / "extractions"
        try:
            folders = [Path(e.path) for e in os.scandir(base) if e.is_dir(follow_symlinks=False)]
            versions = sorted((p for p in folders if p != self.dir and _written_by_cache(p)),
                              key=lambda p: p.stat().st_mtime, reverse=True)
            dropped = versions[max(keep - 1, 0):]
            for folder in dropped:
                _remove_entries(folder)
        except OSError:
            return []
        return dropped

    def entries(self) -> int:
        try:
            return sum(1 for n in os.listdir(self.dir) if n.endswith(".json") and ENTRY_NAME.fullmatch(n))
        except OSError:
            return 0


def _written_by_cache(folder: Path) -> bool:
    """A version folder of the cache: it carries the marker, or (earlier versions wrote no marker) holds
    nothing but entries."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    if MARKER in names:
        return (folder / MARKER).is_file() and not (folder / MARKER).is_symlink()
    return bool(names) and all(ENTRY_NAME.fullmatch(n) for n in names)


def _remove_entries(folder: Path) -> None:
    """Delete the cache's own files in a version folder, then the folder if nothing else is in it."""
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False) and (ENTRY_NAME.fullmatch(entry.name) or entry.name == MARKER):
            os.unlink(entry.path)
    try:
        os.rmdir(folder)
    except OSError:
        pass  # other files are in it: they stay, and so does the folder
