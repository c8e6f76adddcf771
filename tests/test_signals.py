"""`tradenews run` stopped by SIGTERM ends within seconds with one line and leaves the package whole; a second
run into a locked package prints one line; a stop during the moves of a publication waits for them."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.conftest import ROOT
from tests.reliability import files, leftovers, version, write_articles
from tests.test_faults import Child, _env
from tests.test_incremental import lock_holder  # noqa: F401 - a fixture
from tradenews import pipeline
from tradenews.publish import package as package_mod
from tradenews.publish.check import check_package


@pytest.fixture
def published(tmp_path):
    """A package of 5 articles (version 1.0.0) and a raw folder of 40 that would change it."""
    raw = tmp_path / "raw"
    write_articles(raw, range(5), "a{:02d}.txt")
    pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    write_articles(raw, range(5, 40), "a{:02d}.txt")
    return raw, tmp_path / "pkg", files(tmp_path / "pkg")


def _prefect_servers(pid: int) -> list[psutil.Process]:
    try:
        return [p for p in psutil.Process(pid).children(recursive=True)
                if "prefect.server.api.server:create_app" in " ".join(p.cmdline())]
    except psutil.Error:
        return []


def test_sigterm_to_the_process_group_stops_a_run_in_seconds_with_one_line(published, tmp_path):
    raw, pkg, before = published
    env = _env(PREFECT_HOME=str(tmp_path / "prefect-home"))
    env.pop("PREFECT_API_URL", None)
    child = Child(["cli", "run", "--raw", str(raw), "--out", str(pkg), "--no-cache"], tmp_path,
                  point="extract-first", env=env)
    child.wait_for_marker(timeout=120)  # the flow is extracting, its local Prefect server up
    servers = _prefect_servers(child.popen.pid)
    assert servers, "the run started no local Prefect server"
    t0 = time.monotonic()
    os.killpg(child.popen.pid, signal.SIGTERM)  # as a service manager or `timeout` stops a command
    code = child.wait(timeout=60)
    seconds = time.monotonic() - t0
    print(f"stopped in {seconds:.1f} s")
    assert code == 128 + signal.SIGTERM
    out = child.output()
    ours = [line for line in out.splitlines() if line.startswith("tradenews:")]
    assert ours == [f"tradenews: run stopped by SIGTERM. The package at {pkg} is unchanged (version 1.0.0)."], \
        out[-3000:]
    assert "Traceback" not in out and "lost the Prefect API" not in out
    assert seconds < 30, f"the run took {seconds:.0f} s to stop"
    assert files(pkg) == before and leftovers(pkg) == []
    gone, alive = psutil.wait_procs(servers, timeout=20)
    assert not alive, "the run's Prefect server was left running"


def test_a_second_run_into_a_locked_package_prints_one_line(published, tmp_path, lock_holder):  # noqa: F811
    raw, pkg, before = published
    holder = lock_holder(pkg)
    env = _env(PREFECT_HOME=str(tmp_path / "prefect-home"))
    env.pop("PREFECT_API_URL", None)
    run = subprocess.run([sys.executable, "-m", "tradenews.cli", "run", "--raw", str(raw), "--out", str(pkg)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 3
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"tradenews: {pkg} is being published by another tradenews run (pid {holder.pid}")
    assert files(pkg) == before


class Stop(BaseException):
    pass


def test_a_sigterm_during_the_moves_is_acted_on_after_them(published, tmp_path, monkeypatch):
    raw, pkg, before = published
    real_move, moved = package_mod._move, []

    def move_then_signal(staged, out, rel):
        real_move(staged, out, rel)
        moved.append(rel)
        if len(moved) == 1:
            os.kill(os.getpid(), signal.SIGTERM)  # arrives after the first file of the new package is in

    def stop(signum, frame):
        raise Stop(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    monkeypatch.setattr(package_mod, "_move", move_then_signal)
    try:
        with pytest.raises(Stop):
            pipeline.run_local(raw, pkg, tmp_path / "reports")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert moved[-1] == "datapackage.json" and len(moved) > 1  # every move was made, the descriptor last
    assert version(pkg) == "1.1.0" and check_package(pkg) == [] and leftovers(pkg) == []
    assert files(pkg) != before
