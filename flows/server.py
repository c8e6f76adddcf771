"""The Prefect API of a run started from the command line.

With PREFECT_API_URL configured (a deployment's server), runs use it. Without it, Prefect's ephemeral
mode would start a temporary server from inside the first API call: it imports the whole server into
this process and then waits seconds for the server process, before any work starts. `local_api` starts
the same server process (the uvicorn command of Prefect's SubprocessASGIServer, same settings, same
database under PREFECT_HOME) first, so that it boots while this process imports the library, and
points the flow at it; it stops the server at the end.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass
class LocalServer:
    url: str
    process: subprocess.Popen
    timeout: float

    def wait_ready(self) -> None:
        """Block until the server answers /health; fail with its exit code if it stopped."""
        deadline = time.monotonic() + self.timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Prefect server stopped while starting (exit {self.process.returncode})")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Prefect server did not answer within {self.timeout:.0f} s")
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop_with_parent() -> None:
    """In the server process before it starts (Linux): a SIGTERM when the run's process dies, even by
    kill -9, so that no server is left behind."""
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def local_api():
    """None when an API is configured (or ephemeral mode is off); else a LocalServer that is booting.

    Call `wait_ready()` then run flows inside `use_api(server)`; the server is stopped on exit."""
    from prefect.settings import get_current_settings  # prefect itself, not its server

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        yield None
        return
    import importlib.util

    app_dir = Path(importlib.util.find_spec("prefect").submodule_search_locations[0]).parent
    port = free_port()
    env = {**os.environ, **settings.to_environment_variables(exclude_unset=True),
           "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on"], env=env, stdin=subprocess.DEVNULL,
        # a session of its own: a SIGTERM or Ctrl-C sent to the run's process group stops the run, which then
        # records its end on this server and stops it (the server dying first left the run retrying for minutes)
        start_new_session=True, preexec_fn=_stop_with_parent if sys.platform == "linux" else None)
    try:
        yield LocalServer(f"http://127.0.0.1:{port}/api", process,
                          float(settings.server.ephemeral.startup_timeout_seconds))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def use_api(server: LocalServer | None):
    """Run the flow against `server`; nothing to do for None.

    The URL goes into the environment and Prefect's global settings are refreshed from it, so that every
    thread (Prefect resolves futures on threads of its own) and every worker process sees it."""
    if server is None:
        yield
        return
    from prefect.context import refresh_global_settings_context

    server.wait_ready()
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = server.url
    refresh_global_settings_context()
    try:
        yield
    finally:
        try:
            _drain()  # logs and events still queued go out while the server is up
        finally:
            if before is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = before
            refresh_global_settings_context()


def _drain(timeout: float = 10.0) -> None:
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=timeout)
    EventsWorker.drain_all(timeout=timeout)
