"""The benchmark: the publish-dataset flow on corpora of N articles, timed and measured.

    tradenews bench [--sizes 100,1000,10000] [--runners default,process] [--results benchmarks/results.md]

For each N the harness writes a corpus (generated articles + the real texts of `raw/`, see
generate.py), then runs, each in a fresh child process so that time and memory are the run's own:

- the flow (`flows/publish.py`, as `tradenews run --no-cache` runs it: embedded Prefect server,
  task runs, artifact) once per runner;
- the pure library path (`tradenews.pipeline.run_job`: the same stages without Prefect).

It prints and writes to `benchmarks/results.md`: wall time, articles per second, peak resident
memory (the sum over the child's process tree, sampled every 50 ms with psutil, and the largest
single process from wait4), CPU seconds, and the split of the wall time into startup (the process
around the run: interpreter, imports, the local Prefect server booting and stopping), orchestration
(the run beyond its stages: flow and task runs, states, moving batches between workers), reading,
extraction, building the tables, validation (pandera on the tables, then the check of the written
package) and publishing (CSV, Parquet, descriptor, diff, swap). Extraction speed per core is
articles / CPU seconds spent extracting, in each run, and for extraction alone the best of five
passes over 1,000 articles (as timeit measures: the host's other work slows single passes).
The machine (CPU, cores, memory, load average) is recorded with the figures: a busy machine shows
as wall time well above CPU time.

Every run extracts every document (cache off). A warm-up run on a tiny corpus first creates the
Prefect database of the benchmark's own PREFECT_HOME, a one-time cost of a machine that is not
charged to N = 100.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("read", "extract", "build", "validate", "validate_package", "publish", "reports")
TARGETS = {"wall_10k_s": 60.0, "rss_gb": 1.5, "linear": 11.0, "orchestration_share": 0.15,
           "extract_per_core": 500.0}


# ---------------------------------------------------------------- child side: one run, figures as JSON

def _child(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    raw, out = Path(args.raw_dir), Path(args.out)
    if args.child == "flow":  # as `tradenews run` does it: the local Prefect server boots during the imports
        from flows.server import local_api, use_api

        with local_api() as server:
            from flows.publish import preload_stages, publish_dataset
            from tradenews.summary import RunSummary

            preload_stages()
            t_import = time.perf_counter() - t0
            with use_api(server):
                if server is not None:
                    server.wait_ready()  # (not part of the run's time: the server booted during the imports)
                t_call = time.perf_counter()
                summary = RunSummary.from_dict(publish_dataset(raw=str(raw), out=str(out / "pkg"),
                                                               reports=str(out / "reports"), use_cache=False,
                                                               runner=args.runner))
                call_s = time.perf_counter() - t_call
    else:
        from tradenews import pipeline

        t_import = time.perf_counter() - t0
        t_call = time.perf_counter()
        summary = pipeline.run_job(raw, out / "pkg", out / "reports", cache_dir=None)
        call_s = time.perf_counter() - t_call
    import resource

    Path(args.json_out).write_text(json.dumps({
        "import_s": t_import, "call_s": call_s, "inner_s": time.perf_counter() - t0, "timings": summary.timings,
        "documents": summary.documents, "rows": summary.rows, "rejected_rows": summary.rejected_rows,
        "self_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }), encoding="utf-8")
    return 0


# ---------------------------------------------------------------- parent side

def _tree_rss(proc, seen: dict[int, str]) -> int:
    """Resident memory of `proc` and all its descendants; `seen` collects their command lines."""
    import psutil

    total = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
            if p.pid not in seen:
                seen[p.pid] = " ".join(p.cmdline())
        except psutil.Error:
            pass
    return total


def measure(cmd: list[str], env: dict, log: Path) -> dict:
    """Run `cmd`; wall time, CPU time of it and its waited-for children, peak RSS (tree sum, sampled)."""
    peak = {"tree": 0}
    seen: dict[int, str] = {}
    t0 = time.perf_counter()
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=str(ROOT))
        stop = threading.Event()

        def sample():
            try:
                import psutil
            except ImportError:
                return
            try:
                p = psutil.Process(proc.pid)
            except psutil.Error:
                return
            while not stop.is_set():
                peak["tree"] = max(peak["tree"], _tree_rss(p, seen))
                stop.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        sampler.join()
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{tail}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_tree_mb": peak["tree"] / 2**20 if peak["tree"] else None,
            "peak_process_mb": usage.ru_maxrss / 1024, "processes": len(seen),
            "prefect_servers": sum("prefect.server.api.server" in c for c in seen.values())}


def run_one(kind: str, runner: str, raw: Path, out: Path, env: dict) -> dict:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    result_json = out / "child.json"
    cmd = [sys.executable, "-m", "tradenews.bench.run", "--child", kind, "--runner", runner,
           "--raw-dir", str(raw), "--out", str(out), "--json-out", str(result_json)]
    load_before = os.getloadavg()[0]
    figures = measure(cmd, env, out / "child.log")
    child = json.loads(result_json.read_text(encoding="utf-8"))
    t = child["timings"]
    stage_s = sum(t.get(k, 0.0) for k in STAGES)
    figures.update(
        kind=kind, runner=runner if kind == "flow" else "-", documents=child["documents"], rows=child["rows"],
        timings=t, load_before=load_before,
        overhead_s=max(0.0, figures["wall_s"] - stage_s),  # startup + orchestration
        # startup: the process around the run (interpreter, imports, the local Prefect server booting and
        # stopping); orchestration: what the run costs beyond its stages (creating the flow run, task runs,
        # states, moving batches to workers and back)
        startup_s=max(0.0, figures["wall_s"] - child["call_s"]),
        orchestration_s=max(0.0, child["call_s"] - stage_s),
        in_flow_orchestration_s=t.get("orchestration", 0.0) if kind == "flow" else 0.0,
        extract_per_core=(child["documents"] / t["extract_cpu"]) if t.get("extract_cpu") else None,
    )
    return figures


@contextlib.contextmanager
def prefect_server(env: dict, log: Path, timeout: float = 240.0):
    """A Prefect server of our own on a free loopback port (as a deployment has one running): flow runs
    then skip starting the embedded server. Stopped (its process group) at the end."""
    from flows.server import LocalServer, free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                 "--port", str(port)], env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        try:
            LocalServer(url, proc, timeout).wait_ready()
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}; see {log}") from exc
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def machine() -> dict:
    info = {"host": platform.node(), "platform": platform.platform(), "python": platform.python_version(),
            "cores": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    pkgs = {}
    for name in ("prefect", "prefect-dask", "distributed", "pandas", "pyarrow", "pandera", "frictionless"):
        try:
            pkgs[name] = version(name)
        except PackageNotFoundError:
            pass
    info["packages"] = pkgs
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        info["commit"] = None
    from tradenews.version import extractor_version

    info["extractor_version"] = extractor_version()
    return info


def profile_extraction(raw: Path, limit: int, top: int = 15) -> tuple[str, float]:
    """cProfile of extracting the first `limit` documents of `raw`: the top functions by cumulative time."""
    from tradenews import pipeline

    docs = pipeline.group_duplicates(pipeline.read_inputs(raw).sources)[:limit]
    pipeline.extract_cached(docs[:5], None)  # reference data loaded outside the profile
    prof = cProfile.Profile()
    t0 = time.process_time()
    prof.enable()
    pipeline.extract_cached(docs, None)
    prof.disable()
    cpu = time.process_time() - t0
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("cumulative").print_stats(top)
    text = buf.getvalue()
    start = text.find("   ncalls")
    return (text[start:] if start >= 0 else text).rstrip() + "\n", len(docs) / cpu if cpu else 0.0


def time_extraction(raw: Path, limit: int, repeats: int = 5) -> float:
    """Extraction alone, measured as timeit does: articles per CPU second of the best of `repeats` passes
    over the first `limit` documents. A single pass on a shared machine runs slower by whatever else the
    host runs at that moment; the best pass shows what the code costs."""
    from tradenews import pipeline

    docs = pipeline.group_duplicates(pipeline.read_inputs(raw).sources)[:limit]
    pipeline.extract_cached(docs[:5], None)  # reference data loaded outside the timing
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        pipeline.extract_cached(docs, None)
        best = min(best, time.process_time() - t0)
    return len(docs) / best if best else 0.0


# ---------------------------------------------------------------- report

def _mb(x) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _row(r: dict) -> str:
    t, wall = r["timings"], r["wall_s"]
    pct = lambda s: f"{s:.1f} ({100 * s / wall:.0f}%)"  # noqa: E731
    validation = t.get("validate", 0) + t.get("validate_package", 0)
    rate = "-" if r["extract_per_core"] is None else f"{r['extract_per_core']:,.0f}"
    return (f"| {r['n']:,} | {r['label']} | {wall:.1f} | {r['n'] / wall:,.0f} | {_mb(r['peak_tree_mb'])} | "
            f"{_mb(r['peak_process_mb'])} | {r['cpu_s']:.1f} | {pct(r['startup_s'])} | {pct(r['orchestration_s'])} | "
            f"{pct(t.get('read', 0))} | {pct(t.get('extract', 0))} | {pct(t.get('build', 0))} | "
            f"{pct(validation)} | {pct(t.get('publish', 0) + t.get('reports', 0))} | "
            f"{rate} | {r['processes']} ({r['prefect_servers']}) | "
            f"{r['load_before']:.1f} |")


HEADER = ("| N | run | wall s | articles/s | peak RSS MB (tree) | peak RSS MB (largest process) | CPU s | "
          "startup s | orchestration s | read s | extraction s | build s | validation s | publishing s | "
          "extraction articles/s per core | processes (Prefect servers) | load avg before |\n"
          "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def verdicts(runs: list[dict], alone: tuple[float, int, int] | None = None) -> list[tuple[str, str, bool | None]]:
    """(target, figure, met?) for the largest N, per flow runner."""
    out = []
    if not runs:
        return out
    big = max(r["n"] for r in runs)
    sizes = sorted({r["n"] for r in runs})
    for label in sorted({r["label"] for r in runs if r["kind"] == "flow"}):
        mine = {r["n"]: r for r in runs if r["label"] == label}
        r = mine.get(big)
        if r is None:
            continue
        if big >= 10_000:
            out.append((f"{label}: {big:,} articles end to end < {TARGETS['wall_10k_s']:.0f} s",
                        f"{r['wall_s']:.1f} s", r["wall_s"] < TARGETS["wall_10k_s"]))
        if r["peak_tree_mb"] is not None:
            out.append((f"{label}: peak memory < {TARGETS['rss_gb']} GB at {big:,}",
                        f"{r['peak_tree_mb'] / 1024:.2f} GB (process tree)",
                        r["peak_tree_mb"] / 1024 < TARGETS["rss_gb"]))
        for a, b in zip(sizes, sizes[1:]):
            if a in mine and b in mine and b == 10 * a:
                ratio = mine[b]["wall_s"] / mine[a]["wall_s"]
                out.append((f"{label}: {b:,} vs {a:,} articles: time ratio <= {TARGETS['linear']:.0f}",
                            f"{ratio:.1f}x", ratio <= TARGETS["linear"]))
        share = r["orchestration_s"] / r["wall_s"]
        out.append((f"{label}: orchestration < {TARGETS['orchestration_share']:.0%} of the run at {big:,}",
                    f"{share:.1%} ({r['orchestration_s']:.1f} s, of which {r['in_flow_orchestration_s']:.1f} s "
                    f"inside the flow; startup {r['startup_s']:.1f} s more, {r['startup_s'] / r['wall_s']:.0%}: "
                    f"together {(r['startup_s'] + r['orchestration_s']) / r['wall_s']:.0%})",
                    share < TARGETS["orchestration_share"]))
    lib = [r for r in runs if r["kind"] == "library" and r["n"] == big and r["extract_per_core"]]
    in_run = f"{lib[0]['extract_per_core']:,.0f} in the library run of {big:,}" if lib else None
    if alone:
        rate, n, repeats = alone
        out.append((f"extraction alone >= {TARGETS['extract_per_core']:.0f} articles/s per core",
                    f"{rate:,.0f} articles per CPU second (best of {repeats} passes over {n:,} articles"
                    + (f"; {in_run}, one pass" if in_run else "") + ")", rate >= TARGETS["extract_per_core"]))
    elif lib:
        rate = lib[0]["extract_per_core"]
        out.append((f"extraction alone >= {TARGETS['extract_per_core']:.0f} articles/s per core",
                    f"{rate:,.0f} articles/s per CPU second ({in_run})", rate >= TARGETS["extract_per_core"]))
    return out


def render(info: dict, corpora: dict, runs: list[dict], profile: tuple[str, float, int] | None,
           started: str, elapsed: float, alone: tuple[float, int, int] | None = None) -> str:
    lines = ["# Benchmark results", "",
             f"`tradenews bench` ({'make bench'}) on {started}, {elapsed:.0f} s in all. Figures of one run each; "
             "re-run to refresh. Wall times are only comparable on an otherwise idle machine: the load average "
             "before each run is in the last column.", "",
             "## Machine", ""]
    lines += [f"- CPU: {info.get('cpu', '?')}, {info.get('cores')} cores, {info.get('memory_gb', '?')} GB memory",
              f"- {info['platform']}, Python {info['python']}; "
              + ", ".join(f"{k} {v}" for k, v in info["packages"].items()),
              f"- commit {info.get('commit') or '?'}, extractor {info['extractor_version']}",
              f"- Prefect API: {info['prefect_api']}", ""]
    lines += ["## Corpora", "", "| N | generated | real (from raw/) | Traditional | with sidecar | characters per article |",
              "|---:|---:|---:|---:|---:|---:|"]
    for n, c in sorted(corpora.items()):
        per = c["chars"] / max(c["generated"], 1)
        lines.append(f"| {n:,} | {c['generated']:,} | {c['real']} | {c['Hant']:,} | {c['sidecars']:,} | {per:,.0f} |")
    lines += ["", "## Runs", "",
              "`flow/<runner>` is the Prefect flow (`tradenews run --no-cache --runner <runner>`); `library` the same "
              "stages without Prefect (`tradenews.pipeline.run_job`). Percentages are shares of the wall time. "
              "Startup is the process around the run (interpreter, imports, the local Prefect server booting "
              "and stopping); orchestration what the run costs beyond its stages (creating the flow run, task "
              "runs and their states, moving batches to workers and results back, recording the result). "
              "Validation is pandera on every row of the tables plus the check of the written package (files "
              "equal to the validated tables, foreign keys, frictionless on the first rows of each resource). "
              "Extraction is the wall time during which at least one batch was being extracted; articles/s "
              "per core divides the articles by the CPU time of the extracting threads.", "", HEADER]
    lines += [_row(r) for r in runs]
    ratios = []
    for n in sorted({r["n"] for r in runs}):
        lib = [r for r in runs if r["n"] == n and r["kind"] == "library"]
        for r in runs:
            if r["n"] == n and r["kind"] == "flow" and lib:
                ratios.append(f"| {n:,} | {r['label']} | {r['wall_s'] / lib[0]['wall_s']:.2f} |")
    if ratios:
        lines += ["", "Flow wall time / library wall time (the cost of orchestration, or the gain of parallel "
                  "workers where the ratio is below 1):", "", "| N | run | ratio |", "|---:|---|---:|"] + ratios
    v = verdicts(runs, alone)
    if v:
        lines += ["", "## Targets", "", "| target | figure | met |", "|---|---|---|"]
        lines += [f"| {a} | {b} | {'yes' if ok else 'NO'} |" for a, b, ok in v]
    if profile:
        text, rate, n = profile
        lines += ["", f"## Extraction profile ({n:,} generated articles, cProfile, top 15 by cumulative time)", "",
                  f"{rate:,.0f} articles per CPU second under the profiler.", "", "```", text.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="tradenews bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000,10000", help="corpus sizes, comma-separated (default %(default)s)")
    ap.add_argument("--runners", default="default,process",
                    help="flow runners to time, comma-separated: default, process, dask (default %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="generator seed")
    ap.add_argument("--raw", default=str(ROOT / "raw"), help="real texts mixed into every corpus (default raw/)")
    ap.add_argument("--results", default=str(ROOT / "benchmarks" / "results.md"), help="where the figures go")
    ap.add_argument("--work", default=None, help="folder for corpora and packages, kept (default: a temp dir)")
    ap.add_argument("--no-library", action="store_true", help="skip the pure-library (no Prefect) runs")
    ap.add_argument("--no-warmup", action="store_true", help="skip the warm-up run that creates the Prefect database")
    ap.add_argument("--profile", type=int, default=1000,
                    help="articles to time (best of 5 passes) and profile extraction on (0: neither)")
    ap.add_argument("--server", action="store_true",
                    help="run the flows against a Prefect server started once for the benchmark (as deployments "
                         "do) instead of each run starting the embedded one")
    # child mode (internal)
    ap.add_argument("--child", choices=("flow", "library"), help=argparse.SUPPRESS)
    ap.add_argument("--runner", default="default", help=argparse.SUPPRESS)
    ap.add_argument("--raw-dir", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--json-out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return _child(args)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    runners = [r.strip() for r in args.runners.split(",") if r.strip()]
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="tradenews-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    env["PREFECT_HOME"] = str(work / "prefect-home")
    env.pop("TRADENEWS_CACHE_DIR", None)
    info = machine()
    info["prefect_api"] = "a Prefect server started once for the benchmark" if args.server else \
        "a local server each run starts while it imports the library (as `tradenews run` does)"
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    t_all = time.perf_counter()
    print(f"tradenews bench: {info.get('cpu', '?')}, {info['cores']} cores; work folder {work}", flush=True)
    with contextlib.ExitStack() as stack:
        if args.server and runners:
            env.pop("PREFECT_API_URL", None)
            env["PREFECT_API_URL"] = stack.enter_context(prefect_server(env, work / "prefect-server.log"))
        corpora, runs, profile, alone = _bench(args, sizes, runners, work, env)
    (work / "runs.json").write_text(json.dumps(runs, indent=1), encoding="utf-8")
    report = render(info, corpora, runs, profile, started, time.perf_counter() - t_all, alone)
    results = Path(args.results)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(report, encoding="utf-8")
    print()
    print(report)
    print(f"tradenews bench: figures written to {results}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _bench(args, sizes: list[int], runners: list[str], work: Path, env: dict):
    from tradenews.bench.generate import write_corpus

    if not args.no_warmup and runners:
        warm = work / "warmup"
        write_corpus(warm / "raw", 2, args.seed + 1)
        run_one("flow", "default", warm / "raw", warm / "out", env)
    corpora, runs = {}, []
    for n in sizes:
        raw = work / f"n{n}" / "raw"
        if raw.exists():
            shutil.rmtree(raw)
        corpora[n] = write_corpus(raw, n, args.seed, Path(args.raw) if args.raw else None)
        plan = [("flow", r) for r in runners] + ([] if args.no_library else [("library", "-")])
        for kind, runner in plan:
            r = run_one(kind, runner, raw, work / f"n{n}" / (f"flow-{runner}" if kind == "flow" else "library"), env)
            r["n"], r["label"] = n, f"flow/{runner}" if kind == "flow" else "library"
            runs.append(r)
            print(_summary_line(r), flush=True)
    profile = alone = None
    if args.profile and sizes:
        limit = min(args.profile, max(sizes))
        prof_raw = work / f"n{max(sizes)}" / "raw"
        alone = (time_extraction(prof_raw, limit), limit, 5)
        print(f"tradenews bench: extraction alone: {alone[0]:,.0f} articles per CPU second "
              f"(best of 5 passes over {limit:,} articles)", flush=True)
        text, rate = profile_extraction(prof_raw, limit)
        profile = (text, rate, limit)
    return corpora, runs, profile, alone


def _summary_line(r: dict) -> str:
    t = r["timings"]
    return (f"tradenews bench: N={r['n']:,} {r['label']}: wall {r['wall_s']:.1f} s, {r['n'] / r['wall_s']:,.0f} articles/s, "
            f"peak RSS {_mb(r['peak_tree_mb'])} MB (tree), CPU {r['cpu_s']:.1f} s; startup {r['startup_s']:.1f} s, "
            f"orchestration {r['orchestration_s']:.1f} s, extraction {t.get('extract', 0):.1f} s, build {t.get('build', 0):.1f} s, "
            f"validation {t.get('validate', 0) + t.get('validate_package', 0):.1f} s, publishing "
            f"{t.get('publish', 0) + t.get('reports', 0):.1f} s")


if __name__ == "__main__":
    sys.exit(main())
