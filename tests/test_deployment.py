"""The deployment for real: `prefect server start`, a process work pool, `prefect deploy`, a worker
(then `tradenews serve`), runs triggered with `prefect deployment run ... --watch`.

Every process is started in its own process group and stopped (SIGTERM, then SIGKILL) in a
finally block, also when a test fails. The server has its own PREFECT_HOME in a temporary folder.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from flows.server import free_port
from tests.conftest import ROOT, SEED
from tests.test_incremental import article
from tradenews.publish.check import check_package

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect")
TRADENEWS = str(BIN / "tradenews")
DEPLOYMENT = "publish-dataset/scheduled"
SERVED = "publish-dataset/served"
SERVER_TIMEOUT = 90
RUN_TIMEOUT = 240
TIMINGS: dict[str, float] = {}


class Proc:
    """A background process in its own process group, logging to a file."""

    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path, cwd: Path = ROOT):
        self.name, self.log = name, log_dir / f"{name}.log"
        self._fh = self.log.open("wb")
        self.popen = subprocess.Popen(args, cwd=cwd, env=env, stdout=self._fh, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True)

    def tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self, grace: float = 5.0) -> None:
        pgid = self.popen.pid  # start_new_session: the group id is the leader's pid
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            # the leader is gone; make sure nothing else of its group is left
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        self._fh.close()


def _run(args: list[str], env: dict, timeout: float = 120, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    # start_new_session: a timeout kills the whole group, not just the CLI's first process
    p = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        raise AssertionError(f"{' '.join(args)} timed out after {timeout} s:\n{out[-4000:]}")
    return subprocess.CompletedProcess(args, p.returncode, out, None)


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"{' '.join(result.args)} exited {result.returncode}:\n{result.stdout[-4000:]}"
    return result.stdout


class Server:
    def __init__(self, base: Path):
        self.base = base
        self.home = base / "prefect-home"
        self.home.mkdir()
        self.url = f"http://127.0.0.1:{free_port()}/api"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PREFECT_", "TRADENEWS_")) and k not in ("VIRTUAL_ENV",)}
        env.update(PREFECT_HOME=str(self.home), PREFECT_API_URL=self.url, PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   PREFECT_WORKER_QUERY_SECONDS="2", PREFECT_RUNNER_POLL_FREQUENCY="2",
                   PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
        self.env = env
        self.procs: list[Proc] = []

    def start(self, name: str, args: list[str], cwd: Path = ROOT) -> Proc:
        proc = Proc(name, args, self.env, self.base, cwd=cwd)
        self.procs.append(proc)
        return proc

    def api(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=10) as resp:
            return json.loads(resp.read())

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("deployment"))
    # deployment runs are confined to the checkout and these roots: the tests' temporary folders
    srv.env["TRADENEWS_ALLOWED_ROOTS"] = str(tmp_path_factory.getbasetemp())
    try:
        t0 = time.monotonic()
        proc = srv.start("server", [PREFECT, "server", "start", "--host", "127.0.0.1",
                                    "--port", srv.url.rsplit(":", 1)[1].split("/")[0]])
        while True:
            if proc.popen.poll() is not None:
                pytest.fail(f"prefect server exited with {proc.popen.returncode}:\n{proc.tail()}")
            try:
                srv.api("/health")
                break
            except OSError:
                if time.monotonic() - t0 > SERVER_TIMEOUT:
                    pytest.fail(f"prefect server not healthy after {SERVER_TIMEOUT} s:\n{proc.tail()}")
                time.sleep(0.5)
        TIMINGS["server_start_s"] = round(time.monotonic() - t0, 1)
        yield srv
    finally:
        srv.stop_all()
        print(f"\ndeployment timings: {TIMINGS}", file=sys.stderr)


def _raw_folder(base: Path) -> Path:
    raw = base / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    for i in (1, 2):
        (raw / f"article-{i}.txt").write_text(article(i), encoding="utf-8")
    return raw


def _files(pkg: Path) -> dict[str, str]:
    return {p.relative_to(pkg).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(pkg.rglob("*")) if p.is_file()}


def _trigger(srv: Server, *params: str, label: str, state: str = "Completed", deployment: str = DEPLOYMENT) -> str:
    args = [PREFECT, "deployment", "run", deployment, "--watch", "--watch-interval", "1",
            "--watch-timeout", str(RUN_TIMEOUT)]
    for p in params:
        args += ["--param", p]
    t0 = time.monotonic()
    out = _run(args, srv.env, timeout=RUN_TIMEOUT + 30)
    TIMINGS[label] = round(time.monotonic() - t0, 1)
    text = _ok(out) if state == "Completed" else out.stdout
    assert state in text, text[-3000:]
    return text


def test_prefect_yaml_declares_the_scheduled_deployment():
    from flows.deployment import deployment_spec

    spec = deployment_spec()
    assert spec.name == "scheduled" and spec.entrypoint == "flows/publish.py:publish_dataset"
    assert spec.parameters == {"raw": "raw", "out": "datapackage", "runner": "default", "address": None,
                               "allow_shrink": False}
    assert spec.cron and len(spec.cron.split()) == 5 and spec.cron.split()[2:] == ["*", "*", "*"]  # daily
    assert spec.work_pool == "tradenews" and spec.concurrency_limit == 1
    assert (ROOT / spec.entrypoint.split(":")[0]).exists()


def test_worker_runs_the_deployment_and_a_second_run_is_cached(server, tmp_path):
    raw, out = _raw_folder(tmp_path), tmp_path / "pkg"
    _ok(_run([PREFECT, "work-pool", "create", "tradenews", "--type", "process", "--overwrite"], server.env))
    t0 = time.monotonic()
    # deploy-time parameters point at the temporary folders, so even a scheduled run never touches raw/
    _ok(_run([PREFECT, "--no-prompt", "deploy", "--name", "scheduled",
              "--param", f"raw={raw}", "--param", f"out={out}"], server.env))
    TIMINGS["deploy_s"] = round(time.monotonic() - t0, 1)
    dep = server.api("/deployments/name/" + DEPLOYMENT)
    assert dep["work_pool_name"] == "tradenews"
    assert dep["entrypoint"] == "flows/publish.py:publish_dataset"
    # the pull step records the checkout the deployment was made from
    assert dep["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]
    assert [s["schedule"]["cron"] for s in dep["schedules"]] == ["0 6 * * *"]
    assert dep["global_concurrency_limit"]["limit"] == 1

    worker = server.start("worker", [PREFECT, "worker", "start", "--pool", "tradenews"])
    try:
        _trigger(server, f"raw={raw}", f"out={out}", label="first_triggered_run_s")
        assert check_package(out) == []
        desc = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
        assert desc["version"] == "1.0.0"
        assert "## 1.0.0" in (out / "CHANGELOG.md").read_text(encoding="utf-8")
        summary = json.loads((tmp_path / "reports" / "run-summary.json").read_text(encoding="utf-8"))
        assert summary["documents"] == 3
        assert (summary["documents_extracted"], summary["documents_cached"]) == (3, 0)
        before = _files(out)

        _trigger(server, f"raw={raw}", f"out={out}", label="second_triggered_run_s")
        summary = json.loads((tmp_path / "reports" / "run-summary.json").read_text(encoding="utf-8"))
        assert (summary["documents_extracted"], summary["documents_cached"]) == (0, 3), summary
        assert summary["published_changes"] is False and summary["version"] == "1.0.0"
        assert _files(out) == before  # byte-identical
        assert "3 from cache, 0 extracted" in worker.tail(400)

        # folders outside the checkout and TRADENEWS_ALLOWED_ROOTS: the run fails before it touches anything
        outside = Path(tempfile.mkdtemp(prefix="tradenews-outside-"))
        try:
            (outside / "notes.txt").write_text("别动\n", encoding="utf-8")
            text = _trigger(server, f"raw={raw}", f"out={outside}", label="refused_run_s", state="Failed")
            assert sorted(p.name for p in outside.iterdir()) == ["notes.txt"]
            assert not (outside.parent / f".{outside.name}.lock").exists()
            assert f"out {outside} is outside the folders this deployment may use" in worker.tail(400), text
        finally:
            shutil.rmtree(outside)
    finally:
        worker.stop()


def test_tradenews_serve_runs_the_deployment_on_demand(server, tmp_path):
    raw, out = _raw_folder(tmp_path), tmp_path / "served"
    # the work-pool deployment, as a team has it deployed: serving must leave it (and its work pool) alone
    _ok(_run([PREFECT, "work-pool", "create", "tradenews", "--type", "process", "--overwrite"], server.env))
    _ok(_run([PREFECT, "--no-prompt", "deploy", "--name", "scheduled", "--param", f"raw={raw}",
              "--param", f"out={tmp_path / 'pkg'}"], server.env))
    scheduled = server.api("/deployments/name/" + DEPLOYMENT)
    serve = server.start("serve", [TRADENEWS, "serve", "--raw", str(raw), "--out", str(out), "--no-schedule"])
    try:
        t0 = time.monotonic()
        while "is being served" not in serve.tail(200):
            if serve.popen.poll() is not None or time.monotonic() - t0 > 60:
                pytest.fail(f"tradenews serve did not start:\n{serve.tail()}")
            time.sleep(0.5)
        dep = server.api("/deployments/name/" + SERVED)
        assert dep["parameters"] == {"raw": str(raw), "out": str(out), "runner": "default", "address": None,
                                     "allow_shrink": False}
        assert dep["id"] != scheduled["id"] and dep["work_pool_name"] is None
        after = server.api("/deployments/name/" + DEPLOYMENT)
        assert after["work_pool_name"] == "tradenews" and after["parameters"] == scheduled["parameters"]
        _trigger(server, label="served_run_s", deployment=SERVED)  # no --param: the served deployment's own
        assert check_package(out) == []
        summary = json.loads((tmp_path / "reports" / "run-summary.json").read_text(encoding="utf-8"))
        assert summary["documents"] == 3 and summary["published_changes"] is True
    finally:
        serve.stop()
    # serve's shutdown must not pause the deployment for everyone else (pause_on_shutdown=False)
    assert server.api("/deployments/name/" + SERVED)["paused"] is False
    assert server.api("/deployments/name/" + DEPLOYMENT)["work_pool_name"] == "tradenews"
