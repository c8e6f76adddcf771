"""Per-document extraction cache: a keyed store of pickled `Extraction`s on disk.

Key: the SHA-256 of the raw file's bytes, a hash of its sidecar metadata (the publication date
changes what 今年 or 11月7日 resolve to) and `extractor_version()` (package version plus a hash of
the extraction code and reference data). A changed file, sidecar or extractor misses the cache;
nothing else can make a cached extraction stale. Paths are not part of the key: a renamed file
is a hit, and its current paths are set on the loaded document.

Layout: `<cache dir>/extractions/<extractor version>/<sha256>-<meta hash>.pickle`. Entries are
written to a temporary file and renamed, so a killed run never leaves a half-written entry; an
unreadable entry counts as a miss and is rewritten. Only the most recent extractor versions are
kept (`prune`). The cache is local and trusted (pickle): do not point it at a shared folder
that others can write.

Default folder: `$TRADENEWS_CACHE_DIR` if set, else `.cache/tradenews` beside the package folder
(`datapackage/` -> `./.cache/tradenews`).
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tradenews.model import Extraction, SourceFile

ENV_VAR = "TRADENEWS_CACHE_DIR"
KEEP_VERSIONS = 3


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

    def merge(self, other: "CacheStats") -> None:
        self.cached.extend(other.cached)
        self.extracted.extend(other.extracted)


class ExtractionCache:
    def __init__(self, root: Path, extractor_version: str):
        self.root = Path(root)
        self.version = extractor_version
        self.dir = self.root / "extractions" / _safe(extractor_version)

    def path(self, src: SourceFile) -> Path:
        return self.dir / f"{src.sha256}-{meta_hash(src.meta)}.pickle"

    def get(self, src: SourceFile) -> Extraction | None:
        path = self.path(src)
        try:
            with path.open("rb") as fh:
                value = pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception:  # truncated or from an incompatible build: a miss, rewritten by put()
            path.unlink(missing_ok=True)
            return None
        return value if isinstance(value, Extraction) else None

    def put(self, src: SourceFile, extraction: Extraction) -> None:
        path = self.path(src)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        try:
            with tmp.open("wb") as fh:
                pickle.dump(extraction, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        # mark this version as recently used (prune keeps the newest ones)
        os.utime(self.dir, None)

    def prune(self, keep: int = KEEP_VERSIONS) -> list[Path]:
        """Drop the entries of all but the `keep` most recently used extractor versions."""
        base = self.root / "extractions"
        if not base.is_dir():
            return []
        versions = sorted((p for p in base.iterdir() if p.is_dir() and p != self.dir),
                          key=lambda p: p.stat().st_mtime, reverse=True)
        dropped = versions[max(keep - 1, 0):]
        for path in dropped:
            shutil.rmtree(path, ignore_errors=True)
        return dropped

    def entries(self) -> int:
        return sum(1 for _ in self.dir.glob("*.pickle")) if self.dir.is_dir() else 0
