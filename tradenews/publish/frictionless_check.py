"""Frictionless validation of a package descriptor and its data, as readable lines.

Kept apart from check.py so that the child processes check.py starts for big packages import
frictionless only (not pandas, pandera and the schemas): `python -m tradenews.publish.frictionless_check
DATAPACKAGE_JSON NAME,NAME` prints the problems of those resources as a JSON list.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def frictionless_errors(desc_path: Path, data: bool, names: list[str] | None = None,
                        limit_rows: int | None = None, trusted: bool = False) -> list[str]:
    """Frictionless metadata validation, then data validation of every resource (of its first
    `limit_rows` rows if set); with `names`, the data validation of those resources only (the
    metadata is validated by the caller). Untrusted unless `trusted`: frictionless's own path checks
    apply on top of the caller's (check.untrusted_references)."""
    from frictionless import Package, Report, system

    errors: list[str] = []
    try:
        descriptor = json.loads(Path(desc_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"frictionless: cannot read {desc_path} ({exc})"]
    with system.use_context(trusted=trusted):
        # the descriptor itself, not its path: frictionless expands a path with `*`, `?` or `[` as a glob
        package = Package(descriptor, basepath=str(Path(desc_path).parent))
        if names is not None:  # (a resource missing from the descriptor is reported by check.py)
            found = [package.get_resource(name) for name in names if package.has_resource(name)]
            report = Report.from_validation_reports(time=0, reports=[r.validate(limit_rows=limit_rows) for r in found])
            if not report.valid:
                for task in report.tasks:
                    for err in task.errors[:20]:
                        errors.append(f"frictionless {task.name}: {err.message}")
            return errors
        meta = package.metadata_validate(package.to_descriptor()) if hasattr(package, "metadata_validate") else []
        for err in meta or []:
            errors.append(f"frictionless metadata: {getattr(err, 'message', err)}")
        if data:
            report = package.validate(limit_rows=limit_rows)
            if not report.valid:
                for task in report.tasks:
                    for err in task.errors[:20]:
                        errors.append(f"frictionless {task.name}: {err.message}")
                for err in report.errors[:20]:
                    errors.append(f"frictionless: {err.message}")
    return errors


if __name__ == "__main__":
    limit = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
    trusted = len(sys.argv) > 4 and sys.argv[4] == "trusted"
    print(json.dumps(frictionless_errors(Path(sys.argv[1]), data=True, names=sys.argv[2].split(","), limit_rows=limit,
                                         trusted=trusted), ensure_ascii=False))
