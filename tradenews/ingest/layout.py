"""Split normalized text into blocks (body, heading, boilerplate) and blocks into articles.

News pages hold navigation, bylines, captions, ads and sometimes several articles; only body
and heading blocks are read for facts, and each fact keeps the article it came from.
"""
from __future__ import annotations

import re

from tradenews.model import Block

SENTENCE_END = re.compile(r"[。！？!?…][”」』\")]?$")
HEADING_MAX = 50
BOILERPLATE_MAX = 80
# Page chrome: words anywhere in the line, and forms that open the line. Two patterns rather than one
# alternation with '^' branches: a pattern whose branches all start with a character lets the regex
# engine skip ahead to the candidate characters (five times faster over a page's lines).
BOILERPLATE_WORDS = re.compile(
    r"当前位置|您现在的位置|首页\s*>|>\s*正文|分享到|分享:|打印|收藏|关闭窗口|责任编辑|责编|编辑:|"
    r"\|来源:|来源:\S+\s*$|发布时间|发布日期|阅读:|阅读数|关键字|关键词|版权所有|Copyright|©|"
    r"免责声明|相关阅读|相关新闻|相关文章|上一篇|下一篇|公益广告|扫一扫|二维码|点击|投稿|"
    r"\((?:新华社|中新社|记者[^)]*|[^)]{0,10}摄)\)\s*$"
)
BOILERPLATE_START = re.compile(r"\s*分享|\(?来源:|\s*\(?(?:文章)?来源|\s*\[.*\]\s*$|\(.{1,20}\)$")
SENTENCE_MARK = re.compile(r"[。!?]")
ADVERT = re.compile(r"广告")
RELATED = re.compile(r"相关(?:新闻|阅读|文章|报道|链接)|延伸阅读|推荐阅读|热点推荐|热门推荐|猜你喜欢|更多新闻|往期回顾|热门文章")
BYLINE = re.compile(r"记者|本报|通讯员|特派|特约|作者|^[\u4e00-\u9fff]{2,4}$|^——|综述|述评|侧记|纪实")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        lead = len(line) - len(line.lstrip())
        stripped = line.strip()
        if stripped:
            spans.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return spans


def classify_line(line: str) -> str:
    # a long line with sentences is article text even if a share button or source label sits in it
    if (BOILERPLATE_WORDS.search(line) or BOILERPLATE_START.match(line)) and \
            (len(line) <= BOILERPLATE_MAX or not SENTENCE_MARK.search(line)):
        return "boilerplate"
    if len(line) < HEADING_MAX and not SENTENCE_END.search(line) and "。" not in line:
        return "heading"
    return "body"


def _common_run(a: str, b: str, min_len: int) -> bool:
    """Do a and b share a run of min_len Chinese characters?"""
    for run in CJK_RUN.findall(a):
        for i in range(len(run) - min_len + 1):
            if run[i:i + min_len] in b:
                return True
    return False


def split_blocks(text: str) -> list[Block]:
    spans = _line_spans(text)
    kinds = [classify_line(text[s:e]) for s, e in spans]
    # An advert is the run of headings right before a line that credits an advert.
    for i, (s, e) in enumerate(spans):
        if kinds[i] == "boilerplate" and ADVERT.search(text[s:e]):
            j = i - 1
            while j >= 0 and kinds[j] == "heading" and not BYLINE.search(text[spans[j][0]:spans[j][1]]):
                kinds[j] = "boilerplate"
                j -= 1
    # Under '相关新闻:' or '推荐阅读' come other articles' titles, up to the next paragraph of text.
    listing = False
    for i, (s, e) in enumerate(spans):
        if RELATED.search(text[s:e]) and len(text[s:e]) <= BOILERPLATE_MAX:
            kinds[i], listing = "boilerplate", True
        elif listing and kinds[i] != "body":
            kinds[i] = "boilerplate"
        else:
            listing = False
    article = [0] * len(spans)
    current, seen_body = 0, False
    i = 0
    while i < len(spans):
        if kinds[i] != "heading":
            if kinds[i] == "body":
                seen_body = True
            article[i] = current
            i += 1
            continue
        j = i
        while j < len(spans) and kinds[j] != "body":
            j += 1
        run = [text[s:e] for (s, e), k in zip(spans[i:j], kinds[i:j]) if k == "heading"]
        titled = any(BYLINE.search(line) for line in run)
        if titled and seen_body and j < len(spans):
            current += 1  # a title block between two bodies opens a new article
        elif titled and seen_body and j == len(spans):
            # Title printed after its article (jump layout): the article starts at the first
            # paragraph since the last boundary that names the title's subject.
            title = max((line for line in run if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", line)), key=len, default="")
            first = article.index(current)
            for k in range(first + 1, i):
                if kinds[k] == "body" and _common_run(title, text[spans[k][0]:spans[k][1]], 6):
                    for m in range(k, i):
                        article[m] = current + 1
                    current += 1
                    break
        for m in range(i, j):
            article[m] = current
        i = j
    return [Block(s, e, k, a) for (s, e), k, a in zip(spans, kinds, article)]
