"""The flow on a Dask cluster (prefect-dask's DaskTaskRunner) publishes exactly what the default runner does."""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil

import pytest

from tests.conftest import SEED


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from tradenews.bench.generate import write_corpus

    raw = tmp_path_factory.mktemp("dask") / "raw"
    write_corpus(raw, 40, seed=5)
    shutil.copy(SEED, raw / SEED.name)
    return raw


def _cli(args: list[str]) -> tuple[int, str]:
    from tradenews.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(args)
    return code, out.getvalue()


def _package_files(pkg) -> dict[str, bytes]:
    """Every file of the package, with the publication timestamp (the one thing two runs may differ in)
    blanked out."""
    created = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))["created"]
    files = {}
    for p in sorted(pkg.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            if p.suffix in (".json", ".md"):
                data = data.replace(created.encode(), b"<created>")
            files[p.relative_to(pkg).as_posix()] = data
    return files


def test_flow_on_a_two_worker_dask_cluster_publishes_the_same_package(harness, corpus, tmp_path):
    from distributed import Client, LocalCluster

    from flows.publish import publish_dataset
    from tradenews.publish.check import check_package

    default = publish_dataset(raw=str(corpus), out=str(tmp_path / "default" / "pkg"), use_cache=False)
    assert default["runner"] == "default"
    assert [w.split(":")[-1] for w in default["extraction_workers"]] == [str(os.getpid())]  # threads of this process

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        code, out = _cli(["run", "--raw", str(corpus), "--out", str(tmp_path / "dask" / "pkg"), "--no-cache",
                          "--runner", "dask", "--address", cluster.scheduler_address])
        assert code == 0, out
        worker_pids = {str(pid) for pid in client.run(os.getpid).values()}
    assert len(worker_pids) == 2
    assert "(runner dask)" in out and re.search(r"extract \d+\.\d\d", out)
    summary = json.loads((tmp_path / "dask" / "reports" / "run-summary.json").read_text(encoding="utf-8"))
    assert summary["runner"] == "dask" and summary["documents"] == default["documents"] == 41
    # every batch ran on the cluster's workers, none in this (the flow's) process
    assert {w.split(":")[-1] for w in summary["extraction_workers"]} <= worker_pids

    dask_pkg, default_pkg = tmp_path / "dask" / "pkg", tmp_path / "default" / "pkg"
    assert check_package(dask_pkg) == []
    assert _package_files(dask_pkg) == _package_files(default_pkg)  # byte-identical data, same descriptor
    assert default["rows"]["deals"] > 0 and default["rows"]["trade_flows"] > 0


def test_dask_runner_without_address_starts_a_local_cluster(harness, corpus, tmp_path):
    from flows.publish import publish_dataset

    summary = publish_dataset(raw=str(corpus), out=str(tmp_path / "pkg"), use_cache=False, runner="dask")
    assert summary["runner"] == "dask" and summary["documents"] == 41
    assert summary["extraction_batches"] >= 2
    # batches ran in the worker processes of the cluster the runner started, never in this process
    pids = {w.split(":")[-1] for w in summary["extraction_workers"]}
    assert pids and str(os.getpid()) not in pids and len(pids) <= 2
    assert set(summary["timings"]) >= {"read", "extract", "build", "validate", "publish", "orchestration", "total"}


def test_unknown_runner_or_stray_address_is_refused_before_reading():
    from flows.publish import task_runner

    with pytest.raises(ValueError, match="unknown runner"):
        task_runner("ray")
    with pytest.raises(ValueError, match="Dask"):
        task_runner("process", "tcp://127.0.0.1:8786")
    assert task_runner("default") is None
