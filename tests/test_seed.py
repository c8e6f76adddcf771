"""The seed page end to end: the facts the data model lists, exact values, a valid package."""
import datetime as dt
import filecmp
import shutil

import pandas as pd

from tests.conftest import SEED
from tradenews.pipeline import run_local
from tradenews.publish.check import check_package


def _rows(df, **where):
    mask = pd.Series(True, index=df.index)
    for k, v in where.items():
        mask &= df[k] == v
    return df[mask.fillna(False).astype(bool)]


def test_trade_flow_jiangxi_russia_2022(seed_frames):
    flows = seed_frames["trade_flows"]
    row = _rows(flows, reporter_code="CN-JX", partner_code="RU", flow="total")
    assert len(row) == 1
    r = row.iloc[0]
    assert (r.period_start, r.period_end) == (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert (r.value, r.currency, r.growth_pct) == (7258000000, "CNY", 28)
    assert r.reporter_name == "江西" and r.partner_name == "俄罗斯"


def test_deals(seed_frames):
    deals, events = seed_frames["deals"], seed_frames["events"]
    ciie = _rows(events, series="中国国际进口博览会", edition=6).iloc[0]
    tyres = _rows(deals, party_a="江铜集团", amount=8700000.0).iloc[0]
    assert (tyres.currency, tyres.amount_qualifier, tyres.deal_type, tyres.year) == ("USD", "over", "purchase", 2024)
    assert "米其林" in tyres.party_b and tyres.party_b_country == "FR" and tyres.subject == "电动车轮胎"
    assert tyres.event_id == ciie.event_id
    cumulative = _rows(deals, party_a="江铜集团", amount=56000000.0).iloc[0]
    assert cumulative.aggregate and cumulative.currency == "USD"
    invest = _rows(deals, deal_type="investment").iloc[0]
    assert (invest.party_a, invest.amount, invest.currency, invest.party_a_country) == ("雅保公司", 950000000, "CNY", "US")
    matchmaking = _rows(deals, amount=20000000.0).iloc[0]
    assert (matchmaking.currency, matchmaking.amount_qualifier, matchmaking.status) == ("CNY", "approx", "intended")
    assert "对接会" in events.set_index("event_id").loc[matchmaking.event_id, "name"]
    projects = _rows(deals, deal_count=20).iloc[0]
    assert projects.party_a == "赣州" and projects.aggregate and pd.isna(projects.amount)


def test_events(seed_frames):
    events = seed_frames["events"]
    ciie = _rows(events, name="第六届中国国际进口博览会").iloc[0]
    assert (ciie.start_date, ciie.end_date, ciie.city, ciie.edition) == (dt.date(2023, 11, 5), dt.date(2023, 11, 10), "上海", 6)
    assert ciie.name_en == "China International Import Expo"
    promo = events[events["name"].str.contains("赣州招商引资专场推介会")].iloc[0]
    assert promo.start_date == dt.date(2023, 11, 5) and promo.parent_event_id == ciie.event_id
    council = events[events["name"].str.endswith("地方合作理事会第四次会议")].iloc[0]
    assert (council.start_date, council.end_date, council.city, council.edition) == (
        dt.date(2023, 11, 7), dt.date(2023, 11, 9), "南昌", 4)
    signing = _rows(events, event_type="signing_ceremony").iloc[0]
    assert "下诺夫哥罗德州" in signing["name"] and signing.start_date == dt.date(2023, 11, 7)


def test_indicators(seed_frames):
    ind = seed_frames["indicators"]
    got = {(r.subject, r.metric, r.value) for r in ind.itertuples()}
    assert ("江西交易团", "registered_organizations", 2294) in got
    assert ("江西交易团", "registered_people", 6653) in got
    assert ("江西", "cumulative_registered_organizations", 9339) in got
    assert ("江西", "cumulative_registered_people", 23316) in got


def test_documents_and_evidence(seed_frames):
    doc = seed_frames["documents"].iloc[0]
    assert doc.reference_date_method == "inferred_from_text" and doc.reference_date.year == 2023
    assert doc.script == "Hans" and doc.articles == 2
    ev = seed_frames["evidence"]
    assert len(ev) >= len(seed_frames["deals"]) + len(seed_frames["events"])
    assert (ev["quote"].str.len() == ev["char_end"] - ev["char_start"]).all()


def test_quotes_are_spans_of_the_normalized_text(seed_frames):
    from tradenews.ingest.document import build_document
    from tradenews.ingest.read import read_source

    doc = build_document(read_source(SEED.parent, SEED))
    for row in seed_frames["evidence"].itertuples():
        assert doc.text[row.char_start:row.char_end] == row.quote


def test_package_is_valid(seed_package):
    assert check_package(seed_package) == []


def test_entities_resolve_aliases(seed_frames):
    ents = seed_frames["entities"]
    ru = _rows(ents, entity_id=seed_frames["trade_flows"].iloc[0].partner_entity_id).iloc[0]
    assert (ru["name"], ru.kind, ru.country_code) == ("俄罗斯", "country", "RU")
    jiangtong = _rows(ents, name="江铜集团").iloc[0]
    assert jiangtong.country_code == "CN" and jiangtong.kind == "company"


def test_two_runs_give_identical_files(seed_package, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    run_local(raw, tmp_path / "a", tmp_path / "ra")
    run_local(raw, tmp_path / "b", tmp_path / "rb")
    cmp = filecmp.dircmp(tmp_path / "a" / "data", tmp_path / "b" / "data")
    assert not cmp.diff_files and not cmp.left_only and not cmp.right_only
    for name in cmp.common_files:
        assert filecmp.cmp(tmp_path / "a" / "data" / name, seed_package / "data" / name, shallow=False)
    # an unchanged input republishes nothing: same version, byte-identical descriptor
    before = (tmp_path / "a" / "datapackage.json").read_bytes()
    summary = run_local(raw, tmp_path / "a", tmp_path / "ra")
    assert not summary.published_changes
    assert (tmp_path / "a" / "datapackage.json").read_bytes() == before
