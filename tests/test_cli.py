"""The command line's small promises: --version, `python flows/publish.py --help`, `make test-fast`, and file
names that cannot write Markdown into the CHANGELOG or the Prefect artifact, nor terminal escapes into logs."""
from __future__ import annotations

import csv
import dataclasses
import logging
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.reliability import short_article
from tradenews import __version__, pipeline
from tradenews.cli import main
from tradenews.escape import escape_controls, markdown_code, markdown_text


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith(f"tradenews {__version__} (extractor {__version__}+")


def test_the_flow_file_run_directly_prints_its_usage_and_refuses_in_one_line(tmp_path):
    """`python flows/publish.py --help` prints the flow's options; a refused folder is one line, no traceback
    (the refusal comes before any Prefect server is needed)."""
    helped = subprocess.run([sys.executable, "flows/publish.py", "--help"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert helped.returncode == 0 and helped.stdout.startswith("usage: python flows/publish.py")
    assert "--raw" in helped.stdout and "--allow-shrink" in helped.stdout
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("my own notes", encoding="utf-8")
    refused = subprocess.run([sys.executable, "flows/publish.py", "--raw", str(tmp_path / "nowhere"),
                              "--out", str(tmp_path / "mine")], cwd=ROOT, capture_output=True, text=True,
                             timeout=300, env={**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")})
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "my own notes"


def test_make_test_fast_leaves_out_the_slow_tests():
    dry = subprocess.run(["make", "-n", "test-fast"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0 and '-m pytest -m "not slow"' in dry.stdout
    listed = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-o", "addopts=", "-q",
                             "-m", "not slow",
                             "tests/test_deployment.py", "tests/test_cli.py"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert "test_cli.py::test_version" in listed.stdout
    assert "test_deployment.py" not in listed.stdout  # every test there starts Prefect servers: marked slow


HOSTILE = {
    "heading": "x`\n## 9.9.9 (forged)\n[click](javascript:alert(1))`.txt",
    "escape": "\x1b[2J\x1b[31mred\u202eoverride.txt",
}


def test_markdown_and_escapes_are_neutral():
    assert escape_controls("a\x1b[2Jb\u202ec\x85") == "a\\x1b[2Jb\\u202ec\\x85"
    code = markdown_code("a``b`")
    assert code == "``` a``b` ```"
    assert markdown_text("[x](y) *b* <i>") == "\\[x\\](y) \\*b\\* \\<i\\>"


def test_file_names_cannot_inject_markdown_or_terminal_escapes(tmp_path, caplog):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "plain.txt").write_text(short_article(1), encoding="utf-8")
    pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    for i, name in enumerate(HOSTILE.values()):
        (raw / name).write_text(short_article(10 + i), encoding="utf-8")
    (raw / "empty\x1b[2J`\n# x.txt").write_bytes(b"")  # rejected: its name goes into the reports and the log
    summary = pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    assert summary.documents == 3 and summary.rejected_documents == 1

    changelog = (tmp_path / "pkg" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert not any(line.startswith("## 9.9.9") for line in changelog.splitlines())
    assert "\x1b" not in changelog and "\u202e" not in changelog
    assert "``x`\\x0a## 9.9.9 (forged)\\x0a[click](javascript:alert(1))`.txt``" in changelog  # one code span
    with (tmp_path / "pkg" / "data" / "documents.csv").open(encoding="utf-8", newline="") as fh:
        paths = {row["source_path"] for row in csv.DictReader(fh)}
    assert "\\x1b[2J\\x1b[31mred\\u202eoverride.txt" in paths

    rejected = [{"path": "empty\\x1b[2J`\\x0a# x.txt", "reason": "empty file"}]
    assert summary.rejected == rejected  # the rejected document, its name escaped as every report shows it
    artifact = dataclasses.replace(summary, extracted=sorted(paths)).to_markdown()
    assert "\x1b" not in artifact and not any(line.startswith(("## 9.9.9", "# x")) for line in artifact.splitlines())
    assert "- rejected ``empty\\x1b[2J`\\x0a# x.txt``: empty file" in artifact

    # what the flow logs about the input goes through escape_controls
    logging.getLogger("test").warning("rejected %s", escape_controls("a\x1b[2Jb"))
    assert "\x1b" not in caplog.text
