"""Other figures about a subject: registered organizations and people, capacities, attendance, shares."""
from __future__ import annotations

import re
from functools import lru_cache

from tradenews.mentions.numbers import MULT, NUM, apply_multiplier, parse_number, qualifier_of
from tradenews.model import Document, Indicator
from tradenews.records.context import Sentence
from tradenews.reference import indicator_metrics, place_by_code

SHARE = re.compile(rf"(?P<what>[\u4e00-\u9fff]{{1,8}}?)占(?P<of>[^,，。;；]{{1,20}}?)的?(?P<num>{NUM})%")
CUMULATIVE = re.compile(r"前(?P<n>[一二三四五六七八九十\d]+)届|累计|历届")


DIGIT = re.compile(r"[\d零〇一二两三四五六七八九十百千]")


@lru_cache(maxsize=1)
def _keywords() -> re.Pattern:
    return re.compile("|".join(re.escape(r["keyword"]) for r in indicator_metrics()))


@lru_cache(maxsize=None)
def _metric_re(keyword: str, unit_word: str) -> re.Pattern:
    # '有效注册单位2294家', '注册人数6653人', '年生产规模已从1万吨发展到3.8万吨' (the last figure counts)
    return re.compile(rf"{re.escape(keyword)}(?:[^,，。;；\d]{{0,12}}?)(?P<pre>超过|超|近|约|逾)?(?P<num>{NUM})(?P<mult>{MULT})"
                      rf"(?P<suf>[多余])?{re.escape(unit_word)}")


def _subject(sent: Sentence, pos: int, doc: Document) -> str | None:
    orgs = [o for o in sent.orgs if o.end <= pos]
    if orgs:
        return orgs[-1].name
    places = [p for p in sent.places if p.end <= pos and p.kind != "group" and p.end - p.start > 1]
    if places:
        return places[-1].name
    if re.search(r"我省|本省|全省", sent.text[: pos - sent.start]) and doc.home_region:
        ref = place_by_code().get(doc.home_region)
        return ref.name if ref else None
    return None


def extract_indicators(doc: Document, sents: list[Sentence]) -> list[Indicator]:
    out: list[Indicator] = []
    keywords = _keywords()
    for sent in sents:
        text = sent.text
        if not DIGIT.search(text):
            continue
        taken: list[tuple[int, int]] = []
        for row in (indicator_metrics() if keywords.search(text) else ()):
            if row["keyword"] not in text:
                continue
            for m in _metric_re(row["keyword"], row["unit_word"]).finditer(text):
                span = (m.start(), m.end())
                if any(a < span[1] and span[0] < b for a, b in taken):
                    continue
                try:
                    value = apply_multiplier(parse_number(m.group("num")), m.group("mult"))
                except (ValueError, KeyError, IndexError):
                    continue
                # a range '从1万吨发展到3.8万吨' states the latest figure last
                tail = re.match(rf"[^,，。;；]{{0,8}}?到(?P<num>{NUM})(?P<mult>{MULT}){re.escape(row['unit_word'])}",
                                text[m.end():])
                end = m.end()
                if tail:
                    try:
                        value = apply_multiplier(parse_number(tail.group("num")), tail.group("mult"))
                        end = m.end() + tail.end()  # the quote states the figure the row publishes
                    except (ValueError, KeyError, IndexError):
                        pass
                subject = _subject(sent, sent.start + m.start(), doc)
                if not subject:
                    continue
                metric = row["metric"]
                if CUMULATIVE.search(text[: m.start()]):
                    metric = "cumulative_" + metric
                taken.append(span)
                out.append(Indicator(subject, metric, float(value), row["unit"], doc.doc_id,
                                     [sent.evidence("indicator.metric", sent.start + m.start(), sent.start + end)],
                                     qualifier=qualifier_of(m.group("pre"), m.group("suf"), None),
                                     article_no=sent.article_no))
        for m in SHARE.finditer(text) if "占" in text else ():  # (SHARE opens with a lazy run of any length)
            try:
                value = parse_number(m.group("num"))
            except (ValueError, KeyError, IndexError):
                continue
            share_at = sent.start + m.end("what")
            subject = _subject(sent, share_at, doc)
            if not subject:
                continue
            # what the share is of: the words between the subject and 占 ('集团食盐出口量占…')
            named = [o.end for o in sent.orgs if o.end <= share_at] + [p.end for p in sent.places if p.end <= share_at]
            what = re.sub(r"^(?:的|其|集团|公司|省|市)", "", sent.doc.text[max(named, default=share_at):share_at])
            metric = (_slug(what) + "_share_pct") if what else "share_pct"
            out.append(Indicator(subject, metric, value, "percent", doc.doc_id,
                                 [sent.evidence("indicator.share", sent.start + m.start(), sent.start + m.end())],
                                 qualifier="exact", article_no=sent.article_no))
    return out


SLUGS = {"出口": "export", "进口": "import", "产量": "output", "贸易": "trade", "外贸": "trade", "出口量": "export",
         "进出口": "trade", "装机": "capacity", "企业": "companies", "参展企业": "exhibitors"}


def _slug(word: str) -> str:
    for zh, en in sorted(SLUGS.items(), key=lambda kv: -len(kv[0])):
        if word.endswith(zh):
            return en
    return "value"
