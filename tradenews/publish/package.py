"""Write the package into a temporary folder beside the package folder, validate it, then move its files in.

A failed or killed run leaves the previous package as it was, or a publication the next run completes;
a run whose tables are unchanged keeps the published files byte-identical (same version, same created
timestamp, same CHANGELOG). A run whose tables changed bumps the semantic version (schema change
major, rows added or removed minor, corrections of existing rows patch) and adds a CHANGELOG.md entry
(tradenews/publish/changelog.py).

Publishing replaces the package's own files, never the folder: files the user keeps in it (a .git
folder that versions the dataset, a LICENSE, notes) stay. The new package is built and checked in
`.NAME.tmp-XXXXXXXX` beside the folder NAME; then a journal listing the files to move is written there,
and the files are moved in one by one with os.replace (each file is whole at every moment), the data
files first and `datapackage.json`, which holds every resource's bytes and sha256, last; files the
previous descriptor owned and the new one does not are deleted after it. A run killed while moving
leaves the journal, and the next run (`recover`) completes the publication before anything else.
A reader that checks the descriptor's hashes never takes a half-moved package for a whole one.

Only one run at a time publishes into a folder: it holds the folder's lock (tradenews/publish/lock.py).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from schemas.fields import TABLES
from tradenews.errors import Refused
from tradenews.fileio import fsync_dir, write_atomic
from tradenews.folders import DESCRIPTOR, JOURNAL, STAGING_ID, STAGING_INFIX, check_out_folder, staging_folders
from tradenews.publish.card import render_card
from tradenews.publish.changelog import CHANGELOG, PackageDiff, diff_packages, render_entry, updated_changelog
from tradenews.publish.changelog import TITLE as CHANGELOG_TITLE
from tradenews.publish.check import check_package
from tradenews.publish.descriptor import build_descriptor, file_facts
from tradenews.publish.files import to_arrow, write_csv, write_parquet
from tradenews.publish.lock import OS_REASONS, PackageLocked, PublishError, lock_path, package_lock, publish_os_error  # noqa: F401 - re-exported


@dataclass
class PublishResult:
    path: Path
    version: str
    changed: bool
    previous_version: str | None
    change: str | None = None  # first | major | minor | patch | repair (None when unchanged)
    diff: PackageDiff | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds: write, diff, check, swap
    warnings: list[str] = field(default_factory=list)  # the published package was damaged (and is republished)


def _staging(out: Path) -> Path:
    path = out.parent / f".{out.name}{STAGING_INFIX}{uuid.uuid4().hex[:8]}"
    path.mkdir()  # exclusive: never an existing folder
    return path


# The files a package owns: its data files (resource paths of this form only: a descriptor can never make a
# run replace or delete anything else), the card, the changelog and the descriptor.
DATA_FILE = re.compile(r"data/[a-z][a-z0-9_]*\.(csv|parquet)")
TOP_FILES = ("README.md", CHANGELOG, DESCRIPTOR)  # moved in this order, after the data: the descriptor last


def owned_files(descriptor: dict | None) -> list[str]:
    """The package's own files, relative to its folder, in the order they are moved in (descriptor last)."""
    if not isinstance(descriptor, dict):
        return []
    resources = descriptor.get("resources")
    paths = {r.get("path") for r in resources if isinstance(r, dict)} if isinstance(resources, list) else set()
    return sorted(p for p in paths if isinstance(p, str) and DATA_FILE.fullmatch(p)) + list(TOP_FILES)


def recover(out: Path) -> None:
    """Complete a publication a killed run had started to move in; drop staging folders it abandoned
    earlier (still being built: the package in place is the previous one)."""
    journaled = []
    for staged in staging_folders(out):
        journal = _read_journal(staged)
        if journal is None:
            shutil.rmtree(staged, ignore_errors=True)  # ours: a random name made by _staging, only our files
        else:
            journaled.append((journal.get("written", 0), staged))
    for _, staged in sorted(journaled):
        _finish(staged, out)
    _recover_legacy(out)


def _recover_legacy(out: Path) -> None:
    """Earlier versions swapped whole folders: a kill between two renames left the package folder in
    `.NAME.old-*`; put it back. Nothing else of theirs is deleted (it may hold the user's files)."""
    if os.path.lexists(out):
        return
    prefix = f".{out.name}.old-"
    try:
        olds = sorted(n for n in os.listdir(out.parent) if n.startswith(prefix) and STAGING_ID.fullmatch(n[len(prefix):]))
    except OSError:
        return
    if olds:
        os.rename(out.parent / olds[-1], out)


def _read_journal(staged: Path) -> dict | None:
    try:
        journal = json.loads((staged / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = (isinstance(journal, dict) and isinstance(journal.get("move"), list) and journal["move"]
          and journal["move"][-1] == DESCRIPTOR and isinstance(journal.get("obsolete"), list)
          and all(isinstance(p, str) and (p in TOP_FILES or DATA_FILE.fullmatch(p))
                  for p in journal["move"] + journal["obsolete"]))
    return journal if ok else None


def _check_destinations(staged: Path, out: Path, move: list[str]) -> None:
    """Fail before anything moves when a file of the package could not replace what is in its place."""
    if os.path.lexists(out / "data") and (os.path.islink(out / "data") or not (out / "data").is_dir()):
        raise PublishError(f"cannot publish {out}: {out / 'data'} is not a folder (a file or a symbolic link); the "
                           "package's tables go there: move it away. The previous package is unchanged")
    for rel in move:
        if (out / rel).is_dir() and not (out / rel).is_symlink():
            raise PublishError(f"cannot publish {out}: {out / rel} is a folder, and the package's file of that name "
                               "cannot replace it; move it away. The previous package is unchanged")
    here = out if out.exists() else out.parent
    if os.stat(staged).st_dev != os.stat(here).st_dev:
        raise PublishError(f"cannot publish {out}: it is on another file system than the folder beside it, where "
                           "the package is built ({staged.parent}; a mount point?); publish into a folder inside it")


def _move(staged: Path, out: Path, rel: str) -> None:
    os.replace(staged / rel, out / rel)


def _finish(staged: Path, out: Path) -> None:
    """Move the staged package's files into `out` one by one (each replace is atomic), the descriptor last,
    then delete the files the previous package owned and the new one does not. Idempotent: a run killed
    here is completed by the next one (recover), from what is left in the staging folder."""
    journal = _read_journal(staged)
    _check_destinations(staged, out, journal["move"])
    (out / "data").mkdir(parents=True, exist_ok=True)
    for rel in journal["move"]:
        if os.path.lexists(staged / rel):
            _move(staged, out, rel)
    for rel in journal["obsolete"]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(out / rel)
    fsync_dir(out / "data")
    fsync_dir(out)
    shutil.rmtree(staged, ignore_errors=True)


@contextlib.contextmanager
def signals_deferred(signums=(signal.SIGTERM, signal.SIGINT)):
    """A SIGTERM or Ctrl-C that arrives in the block is acted on right after it (main thread only: elsewhere
    Python runs no signal handler). The moves of a publication take milliseconds; a run stopped in them would
    leave new data files under the previous descriptor until the next run completes the publication."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = {signum: signal.signal(signum, lambda n, _frame: pending.append(n)) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(pending):
            signal.raise_signal(signum)  # delivered now, to the handler the run had


def swap_in(staged: Path, out: Path, previous: dict | None) -> None:
    """Publish the checked package in `staged` into `out`. Files in `out` that the package does not own
    (a .git folder, a LICENSE, notes) are never moved or deleted."""
    move = owned_files(json.loads((staged / DESCRIPTOR).read_text(encoding="utf-8")))
    obsolete = [rel for rel in owned_files(previous) if rel not in move]
    _check_destinations(staged, out, move)
    with signals_deferred():
        write_atomic(staged / JOURNAL, json.dumps({"move": move, "obsolete": obsolete, "written": time.time_ns()}))
        try:
            _finish(staged, out)
        except OSError as exc:
            if os.path.lexists(out / DESCRIPTOR) and not os.path.lexists(staged / DESCRIPTOR):
                raise  # the new package is in place (only the clean-up failed)
            raise PublishError(f"cannot finish publishing {out}: {OS_REASONS.get(exc.errno) or exc.strerror or exc}"
                               f"{f' (at {exc.filename})' if exc.filename else ''}; the new files are moved in one "
                               f"by one and the previous descriptor stays until the last; the next run completes "
                               f"the publication from {staged}") from exc


def _previous(out: Path) -> dict | None:
    try:
        previous = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(previous, dict) or not isinstance(previous.get("resources"), list) or not all(
            isinstance(r, dict) and isinstance(r.get("name"), str) for r in previous["resources"]):
        return None  # a descriptor edited out of shape: taken as lost (see last_logged_version)
    return previous


def damaged_files(out: Path, previous: dict) -> list[str]:
    """The published data files that are not what the descriptor says (bytes and sha256): edited by hand,
    truncated, replaced or missing; one readable line each."""
    found = []
    for res in previous.get("resources", []):
        rel = res.get("path")
        if not (isinstance(rel, str) and DATA_FILE.fullmatch(rel)):
            continue
        try:
            facts = file_facts(out / rel)
        except FileNotFoundError:
            found.append(f"{rel} is missing")
            continue
        except OSError as exc:
            found.append(f"{rel} cannot be read ({exc.strerror or exc})")
            continue
        if facts["hash"] != res.get("hash") or facts["bytes"] != res.get("bytes"):
            found.append(f"{rel} differs from the descriptor ({facts['bytes']} bytes, not {res.get('bytes')}; "
                         "another sha256)")
    return found


def last_logged_version(out: Path) -> str | None:
    """The newest version CHANGELOG.md names, when datapackage.json is missing or unreadable: a package whose
    descriptor was lost is not published again as 1.0.0."""
    try:
        text = (out / CHANGELOG).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    versions = [m.group(1) for m in re.finditer(r"^## (\d+\.\d+\.\d+) \(", text, re.MULTILINE)]
    return max(versions, key=_parse_version) if text.startswith(CHANGELOG_TITLE) and versions else None


def change_kind(previous: dict | None, descriptor: dict, diff: PackageDiff | None = None) -> str | None:
    """first | major (schema) | minor (rows added or removed) | patch (existing rows corrected) | None.

    Without a row diff every data change counts as minor."""
    if previous is None:
        return "first"
    prev_res = {r["name"]: r for r in previous.get("resources", [])}
    new_res = {r["name"]: r for r in descriptor["resources"]}
    schema_changed = set(prev_res) != set(new_res) or any(
        prev_res[n].get("schema") != new_res[n]["schema"] for n in new_res if n in prev_res)
    data_changed = any(prev_res.get(n, {}).get("hash") != r["hash"] for n, r in new_res.items())
    if schema_changed:
        return "major"
    if not data_changed:
        return None
    if diff is not None and not diff.rows_added_or_removed:
        return "patch"
    return "minor"


def _parse_version(text: str) -> tuple[int, int, int]:
    try:
        major, minor, patch = (int(x) for x in str(text).split("+")[0].split("-")[0].split(".")[:3])
        return major, minor, patch
    except ValueError:
        return 0, 0, 0


def next_version(previous: dict | None, descriptor: dict, diff: PackageDiff | None = None) -> tuple[str, bool]:
    """(version, changed): schema changes bump major, added/removed rows minor, corrections patch."""
    kind = change_kind(previous, descriptor, diff)
    if kind == "first":
        return "1.0.0", True
    if kind is None:
        return previous.get("version", "1.0.0"), False
    major, minor, patch = _parse_version(previous.get("version", "0.0.0"))
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0",
            "patch": f"{major}.{minor}.{patch + 1}"}[kind], True


# A run may remove at most this share of the published documents unless told so (allow_shrink): more is
# the mark of an incomplete raw folder (a share half mounted, files moved away), not of news withdrawn.
MAX_SHRINK = 0.5


def publish(frames: dict[str, pd.DataFrame], out: Path, validate_data: bool = True, *,
            rejected: dict[str, str] | None = None, allow_shrink: bool = False,
            figures: dict | None = None) -> PublishResult:
    """Publish `frames` into `out` (under its lock). `rejected` ({path: reason}) lets the changelog say
    why a document disappeared; `figures` (tradenews.tables.figures.figure_counts) goes into the card.
    Refused when the new package would hold more than MAX_SHRINK fewer of the published documents, unless
    `allow_shrink`."""
    out = Path(out).resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with package_lock(out):
            return _publish_locked(frames, out, validate_data, rejected, allow_shrink, figures)
    except OSError as exc:
        clear = publish_os_error(exc, out)
        if clear is exc:
            raise
        raise clear from exc


def _check_shrink(diff: PackageDiff, out: Path) -> None:
    docs = diff.tables["documents"]
    published = docs.rows - docs.added + docs.removed
    if published and docs.removed > MAX_SHRINK * published:
        raise Refused(f"this run would remove {docs.removed} of the {published} documents published in {out} "
                      f"({docs.removed / published:.0%}; a run may remove at most {MAX_SHRINK:.0%}): is the raw "
                      "folder complete (a share not mounted, files moved away)? Nothing was published; if the "
                      "removal is intended, run again with --allow-shrink (flow parameter allow_shrink)")


def _publish_locked(frames, out: Path, validate_data: bool, rejected: dict[str, str] | None,
                    allow_shrink: bool = False, figures: dict | None = None) -> PublishResult:
    recover(out)
    check_out_folder(out)  # under the lock: what a run publishes over is a package (or nothing)
    staged = _staging(out)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    try:
        (staged / "data").mkdir()
        written = {}
        for spec in TABLES:
            t = written[spec.name] = to_arrow(frames[spec.name], spec)
            write_csv(t, spec, staged / "data" / f"{spec.name}.csv")
            write_parquet(t, staged / "data" / f"{spec.name}.parquet")
        previous = _previous(out)
        draft = build_descriptor(staged, frames, "0.0.0", "")
        timings["write"] = time.perf_counter() - t0
        damaged = damaged_files(out, previous) if previous is not None else []
        lost = last_logged_version(out) if previous is None else None  # its descriptor missing or unreadable
        warnings = []
        if damaged:
            warnings.append(f"the published package {out} was damaged or edited by hand ({'; '.join(damaged[:5])}"
                            f"{'; ...' if len(damaged) > 5 else ''}): republished from source")
        if lost:
            warnings.append(f"the published package {out} has no readable datapackage.json (its CHANGELOG.md names "
                            f"version {lost}): republished from source as a new major version")
        kind = change_kind(previous, draft) if previous is not None else ("major" if lost else "first")
        if kind is None and not damaged:
            shutil.rmtree(staged)
            version = previous.get("version", "1.0.0")
            return PublishResult(out, version, False, version, timings=timings)
        t0 = time.perf_counter()
        previous_version = previous.get("version") if previous else lost
        try:
            earlier = (out / CHANGELOG).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            earlier = None
        if kind is None:  # a repair: the files the descriptor describes, from source; same version, no entry
            diff = None
            version, created = previous_version, previous.get("created", "")
            changelog = earlier if earlier is not None else updated_changelog(None, "")
        else:
            diff = diff_packages(out if previous is not None or lost else None, staged, rejected)
            if not allow_shrink:
                _check_shrink(diff, out)
            if previous is not None:
                kind = change_kind(previous, draft, diff)
                version, _ = next_version(previous, draft, diff)
            else:
                version = next_version({"version": lost, "resources": []}, draft)[0] if lost else "1.0.0"
            created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
            entry = render_entry(diff, version, previous_version, created, kind, notes=warnings)
            changelog = updated_changelog(earlier, entry)
        descriptor = build_descriptor(staged, frames, version, created)
        (staged / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                                                 encoding="utf-8")
        (staged / "README.md").write_text(render_card(frames, descriptor, figures), encoding="utf-8")
        (staged / CHANGELOG).write_text(changelog, encoding="utf-8")
        timings["diff"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        errors = check_package(staged, frictionless_data=validate_data, expected=written)
        timings["check"] = time.perf_counter() - t0
        if errors:
            raise PublishError("the new package is not valid; the previous one stays:\n  " + "\n  ".join(errors))
        t0 = time.perf_counter()
        _fsync_tree(staged)
        swap_in(staged, out, previous)
        timings["swap"] = time.perf_counter() - t0
        return PublishResult(out, version, True, previous_version, kind or "repair", diff, timings, warnings)
    except BaseException:
        if _read_journal(staged) is None:  # not yet moving in: the previous package is untouched
            shutil.rmtree(staged, ignore_errors=True)
        raise


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
