"""Checking a big package: frictionless data validation in child processes finds what the serial check finds."""
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
    monkeypatch.setattr(check, "_start_frictionless", lambda desc, names: subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    errors = check.check_package(pkg)
    assert errors and all(e.startswith("frictionless validation did not run (exit 3): boom") for e in errors)
