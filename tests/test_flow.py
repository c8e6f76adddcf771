"""The Prefect flow itself, under Prefect's test harness (a temporary local API)."""
import shutil

import pytest
from prefect.testing.utilities import prefect_test_harness

from tests.conftest import SEED
from tradenews.publish.check import check_package


@pytest.fixture(scope="module")
def harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_flow_publishes_the_seed(harness, tmp_path, seed_package):
    from flows.publish import publish_dataset

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    (raw / "broken.txt").write_bytes(b"")
    summary = publish_dataset(raw=str(raw), out=str(tmp_path / "pkg"), reports=str(tmp_path / "reports"))
    assert summary["documents"] == 1 and summary["rejected_documents"] == 1
    assert summary["rows"]["trade_flows"] >= 1 and summary["rows"]["deals"] >= 5
    assert check_package(tmp_path / "pkg") == []
    rejected = (tmp_path / "reports" / "rejected-documents.csv").read_text(encoding="utf-8")
    assert "broken.txt,empty file" in rejected
    # the flow and the plain pipeline publish the same tables
    for table in ("deals", "events", "trade_flows"):
        assert (tmp_path / "pkg" / "data" / f"{table}.csv").read_bytes() == \
            (seed_package / "data" / f"{table}.csv").read_bytes()
