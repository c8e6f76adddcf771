"""Checking a big package: frictionless data validation in child processes finds what the serial check finds;
the check at publication proves the files hold exactly the validated rows."""
from __future__ import annotations

import shutil


def _frictionless_lines(errors: list[str]) -> list[str]:
    return sorted(e for e in errors if e.startswith("frictionless"))


def test_parallel_frictionless_check_reports_what_the_serial_one_does(seed_package, tmp_path, monkeypatch):
    from tradenews.publish import check

    pkg = tmp_path / "pkg"
    shutil.copytree(seed_package, pkg)
    assert check._share(check._csv_sizes(pkg), 2) and check.check_package(pkg) == []
    monkeypatch.setattr(check, "PARALLEL_BYTES", 0)
    assert check.check_package(pkg) == []  # the children find nothing in a valid package

    # repeat a row of deals.csv (its primary key twice) and break a foreign key in evidence.csv
    deals = (pkg / "data" / "deals.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (pkg / "data" / "deals.csv").write_text("".join(deals + deals[1:2]), encoding="utf-8")
    evidence = (pkg / "data" / "evidence.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    doc_col = evidence[0].rstrip("\n").split(",").index("doc_id")
    row = evidence[1].rstrip("\n").split(",")
    row[doc_col] = "0000000000000000"
    evidence[1] = ",".join(row) + "\n"
    (pkg / "data" / "evidence.csv").write_text("".join(evidence), encoding="utf-8")

    parallel = check.check_package(pkg)
    monkeypatch.setattr(check, "PARALLEL_BYTES", 10**12)
    serial = check.check_package(pkg)
    found = _frictionless_lines(parallel)
    assert found == _frictionless_lines(serial)
    assert any(e.startswith("frictionless deals:") and "unique" in e and "deal_id" in e for e in found), found
    assert any(e.startswith("frictionless evidence:") and "0000000000000000" in e for e in found), found
    # the rest of the check (pandera, CSV == Parquet, keys) is the same in both modes
    assert sorted(e for e in parallel if not e.startswith("frictionless")) == \
        sorted(e for e in serial if not e.startswith("frictionless"))


def test_a_child_that_fails_makes_the_package_invalid(seed_package, tmp_path, monkeypatch):
    import subprocess
    import sys

    from tradenews.publish import check

    pkg = tmp_path / "pkg"
    shutil.copytree(seed_package, pkg)
    monkeypatch.setattr(check, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(check, "_start_frictionless", lambda desc, names, limit, trusted: subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    errors = check.check_package(pkg)
    assert errors and all(e.startswith("frictionless validation did not run (exit 3): boom") for e in errors)


def _written(pkg):
    import pyarrow.parquet as pq

    from schemas.fields import TABLES
    from schemas.tableschema import arrow_schema

    return {spec.name: pq.read_table(pkg / "data" / f"{spec.name}.parquet").cast(arrow_schema(spec))
            for spec in TABLES}


def _edit_cell(path, column: str, row: int, value: str) -> str:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    old = rows[row][rows[0].index(column)]
    rows[row][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return old


def test_publication_check_finds_a_file_that_differs_from_the_validated_rows(seed_package, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tradenews.publish import check

    pkg = tmp_path / "pkg"
    shutil.copytree(seed_package, pkg)
    validated = _written(pkg)
    assert check.check_package(pkg, expected=validated) == []

    # one amount in the CSV changed to a value that is still a valid number: no schema check sees it
    old = _edit_cell(pkg / "data" / "deals.csv", "amount", 1, "123")
    errors = check.check_package(pkg, expected=validated)
    assert any(e.startswith("deals: CSV rows differ") for e in errors), errors
    _edit_cell(pkg / "data" / "deals.csv", "amount", 1, old)
    assert check.check_package(pkg, expected=validated) == []

    # a Parquet file that lost its last row
    t = pq.read_table(pkg / "data" / "events.parquet")
    pq.write_table(t.slice(0, t.num_rows - 1), pkg / "data" / "events.parquet")
    errors = check.check_package(pkg, expected=validated)
    assert any(e.startswith("events.parquet: rows differ from the validated events table") for e in errors), errors

    # a validated table that is not what was written (a row the writer dropped)
    shutil.rmtree(pkg)
    shutil.copytree(seed_package, pkg)
    short = dict(validated, deals=validated["deals"].slice(1))
    errors = check.check_package(pkg, expected=short)
    assert any(e.startswith("deals.parquet: rows differ") for e in errors), errors
    assert any(e.startswith("deals: CSV rows differ") for e in errors), errors
    assert isinstance(short["deals"], pa.Table)


def test_publication_check_reads_a_bounded_number_of_rows_with_frictionless(seed_package, tmp_path, monkeypatch):
    """At publication frictionless reads the first PUBLISH_FRICTIONLESS_ROWS rows; `tradenews validate`
    (no validated tables given) reads them all. A broken key beyond the bound is still found at
    publication, by the comparison with the validated rows."""
    from tradenews.publish import check

    pkg = tmp_path / "pkg"
    shutil.copytree(seed_package, pkg)
    validated = _written(pkg)
    evidence = pkg / "data" / "evidence.csv"
    last = len(evidence.read_text(encoding="utf-8").splitlines()) - 1
    _edit_cell(evidence, "doc_id", last, "0000000000000000")
    monkeypatch.setattr(check, "PUBLISH_FRICTIONLESS_ROWS", 1)
    at_publication = check.check_package(pkg, expected=validated)
    assert not any(e.startswith("frictionless") for e in at_publication), at_publication
    assert any(e.startswith("evidence: CSV rows differ") for e in at_publication), at_publication
    full = check.check_package(pkg)
    assert any(e.startswith("frictionless evidence:") and "0000000000000000" in e for e in full), full
