"""A published package that was edited by hand or damaged: the next run notices it (the descriptor's hashes),
says so in one warning line and in the run summary, and publishes again from source instead of calling the
package unchanged; a lost or damaged datapackage.json never starts the versions again at 1.0.0."""
from __future__ import annotations

import json

import pytest

from tests.reliability import files, version, write_articles
from tradenews import pipeline
from tradenews.errors import Refused
from tradenews.publish.check import check_package


@pytest.fixture
def published(tmp_path):
    raw = tmp_path / "raw"
    write_articles(raw, range(4))
    pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    write_articles(raw, [4])
    pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    assert version(tmp_path / "pkg") == "1.1.0"
    return raw, tmp_path / "pkg", files(tmp_path / "pkg")


def _run(raw, pkg):
    summary = pipeline.run_local(raw, pkg, pkg.parent / "reports")
    return summary, summary.to_text().splitlines()


def test_a_hand_edited_table_is_noticed_and_republished_as_it_was(published):
    raw, pkg, before = published
    deals = pkg / "data" / "deals.csv"
    deals.write_text(deals.read_text(encoding="utf-8").replace("USD", "EUR"), encoding="utf-8")
    (pkg / "data" / "events.parquet").unlink()
    summary, printed = _run(raw, pkg)
    assert summary.published_changes and summary.change == "repair" and summary.version == "1.1.0"
    [warning] = summary.package_warnings
    assert warning.startswith(f"the published package {pkg.resolve()} was damaged or edited by hand (")
    assert "data/deals.csv differs from the descriptor" in warning and "data/events.parquet is missing" in warning
    assert [line for line in printed if "warning" in line] == [f"tradenews: warning: {warning}"]
    assert printed[-2].endswith("version 1.1.0 republished as described by its descriptor (the files had been "
                                "damaged)")
    assert warning in (pkg.parent / "reports" / "warnings.txt").read_text(encoding="utf-8")
    assert files(pkg) == before and check_package(pkg) == []
    summary, _ = _run(raw, pkg)  # whole again: the next run finds nothing to do
    assert not summary.published_changes and summary.package_warnings == []


def test_a_damaged_table_with_new_input_is_a_new_version_with_a_note(published):
    raw, pkg, _ = published
    (pkg / "data" / "trade_flows.csv").write_bytes(b"\x00garbage")
    write_articles(raw, [5])
    summary, _ = _run(raw, pkg)
    assert summary.version == "1.2.0" and summary.change == "minor"
    changelog = (pkg / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = changelog.split("\n## ")[1]
    assert entry.startswith("1.2.0 (") and "Note: the published package" in entry
    assert "data/trade\\_flows.csv differs from the descriptor" in entry
    assert "## 1.1.0 (" in changelog and "## 1.0.0 (" in changelog
    assert check_package(pkg) == []


@pytest.mark.parametrize("damage", ["missing", "not json", "emptied", "wrong shape"])
def test_a_lost_descriptor_never_restarts_the_versions(published, damage):
    raw, pkg, _ = published
    descriptor = pkg / "datapackage.json"
    if damage == "missing":
        descriptor.unlink()
    elif damage == "not json":
        descriptor.write_text('{"name": "tradenews", "version": "1.1', encoding="utf-8")
    elif damage == "emptied":
        descriptor.write_bytes(b"")
    else:
        descriptor.write_text(json.dumps({"name": "tradenews", "resources": "all"}), encoding="utf-8")
    summary, printed = _run(raw, pkg)
    assert summary.version == "2.0.0" and summary.change == "major"
    [warning] = summary.package_warnings
    assert warning == (f"the published package {pkg.resolve()} has no readable datapackage.json (its CHANGELOG.md "
                       "names version 1.1.0): republished from source as a new major version")
    assert f"tradenews: warning: {warning}" in printed
    changelog = (pkg / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.split("\n## ")[1].startswith("2.0.0 (") and "Previous version 1.1.0" in changelog
    assert "## 1.1.0 (" in changelog and "## 1.0.0 (" in changelog
    assert check_package(pkg) == [] and version(pkg) == "2.0.0"


def test_a_folder_with_neither_descriptor_nor_changelog_is_still_refused(published):
    raw, pkg, _ = published
    (pkg / "datapackage.json").unlink()
    (pkg / "CHANGELOG.md").unlink()
    with pytest.raises(Refused, match="holds other files and no tradenews package"):
        pipeline.run_local(raw, pkg, pkg.parent / "reports")


def test_the_descriptor_of_another_package_is_never_replaced(published):
    raw, pkg, _ = published
    foreign = json.dumps({"name": "someone-elses-data", "resources": []})
    (pkg / "datapackage.json").write_text(foreign, encoding="utf-8")
    with pytest.raises(Refused, match="holds other files and no tradenews package"):
        pipeline.run_local(raw, pkg, pkg.parent / "reports")
    assert (pkg / "datapackage.json").read_text(encoding="utf-8") == foreign
