"""Files the user did not hand over are never touched: a run refuses a package folder that is a file, or
a folder holding anything but a tradenews package, and folders that overlap the input, before it reads,
locks or writes anything; the lock file is never followed through a symlink; publishing replaces the
package's own files only, so the user's files in the package folder survive, and clean-up matches its
staging folders by exact name."""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.reliability import add_user_files, files, leftovers, short_article, user_files_intact
from tradenews import pipeline
from tradenews.cli import EXIT_FAILED, EXIT_REFUSED, main
from tradenews.errors import Refused
from tradenews.folders import ALLOWED_ROOTS_ENV, allowed_roots, confine, is_tradenews_package, resolve_folders
from tradenews.publish.check import check_package
from tradenews.publish.package import PublishError, lock_path, publish


def _raw(base: Path, n: int = 2) -> Path:
    raw = base / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (raw / f"a{i}.txt").write_text(short_article(i), encoding="utf-8")
    return raw


def _home(base: Path) -> Path:
    """A folder like a user's home: notes, a hidden settings file, a sub-folder with a thesis."""
    home = base / "home"
    (home / "thesis").mkdir(parents=True)
    (home / "notes.txt").write_text("明天去进博会\n", encoding="utf-8")
    (home / ".bashrc").write_text("export EDITOR=vi\n", encoding="utf-8")
    (home / "thesis" / "chapter1.md").write_text("# 第一章\n", encoding="utf-8")
    return home


def _everything(base: Path) -> dict[str, str]:
    """Every file under base (hidden ones and lock files included), with its hash."""
    return files(base)


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run", *args])
    return code, out.getvalue(), err.getvalue()


def _refused_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tradenews: refused: "), err
    return lines[0]


# --- the package folder ----------------------------------------------------------------------------------

def test_a_home_like_folder_is_refused_and_left_as_it_was(tmp_path):
    raw, home = _raw(tmp_path), _home(tmp_path)
    before = _everything(tmp_path)
    with pytest.raises(Refused, match=f"--out {home} holds other files and no tradenews package"):
        pipeline.run_local(raw, home, tmp_path / "reports")
    assert _everything(tmp_path) == before  # no lock file, no reports, nothing moved
    assert not (tmp_path / "reports").exists()


def test_a_home_like_folder_through_a_symlink_is_refused(tmp_path):
    raw, home = _raw(tmp_path), _home(tmp_path)
    (tmp_path / "link").symlink_to(home, target_is_directory=True)
    before = _everything(home)
    code, _, err = _cli("--raw", str(raw), "--out", str(tmp_path / "link"), "--no-cache")
    assert code == EXIT_REFUSED
    assert f"--out {home} holds other files" in _refused_line(err)
    assert _everything(home) == before and (tmp_path / "link").is_symlink()


def test_out_as_the_empty_string_is_the_current_folder_and_is_refused(tmp_path, monkeypatch):
    raw, home = _raw(tmp_path), _home(tmp_path)
    monkeypatch.chdir(home)
    before = _everything(tmp_path)
    code, out, err = _cli("--raw", str(raw), "--out", "")
    assert code == EXIT_REFUSED and out == ""
    assert f"--out {home} holds other files" in _refused_line(err)
    assert _everything(tmp_path) == before


def test_a_regular_file_as_out_is_refused_and_untouched(tmp_path):
    raw = _raw(tmp_path)
    target = tmp_path / "dataset.csv"
    target.write_text("id,name\n1,江西\n", encoding="utf-8")
    before = _everything(tmp_path)
    code, _, err = _cli("--raw", str(raw), "--out", str(target), "--no-cache")
    assert code == EXIT_REFUSED
    assert f"--out {target} is a file, not a folder; it is left as it is" in _refused_line(err)
    with pytest.raises(Refused, match="is a file, not a folder"):
        pipeline.run_local(raw, target, tmp_path / "reports")
    assert _everything(tmp_path) == before  # not moved to a hidden name, no lock beside it


def test_a_foreign_data_package_is_refused(tmp_path):
    raw = _raw(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "datapackage.json").write_text(json.dumps({"name": "census", "resources": []}), encoding="utf-8")
    before = _everything(other)
    with pytest.raises(Refused, match="no tradenews package"):
        pipeline.run_local(raw, other, tmp_path / "reports")
    assert _everything(other) == before


def test_an_empty_folder_and_an_existing_package_are_accepted(tmp_path):
    raw = _raw(tmp_path)
    (tmp_path / "empty").mkdir()
    assert pipeline.run_local(raw, tmp_path / "empty", tmp_path / "reports").version == "1.0.0"
    assert is_tradenews_package(tmp_path / "empty")
    committed = tmp_path / "committed"
    shutil.copytree(ROOT / "datapackage", committed)
    assert is_tradenews_package(committed)  # packages published before the check are recognized


def test_publish_itself_refuses_a_folder_that_is_not_a_package(tmp_path, seed_frames):
    home = _home(tmp_path)
    before = _everything(home)
    with pytest.raises(Refused, match="holds other files"):
        publish(seed_frames, home, validate_data=False)
    assert _everything(home) == before


# --- folders that overlap --------------------------------------------------------------------------------

@pytest.mark.parametrize("layout,message", [
    ("same", "is the --raw folder"),
    ("out-in-raw", "is inside --raw"),
    ("raw-in-out", "is inside --out"),
    ("reports-in-raw", "--reports"),
    ("cache-in-raw", "--cache"),
])
def test_folders_that_overlap_the_input_are_refused(tmp_path, layout, message):
    raw = _raw(tmp_path / "in")
    out, reports, cache = tmp_path / "pkg", tmp_path / "reports", tmp_path / "cache"
    if layout == "same":
        out = raw
    elif layout == "out-in-raw":
        out = raw / "package"
    elif layout == "raw-in-out":
        out = tmp_path / "in"
        raw_moved = out / "raw"
        assert raw_moved == raw
    elif layout == "reports-in-raw":
        reports = raw / "reports"
    else:
        cache = raw / ".cache"
    before = _everything(tmp_path)
    args = ["--raw", str(raw), "--out", str(out), "--reports", str(reports), "--cache", str(cache)]
    code, _, err = _cli(*args)
    assert code == EXIT_REFUSED and message in _refused_line(err)
    with pytest.raises(Refused, match=message):
        pipeline.run_job(raw, out, reports, cache_dir=cache)
    assert _everything(tmp_path) == before


# --- the lock file ---------------------------------------------------------------------------------------

def test_the_lock_file_is_never_opened_through_a_symlink(tmp_path):
    raw = _raw(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("重要的文件\n", encoding="utf-8")
    lock_path(tmp_path / "pkg").symlink_to(victim)
    with pytest.raises(PublishError, match="is a symbolic link"):
        pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    assert victim.read_text(encoding="utf-8") == "重要的文件\n"
    assert not (tmp_path / "pkg").exists()


def test_a_lock_file_that_is_a_fifo_is_refused_without_hanging(tmp_path):
    raw = _raw(tmp_path)
    os.mkfifo(lock_path(tmp_path / "pkg"))
    with pytest.raises(PublishError, match="is not a regular file"):
        pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")


def test_cli_names_a_symlinked_lock_in_one_line(tmp_path, monkeypatch):
    """Through the whole command (local Prefect server, flow): exit 1, one line, no traceback of ours."""
    raw = _raw(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("x", encoding="utf-8")
    lock_path(tmp_path / "pkg").symlink_to(victim)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    code, _, err = _cli("--raw", str(raw), "--out", str(tmp_path / "pkg"), "--no-cache")
    assert code == EXIT_FAILED
    lines = [line for line in err.splitlines() if line.startswith("tradenews: ")]
    assert lines == [f"tradenews: run failed: cannot publish {tmp_path / 'pkg'}: the lock file "
                     f"{lock_path(tmp_path / 'pkg')} is a symbolic link; remove it (a lock file is never followed). "
                     f"No package at {tmp_path / 'pkg'}."], err
    assert victim.read_text(encoding="utf-8") == "x"


# --- files the user keeps in the package folder ------------------------------------------------------------

def test_files_the_user_keeps_in_the_package_folder_survive_every_publication(tmp_path):
    raw = _raw(tmp_path, 2)
    pkg = tmp_path / "pkg"
    pipeline.run_local(raw, pkg, tmp_path / "reports")
    add_user_files(pkg)
    (pkg / "data" / "说明.md").write_text("字段说明\n", encoding="utf-8")  # a note among the tables
    (raw / "a9.txt").write_text(short_article(9), encoding="utf-8")
    assert pipeline.run_local(raw, pkg, tmp_path / "reports").version == "1.1.0"  # rows added
    (raw / "a0.txt").unlink()
    assert pipeline.run_local(raw, pkg, tmp_path / "reports").version == "1.2.0"  # rows removed
    assert user_files_intact(pkg)
    assert (pkg / "data" / "说明.md").read_text(encoding="utf-8") == "字段说明\n"
    assert check_package(pkg) == [] and leftovers(pkg) == []


def test_only_files_the_previous_descriptor_owns_are_deleted(tmp_path):
    """A resource the new package no longer has is deleted; resource paths outside data/NAME.csv|parquet
    (a path out of the folder, into .git) never make a run delete anything."""
    raw = _raw(tmp_path, 2)
    pkg = tmp_path / "pkg"
    pipeline.run_local(raw, pkg, tmp_path / "reports")
    add_user_files(pkg)
    victim = tmp_path / "victim.txt"
    victim.write_text("别删我\n", encoding="utf-8")
    (pkg / "data" / "old_table.csv").write_text("id\n1\n", encoding="utf-8")
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] += [{"name": n, "path": p} for n, p in (
        ("old_table", "data/old_table.csv"), ("escape", "../victim.txt"), ("git", ".git/HEAD"),
        ("absolute", str(victim)), ("licence", "LICENSE"))]
    (pkg / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (raw / "a9.txt").write_text(short_article(9), encoding="utf-8")
    assert pipeline.run_local(raw, pkg, tmp_path / "reports").version == "2.0.0"  # a resource went away
    assert not (pkg / "data" / "old_table.csv").exists()
    assert victim.read_text(encoding="utf-8") == "别删我\n" and user_files_intact(pkg)
    assert check_package(pkg) == []


@pytest.mark.parametrize("name", ["*", "pk?", "[p]kg"])
def test_glob_characters_in_the_package_name_never_delete_sibling_folders(tmp_path, name):
    raw = _raw(tmp_path)
    siblings = [tmp_path / ".pkg.tmp-12345678", tmp_path / ".other.tmp-abcdef12", tmp_path / ".pkg.old-12345678"]
    for folder in siblings:
        folder.mkdir()
        (folder / "keep.txt").write_text("别人的\n", encoding="utf-8")
    pipeline.run_local(raw, tmp_path / name, tmp_path / "reports")
    (raw / "a9.txt").write_text(short_article(9), encoding="utf-8")
    assert pipeline.run_local(raw, tmp_path / name, tmp_path / "reports").version == "1.1.0"
    assert all((folder / "keep.txt").read_text(encoding="utf-8") == "别人的\n" for folder in siblings)
    assert leftovers(tmp_path / name) == []


def test_a_data_folder_that_is_a_symlink_is_refused_before_anything_moves(tmp_path):
    raw = _raw(tmp_path, 2)
    pkg = tmp_path / "pkg"
    pipeline.run_local(raw, pkg, tmp_path / "reports")
    elsewhere = tmp_path / "elsewhere"
    (pkg / "data").rename(elsewhere)
    (pkg / "data").symlink_to(elsewhere, target_is_directory=True)
    before = _everything(tmp_path)
    (raw / "a9.txt").write_text(short_article(9), encoding="utf-8")
    with pytest.raises(PublishError, match=r"data is not a folder \(a file or a symbolic link\)"):
        pipeline.run_local(raw, pkg, tmp_path / "reports")
    mine = ("raw/", "reports/", ".pkg.lock")  # the run's input, reports and lock (it records its pid)
    assert {k: v for k, v in _everything(tmp_path).items() if not k.startswith(mine)} == \
        {k: v for k, v in before.items() if not k.startswith(mine)}
    assert leftovers(pkg) == []


# --- deployment runs are confined --------------------------------------------------------------------------

def _confined(tmp_path: Path, raw: str, out: str, reports: str | None = None, cache: str | None = None,
              roots: list[Path] | None = None) -> None:
    folders = resolve_folders(raw, out, reports, cache)
    confine(folders, roots or [tmp_path / "checkout"], cache_given=cache is not None)


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    (tmp_path / "checkout" / "raw").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "checkout" / "escape").symlink_to(tmp_path / "outside", target_is_directory=True)
    monkeypatch.chdir(tmp_path / "checkout")  # a deployment run starts in the checkout
    monkeypatch.delenv(ALLOWED_ROOTS_ENV, raising=False)
    return tmp_path / "checkout"


def test_deployment_folders_inside_the_checkout_are_accepted(checkout, tmp_path):
    _confined(tmp_path, "raw", "datapackage")
    _confined(tmp_path, "raw", "sub/pkg", reports="reports", cache=".cache/x")


@pytest.mark.parametrize("raw,out,reports,cache,refused", [
    ("raw", "../outside/pkg", None, None, "out"),  # `..` resolved first
    ("raw", "escape/pkg", None, None, "out"),  # a symlink inside the checkout that leads out of it
    ("/etc", "datapackage", None, None, "raw"),
    ("raw", "datapackage", "/tmp", None, "reports"),
    ("raw", "datapackage", None, "/root/.ssh", "cache"),
    ("raw", ".", None, None, "out"),  # the checkout itself: its lock and staging would go beside it
    ("raw", "", None, None, "out"),
])
def test_deployment_folders_outside_the_checkout_are_refused(checkout, tmp_path, raw, out, reports, cache, refused):
    with pytest.raises(Refused, match=f"^{refused} .* is outside the folders this deployment may use"):
        _confined(tmp_path, raw, out, reports, cache)


def test_allowed_roots_come_from_the_environment(checkout, tmp_path, monkeypatch):
    monkeypatch.setenv(ALLOWED_ROOTS_ENV, os.pathsep.join([str(tmp_path / "outside"), "", str(tmp_path / "data")]))
    roots = allowed_roots(checkout)
    assert roots == [checkout, tmp_path / "outside", tmp_path / "data"]
    _confined(tmp_path, str(tmp_path / "data" / "news"), "escape/pkg", roots=roots)
    with pytest.raises(Refused, match="^out "):
        _confined(tmp_path, "raw", str(tmp_path / "data"), roots=roots)  # a root itself is not a package folder
    monkeypatch.setenv(ALLOWED_ROOTS_ENV, "relative/path")
    with pytest.raises(Refused, match="is not an absolute path"):
        allowed_roots(checkout)


def test_the_flow_confines_deployment_runs_and_not_direct_calls(tmp_path, monkeypatch):
    """The flow's wiring: a deployment run (here: deployment_run() says so) with folders outside the
    checkout is refused before anything is written; the same call as a function is not confined. The real
    deployment is in tests/test_deployment.py."""
    from prefect.testing.utilities import prefect_test_harness

    import flows.publish as flow_mod

    raw = _raw(tmp_path)
    monkeypatch.delenv(ALLOWED_ROOTS_ENV, raising=False)
    with prefect_test_harness(server_startup_timeout=120):
        monkeypatch.setattr(flow_mod, "deployment_run", lambda: True)
        with pytest.raises(Refused, match=f"^raw {raw} is outside the folders this deployment may use"):
            flow_mod.publish_dataset(raw=str(raw), out=str(tmp_path / "pkg"), use_cache=False)
        assert not (tmp_path / "pkg").exists() and not lock_path(tmp_path / "pkg").exists()
        monkeypatch.setenv(ALLOWED_ROOTS_ENV, str(tmp_path))
        summary = flow_mod.publish_dataset(raw=str(raw), out=str(tmp_path / "pkg"), use_cache=False)
        assert summary["version"] == "1.0.0"
        monkeypatch.setattr(flow_mod, "deployment_run", lambda: False)
        monkeypatch.delenv(ALLOWED_ROOTS_ENV)
        assert flow_mod.publish_dataset(raw=str(raw), out=str(tmp_path / "pkg"), use_cache=False)["version"] == "1.0.0"
