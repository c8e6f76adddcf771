"""A raw folder that is missing, mistyped, a file, empty (a share that is not mounted) or suddenly much
smaller never empties the published package: the run is refused with one line and the package stays
byte for byte; a removal of more than half of the documents needs --allow-shrink."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from tests.reliability import files, short_article, version
from tradenews import pipeline
from tradenews.cli import EXIT_REFUSED, main
from tradenews.errors import Refused
from tradenews.publish.package import MAX_SHRINK


def _published(tmp_path: Path, n: int) -> tuple[Path, Path, dict[str, str]]:
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(n):
        (raw / f"a{i}.txt").write_text(short_article(i), encoding="utf-8")
    pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    return raw, tmp_path / "pkg", files(tmp_path / "pkg")


def _cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run", *args])
    return code, err.getvalue()


def _line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("tradenews: ")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("case,message", [
    ("missing", "does not exist (a mistyped path, or a share that is not mounted); nothing was published"),
    ("file", "is a file, not a folder of texts; nothing was published"),
])
def test_a_missing_or_file_raw_is_refused_and_the_package_stays(tmp_path, case, message):
    _, pkg, before = _published(tmp_path, 3)
    raw = tmp_path / "rwa"  # mistyped
    if case == "file":
        raw.write_text("不是文件夹\n", encoding="utf-8")
    code, err = _cli("--raw", str(raw), "--out", str(pkg), "--no-cache")
    assert code == EXIT_REFUSED and _line(err) == f"tradenews: refused: --raw {raw} {message}"
    with pytest.raises(Refused, match=message.split(";")[0].replace("(", r"\(").replace(")", r"\)")):
        pipeline.run_local(raw, pkg, tmp_path / "reports")
    assert files(pkg) == before


def test_an_empty_raw_folder_is_refused_and_the_package_stays(tmp_path):
    raw, pkg, before = _published(tmp_path, 3)
    mount_point = tmp_path / "share"  # an unmounted share: an empty folder
    mount_point.mkdir()
    with pytest.raises(Refused, match=f"--raw {mount_point} holds no text file"):
        pipeline.run_local(mount_point, pkg, tmp_path / "reports")
    for path in raw.iterdir():
        path.write_bytes(b"")
    with pytest.raises(Refused, match=f"--raw {raw}: none of its 3 files is a document \\(e.g. a0.txt: empty file\\)"):
        pipeline.run_local(raw, pkg, tmp_path / "reports")
    assert files(pkg) == before


def test_the_flow_refuses_an_empty_raw_folder_in_one_line(tmp_path, monkeypatch):
    """Through the command and the flow (local Prefect server): exit code 2, one line, package unchanged."""
    _, pkg, before = _published(tmp_path, 3)
    (tmp_path / "share").mkdir()
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    code, err = _cli("--raw", str(tmp_path / "share"), "--out", str(pkg), "--no-cache")
    assert code == EXIT_REFUSED
    assert _line(err) == (f"tradenews: refused: --raw {tmp_path / 'share'} holds no text file (an empty folder, or a "
                          "share that is not mounted); nothing was published")
    assert files(pkg) == before


def test_a_run_that_removes_more_than_half_of_the_documents_needs_allow_shrink(tmp_path):
    raw, pkg, before = _published(tmp_path, 6)
    assert MAX_SHRINK == 0.5
    for i in range(4):  # 4 of 6 documents gone: a share half copied
        (raw / f"a{i}.txt").unlink()
    with pytest.raises(Refused) as exc:
        pipeline.run_local(raw, pkg, tmp_path / "reports")
    assert str(exc.value).startswith(f"this run would remove 4 of the 6 documents published in {pkg} (67%; a run may "
                                     "remove at most 50%)")
    assert str(exc.value).endswith("run again with --allow-shrink (flow parameter allow_shrink)")
    assert files(pkg) == before and not list(tmp_path.glob(".pkg.tmp-*"))
    summary = pipeline.run_job(raw, pkg, tmp_path / "reports", allow_shrink=True)
    assert summary.version == "1.1.0" and summary.rows["documents"] == 2
    assert "Raw files deleted or no longer read" in (pkg / "CHANGELOG.md").read_text(encoding="utf-8")


def test_removing_half_of_the_documents_is_allowed(tmp_path):
    raw, pkg, _ = _published(tmp_path, 6)
    for i in range(3):
        (raw / f"a{i}.txt").unlink()
    assert pipeline.run_local(raw, pkg, tmp_path / "reports").version == "1.1.0"


def test_cli_allow_shrink(tmp_path, monkeypatch):
    raw, pkg, before = _published(tmp_path, 3)
    for i in range(2):
        (raw / f"a{i}.txt").unlink()
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    code, err = _cli("--raw", str(raw), "--out", str(pkg), "--no-cache")
    assert code == EXIT_REFUSED and _line(err).startswith("tradenews: refused: this run would remove 2 of the 3 ")
    assert files(pkg) == before
    code, err = _cli("--raw", str(raw), "--out", str(pkg), "--no-cache", "--allow-shrink")
    assert code == 0, err
    assert version(pkg) == "1.1.0"
