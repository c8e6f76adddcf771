"""The command line's small promises: --version, `python flows/publish.py --help`, `make test-fast`."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tradenews import __version__
from tradenews.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith(f"tradenews {__version__} (extractor {__version__}+")


def test_flow_file_prints_its_usage():
    run = subprocess.run([sys.executable, "flows/publish.py", "--help"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("usage:") and "--raw" in run.stdout and "--out" in run.stdout


def test_make_test_fast_leaves_out_the_slow_tests():
    dry = subprocess.run(["make", "-n", "test-fast"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0 and '-m pytest -m "not slow"' in dry.stdout
    listed = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-o", "addopts=", "-q",
                             "-m", "not slow",
                             "tests/test_deployment.py", "tests/test_cli.py"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert "test_cli.py::test_version" in listed.stdout
    assert "test_deployment.py" not in listed.stdout  # every test there starts Prefect servers: marked slow
