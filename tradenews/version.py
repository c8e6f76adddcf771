"""Two versions of the extractor.

- `rules_version()`: the released version of the extraction rules (the package version), stamped in every
  evidence row. It changes when a release changes the rules, not with every edit of the code, so an edit
  that changes no row publishes nothing.
- `extractor_version()`: the rules version plus a fingerprint of the extraction code and reference data.
  It changes whenever anything that can change an extracted row changes, so cached extractions keyed by
  (document hash, extractor version) are never stale; the package records it once, in its descriptor and
  dataset card, when it publishes.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from tradenews import __version__

ROOT = Path(__file__).parent
EXTRACTION_PARTS = ("ingest", "mentions", "records", "reference", "model.py")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    h = hashlib.sha256()
    for part in EXTRACTION_PARTS:
        path = ROOT / part
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.is_file() and f.suffix in (".py", ".tsv"):
                h.update(f.relative_to(ROOT).as_posix().encode())
                h.update(f.read_bytes())
    return f"{__version__}+{h.hexdigest()[:10]}"


def rules_version() -> str:
    return __version__
