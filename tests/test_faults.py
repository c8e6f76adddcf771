"""Faults: a run killed with SIGKILL at any point, a full disk, a read-only output folder and a Prefect API
that goes away never leave a broken or half-published package, and the next run needs no clean-up.

The kill tests run the job in a child process (tests/reliability.py: CHILD) that stops at a named point
(during reading, extraction, validation, writing, checking, the swap, the reports) or after a delay,
kill it with SIGKILL, then check that the package folder holds the previous package byte for byte or the
new one whole and valid, and that the next run completes and publishes the same tables as a clean run.

Disk full and read-only folders are real when the tests may mount a tmpfs (root in CI); the same
failures are also injected with monkeypatch so they are tested everywhere.

Documented behaviour when the Prefect API goes away mid-run (Prefect 3.9): the flow's work goes on
(task states travel as events, which Prefect drops with a warning), so the package is published whole,
but the flow run's final state cannot be recorded: `tradenews run` exits 1 with one line
"run failed: lost the Prefect API at URL ..." that says which version the package now holds. The
server keeps showing the run as Running. How long the CLI takes to give up is Prefect's client retry
policy (PREFECT_CLIENT_MAX_RETRIES, default 5 with backoff: about two minutes). With no API at all the
run fails at once and nothing is touched.
"""
from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from flows.server import free_port
from tests.conftest import ROOT
from tests.reliability import CHILD, USER_FILES, add_user_files, files, leftovers, short_article, user_files_intact, version
from tradenews import pipeline
from tradenews.folders import pending_publication
from tradenews.publish import package as package_mod
from tradenews.publish.check import check_package
from tradenews.publish.package import lock_path

PYTHON = sys.executable
OLD_ARTICLES, NEW_ARTICLES = 40, 100


def _raw(base: Path, n: int) -> Path:
    raw = base / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (raw / f"a{i:03d}.txt").write_text(short_article(i) * 2, encoding="utf-8")
    return raw


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAULT_", "TRADENEWS_"))}
    env.update(**extra)
    return env


def _data(pkg: Path) -> dict[str, str]:
    return {k: v for k, v in files(pkg).items() if k.startswith("data/")}


class Child:
    """The job in a child process of its own group, stopped at FAULT_POINT."""

    def __init__(self, args: list[str], tmp: Path, point: str = "", mode: str = "pause", env: dict | None = None):
        self.marker = tmp / f"reached-{point or 'none'}-{time.monotonic_ns()}"
        self.log = tmp / f"child-{point or 'none'}-{time.monotonic_ns()}.log"
        self._fh = self.log.open("wb")
        self.popen = subprocess.Popen(
            [PYTHON, "-c", CHILD, *args], cwd=ROOT, stdout=self._fh, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
            env={**(env or _env()), "FAULT_POINT": point, "FAULT_MARKER": str(self.marker), "FAULT_MODE": mode})

    def output(self) -> str:
        if not self._fh.closed:
            self._fh.flush()
        return self.log.read_text(errors="replace")

    def wait_for_marker(self, timeout: float = 60) -> None:
        t0 = time.monotonic()
        while not self.marker.exists():
            if self.popen.poll() is not None:
                pytest.fail(f"the child ended ({self.popen.returncode}) before its fault point:\n{self.output()[-3000:]}")
            if time.monotonic() - t0 > timeout:
                self.kill()
                pytest.fail(f"the child did not reach its fault point in {timeout} s:\n{self.output()[-3000:]}")
            time.sleep(0.005)

    def kill(self) -> None:
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait()
        self._fh.close()

    def wait(self, timeout: float = 120) -> int:
        try:
            code = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"the child did not finish in {timeout} s:\n{self.output()[-3000:]}")
        self._fh.close()
        return code


# --- kill -9 -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kill_setup(tmp_path_factory):
    """An old package (OLD_ARTICLES articles, 1.0.0) and the package a clean run over NEW_ARTICLES publishes
    on top of it (1.1.0), made by the same child program the kill tests use, timed."""
    base = tmp_path_factory.mktemp("kill")
    raw_old = _raw(base / "old", OLD_ARTICLES)
    pipeline.run_local(raw_old, base / "old" / "pkg", base / "old" / "reports")
    assert version(base / "old" / "pkg") == "1.0.0"
    add_user_files(base / "old" / "pkg")  # kept by the user beside the package's own files
    ref = base / "ref"
    shutil.copytree(base / "old", ref)
    _raw(ref, NEW_ARTICLES)
    t0 = time.monotonic()
    child = Child(["run", str(ref / "raw"), str(ref / "pkg"), str(ref / "reports")], base)
    assert child.wait() == 0, child.output()
    seconds = time.monotonic() - t0
    assert version(ref / "pkg") == "1.1.0" and check_package(ref / "pkg") == []
    assert user_files_intact(ref / "pkg")
    return base, _data(ref / "pkg"), seconds


def _scenario(kill_setup, tmp_path) -> tuple[Path, list[str], dict[str, str]]:
    base, _, _ = kill_setup
    shutil.copytree(base / "old", tmp_path / "job")
    job = tmp_path / "job"
    _raw(job, NEW_ARTICLES)
    return job, ["run", str(job / "raw"), str(job / "pkg"), str(job / "reports")], files(job / "pkg")


def _published_state(job: Path, old: dict[str, str], new_data: dict[str, str]) -> str:
    """'old' (byte-identical), 'new' (valid, the tables of a clean run) or 'moving' (killed while moving the
    new files in: the journal is beside the folder, and recover() alone completes the new package); anything
    else fails. The user's own files are there in every state."""
    pkg = job / "pkg"
    assert user_files_intact(pkg), "a file the user keeps in the package folder was lost"
    if files(pkg) == old:
        return "old"
    state = "new"
    if pending_publication(pkg.resolve()) and version(pkg) == "1.0.0":
        package_mod.recover(pkg.resolve())
        assert not pending_publication(pkg.resolve()) and user_files_intact(pkg)
        state = "moving"
    assert check_package(pkg) == [], "the package folder holds a broken package"
    assert version(pkg) == "1.1.0" and _data(pkg) == new_data, "the package is neither the old nor the new one"
    return state


def _next_run_completes(job: Path, new_data: dict[str, str]) -> pipeline.RunSummary:
    summary = pipeline.run_local(job / "raw", job / "pkg", job / "reports")
    # the tables of a clean run, byte for byte (that package was validated); publish() validated this one
    assert version(job / "pkg") == "1.1.0" and _data(job / "pkg") == new_data
    assert leftovers(job / "pkg") == []
    assert json.loads((job / "reports" / "run-summary.json").read_text())["version"] == "1.1.0"
    return summary


KILL_POINTS = [  # (point, mode, the package right after the kill)
    ("extract", "pause", "old"),  # extraction, 40 documents in
    ("validate", "go", "old"),  # during pandera and cross-table validation
    ("write", "go", "old"),  # writing CSV and Parquet into the staging folder
    ("check", "go", "old"),  # frictionless + pandera check of the staged package
    ("journal", "pause", "old"),  # the checked package staged with its journal, nothing moved yet
    ("moved", "pause", "moving"),  # the first data file moved in, the previous descriptor still in place
    ("descriptor", "pause", "new"),  # the descriptor moved in last, the staging folder not yet removed
    ("reports", "go", "new"),  # writing the reports after publishing
]


@pytest.mark.parametrize("point,mode,expected", KILL_POINTS, ids=[p[0] for p in KILL_POINTS])
def test_kill_9_leaves_the_old_or_the_new_package_and_the_next_run_completes(kill_setup, tmp_path, point, mode,
                                                                              expected):
    _, new_data, _ = kill_setup
    job, args, old = _scenario(kill_setup, tmp_path)
    child = Child(args, tmp_path, point, mode)
    child.wait_for_marker()
    child.kill()
    if point in ("journal", "moved", "descriptor"):  # the journal waits beside the folder for the next run
        assert pending_publication((job / "pkg").resolve()) and len(leftovers(job / "pkg")) == 1
    state = _published_state(job, old, new_data)
    assert state == expected
    assert lock_path(job / "pkg").exists()  # the dead run's lock file stays; its flock went with the process
    _next_run_completes(job, new_data)
    assert user_files_intact(job / "pkg")


def test_kill_9_while_moving_files_in_is_seen_by_the_hashes_and_completed_by_the_next_run(kill_setup, tmp_path):
    """Between the first file moved in and the descriptor, the descriptor in place is the previous one: a
    reader that checks the package (hashes, keys) sees that it is not whole, and the next run completes
    the new package before it does anything else."""
    _, new_data, _ = kill_setup
    job, args, old = _scenario(kill_setup, tmp_path)
    child = Child(args, tmp_path, "moved", "pause")
    child.wait_for_marker()
    child.kill()
    pkg = job / "pkg"
    assert version(pkg) == "1.0.0"
    moved = [k for k in files(pkg) if files(pkg)[k] != old.get(k)]
    assert moved == ["data/deals.csv"], moved  # one file, whole: the first in the journal's order
    assert check_package(pkg) != [], "a reader that checks the package would not notice"
    summary = pipeline.run_local(job / "raw", pkg, job / "reports")
    assert summary.version == "1.1.0" and summary.published_changes is False  # completed, then current
    assert _data(pkg) == new_data and check_package(pkg) == [] and leftovers(pkg) == []
    assert user_files_intact(pkg) and sorted(USER_FILES) == sorted(k for k in files(pkg) if k in USER_FILES)


def test_kill_9_at_random_moments(kill_setup, tmp_path):
    """Kills at arbitrary moments of a run (not at hooked points), a few per test run."""
    _, new_data, seconds = kill_setup
    seed = int(os.environ.get("FAULT_SEED", time.time_ns() % 10 ** 6))
    rnd = random.Random(seed)
    seen = []
    for i in range(2):
        delay = rnd.uniform(0.3, 1.0) * seconds
        job, args, old = _scenario(kill_setup, tmp_path / str(i))
        child = Child(args, tmp_path / str(i), "", "pause")
        time.sleep(delay)
        child.kill()
        seen.append((round(delay, 2), _published_state(job, old, new_data)))
        _next_run_completes(job, new_data)
    print(f"FAULT_SEED={seed}: killed after (seconds, package): {seen}")


# --- disk full and read-only folders --------------------------------------------------------------------

@pytest.fixture
def old_package(tmp_path):
    raw = _raw(tmp_path, 3)
    pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    (raw / "new.txt").write_text(short_article(9), encoding="utf-8")
    return tmp_path, raw, files(tmp_path / "pkg")


@pytest.mark.parametrize("code,reason", [(errno.ENOSPC, "no space left on the device"),
                                         (errno.EROFS, "the folder is on a read-only file system"),
                                         (errno.EDQUOT, "disk quota exceeded")])
def test_a_write_error_while_publishing_names_the_reason_and_keeps_the_old_package(old_package, monkeypatch,
                                                                                     code, reason):
    base, raw, before = old_package
    real = package_mod.write_parquet
    written = []

    def failing(table, path):
        written.append(path)
        if len(written) == 4:
            raise OSError(code, os.strerror(code), str(path))
        return real(table, path)

    monkeypatch.setattr(package_mod, "write_parquet", failing)
    with pytest.raises(OSError) as exc:
        pipeline.run_local(raw, base / "pkg", base / "reports")
    assert exc.value.errno == code
    message = str(exc.value)
    assert f"cannot publish {(base / 'pkg').resolve()}: {reason} (at {written[-1]})" in message
    assert message.endswith("the previously published package, if any, is unchanged")
    assert files(base / "pkg") == before and leftovers(base / "pkg") == []
    monkeypatch.undo()
    assert pipeline.run_local(raw, base / "pkg", base / "reports").version == "1.1.0"


def test_a_read_only_folder_is_refused_at_the_lock_with_a_clear_message(old_package, monkeypatch):
    base, raw, before = old_package
    lock_path(base / "pkg").unlink()
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(package_mod.os, "open", read_only)
    with pytest.raises(OSError) as exc:
        pipeline.run_local(raw, base / "pkg", base / "reports")
    monkeypatch.undo()
    assert exc.value.errno == errno.EROFS
    assert str(exc.value).startswith(f"[Errno 30] cannot publish {(base / 'pkg').resolve()}: the folder is on a "
                                     f"read-only file system (at {lock_path(base / 'pkg')})")
    assert files(base / "pkg") == before


@pytest.mark.parametrize("failing_move", [1, 3])
def test_an_error_while_moving_files_in_names_the_reason_and_the_next_run_completes(old_package, monkeypatch,
                                                                                   failing_move):
    """An I/O error on the first move leaves the previous package as it was; one on the third leaves two new
    files in place under the previous descriptor. Either way the run ends with one message, the journal
    stays, and the next run completes the publication."""
    base, raw, before = old_package
    add_user_files(base / "pkg")
    before = files(base / "pkg")
    real_move, calls = package_mod._move, []

    def move(staged, out, rel):
        calls.append(rel)
        if len(calls) == failing_move:
            raise OSError(errno.EIO, "Input/output error", str(out / rel))
        return real_move(staged, out, rel)

    monkeypatch.setattr(package_mod, "_move", move)
    with pytest.raises(package_mod.PublishError) as exc:
        pipeline.run_local(raw, base / "pkg", base / "reports")
    monkeypatch.undo()
    out = (base / "pkg").resolve()
    assert str(exc.value).startswith(f"cannot finish publishing {out}: Input/output error (at {out / calls[-1]}); ")
    assert str(exc.value).endswith(f"the next run completes the publication from {leftovers(base / 'pkg')[0]}")
    assert version(base / "pkg") == "1.0.0" and pending_publication(out) and user_files_intact(base / "pkg")
    if failing_move == 1:
        assert files(base / "pkg") == before
    summary = pipeline.run_local(raw, base / "pkg", base / "reports")
    assert summary.version == "1.1.0" and leftovers(base / "pkg") == []
    assert check_package(base / "pkg") == [] and user_files_intact(base / "pkg")


def _mount(args: list[str]) -> bool:
    return subprocess.run(args, capture_output=True).returncode == 0


@pytest.fixture
def tmpfs(tmp_path):
    """A real 4 MB tmpfs (root only: skipped where mounting is not allowed)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if not shutil.which("mount") or not _mount(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)]):
        pytest.skip("cannot mount a tmpfs here (needs root); the monkeypatched tests cover the same failures")
    try:
        yield mnt
    finally:
        _mount(["mount", "-o", "remount,rw", str(mnt)])
        if not _mount(["umount", str(mnt)]):
            _mount(["umount", "-l", str(mnt)])


def test_a_full_disk_for_real(tmpfs, tmp_path):
    raw = _raw(tmp_path, 3)
    out = tmpfs / "pkg"
    pipeline.run_local(raw, out, tmp_path / "reports")
    before = files(out)
    _raw(tmp_path, 40)
    st = os.statvfs(tmpfs)
    (tmpfs / "filler").write_bytes(b"x" * (st.f_bavail * st.f_frsize - 40_000))
    with pytest.raises(OSError) as exc:
        pipeline.run_local(raw, out, tmp_path / "reports")
    assert exc.value.errno == errno.ENOSPC
    assert f"cannot publish {out}: no space left on the device" in str(exc.value)
    assert files(out) == before and leftovers(out) == []
    (tmpfs / "filler").unlink()
    assert pipeline.run_local(raw, out, tmp_path / "reports").version == "1.1.0"
    assert check_package(out) == []


def _published_then_read_only(tmpfs: Path, tmp_path: Path) -> tuple[Path, Path, dict]:
    """A package published on the tmpfs, one more article in raw/, then the tmpfs remounted read-only:
    (raw, package folder, its files before)."""
    raw = _raw(tmp_path, 3)
    out = tmpfs / "pkg"
    pipeline.run_local(raw, out, tmp_path / "reports")
    before = files(out)
    (raw / "new.txt").write_text(short_article(9), encoding="utf-8")
    assert _mount(["mount", "-o", "remount,ro", str(tmpfs)])
    return raw, out, before


def test_a_read_only_file_system_for_real(tmpfs, tmp_path):
    raw, out, before = _published_then_read_only(tmpfs, tmp_path)
    with pytest.raises(OSError) as exc:
        pipeline.run_local(raw, out, tmp_path / "reports")
    assert exc.value.errno == errno.EROFS
    assert f"cannot publish {out}: the folder is on a read-only file system" in str(exc.value)
    assert files(out) == before
    assert _mount(["mount", "-o", "remount,rw", str(tmpfs)])
    assert pipeline.run_local(raw, out, tmp_path / "reports").version == "1.1.0"


# --- the CLI and the Prefect API ------------------------------------------------------------------------


class Server:
    """`prefect server start` on a free loopback port, own PREFECT_HOME, own process group."""

    def __init__(self, base: Path):
        self.url = f"http://127.0.0.1:{free_port()}/api"
        self.env = _env(PREFECT_HOME=str(base / "prefect-home"), PREFECT_API_URL=self.url,
                        PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_CLIENT_MAX_RETRIES="0")
        self.env = {k: v for k, v in self.env.items() if not k.startswith("PREFECT_") or k in (
            "PREFECT_HOME", "PREFECT_API_URL", "PREFECT_SERVER_ANALYTICS_ENABLED", "PREFECT_CLIENT_MAX_RETRIES")}
        self.log = base / "server.log"
        self._fh = self.log.open("wb")
        self.popen = subprocess.Popen([str(Path(PYTHON).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
                                       "--port", self.url.rsplit(":", 1)[1].split("/")[0]], env=self.env,
                                      stdout=self._fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      start_new_session=True)

    def wait_healthy(self, timeout: float = 90) -> None:
        t0 = time.monotonic()
        while True:
            if self.popen.poll() is not None:
                pytest.fail(f"prefect server exited:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=5):
                    return
            except OSError:
                if time.monotonic() - t0 > timeout:
                    pytest.fail(f"prefect server not healthy after {timeout} s")
                time.sleep(0.3)

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)  # anything left of its group
        except ProcessLookupError:
            pass
        self._fh.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):  # the tests that use it are marked slow (they start `prefect server`)
    srv = Server(tmp_path_factory.mktemp("prefect-server"))
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def _cli(tmp: Path, env: dict, *args: str, point: str = "", mode: str = "pause") -> Child:
    return Child(["cli", "run", *args], tmp, point, mode, env=env)


def _failure_line(output: str) -> str:
    """The CLI's one line about a failed run (Prefect's own log lines come before and after it)."""
    lines = [line for line in output.splitlines() if line.startswith("tradenews: run failed: ")]
    assert len(lines) == 1, output[-3000:]
    return lines[0]


def test_cli_without_a_prefect_api_fails_at_once_and_touches_nothing(old_package):
    base, raw, before = old_package
    env = _env(PREFECT_HOME=str(base / "home"), PREFECT_API_URL=f"http://127.0.0.1:{free_port()}/api",
               PREFECT_CLIENT_MAX_RETRIES="0")
    child = _cli(base, env, "--raw", str(raw), "--out", str(base / "pkg"), "--no-cache")
    assert child.wait() == 1
    last = _failure_line(child.output())
    print(last)
    assert last.startswith("tradenews: run failed: RuntimeError: Failed to reach API at http://127.0.0.1:")
    assert last.endswith(f"The package at {base / 'pkg'} is unchanged (version 1.0.0).")
    assert files(base / "pkg") == before


@pytest.mark.slow
def test_cli_on_a_read_only_folder_prints_one_clear_line(server, tmpfs, tmp_path):
    raw, out, before = _published_then_read_only(tmpfs, tmp_path)
    child = _cli(tmp_path, server.env, "--raw", str(raw), "--out", str(out), "--reports", str(tmp_path / "r"),
                 "--no-cache")
    assert child.wait() == 1
    last = _failure_line(child.output())
    print(last)
    assert last == (f"tradenews: run failed: cannot publish {out}: the folder is on a read-only file system "
                    f"(at {lock_path(out)}); the previously published package, if any, is unchanged. "
                    f"The package at {out} is unchanged (version 1.0.0).")
    assert files(out) == before


@pytest.mark.slow
def test_cli_killed_mid_run_then_the_next_run_completes(server, kill_setup, tmp_path):
    _, new_data, _ = kill_setup
    job, _, old = _scenario(kill_setup, tmp_path)
    args = ["--raw", str(job / "raw"), "--out", str(job / "pkg"), "--reports", str(job / "reports"),
            "--cache", str(job / "cache")]
    child = _cli(tmp_path, server.env, *args, point="extract-first")
    child.wait_for_marker()
    child.kill()
    assert files(job / "pkg") == old
    again = _cli(tmp_path, server.env, *args)
    assert again.wait() == 0, again.output()[-3000:]
    assert "version 1.1.0 published (minor)" in again.output()
    assert _data(job / "pkg") == new_data and check_package(job / "pkg") == []


@pytest.mark.slow
def test_prefect_api_lost_mid_run(server, old_package, tmp_path):
    """Documented behaviour (module docstring): the work completes and the package is whole, the run's
    final state cannot be recorded, the CLI exits 1 with one line naming the API and the package version.
    Stops the module's server: keep this test last."""
    base, raw, before = old_package
    go = tmp_path / "go"
    env = {**server.env, "FAULT_GO": str(go)}
    child = _cli(tmp_path, env, "--raw", str(raw), "--out", str(base / "pkg"), "--no-cache", point="extract-first")
    child.wait_for_marker()
    server.stop()  # the API goes away while the flow is extracting
    go.touch()
    assert child.wait(timeout=150) == 1
    out = child.output()
    last = _failure_line(out)
    assert last.startswith(f"tradenews: run failed: lost the Prefect API at {server.url} (")
    print(last)
    assert "the flow run's final state was not recorded" in last
    assert last.endswith(f"The package at {base / 'pkg'} was published as version 1.1.0 before the failure.")
    assert check_package(base / "pkg") == [] and leftovers(base / "pkg") == []
    assert files(base / "pkg") != before
    # the next run (plain pipeline here: the server is gone) finds the package current and complete
    summary = pipeline.run_local(raw, base / "pkg", base / "reports")
    assert summary.published_changes is False and summary.version == "1.1.0"


def test_a_killed_run_leaves_no_prefect_server_behind(tmp_path):
    """`tradenews run` starts its own local Prefect server; killing the run (-9, no cleanup) stops it too."""
    import psutil

    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(3):
        (raw / f"a{i}.txt").write_text(short_article(i), encoding="utf-8")
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect"))
    env.pop("PREFECT_API_URL", None)
    run = subprocess.Popen([sys.executable, "-m", "tradenews.cli", "run", "--raw", str(raw), "--out",
                            str(tmp_path / "pkg")], env=env, cwd=str(ROOT),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, servers = time.monotonic() + 60, []
    while not servers and time.monotonic() < deadline:
        try:
            servers = [p for p in psutil.Process(run.pid).children(recursive=True)
                       if "prefect.server.api.server:create_app" in " ".join(p.cmdline())]
        except psutil.Error:
            pass
        time.sleep(0.1)
    assert servers, "the run started no local Prefect server"
    run.kill()
    run.wait()
    gone, alive = psutil.wait_procs(servers, timeout=20)
    assert not alive, f"server processes left running: {[p.pid for p in alive]}"
