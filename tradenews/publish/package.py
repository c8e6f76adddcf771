"""Write the package into a temporary folder, validate it, then swap it in atomically.

A failed or killed run leaves the previous package as it was; a run whose tables are unchanged
keeps the published files byte-identical (same version, same created timestamp).
"""
from __future__ import annotations

import ctypes
import datetime as dt
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from schemas.fields import TABLES
from schemas.tableschema import table_schema
from tradenews.publish.card import render_card
from tradenews.publish.check import check_package
from tradenews.publish.descriptor import build_descriptor
from tradenews.publish.files import to_arrow, write_csv, write_parquet

TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"


class PublishError(Exception):
    pass


@dataclass
class PublishResult:
    path: Path
    version: str
    changed: bool
    previous_version: str | None


def _staging(out: Path, prefix: str) -> Path:
    return out.parent / f".{out.name}{prefix}{uuid.uuid4().hex[:8]}"


def recover(out: Path) -> None:
    """Finish or undo a swap that a killed run left half done; drop abandoned staging folders."""
    olds = sorted(out.parent.glob(f".{out.name}{OLD_PREFIX}*"))
    if not out.exists() and olds:
        os.rename(olds[-1], out)
        olds = olds[:-1]
    for leftover in [*olds, *out.parent.glob(f".{out.name}{TMP_PREFIX}*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two directories (Linux renameat2 RENAME_EXCHANGE)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    res = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return res == 0


def swap_in(staged: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staged, out)
        return
    if _exchange(staged, out):
        shutil.rmtree(staged)  # now holds the previous package
        return
    old = _staging(out, OLD_PREFIX)
    os.rename(out, old)
    os.rename(staged, out)  # a kill between the two renames is undone by recover()
    shutil.rmtree(old)


def _previous(out: Path) -> dict | None:
    try:
        return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def next_version(previous: dict | None, descriptor: dict) -> tuple[str, bool]:
    """(version, changed): schema changes bump major, data changes bump minor."""
    if previous is None:
        return "1.0.0", True
    prev_res = {r["name"]: r for r in previous.get("resources", [])}
    new_res = {r["name"]: r for r in descriptor["resources"]}
    schema_changed = set(prev_res) != set(new_res) or any(
        prev_res[n].get("schema") != new_res[n]["schema"] for n in new_res if n in prev_res)
    data_changed = any(prev_res.get(n, {}).get("hash") != r["hash"] for n, r in new_res.items())
    major, minor, patch = (int(x) for x in str(previous.get("version", "0.0.0")).split(".")[:3])
    if schema_changed:
        return f"{major + 1}.0.0", True
    if data_changed:
        return f"{major}.{minor + 1}.0", True
    return previous.get("version", "1.0.0"), False


def publish(frames: dict[str, pd.DataFrame], out: Path, validate_data: bool = True) -> PublishResult:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    staged = _staging(out, TMP_PREFIX)
    try:
        (staged / "data").mkdir(parents=True)
        for spec in TABLES:
            t = to_arrow(frames[spec.name], spec)
            write_csv(t, spec, staged / "data" / f"{spec.name}.csv")
            write_parquet(t, staged / "data" / f"{spec.name}.parquet")
        previous = _previous(out)
        draft = build_descriptor(staged, frames, "0.0.0", "")
        version, changed = next_version(previous, draft)
        if not changed and previous is not None:
            shutil.rmtree(staged)
            return PublishResult(out, version, False, version)
        created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        descriptor = build_descriptor(staged, frames, version, created)
        (staged / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                                                 encoding="utf-8")
        (staged / "README.md").write_text(render_card(frames, descriptor), encoding="utf-8")
        errors = check_package(staged, frictionless_data=validate_data)
        if errors:
            raise PublishError("the new package is not valid; the previous one stays:\n  " + "\n  ".join(errors))
        _fsync_tree(staged)
        swap_in(staged, out)
        return PublishResult(out, version, True, previous.get("version") if previous else None)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())


def schemas_descriptor() -> dict:
    return {spec.name: table_schema(spec) for spec in TABLES}
