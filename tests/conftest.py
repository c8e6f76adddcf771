from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
SEED = RAW / "000_e0fab9a72e75f6d7.txt"

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="prefect-home-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def seed_package(tmp_path_factory) -> Path:
    """The seed page published once by the plain-Python pipeline."""
    from tradenews.pipeline import run_local

    base = tmp_path_factory.mktemp("seed")
    raw = base / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    run_local(raw, base / "pkg", base / "reports")
    return base / "pkg"


@pytest.fixture(scope="session")
def seed_frames(seed_package):
    from schemas.fields import TABLES
    from tradenews.publish.files import read_csv

    return {t.name: read_csv(seed_package / "data" / f"{t.name}.csv", t) for t in TABLES}


def extract_text(text: str, published: str | None = "2023-11-12", publisher: str | None = None):
    """Run ingest + extraction on a hand-written paragraph (a test helper, not a fixture)."""
    import datetime as dt
    import hashlib

    from tradenews.ingest.document import build_document
    from tradenews.model import SourceFile
    from tradenews.records.extract import extract_document

    meta = {"url": None, "publisher": publisher, "title": None,
            "published_date": dt.date.fromisoformat(published) if published else None}
    src = SourceFile("t.txt", hashlib.sha256(text.encode()).hexdigest(), "utf-8", text, meta)
    return extract_document(build_document(src))


@pytest.fixture
def watchdog():
    """Fails a test that hangs instead of being cut off (a guard, not a timing)."""
    import signal

    def hung(signum, frame):
        raise TimeoutError("the test hung")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
