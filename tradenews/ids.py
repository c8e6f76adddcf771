"""Deterministic ids: the same natural key gives the same id on every run and machine."""
from __future__ import annotations

import hashlib


def stable_id(*parts: object) -> str:
    key = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
