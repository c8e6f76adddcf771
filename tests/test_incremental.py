"""Incremental, cached, versioned publishing: the extraction cache, version bumps, CHANGELOG.md,
the package lock, failed runs, and the flow's retries and cache reporting."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED
from tradenews import pipeline
from tradenews.cache import MARKER, MARKER_TEXT, ExtractionCache, default_cache_dir
from tradenews.publish import package as package_mod
from tradenews.publish.check import check_package
from tradenews.publish.package import PackageLocked, lock_path, next_version

PROVINCES = ("江西", "湖南", "四川", "广西", "吉林", "云南", "河南")
COUNTRIES = ("俄罗斯", "南非", "德国", "法国", "巴西", "越南")


def article(i: int) -> str:
    """A short, distinct news article: one trade flow, one deal at the CIIE (facts differ with i)."""
    prov, country = PROVINCES[i % len(PROVINCES)], COUNTRIES[(i // len(PROVINCES)) % len(COUNTRIES)]
    return (f"{prov}日报讯 2023年，{prov}省对{country}进出口总额{10 + i}.5亿元，同比增长{5 + i % 40}%。"
            f"在第六届中国国际进口博览会上，{prov}交易团与{country}企业签约采购项目，金额{100 + i}0万美元。\n")


def _folder(base: Path, n: int) -> Path:
    raw = base / "raw"
    raw.mkdir(parents=True)
    for i in range(n):
        (raw / f"a{i:03d}.txt").write_text(article(i), encoding="utf-8")
    return raw


def _files(pkg: Path) -> dict[str, str]:
    return {p.relative_to(pkg).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(pkg.rglob("*")) if p.is_file()}


def _run(base: Path, raw: Path, out_name: str = "pkg", cache: bool = True) -> pipeline.RunSummary:
    return pipeline.run_job(raw, base / out_name, base / "reports", cache_dir=base / "cache" if cache else None)


def _doc_id(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _version(pkg: Path) -> str:
    return json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))["version"]


@pytest.fixture(autouse=True)
def _no_cache_env(monkeypatch):
    monkeypatch.delenv("TRADENEWS_CACHE_DIR", raising=False)


class ExtractSpy:
    def __init__(self, monkeypatch):
        self.paths: list[str] = []
        real = pipeline.extract_source

        def spy(src, paths=(), *args):
            self.paths.append(src.source_path)
            return real(src, paths, *args)

        monkeypatch.setattr(pipeline, "extract_source", spy)


# --- cache ---------------------------------------------------------------------------------------

def test_unchanged_folder_extracts_nothing_and_leaves_the_package_byte_identical(tmp_path, monkeypatch):
    raw = _folder(tmp_path, 5)
    first = _run(tmp_path, raw)
    assert (first.documents_extracted, first.documents_cached) == (5, 0)
    before = _files(tmp_path / "pkg")
    assert "CHANGELOG.md" in before
    spy = ExtractSpy(monkeypatch)
    second = _run(tmp_path, raw)
    assert spy.paths == []
    assert (second.documents_extracted, second.documents_cached) == (0, 5)
    assert second.published_changes is False and second.version == "1.0.0"
    assert _files(tmp_path / "pkg") == before


def test_a_package_from_the_cache_equals_one_extracted_afresh(tmp_path):
    raw = _folder(tmp_path, 4)
    shutil.copy(SEED, raw / SEED.name)
    shutil.copy(SEED, raw / "copy-of-seed.txt")  # duplicates: one document, both paths
    _run(tmp_path, raw, "fresh")
    cached = _run(tmp_path, raw, "cached")
    assert cached.documents_cached == 5 and cached.documents_extracted == 0
    fresh, again = _files(tmp_path / "fresh"), _files(tmp_path / "cached")
    data = [k for k in fresh if k.startswith("data/")]
    assert data and all(fresh[k] == again[k] for k in data)


def test_adding_one_article_to_a_large_folder_extracts_only_that_article(tmp_path, monkeypatch):
    raw = _folder(tmp_path, 40)
    _run(tmp_path, raw)
    (raw / "new.txt").write_text(article(41), encoding="utf-8")
    spy = ExtractSpy(monkeypatch)
    summary = _run(tmp_path, raw)
    assert spy.paths == ["new.txt"]
    assert (summary.documents_extracted, summary.documents_cached) == (1, 40)
    assert summary.extracted == ["new.txt"]
    assert summary.change == "minor" and summary.version == "1.1.0"
    assert summary.changes["tables"]["documents"] == {"added": 1, "removed": 0, "changed": 0}
    log = (tmp_path / "pkg" / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = log.split("\n## ")[1]
    assert entry.startswith("1.1.0 ") and "Previous version 1.0.0" in entry
    assert "Raw files added: `new.txt`." in entry
    assert f"- `new.txt` (doc `{_doc_id(raw / 'new.txt')}`; new: new file): documents +1" in entry
    assert "\n## 1.0.0 " in log  # the earlier entry stays
    assert check_package(tmp_path / "pkg") == []


def test_cache_key_is_content_sidecar_and_extractor_version(tmp_path, monkeypatch):
    raw = _folder(tmp_path, 3)
    _run(tmp_path, raw)
    # a renamed file is the same document: a hit, published under its new path
    os.rename(raw / "a000.txt", raw / "renamed.txt")
    # a new sidecar changes the reference date and title: a miss for that document only
    (raw / "a001.meta.json").write_text(json.dumps({"title": "新标题", "published_date": "2024-01-05"}),
                                        encoding="utf-8")
    spy = ExtractSpy(monkeypatch)
    summary = _run(tmp_path, raw)
    assert spy.paths == ["a001.txt"]
    docs = (tmp_path / "pkg" / "data" / "documents.csv").read_text(encoding="utf-8")
    assert "renamed.txt" in docs and "a000.txt" not in docs and "新标题" in docs
    assert summary.documents_cached == 2
    # another extractor version never sees these entries
    from tradenews.ingest.read import read_source

    src = read_source(raw, raw / "a002.txt")
    assert ExtractionCache(tmp_path / "cache", "0.0.0+other").get(src) is None
    current = pipeline.open_cache(tmp_path / "cache")
    assert current.get(src) is not None
    # a truncated entry is a miss and is rewritten by the next run
    current.path(src).write_bytes(b"\x80\x04trunc")
    assert current.get(src) is None
    spy.paths.clear()
    _run(tmp_path, raw)
    assert spy.paths == ["a002.txt"] and current.get(src) is not None


def test_old_extractor_versions_are_pruned(tmp_path):
    cache = tmp_path / "cache" / "extractions"
    for i in range(5):
        folder = cache / f"0.0.{i}_old"
        folder.mkdir(parents=True)
        (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        (folder / f"{i:064x}-{i:016x}.json").write_text("{}", encoding="utf-8")
        os.utime(folder, (1000 + i, 1000 + i))
    raw = _folder(tmp_path, 1)
    _run(tmp_path, raw)
    kept = sorted(p.name for p in cache.iterdir())
    assert len(kept) == 3 and "0.0.4_old" in kept and "0.0.3_old" in kept and "0.0.0_old" not in kept


def test_default_cache_folder_is_beside_the_package_or_from_the_environment(tmp_path, monkeypatch):
    assert default_cache_dir(tmp_path / "datapackage") == tmp_path / ".cache" / "tradenews"
    monkeypatch.setenv("TRADENEWS_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_cache_dir(tmp_path / "datapackage") == tmp_path / "elsewhere"


# --- versions and changelog ------------------------------------------------------------------------

def test_deleting_a_raw_file_removes_its_rows_and_says_so(tmp_path):
    raw = _folder(tmp_path, 4)
    _run(tmp_path, raw)
    gone = _doc_id(raw / "a002.txt")
    (raw / "a002.txt").unlink()
    summary = _run(tmp_path, raw)
    assert summary.change == "minor" and summary.version == "1.1.0"
    assert summary.changes["tables"]["documents"]["removed"] == 1
    for table in ("documents", "deals", "trade_flows", "evidence"):
        text = (tmp_path / "pkg" / "data" / f"{table}.csv").read_text(encoding="utf-8")
        assert gone not in text, table
    entry = (tmp_path / "pkg" / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ")[1]
    assert "Raw files deleted or no longer read (their rows are removed): `a002.txt`." in entry
    assert f"`a002.txt` (doc `{gone}`; removed: raw file `a002.txt` deleted; its rows are removed): documents -1" \
        in entry
    assert "| documents | 3 | 0 | 1 | 0 |" in entry


def test_a_file_that_becomes_unreadable_is_named_with_its_reason(tmp_path):
    raw = _folder(tmp_path, 2)
    _run(tmp_path, raw)
    (raw / "a001.txt").write_bytes(b"")
    _run(tmp_path, raw)
    entry = (tmp_path / "pkg" / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ")[1]
    assert "`a001.txt` is now rejected (empty file); its rows are removed" in entry


def test_a_correction_of_existing_rows_is_a_patch(tmp_path):
    raw = _folder(tmp_path, 3)
    _run(tmp_path, raw)
    # same bytes (same doc_id, same rows) but a title from a new sidecar: the documents row is corrected
    (raw / "a001.meta.json").write_text(json.dumps({"title": "更正后的标题"}), encoding="utf-8")
    summary = _run(tmp_path, raw)
    changes = summary.changes["tables"]
    assert changes["documents"] == {"added": 0, "removed": 0, "changed": 1}
    assert not any(c["added"] or c["removed"] for c in changes.values()), changes
    assert summary.change == "patch" and summary.version == "1.0.1"
    entry = (tmp_path / "pkg" / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ")[1]
    assert entry.startswith("1.0.1 ") and "patch: corrections of existing rows" in entry
    assert "`a001.txt`" in entry and "documents ~1" in entry


def test_version_rules():
    prev = {"version": "1.2.3", "resources": [{"name": "deals", "schema": {"fields": [{"name": "a"}]}, "hash": "x"}]}
    same = {"resources": [{"name": "deals", "schema": {"fields": [{"name": "a"}]}, "hash": "x"}]}
    data = {"resources": [{"name": "deals", "schema": {"fields": [{"name": "a"}]}, "hash": "y"}]}
    field = {"resources": [{"name": "deals", "schema": {"fields": [{"name": "b"}]}, "hash": "y"}]}
    table = {"resources": [*data["resources"], {"name": "more", "schema": {}, "hash": "z"}]}

    class Rows:  # the parts of PackageDiff that decide between minor and patch
        def __init__(self, moved: bool):
            self.rows_added_or_removed = moved

    assert next_version(None, same) == ("1.0.0", True)
    assert next_version(prev, same) == ("1.2.3", False)
    assert next_version(prev, data, Rows(True)) == ("1.3.0", True)
    assert next_version(prev, data, Rows(False)) == ("1.2.4", True)
    assert next_version(prev, data) == ("1.3.0", True)  # no row diff: a data change is minor
    assert next_version(prev, field, Rows(False)) == ("2.0.0", True)
    assert next_version(prev, table, Rows(True)) == ("2.0.0", True)


def test_a_schema_change_is_a_major_version(tmp_path, monkeypatch):
    raw = _folder(tmp_path, 2)
    _run(tmp_path, raw)
    real = package_mod.build_descriptor

    def changed_schema(*args, **kwargs):
        desc = real(*args, **kwargs)
        desc["resources"][0]["schema"]["fields"][0]["description"] += " (changed)"
        return desc

    monkeypatch.setattr(package_mod, "build_descriptor", changed_schema)
    summary = _run(tmp_path, raw)
    assert summary.change == "major" and summary.version == "2.0.0"
    assert "major: the table schema changed" in (tmp_path / "pkg" / "CHANGELOG.md").read_text(encoding="utf-8")


# --- lock, failures, recovery ------------------------------------------------------------------------

HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from tradenews.publish.package import package_lock
    with package_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(120)
""")


@pytest.fixture
def lock_holder(tmp_path):
    procs = []

    def start(out: Path) -> subprocess.Popen:
        p = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True)
        procs.append(p)
        assert p.stdout.readline().strip() == "locked"
        return p

    yield start
    for p in procs:
        p.kill()
        p.wait()


def test_a_second_run_is_refused_with_the_holders_pid_and_changes_nothing(tmp_path, lock_holder):
    raw = _folder(tmp_path, 2)
    _run(tmp_path, raw)
    before = _files(tmp_path / "pkg")
    (raw / "new.txt").write_text(article(9), encoding="utf-8")
    holder = lock_holder(tmp_path / "pkg")
    with pytest.raises(PackageLocked) as exc:
        _run(tmp_path, raw)
    message = str(exc.value)
    assert f"pid {holder.pid}" in message and str(lock_path(tmp_path / "pkg")) in message
    assert "another tradenews run" in message
    assert _files(tmp_path / "pkg") == before
    holder.kill()
    holder.wait()
    # the lock file is still there but nobody holds it: the next run proceeds without clean-up
    assert lock_path(tmp_path / "pkg").exists()
    assert _run(tmp_path, raw).version == "1.1.0"


def test_a_failed_run_leaves_the_previous_package_and_the_next_run_recovers(tmp_path, monkeypatch):
    raw = _folder(tmp_path, 3)
    _run(tmp_path, raw)
    before = _files(tmp_path / "pkg")
    (raw / "new.txt").write_text(article(7), encoding="utf-8")

    def broken_swap(staged, out, previous):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(package_mod, "swap_in", broken_swap)
    with pytest.raises(OSError):
        _run(tmp_path, raw)
    monkeypatch.undo()
    assert _files(tmp_path / "pkg") == before
    assert not list(tmp_path.glob(".pkg.tmp-*")) and not list(tmp_path.glob(".pkg.old-*"))
    summary = _run(tmp_path, raw)
    assert summary.version == "1.1.0" and summary.documents_extracted == 0  # cached by the failed run
    assert check_package(tmp_path / "pkg") == []


def test_a_package_an_earlier_version_left_in_old_when_killed_is_put_back(tmp_path):
    """Earlier versions swapped whole folders with two renames: a kill between them left the package in
    .pkg.old-*; an abandoned staging folder (no journal) is dropped."""
    raw = _folder(tmp_path, 2)
    _run(tmp_path, raw)
    before = _files(tmp_path / "pkg")
    os.rename(tmp_path / "pkg", tmp_path / ".pkg.old-deadbeef")  # the state a kill can leave behind
    (tmp_path / ".pkg.tmp-cafebabe").mkdir()
    summary = _run(tmp_path, raw)
    assert summary.published_changes is False and _files(tmp_path / "pkg") == before
    assert not list(tmp_path.glob(".pkg.*-*"))


# --- the flow ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def _cli(args: list[str]) -> tuple[int, str, str]:
    """tradenews.cli.main in-process, its output captured (not with capsys: Prefect's log handler would
    keep writing to capsys's stream after the test closed it)."""
    import contextlib
    import io

    from tradenews.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def test_flow_reports_cache_use_and_retries_transient_errors_only(harness, tmp_path, monkeypatch):
    from prefect.artifacts import Artifact

    import tradenews.publish.package as package_mod
    from tradenews.publish.package import PublishError

    raw = _folder(tmp_path, 3)
    args = ["run", "--raw", str(raw), "--out", str(tmp_path / "pkg"), "--cache", str(tmp_path / "cache")]
    code, out, _ = _cli(args)
    assert code == 0 and "tradenews: documents: 0 from cache, 3 extracted" in out

    calls = []
    real = package_mod.publish

    def flaky(frames, out, **kw):
        calls.append(out)
        if len(calls) == 1:
            raise OSError(errno.EIO, "Input/output error")
        return real(frames, out, **kw)

    monkeypatch.setattr(package_mod, "publish", flaky)
    (raw / "new.txt").write_text(article(11), encoding="utf-8")
    code, out, _ = _cli(args)
    assert code == 0
    assert len(calls) == 2  # retried once after the transient error
    assert "tradenews: documents: 3 from cache, 1 extracted" in out
    assert "version 1.1.0 published (minor)" in out and "documents +1 -0 ~0" in out
    artifact = Artifact.get("tradenews-run-summary")
    assert "(3 from cache, 1 extracted)" in artifact.data and "`new.txt`" in artifact.data

    def invalid(frames, out, **kw):
        calls.append(out)
        raise PublishError("the new package is not valid")

    calls.clear()
    monkeypatch.setattr(package_mod, "publish", invalid)
    code, _, err = _cli(args)
    assert len(calls) == 1  # not a transient error: no retry
    assert code == 1 and ("tradenews: run failed: the new package is not valid. The package at "
                          f"{tmp_path / 'pkg'} is unchanged (version 1.1.0).") in err.splitlines()

    monkeypatch.setattr(package_mod, "publish", real)
    code, out, _ = _cli(args)
    assert code == 0 and "tradenews: documents: 4 from cache, 0 extracted" in out


def test_cli_run_refuses_a_locked_package(harness, tmp_path, lock_holder):
    from tradenews.cli import EXIT_LOCKED

    raw = _folder(tmp_path, 1)
    holder = lock_holder(tmp_path / "pkg")
    code, _, err = _cli(["run", "--raw", str(raw), "--out", str(tmp_path / "pkg")])
    assert code == EXIT_LOCKED
    assert f"pid {holder.pid}" in err and "is being published by another tradenews run" in err
    assert not (tmp_path / "pkg").exists()


def test_a_code_edit_that_changes_no_row_publishes_nothing(tmp_path, monkeypatch):
    """A refactor (another extractor fingerprint) re-extracts everything, finds the same rows, and leaves the
    package byte-identical; the fingerprint is recorded once, when a publication happens."""
    import tradenews.pipeline as pl
    import tradenews.publish.descriptor as descriptor

    raw = _folder(tmp_path, 3)
    first = _run(tmp_path, raw)
    before = _files(tmp_path / "pkg")
    recorded = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))["extractor"]
    monkeypatch.setattr(pl, "extractor_version", lambda: "9.9.9+refactored")
    monkeypatch.setattr(descriptor, "extractor_version", lambda: "9.9.9+refactored")
    second = _run(tmp_path, raw)
    assert second.documents_extracted == 3 and second.documents_cached == 0  # never served from older rules
    assert not second.published_changes and second.version == first.version
    assert _files(tmp_path / "pkg") == before
    assert recorded.startswith(pipeline.rules_version())
    # a change of the rows publishes, and then records the new fingerprint
    (raw / "a000.txt").write_text(article(40), encoding="utf-8")
    third = _run(tmp_path, raw)
    assert third.published_changes
    assert json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))["extractor"] == "9.9.9+refactored"
