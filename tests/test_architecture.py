"""Dependencies point one way: the library's stages never import Prefect or the flows (only the entry points,
the CLI and the benchmark harness, start a flow); the flows never import the CLI; nothing edits sys.path."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

ENTRY_POINTS = {ROOT / "tradenews" / "cli.py", *(ROOT / "tradenews" / "bench").glob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_library_stages_never_import_prefect_or_the_flows():
    edges = {(str(p.relative_to(ROOT)), m) for p in _modules("tradenews") + _modules("schemas") if p not in ENTRY_POINTS
             for m in _imports(p) if m.split(".")[0] in ("prefect", "prefect_dask", "flows")}
    assert edges == set()


def test_the_flows_never_import_the_cli():
    edges = {(str(p.relative_to(ROOT)), m) for p in _modules("flows") for m in _imports(p)
             if m == "tradenews.cli" or m.startswith("tradenews.bench")}
    assert edges == set()


def test_no_module_edits_the_import_path():
    def edits(path: Path) -> bool:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(node.value, ast.Name) \
                    and node.value.id == "sys":
                return True
            if isinstance(node, ast.Constant) and node.value == "PYTHONPATH":
                return True
        return False
    assert [str(p.relative_to(ROOT)) for p in _modules("tradenews") + _modules("flows") + _modules("schemas")
            if edits(p)] == []


def test_the_checker_sees_an_edge_when_there_is_one(tmp_path):
    # the walk finds an import inside a function, as the stages would hide one
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from prefect import flow\n    import flows.publish\n", encoding="utf-8")
    assert _imports(probe) == {"prefect", "flows.publish"}


def test_the_flow_runs_the_library_sequence_with_the_library_steps():
    """One run sequence (pipeline.run_steps): the flow's tasks are the library's step functions, and the flow
    uses nothing else of the pipeline's (no second copy of the sequence: no grouping, checking or summarizing)."""
    import flows.publish as flow_mod
    from tradenews import pipeline

    steps = {"read_inputs": pipeline.read_inputs, "extract_batch": pipeline.extract_batch,
             "build_and_validate": pipeline.build_and_validate_timed, "publish_package": pipeline.publish_package,
             "write_reports": pipeline.write_reports}
    assert {name: getattr(flow_mod, name).fn for name in steps} == steps
    tree = ast.parse((ROOT / "flows" / "publish.py").read_text(encoding="utf-8"))
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name) and node.value.id == "pipeline"}
    assert used == {*(f.__name__ for f in steps.values()), "Steps", "run_steps", "DOC_BUDGET", "warm_up"}
