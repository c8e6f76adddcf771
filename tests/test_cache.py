"""The extraction cache holds data, never code, and deletes only what it wrote.

Entries are JSON rebuilt from the model's field types: a pickle (which would run code when loaded), a
corrupt, foreign or hostile entry is a miss that is re-extracted and rewritten, never an exception, a
hang or code run. Pruning a cache folder that is a user's folder deletes none of the user's files.
"""
from __future__ import annotations

import dataclasses
import json
import os
import pickle
import types
import typing
from pathlib import Path

import pytest

from tests.conftest import SEED
from tests.reliability import files, short_article
from tradenews import pipeline
from tradenews.cache import MARKER, ExtractionCache, from_data, to_data
from tradenews.ingest.read import read_source
from tradenews.model import Extraction
from tradenews.version import extractor_version


def _sources(tmp_path: Path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    (raw / "seed.meta.json").write_text(json.dumps({"published_date": "2023-11-12", "title": "进博会"}),
                                        encoding="utf-8")
    for i in range(3):
        (raw / f"a{i}.txt").write_text(short_article(i), encoding="utf-8")
    return raw, [read_source(raw, p) for p in sorted(raw.glob("*.txt"))]


def test_an_entry_reads_back_exactly_what_was_extracted(tmp_path):
    _, sources = _sources(tmp_path)
    cache = ExtractionCache(tmp_path / "cache", extractor_version())
    for src in sources:
        ex = pipeline.extract_source(src)
        assert ex.error is None
        cache.put(src, ex)
        assert cache.get(src) == ex
        assert json.loads(cache.path(src).read_bytes())["extraction"]["document"]["reference_date"][:2] == "20"
    assert cache.entries() == len(sources) and (cache.dir / MARKER).is_file()


def _types_of(tp, seen: set) -> None:
    """Every type the model uses under Extraction, fails on one the cache cannot write and read back."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType, list, tuple):
        for arg in args:
            if arg is not Ellipsis:
                _types_of(arg, seen)
    elif dataclasses.is_dataclass(tp):
        if tp not in seen:
            seen.add(tp)
            for hint in typing.get_type_hints(tp).values():
                _types_of(hint, seen)
    else:
        import datetime as dt
        assert tp in (str, int, float, bool, dt.date, type(None)), f"the cache cannot hold a {tp}: extend cache.py"


def test_the_cache_format_covers_every_field_type_of_the_model():
    seen: set = set()
    _types_of(Extraction, seen)
    assert len(seen) == 8  # Extraction, DocumentInfo, Event, Deal, TradeFlow, Indicator, Evidence, FigureFate


class RunsCode:
    """A pickle that creates a file when loaded: what a planted pickle entry could do."""

    def __init__(self, flag: Path):
        self.flag = flag

    def __reduce__(self):
        return (os.mkdir, (str(self.flag),))


def _hostile_entries(tmp_path: Path, entry: dict) -> dict[str, object]:
    """name -> what to put at the entry's path (bytes, or a callable that makes it)."""
    wrong_type = json.loads(json.dumps(entry))
    wrong_type["extraction"]["document"]["chars"] = "many"
    extra_field = json.loads(json.dumps(entry))
    extra_field["extraction"]["deals"].append({"__class__": "os.system"})
    missing_field = json.loads(json.dumps(entry))
    del missing_field["extraction"]["document"]["doc_id"]
    foreign_key = dict(entry, key="0" * 64 + "-" + "0" * 16)
    bad_date = json.loads(json.dumps(entry))
    bad_date["extraction"]["document"]["reference_date"] = "2023-02-30"
    return {
        "pickle": pickle.dumps(RunsCode(tmp_path / "pwned")),
        "truncated": json.dumps(entry).encode()[:200],
        "not-utf8": b'{"format": 1, "key": "\xff"}',
        "deep": b"[" * 100_000 + b"]" * 100_000,
        "list": b"[1, 2, 3]",
        "wrong-type": json.dumps(wrong_type).encode(),
        "extra-field": json.dumps(extra_field).encode(),
        "missing-field": json.dumps(missing_field).encode(),
        "foreign-key": json.dumps(foreign_key).encode(),
        "other-version": json.dumps(dict(entry, extractor_version="0.0.0+other")).encode(),
        "bad-date": json.dumps(bad_date).encode(),
        "fifo": lambda path: os.mkfifo(path),
        "dev-zero": lambda path: path.symlink_to("/dev/zero"),
        "folder": lambda path: path.mkdir(),
        "too-big": lambda path: path.write_bytes(b" " * (64 * 2**20 + 10)),
    }


def test_a_hostile_entry_is_a_miss_never_code_an_exception_or_a_hang(tmp_path):
    _, sources = _sources(tmp_path)
    src = sources[0]
    cache = ExtractionCache(tmp_path / "cache", extractor_version())
    ex = pipeline.extract_source(src)
    cache.put(src, ex)
    entry = json.loads(cache.path(src).read_bytes())
    for name, content in _hostile_entries(tmp_path, entry).items():
        path = cache.path(src)
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink(missing_ok=True)
        content(path) if callable(content) else path.write_bytes(content)
        assert cache.get(src) is None, name
        assert not (tmp_path / "pwned").exists(), name
    # the earlier versions' pickle file name beside it is never opened either
    cache.path(src).with_suffix(".pickle").write_bytes(pickle.dumps(RunsCode(tmp_path / "pwned")))
    cache.path(src).unlink()
    assert cache.get(src) is None and not (tmp_path / "pwned").exists()


def test_a_run_re_extracts_and_rewrites_a_corrupt_or_planted_entry(tmp_path, monkeypatch):
    raw, sources = _sources(tmp_path)
    pipeline.run_job(raw, tmp_path / "pkg", tmp_path / "reports", cache_dir=tmp_path / "cache")
    cache = pipeline.open_cache(tmp_path / "cache")
    planted, corrupt = sources[0], sources[1]
    cache.path(planted).write_bytes(pickle.dumps(RunsCode(tmp_path / "pwned")))
    cache.path(corrupt).write_text('{"format": 1, "extraction": {"document": 5}}', encoding="utf-8")
    before = files(tmp_path / "pkg")
    summary = pipeline.run_job(raw, tmp_path / "pkg", tmp_path / "reports", cache_dir=tmp_path / "cache")
    assert sorted(summary.extracted) == sorted([planted.source_path, corrupt.source_path])
    assert summary.documents_cached == len(sources) - 2 and summary.published_changes is False
    assert files(tmp_path / "pkg") == before and not (tmp_path / "pwned").exists()
    assert cache.get(planted) is not None and cache.get(corrupt) is not None  # rewritten


def test_to_data_and_from_data_refuse_what_the_model_does_not_hold():
    with pytest.raises(TypeError):
        to_data({"a": 1})
    with pytest.raises(ValueError):
        from_data(int, True)  # a bool is not an int here
    assert from_data(tuple[str, ...], ["a.txt", "b.txt"]) == ("a.txt", "b.txt")


# --- pruning a cache folder that is the user's ------------------------------------------------------------

def test_pruning_deletes_only_what_the_cache_wrote(tmp_path):
    user = tmp_path / "my-folder"  # --cache pointed at a folder the user keeps other things in
    (user / "photos").mkdir(parents=True)
    (user / "photos" / "长城.jpg").write_bytes(b"\xff\xd8\xff")
    (user / "extractions" / "mine").mkdir(parents=True)  # a folder of the user's that looks like a version
    (user / "extractions" / "mine" / "notes.txt").write_text("我的笔记\n", encoding="utf-8")
    (user / "extractions" / "plans.txt").write_text("计划\n", encoding="utf-8")
    for i in range(5):  # versions the cache wrote, oldest first
        old = ExtractionCache(user, f"0.0.{i}+old")
        src = type("Src", (), {"sha256": f"{i:064x}", "meta": {}})()
        old.dir.mkdir(parents=True)
        old._mark()
        old.path(src).write_text("{}", encoding="utf-8")
        if i == 0:  # a file of the user's inside a version folder the cache wrote
            (old.dir / "keep-me.txt").write_text("放在这里的\n", encoding="utf-8")
        os.utime(old.dir, (1000 + i, 1000 + i))
    legacy = user / "extractions" / "0.0.9_legacy"  # an earlier version's folder: pickles, no marker
    legacy.mkdir()
    (legacy / f"{9:064x}-{9:016x}.pickle").write_bytes(b"\x80\x04N.")
    os.utime(legacy, (900, 900))
    user_files = {k: v for k, v in files(user).items() if k.startswith(("photos/", "extractions/mine/"))}

    current = ExtractionCache(user, extractor_version())
    current.dir.mkdir(parents=True)
    dropped = current.prune()
    assert sorted(p.name for p in dropped) == ["0.0.0_old", "0.0.1_old", "0.0.2_old", "0.0.9_legacy"]
    left = sorted(p.name for p in (user / "extractions").iterdir())
    assert left == sorted(["mine", "plans.txt", "0.0.3_old", "0.0.4_old", "0.0.0_old", current.dir.name])
    assert os.listdir(user / "extractions" / "0.0.0_old") == ["keep-me.txt"]  # its entries went, the user's file stayed
    assert {k: v for k, v in files(user).items() if k.startswith(("photos/", "extractions/mine/"))} == user_files
    assert (user / "extractions" / "plans.txt").read_text(encoding="utf-8") == "计划\n"


# --- a cache that cannot be written -------------------------------------------------------------------

def _full_disk(monkeypatch):
    """Every write of the cache fails as on a full disk."""
    import errno

    import tradenews.cache as cache_mod

    def no_space(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(cache_mod, "write_atomic", no_space)


def test_a_full_cache_degrades_to_no_cache_with_a_warning(tmp_path, monkeypatch):
    raw, _ = _sources(tmp_path)
    _full_disk(monkeypatch)
    summary = pipeline.run_job(raw, tmp_path / "pkg", tmp_path / "reports", cache_dir=tmp_path / "cache")
    assert summary.published_changes and summary.documents_extracted == 4
    [warning] = summary.cache_warnings
    assert warning.startswith(f"extraction cache {tmp_path / 'cache'} cannot be written: No space left on device")
    assert warning.endswith("this run goes on without caching (documents are extracted, nothing is stored)")
    assert warning in (tmp_path / "reports" / "warnings.txt").read_text(encoding="utf-8").splitlines()
    assert ExtractionCache(tmp_path / "cache", extractor_version()).entries() == 0


def test_a_read_only_cache_for_real_is_read_not_written(tmp_path):
    from tests.test_faults import _mount

    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if not _mount(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)]):
        pytest.skip("cannot mount a tmpfs here (needs root); the full-disk test covers the same path")
    try:
        raw, _ = _sources(tmp_path)
        pipeline.run_job(raw, tmp_path / "pkg", tmp_path / "reports", cache_dir=mnt / "cache")
        (raw / "new.txt").write_text(short_article(7), encoding="utf-8")
        assert _mount(["mount", "-o", "remount,ro", str(mnt)])
        summary = pipeline.run_job(raw, tmp_path / "pkg", tmp_path / "reports", cache_dir=mnt / "cache")
        assert summary.documents_cached == 4 and summary.documents_extracted == 1  # still read
        assert summary.published_changes and len(summary.cache_warnings) == 1
        assert "Read-only file system" in summary.cache_warnings[0]
    finally:
        _mount(["mount", "-o", "remount,rw", str(mnt)])
        if not _mount(["umount", str(mnt)]):
            _mount(["umount", "-l", str(mnt)])


def test_the_cli_run_warns_in_one_line_and_succeeds(tmp_path, monkeypatch):
    from prefect.testing.utilities import prefect_test_harness

    from tests.test_incremental import _cli

    raw, _ = _sources(tmp_path)
    _full_disk(monkeypatch)
    with prefect_test_harness(server_startup_timeout=120):
        code, out, err = _cli(["run", "--raw", str(raw), "--out", str(tmp_path / "pkg"), "--cache",
                               str(tmp_path / "cache")])
    assert code == 0, err[-2000:]
    warnings = [line for line in out.splitlines() if line.startswith("tradenews: warning: ")]
    assert len(warnings) == 1, out
    assert warnings[0].startswith(f"tradenews: warning: extraction cache {tmp_path / 'cache'} cannot be written: "
                                  "No space left on device (at ")
    assert "tradenews: documents: 0 from cache, 4 extracted" in out
