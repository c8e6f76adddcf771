"""The `tradenews` command line: run the flow, serve its deployment, validate a published package."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

# Quiet, local defaults for Prefect's embedded server; a user's own settings win.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


EXIT_FAILED = 1
EXIT_REFUSED = 2  # stopped before anything was written (folders, input)
EXIT_LOCKED = 3


class Stopped(BaseException):
    """SIGTERM (or SIGINT) reached `tradenews run`: raised in the main thread, wherever the run is, so that it
    ends through its clean-up (staging folder removed, lock released, Prefect server stopped)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum, frame):
    raise Stopped(signum)


def stop_signals() -> tuple[type[BaseException], ...]:
    """What a run stopped by a signal raises: ours before the flow starts, Prefect's inside it."""
    try:
        from prefect.exceptions import TerminationSignal
    except ImportError:  # pragma: no cover - prefect is a dependency
        return (Stopped, KeyboardInterrupt)
    return (Stopped, KeyboardInterrupt, TerminationSignal)


def cmd_run(args: argparse.Namespace) -> int:
    import signal

    from tradenews.errors import Refused, TradenewsError
    from tradenews.folders import check_folders, check_out_folder, resolve_folders
    from tradenews.publish.lock import PackageLocked, package_lock

    try:  # refused at once, before a Prefect server starts; the flow checks again
        folders = resolve_folders(args.raw, args.out, args.reports, args.cache, not args.no_cache)
        check_folders(folders)
        check_out_folder(folders.out)
    except Refused as exc:
        print(f"tradenews: refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    before = package_version(args.out)
    previous = signal.signal(signal.SIGTERM, _raise_stopped)  # (Prefect's own handler takes over inside the flow)
    try:
        # the lock for the whole run (the flow takes it again, re-entrantly): a second run stops here, in one
        # line, before a Prefect server starts or a flow run is recorded
        with package_lock(folders.out):
            from flows.server import local_api

            with local_api() as server:  # a local Prefect server boots while the library is imported
                return _run(args, server, before)
    except PackageLocked as exc:
        print(f"tradenews: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (OSError, TradenewsError) as exc:  # the lock file cannot be created (a read-only folder, a symlink)
        print(f"tradenews: run failed: {describe_failure(exc)}. {package_state(args.out, before)}", file=sys.stderr)
        return EXIT_FAILED
    except stop_signals() as exc:
        signum = getattr(exc, "signum", None) or getattr(exc, "signal", None) or signal.SIGINT
        print(f"tradenews: run stopped by {signal.Signals(signum).name}. "
              f"{package_state(args.out, before, 'the stop')}", file=sys.stderr)
        return 128 + signum
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace, server, before: str | None) -> int:
    from flows.publish import preload_stages, publish_dataset  # the CLI is the only library entry that starts a flow
    from flows.server import use_api
    from tradenews.errors import Refused, TradenewsError
    from tradenews.publish.lock import PackageLocked
    from tradenews.summary import RunSummary

    preload_stages()  # while the local server boots

    try:
        with use_api(server):
            summary = publish_dataset(raw=args.raw, out=args.out, reports=args.reports, cache=args.cache,
                                      use_cache=not args.no_cache, runner=args.runner, address=args.address,
                                      allow_shrink=args.allow_shrink, doc_budget=args.doc_budget or None)
    except PackageLocked as exc:
        print(f"tradenews: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except Refused as exc:
        print(f"tradenews: refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except (OSError, RuntimeError, TradenewsError, *api_errors()) as exc:  # disk full, read-only, invalid, API gone
        print(f"tradenews: run failed: {describe_failure(exc)}. {package_state(args.out, before)}", file=sys.stderr)
        return EXIT_FAILED
    print(RunSummary.from_dict(summary).to_text())  # the flow returns the summary's compact JSON form
    return 0


def api_errors() -> tuple[type[BaseException], ...]:
    """Errors of the HTTP client that talks to the Prefect API (a server that went away)."""
    try:
        import httpx
    except ImportError:  # pragma: no cover - httpx comes with prefect
        return ()
    return (httpx.HTTPError,)


def describe_failure(exc: BaseException) -> str:
    """One line saying what went wrong (the traceback is in the flow run's log above)."""
    if isinstance(exc, api_errors()):
        from prefect.settings import PREFECT_API_URL

        return (f"lost the Prefect API at {PREFECT_API_URL.value() or '(embedded server)'} ({exc}); "
                "the flow run's final state was not recorded")
    if isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        if getattr(exc, "filename", None) and str(exc.filename) not in text:
            text += f": {exc.filename}"
        return text
    from tradenews.errors import TradenewsError

    first = (str(exc).splitlines() or [""])[0]
    if isinstance(exc, TradenewsError):  # its message names the file or folder and the reason
        return first.rstrip(":")
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def package_version(out: str | Path) -> str | None:
    try:
        return json.loads((Path(out) / "datapackage.json").read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None


def package_state(out: str | Path, before: str | None, event: str = "the failure") -> str:
    """What the package folder holds after a failed or stopped run (the old or the new package)."""
    after = package_version(out)
    if after is None:
        return f"No package at {out}."
    if after == before:
        return f"The package at {out} is unchanged (version {after})."
    return f"The package at {out} was published as version {after} before {event}."


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.deployment import serve  # starts the flow's deployment runner (Prefect stays out of the library)
    from tradenews.errors import Refused

    try:
        serve(raw=args.raw, out=args.out, cron=args.cron, no_schedule=args.no_schedule)
    except Refused as exc:
        print(f"tradenews: refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from tradenews.bench.run import main as bench_main  # the harness runs the flow in child processes

    return bench_main(args.bench_args)


def cmd_validate(args: argparse.Namespace) -> int:
    from tradenews.publish.check import check_package

    if not os.path.exists(args.package):
        print(f"tradenews: refused: {args.package}: no such folder or descriptor", file=sys.stderr)
        return EXIT_REFUSED
    errors = check_package(Path(args.package), trusted=args.trusted)
    if errors:
        print(f"{args.package}: NOT VALID ({len(errors)} problems)")
        for e in errors:
            print("  - " + e.replace("\n", "\n    "))
        return 1
    print(f"{args.package}: valid (frictionless, pandera, foreign keys, CSV == Parquet)")
    return 0


def _version() -> str:
    from tradenews.version import extractor_version

    return f"{__import__('tradenews').__version__} (extractor {extractor_version()})"


def main(argv: list[str] | None = None) -> int:
    from tradenews.budget import DEFAULT_SECONDS as DOC_BUDGET

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # its options (and --help) belong to the harness
        return cmd_bench(argparse.Namespace(bench_args=argv[1:]))
    parser = argparse.ArgumentParser(prog="tradenews", description=__doc__)
    parser.add_argument("--version", action="version", version=f"tradenews {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the publish-dataset flow on a folder of texts")
    run.add_argument("--raw", default="raw", help="folder of NAME.txt (+ NAME.meta.json) files")
    run.add_argument("--out", default="datapackage", help="package folder to publish into")
    run.add_argument("--reports", default=None, help="where rejected-row and run reports go (default: OUT/../reports)")
    run.add_argument("--cache", default=None,
                     help="extraction cache folder (default: $TRADENEWS_CACHE_DIR, else OUT/../.cache/tradenews)")
    run.add_argument("--no-cache", action="store_true", help="re-extract every document; do not use the cache")
    run.add_argument("--allow-shrink", action="store_true",
                     help="publish even when the run removes more than half of the published documents "
                          "(refused otherwise: the mark of an incomplete --raw, such as an unmounted share)")
    run.add_argument("--doc-budget", type=float, default=DOC_BUDGET, metavar="SECONDS",
                     help=f"seconds the extraction of one document may take (default {DOC_BUDGET:g}; 0: no limit); a "
                          "document "
                          "that takes longer counts with no facts and is named in reports/rejected-rows.csv")
    run.add_argument("--runner", default="default", choices=("default", "process", "dask"),
                     help="where extraction batches run: the flow's threads (default), one process per core, "
                          "or a Dask cluster")
    run.add_argument("--address", default=None,
                     help="Dask scheduler address (tcp://host:8786) for --runner dask; without it a local "
                          "two-worker cluster is started")
    run.set_defaults(func=cmd_run)
    bench = sub.add_parser("bench", add_help=False,
                           help="benchmark the flow on generated corpora of 100, 1,000 and 10,000 articles; writes "
                                "benchmarks/results.md (options: tradenews bench --help)")
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    bench.set_defaults(func=cmd_bench)
    srv = sub.add_parser("serve", help="serve the deployment publish-dataset/served from this process (schedule "
                                       "and parameters of publish-dataset/scheduled in prefect.yaml, which it "
                                       "leaves as it is; needs a Prefect server)")
    srv.add_argument("--raw", default=None, help="folder of texts (default: prefect.yaml's, i.e. raw)")
    srv.add_argument("--out", default=None, help="package folder (default: prefect.yaml's, i.e. datapackage)")
    srv.add_argument("--cron", default=None, help="cron schedule instead of prefect.yaml's")
    srv.add_argument("--no-schedule", action="store_true", help="serve for on-demand runs only")
    srv.set_defaults(func=cmd_serve)
    val = sub.add_parser("validate", help="re-validate a published package")
    val.add_argument("package", help="package folder, or its descriptor (datapackage.json)")
    val.add_argument("--trusted", action="store_true",
                     help="read and fetch whatever the descriptor names (absolute paths, '..', URLs); by default "
                          "a package is untrusted input and only files inside its folder are read")
    val.set_defaults(func=cmd_validate)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
