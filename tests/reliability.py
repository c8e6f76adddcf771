"""Shared helpers of the reliability tests (bad input, faults, property tests).

The hypothesis profile "tradenews" bounds the number of examples so CI stays fast; set
HYPOTHESIS_PROFILE=thorough for a longer local search.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

from hypothesis import HealthCheck, settings

settings.register_profile("tradenews", max_examples=60, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "tradenews"))


def examples(n: int) -> int:
    """max_examples for a slow property test: n under the CI profile, proportionally more under others."""
    return max(1, n * settings.default.max_examples // 60)

PROVINCES = ("江西", "湖南", "四川", "广西", "吉林", "云南", "河南", "山东")
COUNTRIES = ("俄罗斯", "南非", "德国", "法国", "巴西", "越南", "泰国")


def short_article(i: int) -> str:
    """A short, distinct article with a trade flow and a deal (the figures differ with i)."""
    prov, country = PROVINCES[i % len(PROVINCES)], COUNTRIES[(i // len(PROVINCES)) % len(COUNTRIES)]
    return (f"{prov}日报讯 2023年，{prov}省对{country}进出口总额{10 + i}.5亿元，同比增长{5 + i % 40}%。\n"
            f"在第六届中国国际进口博览会上，{prov}交易团与{country}企业签约采购项目，金额{100 + i}0万美元。\n")


def write_articles(raw: Path, numbers, name: str = "a{}.txt") -> None:
    """short_article(i) for each i of `numbers` into raw/ (made if missing), named by `name`."""
    raw.mkdir(exist_ok=True)
    for i in numbers:
        (raw / name.format(i)).write_text(short_article(i), encoding="utf-8")


def files(pkg: Path) -> dict[str, str]:
    """Every file of a package folder with its SHA-256: equal dicts mean byte-identical packages."""
    return {p.relative_to(pkg).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(pkg.rglob("*")) if p.is_file()}


def version(pkg: Path) -> str | None:
    try:
        return json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def rejected_documents(reports: Path) -> dict[str, str]:
    with (reports / "rejected-documents.csv").open(encoding="utf-8", newline="") as fh:
        return {row["path"]: row["reason"] for row in csv.DictReader(fh)}


def documents_paths(pkg: Path) -> list[str]:
    """Every source path of the documents table (a document of identical files has several)."""
    with (pkg / "data" / "documents.csv").open(encoding="utf-8", newline="") as fh:
        return [p for row in csv.DictReader(fh) for p in row["source_paths"].split("|")]


def input_files(raw: Path) -> list[str]:
    """Every file a user put into the raw folder, as the pipeline names them: texts and sidecars that have
    no text (a sidecar beside its text belongs to that text's document; hidden files are not inputs)."""
    found = [p for p in raw.rglob("*") if p.is_file() and not p.name.startswith(".")]
    texts = {p.with_suffix("") for p in found if not p.name.endswith(".meta.json")}
    inputs = [p for p in found if not p.name.endswith(".meta.json") or Path(str(p)[:-10]) not in texts]
    return sorted(os.fsencode(p.relative_to(raw).as_posix()).decode("utf-8", errors="backslashreplace")
                  for p in inputs)


def leftovers(out: Path) -> list[Path]:
    """Staging folders a publish left beside the package (none once a run has finished)."""
    return sorted(p for p in out.parent.iterdir() if p.name.startswith((f".{out.name}.tmp-", f".{out.name}.old-")))


# Files a user keeps in the package folder: a git repository versioning the dataset, a licence, notes.
USER_FILES = {".git/HEAD": "ref: refs/heads/main\n", ".git/objects/ab/cdef": "blob", "LICENSE": "CC-BY-4.0\n",
              "notes/读我.txt": "数据每天更新。\n"}


def add_user_files(pkg: Path) -> None:
    for rel, text in USER_FILES.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text, encoding="utf-8")


def user_files_intact(pkg: Path) -> bool:
    return all((pkg / rel).is_file() and (pkg / rel).read_text(encoding="utf-8") == text
               for rel, text in USER_FILES.items())


# A run in a child process that stops at a named point so a test can SIGKILL it there. The hooks are
# wrappers set up by this program only; the library has no fault-injection code.
# FAULT_POINT: where; FAULT_MARKER: file written on arrival; FAULT_MODE: "pause" (wait there to be killed)
# or "go" (carry on: the kill lands a few milliseconds into the operation); FAULT_GO: a file that lets a
# paused run go on. argv: run RAW OUT REPORTS (the plain pipeline) or cli ARGS... (the Prefect CLI).
CHILD = r'''
import os, sys, time
from pathlib import Path
point, marker = os.environ.get("FAULT_POINT", ""), Path(os.environ.get("FAULT_MARKER", os.devnull))
mode, go = os.environ.get("FAULT_MODE", "pause"), os.environ.get("FAULT_GO")


def reached():
    marker.write_text(point)
    if go:
        while not os.path.exists(go):
            time.sleep(0.02)
    elif mode == "pause":
        time.sleep(3600)


import tradenews.pipeline as pipeline
import tradenews.publish.package as package
import tradenews.tables.validate as validate


def hook(module, name, nth=1, after=False, when=lambda *a: True):
    real, calls = getattr(module, name), []

    def wrapper(*args, **kwargs):
        hit = False
        if when(*args):
            calls.append(1)
            hit = len(calls) == nth
        if hit and not after:
            reached()
        result = real(*args, **kwargs)
        if hit and after:
            reached()
        return result
    setattr(module, name, wrapper)


HOOKS = {
    "": lambda: None,
    "extract": lambda: hook(pipeline, "extract_source", nth=40),
    "extract-first": lambda: hook(pipeline, "extract_source"),
    "validate": lambda: hook(validate, "validate_tables"),
    "write": lambda: hook(package, "write_parquet", nth=3),
    "check": lambda: hook(package, "check_package"),
    "fsync": lambda: hook(package, "_fsync_tree"),
    "journal": lambda: hook(package, "write_atomic", after=True),  # the list of files to move in, written
    "moved": lambda: hook(package, "_move", after=True),  # the first file of the new package moved in
    "descriptor": lambda: hook(package, "_move", after=True, when=lambda staged, out, rel: rel == "datapackage.json"),
    "reports": lambda: hook(pipeline, "write_reports"),
}
HOOKS[point]()
if sys.argv[1] == "run":
    summary = pipeline.run_local(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    print("version", summary.version)
else:
    from tradenews.cli import main
    sys.exit(main(sys.argv[2:]))
'''
