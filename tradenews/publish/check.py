"""Re-validate a published package: descriptor, frictionless (types, keys), pandera, CSV == Parquet."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_types
import pyarrow.parquet as pq

from schemas.fields import TABLES
from schemas.models import MODELS
from schemas.tableschema import arrow_schema
from tradenews.escape import csv_text
from tradenews.folders import DESCRIPTOR
from tradenews.publish.descriptor import PROFILE
from tradenews.publish.files import csv_column, read_csv, read_csv_arrow, read_parquet
from tradenews.publish.frictionless_check import frictionless_errors as _frictionless

# Packages whose CSV files add up to more than this many bytes (about 1,000 articles) have their
# frictionless data validation (row by row, the slowest check) run in PARALLEL_CHILDREN child
# processes, each validating a share of the resources (foreign keys included), while this process
# runs the pandera checks: every core busy, for about a second of start-up per child.
PARALLEL_BYTES = 2_000_000
PARALLEL_CHILDREN = 2
# rows of each resource frictionless reads when a package is published (see check_package)
PUBLISH_FRICTIONLESS_ROWS = 2_000


def check_package(pkg: Path, frictionless_data: bool = True,
                  expected: dict[str, pa_types.Table] | None = None, trusted: bool = False) -> list[str]:
    """Every problem found, as readable lines; an empty list means the package is valid.

    `pkg` is the package folder or its descriptor file. Untrusted (the default): a package someone sent
    may name any file or URL in its descriptor, so before anything is read every resource must be a
    relative path inside the package folder (see `untrusted_references`); a descriptor that names
    anything else is reported and nothing it names is opened or fetched. `trusted` lifts that rule.

    `tradenews validate` (expected=None) checks every row twice over: frictionless reads every row of
    every resource, pandera validates every row of the CSV and of the Parquet file.
    Publishing passes the tables it has just validated row by row and written (`expected`, as Arrow
    tables): the check then proves
    that the files hold exactly those rows (Parquet == validated tables, CSV == Parquet, every foreign
    key resolves) and frictionless reads the first PUBLISH_FRICTIONLESS_ROWS rows of each resource
    (header, formats and types as a frictionless user's reader sees them), so that the cost of the
    check does not grow with the package beyond reading it back."""
    pkg, desc_path = package_paths(Path(pkg))
    if not trusted:
        try:
            desc = json.loads(desc_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return [f"{desc_path}: cannot read descriptor ({exc})"]
        refused = untrusted_references(desc, pkg)
        if refused:
            return refused + ["nothing the descriptor names was read: it is checked as untrusted input "
                              "(tradenews validate --trusted reads and fetches what it names)"]
    limit = PUBLISH_FRICTIONLESS_ROWS if expected is not None else None
    sizes = _csv_sizes(pkg)
    groups = _share(sizes, PARALLEL_CHILDREN) if frictionless_data and sum(sizes.values()) > PARALLEL_BYTES else []
    children: list[subprocess.Popen] = []
    try:
        children += [_start_frictionless(desc_path, names, limit, trusted) for names in groups]
        errors = _check(pkg, desc_path, frictionless_data and not groups, expected, limit, trusted)
    finally:
        child_errors = [e for child in children for e in _finish_frictionless(child)]
    return errors + child_errors


def package_paths(path: Path) -> tuple[Path, Path]:
    """(package folder, descriptor file) of a folder or of a descriptor file."""
    if path.is_dir():
        return path, path / DESCRIPTOR
    return path.parent, path


def _remote_or_escaping(ref: str) -> str | None:
    """Why a path written in a descriptor leaves the package folder, or None when it stays inside."""
    if urllib.parse.urlsplit(ref).scheme or ref.startswith("//"):
        return "a URL (untrusted mode fetches nothing)"
    if ref.startswith(("/", "~", "\\")) or PurePosixPath(ref).is_absolute():
        return "an absolute path (or one from the home folder)"
    if ".." in PurePosixPath(ref.replace("\\", "/")).parts:
        return "a path with '..'"
    if not ref:
        return "an empty path"
    return None


def untrusted_references(desc, pkg: Path) -> list[str]:
    """Every reference of the descriptor that would make a check read outside the package folder: resource
    paths that are URLs, absolute or hold `..`, a schema or dialect given by reference (a path or URL to
    load), and files that a symbolic link takes out of the folder (the data files the check reads by name
    included)."""
    if not isinstance(desc, dict):
        return ["descriptor: not a JSON object"]
    problems: list[str] = []
    root = pkg.resolve()
    resources = desc.get("resources")
    for i, res in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(res, dict):
            continue
        name = res.get("name", f"#{i}")
        paths = res.get("path")
        for ref in paths if isinstance(paths, list) else [paths] if paths is not None else []:
            why = _remote_or_escaping(ref) if isinstance(ref, str) else "not a string"
            if why is None and not _inside(pkg / ref, root):
                why = "a symbolic link out of the package folder"
            if why:
                problems.append(f"resource {name}: path {str(ref)[:200]!r} refused: {why}")
        for key in ("schema", "dialect"):
            if isinstance(res.get(key), str):
                problems.append(f"resource {name}: {key} {res[key][:200]!r} refused: given by reference "
                                "(a file or URL to load), not written in the descriptor")
    for spec in TABLES:
        for rel in (f"data/{spec.name}.csv", f"data/{spec.name}.parquet"):
            if os.path.lexists(pkg / rel) and not _inside(pkg / rel, root):
                problems.append(f"{rel}: refused: a symbolic link out of the package folder")
    return problems


def _inside(path: Path, root: Path) -> bool:
    resolved = path.resolve()
    return resolved == root or root in resolved.parents


def _csv_sizes(pkg: Path) -> dict[str, int]:
    """Bytes of each table's CSV, by resource name."""
    return {spec.name: (pkg / "data" / f"{spec.name}.csv").stat().st_size for spec in TABLES
            if (pkg / "data" / f"{spec.name}.csv").is_file()}


def _share(sizes: dict[str, int], n: int) -> list[list[str]]:
    """Resource names in `n` groups of about equal bytes, biggest first; each frictionless resource
    (the CSV and its Parquet twin) is in exactly one group."""
    groups: list[list[str]] = [[] for _ in range(max(1, min(n, len(sizes))))]
    load = [0] * len(groups)
    for name in sorted(sizes, key=lambda k: -sizes[k]):
        i = load.index(min(load))
        groups[i] += [name, f"{name}-parquet"]
        load[i] += sizes[name]
    return [g for g in groups if g]


def _start_frictionless(desc_path: Path, names: list[str], limit_rows: int | None, trusted: bool
                        ) -> subprocess.Popen:
    # the same interpreter, where tradenews and schemas are installed
    return subprocess.Popen([sys.executable, "-m", "tradenews.publish.frictionless_check", str(desc_path),
                             ",".join(names), str(limit_rows or ""), "trusted" if trusted else ""],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish_frictionless(child: subprocess.Popen) -> list[str]:
    out, err = child.communicate()
    lines = out.decode("utf-8", "replace").strip().splitlines()
    try:
        found = json.loads(lines[-1]) if lines else None
    except ValueError:
        found = None
    if child.returncode != 0 or not isinstance(found, list):
        tail = err.decode("utf-8", "replace")[-2000:]
        return [f"frictionless validation did not run (exit {child.returncode}): {tail}"]
    return found


def _check(pkg: Path, desc_path: Path, frictionless_data: bool, expected: dict[str, pa_types.Table] | None = None,
           limit_rows: int | None = None, trusted: bool = False) -> list[str]:
    errors: list[str] = []
    try:
        desc = json.loads(desc_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"{desc_path}: cannot read descriptor ({exc})"]
    if desc.get("$schema") != PROFILE:
        errors.append(f"descriptor: $schema is not {PROFILE}")
    for res in desc.get("resources", []):
        for key in ("primaryKey", "foreignKeys"):
            if key in res:
                errors.append(f"resource {res.get('name')}: {key} at resource level (must be inside schema)")
        if "primaryKey" not in res.get("schema", {}):
            errors.append(f"resource {res.get('name')}: schema has no primaryKey")
    errors += _frictionless(desc_path, data=frictionless_data, limit_rows=limit_rows, trusted=trusted)
    columns: dict[str, Callable[[str], pd.Series]] = {}  # table -> column name -> values, for the foreign keys
    for spec in TABLES:
        csv_path, pq_path = pkg / "data" / f"{spec.name}.csv", pkg / "data" / f"{spec.name}.parquet"
        if not csv_path.exists() or not pq_path.exists():
            errors.append(f"{spec.name}: missing {csv_path.name} or {pq_path.name}")
            continue
        if expected is None:
            found, column = _check_rows(spec, csv_path, pq_path)
        else:
            found, column = _check_written(spec, csv_path, pq_path, expected[spec.name])
        errors += found
        columns[spec.name] = column
    if len(columns) == len(TABLES):
        for spec in TABLES:
            for fk in spec.foreign_keys:
                col, ref = fk.fields[0], fk.reference_fields[0]
                values = columns[spec.name](col).dropna()
                missing = values[~values.isin(set(columns[fk.resource](ref).dropna()))]
                if len(missing):
                    errors.append(f"{spec.name}.{col}: {len(missing)} values not in {fk.resource}.{ref} "
                                  f"(e.g. {missing.iloc[0]})")
    return errors


def _check_rows(spec, csv_path: Path, pq_path: Path) -> tuple[list[str], Callable[[str], pd.Series]]:
    """Every row of the CSV and of the Parquet file through pandera; the two files hold the same rows."""
    errors: list[str] = []
    csv_df = read_csv(csv_path, spec)
    pq_df, schema = read_parquet(pq_path, spec)
    if not schema.remove_metadata().equals(arrow_schema(spec)):
        errors.append(f"{pq_path.name}: Arrow schema differs from the Table Schema:\n{schema}")
    try:
        MODELS[spec.name].validate(pq_df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(20)
        errors.append(f"{spec.name}.parquet: pandera found {len(exc.failure_cases)} failures:\n"
                      + cases[["column", "check", "failure_case", "index"]].to_string())
    # the CSV holds the same rows, free text neutralised (csv_text): then the CSV is as valid as the Parquet
    expected_csv = pq_df.reset_index(drop=True).copy()
    for f in spec.fields:
        if f.free_text and f.name in expected_csv:
            expected_csv[f.name] = pd.array([None if pd.isna(v) else csv_text(v) for v in expected_csv[f.name]],
                                            dtype=expected_csv[f.name].dtype)
    if not csv_df.reset_index(drop=True).equals(expected_csv):
        errors.append(f"{spec.name}: CSV and Parquet rows differ (beyond the neutralised free text)")
    return errors, csv_df.__getitem__


def _check_written(spec, csv_path: Path, pq_path: Path, validated: pa_types.Table
                   ) -> tuple[list[str], Callable[[str], pd.Series]]:
    """The files hold exactly the rows that were validated: Parquet == validated, CSV == validated."""
    errors: list[str] = []
    written = pq.read_table(pq_path)
    if not written.schema.remove_metadata().equals(arrow_schema(spec)):
        errors.append(f"{pq_path.name}: Arrow schema differs from the Table Schema:\n{written.schema}")
    elif not written.equals(validated):
        errors.append(f"{pq_path.name}: rows differ from the validated {spec.name} table")
    try:
        csv_table = read_csv_arrow(csv_path, spec)
    except (pa_types.ArrowInvalid, ValueError) as exc:
        errors.append(f"{csv_path.name}: cannot be read back ({exc})")
    else:
        if csv_table.num_rows != validated.num_rows or not all(
                csv_table.column(i).equals(csv_column(validated.column(i), f)) for i, f in enumerate(spec.fields)):
            errors.append(f"{spec.name}: CSV rows differ from the validated table (and from the Parquet file)")
    return errors, lambda name: validated.column(name).to_pandas()
