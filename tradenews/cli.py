"""The `tradenews` command line: run the flow, validate a published package."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Quiet, local defaults for Prefect's embedded server; a user's own settings win.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def print_summary(summary: dict) -> None:
    rows = ", ".join(f"{name} {n}" for name, n in summary["rows"].items())
    state = "published" if summary["published_changes"] else "unchanged (nothing new to publish)"
    print(f"tradenews: read {summary['files_read']} files -> {summary['documents']} documents, "
          f"{summary['rejected_documents']} rejected documents")
    print(f"tradenews: rows: {rows}")
    print(f"tradenews: {summary['rejected_rows']} rejected rows; reports in {summary['reports']}")
    print(f"tradenews: package {summary['package']} version {summary['version']} {state}")


def cmd_run(args: argparse.Namespace) -> int:
    from flows.publish import publish_dataset  # the CLI is the only library entry that starts a flow

    summary = publish_dataset(raw=args.raw, out=args.out, reports=args.reports)
    print_summary(summary)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from tradenews.publish.check import check_package

    errors = check_package(Path(args.package))
    if errors:
        print(f"{args.package}: NOT VALID ({len(errors)} problems)")
        for e in errors:
            print("  - " + e.replace("\n", "\n    "))
        return 1
    print(f"{args.package}: valid (frictionless, pandera, foreign keys, CSV == Parquet)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tradenews", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the publish-dataset flow on a folder of texts")
    run.add_argument("--raw", default="raw", help="folder of NAME.txt (+ NAME.meta.json) files")
    run.add_argument("--out", default="datapackage", help="package folder to publish into")
    run.add_argument("--reports", default=None, help="where rejected-row and run reports go (default: OUT/../reports)")
    run.set_defaults(func=cmd_run)
    val = sub.add_parser("validate", help="re-validate a published package")
    val.add_argument("package", help="folder holding datapackage.json")
    val.set_defaults(func=cmd_validate)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
