"""Genre-realistic Chinese economic-cooperation articles for benchmarks and load tests.

Articles are built from templates of the genre (expo delegation round-ups, provincial trade
statistics, signing ceremonies and matchmaking meetings, forums and council meetings) filled with
the library's own reference data (`tradenews/reference/data/*.tsv`: provinces and their cities,
partner countries and blocs, expo and forum series, Chinese and foreign companies) and with random
amounts, dates, periods and growth rates. Pages carry the boilerplate of news sites (navigation,
source lines, editor, share and print links); about a fifth are in Traditional characters
(OpenCC s2t), some are hard-wrapped like a printed page, some are GB18030, UTF-16 or UTF-8 with a
BOM, and about 40% have a `NAME.meta.json` sidecar.

Deterministic: article `i` of seed `s` is the same bytes whatever the corpus size, so the corpus of
100 articles is the first 100 of the corpus of 10,000.

`write_corpus(folder, n, real_dir=...)` combines the generated articles with the real texts of a
folder (copied verbatim, with their sidecars, counted in `n`); paragraphs of the real texts also
appear as background paragraphs in some generated articles.
"""
from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "data"
TRADITIONAL_SHARE = 0.2
SIDECAR_SHARE = 0.4


@dataclass(frozen=True)
class Article:
    name: str  # file stem (NAME.txt, NAME.meta.json)
    text: str
    meta: dict | None  # sidecar content, None for no sidecar
    encoding: str  # how the text is written to disk
    script: str  # Hans | Hant
    genre: str

    def write(self, folder: Path) -> None:
        data = self.text.encode(self.encoding)
        if self.encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            data = b"\xef\xbb\xbf" + data
        (folder / f"{self.name}.txt").write_bytes(data)
        if self.meta is not None:
            (folder / f"{self.name}.meta.json").write_text(json.dumps(self.meta, ensure_ascii=False, indent=2),
                                                            encoding="utf-8")


# ---------------------------------------------------------------- reference pools (read once)

def _tsv(name: str) -> list[dict[str, str]]:
    import csv

    with (REFERENCE / name).open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh, delimiter="\t")]


@dataclass(frozen=True)
class Pools:
    provinces: tuple[tuple[str, str, tuple[str, ...], str], ...]  # (name, code, cities, full name)
    countries: tuple[str, ...]
    blocs: tuple[str, ...]
    expos: tuple[dict, ...]
    forums: tuple[dict, ...]
    cn_companies: tuple[str, ...]
    foreign_companies: tuple[tuple[str, str], ...]  # (name, country name)
    foreign_cities: tuple[tuple[str, str], ...]  # (city, country name)


@lru_cache(maxsize=1)
def pools() -> Pools:
    cities: dict[str, list[str]] = {}
    for row in _tsv("cn_cities.tsv"):
        if row["name"] and row["province_code"]:
            cities.setdefault(row["province_code"], []).append(row["name"])
    provinces, seen = [], set()
    for row in _tsv("cn_province_aliases.tsv"):
        code, name = row["code"], row["name"]
        if row["kind"] != "full" or code in seen or len(name) > 3 or code in ("CN-HK", "CN-MO", "CN-TW"):
            continue
        seen.add(code)
        own = [c for c in cities.get(code, []) if c != name] or [name]
        provinces.append((name, code, tuple(own), name + ADMIN_SUFFIX.get(code, "省")))
    names_by_code: dict[str, str] = {}
    countries, blocs = [], []
    for row in _tsv("country_aliases.tsv"):
        code, name = row["code"], row["name"]
        if row["kind"] == "group":
            if code not in ("WORLD",) and len(name) <= 8:
                blocs.append(name)
        elif row["kind"] == "full" and code != "CN" and len(code) == 2 and code not in names_by_code:
            if 2 <= len(name) <= 6:
                names_by_code[code] = name
                countries.append(name)
    expos, forums = [], []
    for row in _tsv("event_series.tsv"):
        if not row["first_year"] or not row["interval_years"] or float(row["interval_years"]) < 1:
            continue
        entry = {"series": row["series"], "aliases": [a for a in row["aliases"].split("|") if a],
                 "first_year": int(row["first_year"]), "interval": int(float(row["interval_years"])),
                 "city": row["city"] or None, "country": names_by_code.get(row["country_code"])}
        (expos if row["event_type"] in ("expo", "exhibition") else forums).append(entry)
    cn_companies, foreign_companies = [], []
    for row in _tsv("companies.tsv"):
        if row["kind"] != "company":
            continue
        if row["country_code"] == "CN":
            cn_companies.append(row["name"])
        elif row["country_code"] in names_by_code:
            foreign_companies.append((row["name"], names_by_code[row["country_code"]]))
    foreign_cities = [(row["name"], names_by_code[row["country_code"]]) for row in _tsv("foreign_cities.tsv")
                      if row["country_code"] in names_by_code]
    return Pools(tuple(provinces), tuple(countries), tuple(blocs), tuple(expos), tuple(forums),
                 tuple(cn_companies), tuple(foreign_companies), tuple(foreign_cities))


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


# ---------------------------------------------------------------- small vocabularies of the genre

ADMIN_SUFFIX = {"CN-BJ": "市", "CN-TJ": "市", "CN-SH": "市", "CN-CQ": "市", "CN-NM": "自治区", "CN-GX": "壮族自治区",
                "CN-XZ": "自治区", "CN-NX": "回族自治区", "CN-XJ": "维吾尔自治区"}
FOREIGN_NAMES = ("姆贝尔瓦", "哈桑", "伊万诺夫", "安德烈", "穆罕默德", "阿卜杜拉", "彼得罗夫", "卡里莫夫", "阮文雄", "金正勋",
                 "索菲亚", "马丁内斯", "施密特", "杜邦", "纳扎尔巴耶娃")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎殷"
GIVEN = "军琪惠伟芳娜敏静丽强磊洋艳勇杰娟涛明超秀霞平刚桂英华玉萍红玲峰辉建国志文斌宇浩凯颖晨雪梅林海波鹏飞"
PUBLISHERS = ("新华网", "人民网", "中新网", "中国商务新闻网", "经济信息网", "央视新闻客户端", "国际商报", "中国日报网",
              "中国经济网", "光明网")
PRODUCTS = ("铜精矿", "医疗设备", "乳制品", "冷冻牛肉", "葡萄酒", "工业机器人", "半导体设备", "大豆", "原木", "液化天然气",
            "钾肥", "汽车零部件", "电动车轮胎", "高端数控机床", "海产品", "咖啡豆", "橄榄油", "燃气轮机", "飞机发动机零部件",
            "光刻胶", "生物医药原料", "奶粉", "化妆品", "智能家电", "榴莲", "棕榈油", "铁矿石", "煤炭")
FIELDS = ("新能源", "装备制造", "农产品加工", "跨境电商", "现代物流", "生物医药", "文化旅游", "矿产开发", "数字经济",
          "绿色低碳", "医疗健康", "金融服务")
PERIODS = (("1-2月", 2), ("一季度", 3), ("前4个月", 4), ("1-5月", 5), ("上半年", 6), ("1-7月", 7), ("前8个月", 8),
           ("前三季度", 9), ("1-10月", 10), ("前11个月", 11), ("全年", 12))
HEADERS = ("当前位置: 首页 > 新闻 > 正文", "当前位置：首页 > 经济 > 外贸", "您现在的位置是: 主页 > {prov} > 财经",
           "首页 > 要闻 > 经贸动态", "当前位置: 首页 > 商务动态 > 地方商务")
FOOTERS = ("分享到:", "【打印】 【关闭】", "【字体：大 中 小】", "分享到：微信 微博 QQ空间", "扫一扫在手机打开当前页",
           "版权所有 © {publisher} 未经授权禁止转载", "相关新闻", "上一篇 下一篇")
FILLERS = (
    "近年来，{prov}坚持以高水平开放促进高质量发展，积极融入共建“一带一路”，外贸外资保持稳中向好态势。",
    "{full}商务厅有关负责人表示，下一步将继续深化与{partner}的务实合作，推动更多优质产品和服务走进来、走出去。",
    "业内人士分析认为，随着区域全面经济伙伴关系协定深入实施，双边贸易仍有较大增长空间。",
    "据介绍，{prov}与{partner}经贸往来历史悠久，合作基础扎实，互补性强。",
    "活动期间，双方企业围绕{field}、{field2}等领域开展了深入交流和洽谈对接。",
    "与会嘉宾一致认为，要进一步发挥各自优势，拓展合作领域，共同维护产业链供应链稳定畅通。",
    "{prov}将以此次活动为契机，持续优化营商环境，打造内陆开放型经济新高地。",
    "“这是我们第三次参加这个展会，每次都有新收获。”一家参展企业负责人告诉记者。",
    "下一步，{prov}将加快推进已签约项目落地见效，建立项目跟踪服务机制，确保合作成果转化为发展实效。",
    "据了解，本次活动由{full}人民政府主办，{full}商务厅、贸促会承办。",
    "此外，跨境电商、市场采购等新业态新模式快速发展，成为外贸增长的新动能。",
    "从商品结构看，机电产品和劳动密集型产品出口保持增长，农产品进口需求旺盛。",
    "专家表示，稳外贸仍面临外需收缩等不确定因素，需要进一步加大政策支持力度。",
    "会上还发布了{prov}重点招商项目清单，涵盖{field}、{field2}等多个领域。",
    "现场气氛热烈，各国客商纷纷驻足咨询，不少企业当场达成合作意向。",
    "近年来，{full}持续深化外贸领域“放管服”改革，通关时间进一步压缩，跨境贸易便利化水平不断提升。全省进出口"
    "企业数量稳步增加，民营企业进出口占比超过六成，成为稳外贸的主力军。与此同时，外贸新业态加快发展，海外仓、"
    "保税维修等业务规模持续扩大。",
    "为帮助企业开拓国际市场，{full}商务厅今年以来组织企业参加境内外重点展会，支持企业“出海”抢订单，"
    "并通过出口信用保险、外贸专项资金等政策工具，降低企业经营风险，稳定市场预期。",
    "从贸易方式看，一般贸易进出口比重继续提升，加工贸易转型升级步伐加快；从经营主体看，有进出口实绩的企业"
    "数量同比增加，中小微企业活力不断增强。业内人士指出，这表明外贸发展的内生动力正在增强。",
    "{prov}与{partner}在{field}、{field2}等领域合作潜力巨大。双方将以此次活动为新的起点，进一步完善合作机制，"
    "搭建更多交流平台，推动地方合作走深走实，为双边关系发展注入新动力。",
    "记者在现场看到，各展区人头攒动，来自世界各地的展品琳琅满目，不少展商表示，希望借助这一平台深入了解中国"
    "市场，寻找更多合作伙伴。",
    "据统计，活动期间共举办专场推介会、项目对接会等配套活动二十余场，吸引了众多中外企业参与，"
    "达成了一批合作意向，取得了良好的经济效益和社会效益。",
)
EVENT_ENDINGS = ("在{city}落下帷幕", "在{city}开幕", "在{city}隆重开幕", "在{city}举行", "在{city}闭幕")
DEAL_VERBS = ("签署", "签订", "达成")


def _deputy(full: str) -> str:
    return full + ("副主席" if full.endswith("自治区") else "副市长" if full.endswith("市") else "副省长")


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


class _Writer:
    """Random choices for one article (an own Random: article i does not depend on articles < i)."""

    def __init__(self, seed: int, i: int, real_paragraphs: tuple[str, ...]):
        self.r = random.Random(f"tradenews-bench:{seed}:{i}")
        self.i = i
        self.p = pools()
        self.real = real_paragraphs

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def person(self) -> str:
        return self.pick(SURNAMES) + "".join(self.pick(GIVEN) for _ in range(self.r.choice((1, 2))))

    def amount(self, big: bool = True) -> tuple[str, str]:
        """(text, qualifier word): 7.74亿元, 870万美元, 1.7亿美元..."""
        currency = self.r.choices(("元", "美元", "元人民币", "欧元"), weights=(55, 37, 5, 3))[0]
        if big and self.r.random() < 0.7:
            value = round(self.r.uniform(0.5, 300), self.r.choice((1, 2)))
            text = f"{value:g}亿{currency}"
        else:
            text = f"{self.r.randrange(50, 9999)}万{currency}"
        qualifier = self.r.choices(("", "超", "近", "约", "逾", "达"), weights=(40, 15, 10, 10, 10, 15))[0]
        return qualifier + text, qualifier

    def growth(self, down_share: float = 0.2) -> str:
        pct = round(self.r.uniform(0.3, 80), 1)
        return (f"下降{pct:g}%" if self.r.random() < down_share else f"增长{pct:g}%")

    def date(self, year: int) -> tuple[int, int]:
        return self.r.randrange(1, 13), self.r.randrange(1, 29)

    def fillers(self, k: int, prov: str, partner: str, full: str) -> list[str]:
        fields = self.r.sample(FIELDS, 2)
        out = [f.format(prov=prov, full=full, partner=partner, field=fields[0], field2=fields[1])
               for f in self.r.sample(FILLERS, k)]
        if self.real and self.r.random() < 0.4:
            out.insert(self.r.randrange(len(out) + 1), self.pick(self.real))
        return out


# ---------------------------------------------------------------- genres

def _fixed_date(*key) -> tuple[int, int]:
    """One date per event (edition of a series, named meeting): every article about it agrees."""
    r = random.Random(":".join(map(str, key)))
    return r.randrange(1, 13), r.randrange(1, 26)


def _expo_delegation(w: _Writer, year: int) -> tuple[str, list[str], str, str]:
    expo = w.pick(w.p.expos)
    edition = max(1, (year - expo["first_year"]) // expo["interval"] + 1)
    year = expo["first_year"] + (edition - 1) * expo["interval"]
    prov, _, cities, full = w.pick(w.p.provinces)
    alias = w.pick(expo["aliases"]) if expo["aliases"] else expo["series"]
    city = expo["city"] or "上海"
    ed = _cn_number(edition) if w.r.random() < 0.7 else str(edition)
    month, day = _fixed_date(expo["series"], edition)
    total, _ = w.amount()
    title = w.pick((f"{prov}交易团第{ed}届{alias}意向成交{total}",
                    f"融入开放市场 共享发展机遇——{prov}交易团参加第{ed}届{alias}综述",
                    f"{prov}“买手团”满载而归"))
    paras = [
        f"{month}月{day}日，第{ed}届{expo['series']}{w.pick(EVENT_ENDINGS).format(city=city)}。{prov}交易团"
        f"{w.pick(('结束了', '圆满完成'))}{w.r.randrange(3, 8)}天的{alias}之旅，带着沉甸甸的“购物车”满载而归。",
        f"{full}商务厅发布数据显示，本届{alias}{prov}交易团有效注册单位{w.r.randrange(80, 4000)}家、"
        f"注册人数{w.r.randrange(300, 9000)}人，意向成交额{total}，比上届{w.growth(0.15)}。",
    ]
    for _ in range(w.r.randrange(2, 5)):
        cn_co = w.pick(w.p.cn_companies)
        partner_co, country = w.pick(w.p.foreign_companies)
        amount, _ = w.amount(big=False)
        product = w.pick(PRODUCTS)
        paras.append(w.pick((
            f"在本届{alias}上，{cn_co}与{country}{partner_co}{w.pick(DEAL_VERBS)}{year + 1}年{product}进口协议，货值{amount}。",
            f"{w.pick(cities)}市交易分团与{country}企业签约采购{product}，金额{amount}。",
            f"“每年都能在{alias}上找到好东西！”{cn_co}负责人说，今年公司与{partner_co}签订了{product}采购合同，金额{amount}。",
        )))
    paras += w.fillers(w.r.randrange(4, 10), prov, w.pick(w.p.countries), full)
    return title, paras, prov, f"{year}-{month:02d}-{day:02d}"


def _trade_statistics(w: _Writer, year: int) -> tuple[str, list[str], str, str]:
    prov, _, cities, full = w.pick(w.p.provinces)
    partner = w.pick(w.p.countries) if w.r.random() < 0.7 else w.pick(w.p.blocs)
    period, months = w.pick(PERIODS)
    total = round(w.r.uniform(2, 900), 1)
    export = round(total * w.r.uniform(0.3, 0.8), 1)
    imports = round(total - export, 1)
    unit = w.pick(("亿元", "亿美元"))
    growth = w.growth()
    title = w.pick((f"{year}年{period}{prov}对{partner}进出口{growth}",
                    f"{prov}{period}外贸进出口快速增长", f"{prov}与{partner}贸易额{period}达{total:g}{unit}"))
    customs = w.pick(cities)
    paras = [
        f"据{customs}海关统计，{year}年{period}，{full}对{partner}进出口总值{total:g}{unit}，同比{growth}。"
        f"其中，出口{export:g}{unit}，{w.growth()}；进口{imports:g}{unit}，{w.growth(0.35)}。",
    ]
    for _ in range(w.r.randrange(1, 4)):
        other = w.pick(w.p.countries)
        paras.append(f"同期，{prov}与{other}双边贸易额为{round(w.r.uniform(0.5, 200), 1):g}亿美元，{w.growth()}，"
                     f"占全省外贸的{round(w.r.uniform(1, 30), 1):g}%。")
    if months < 12 and w.r.random() < 0.5:
        paras.append(f"{months}月当月，{prov}对{partner}进出口{round(total / months * w.r.uniform(0.8, 1.3), 1):g}{unit}，"
                     f"{w.growth()}。")
    if w.r.random() < 0.4:
        paras.append(f"{year - 1}年，{prov}对{partner}贸易额实现{round(total * w.r.uniform(0.9, 1.6), 1):g}{unit}。")
    paras += w.fillers(w.r.randrange(4, 10), prov, partner, full)
    month = min(12, months + 1)
    return title, paras, prov, f"{year + (1 if months == 12 else 0)}-{(1 if months == 12 else month):02d}-{w.r.randrange(10, 28):02d}"


def _signing(w: _Writer, year: int) -> tuple[str, list[str], str, str]:
    prov, _, cities, full = w.pick(w.p.provinces)
    partner = w.pick(w.p.countries) if w.r.random() < 0.6 else w.pick(w.p.blocs)
    city = w.pick(cities)
    month, day = w.date(year)
    count = w.r.randrange(3, 60)
    total, _ = w.amount()
    title = w.pick((f"总金额{total}！{count}个对{partner}经贸合作项目在{city}签约",
                    f"中国（{prov}）—{partner}经贸合作对接会在{city}举行"))
    paras = [
        f"{month}月{day}日，中国（{prov}）—{partner}经贸合作对接会在{city}举行，现场签约{count}个合作项目，"
        f"总金额{total}，涉及{w.pick(FIELDS)}、{w.pick(FIELDS)}、{w.pick(FIELDS)}等领域。",
        f"{w.pick(w.p.countries)}驻华大使{w.pick(FOREIGN_NAMES)}，{_deputy(full)}{w.person()}等出席并致辞。",
    ]
    for _ in range(w.r.randrange(1, 4)):
        cn_co = w.pick(w.p.cn_companies)
        partner_co, country = w.pick(w.p.foreign_companies)
        amount, _ = w.amount()
        paras.append(w.pick((
            f"会上，{cn_co}与{country}{partner_co}签署战略合作协议，计划投资{amount}建设{w.pick(FIELDS)}产业园。",
            f"{cn_co}与{partner_co}签订{w.pick(PRODUCTS)}供货合同，合同金额{amount}。",
        )))
    paras += w.fillers(w.r.randrange(4, 10), prov, partner, full)
    return title, paras, prov, f"{year}-{month:02d}-{day:02d}"


def _forum(w: _Writer, year: int) -> tuple[str, list[str], str, str]:
    prov, _, cities, full = w.pick(w.p.provinces)
    if w.p.forums and w.r.random() < 0.5:
        forum = w.pick(w.p.forums)
        edition = max(1, (year - forum["first_year"]) // forum["interval"] + 1)
        name = f"第{_cn_number(edition)}届{forum['series']}"
        city, country = forum["city"] or "北京", forum["country"] or w.pick(w.p.countries)
    else:
        city, country = w.pick(w.p.foreign_cities)
        name = f"中国{prov}—{country}地方合作理事会第{_cn_number(w.r.randrange(1, 12))}次会议"
    month, day = _fixed_date(name, year)
    days = random.Random(f"{name}:{year}:days").randrange(1, 4)
    title = w.pick((f"{name}举行", f"{prov}代表团出席{name}"))
    amount, _ = w.amount()
    paras = [
        f"{month}月{day}日至{day + days}日，{name}在{city}举行。{_deputy(full)}"
        f"{w.person()}率{full}代表团出席。",
        f"会议期间，{full}与{country}有关地区签署《友好省州合作备忘录》，双方企业签约项目{w.r.randrange(2, 30)}个，"
        f"金额{amount}。",
    ]
    if w.r.random() < 0.6:
        paras.append(f"{year - 1}年，{prov}与{country}贸易额达{round(w.r.uniform(0.5, 300), 1):g}亿美元，{w.growth()}。")
    paras += w.fillers(w.r.randrange(4, 10), prov, country, full)
    return title, paras, prov, f"{year}-{month:02d}-{day:02d}"


GENRES = (("expo_delegation", _expo_delegation, 35), ("trade_statistics", _trade_statistics, 30),
          ("signing", _signing, 20), ("forum", _forum, 15))


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def article(i: int, seed: int = 0, real_paragraphs: tuple[str, ...] = ()) -> Article:
    """Article number `i` of the corpus of seed `seed`."""
    w = _Writer(seed, i, real_paragraphs)
    name, make = w.r.choices([(g[0], g[1]) for g in GENRES], weights=[g[2] for g in GENRES])[0]
    year = w.r.randrange(2010, 2025)
    title, paras, prov, date = make(w, year)
    publisher = w.pick(PUBLISHERS + (f"{prov}日报",))
    hour, minute, second = w.r.randrange(6, 23), w.r.randrange(60), w.r.randrange(60)
    reporter = w.person()
    lines: list[str] = []
    if w.r.random() < 0.7:
        lines.append(w.pick(HEADERS).format(prov=prov))
    lines.append(title)
    if w.r.random() < 0.8:
        lines.append(w.pick((f"{date} {hour:02d}:{minute:02d}:{second:02d} 来源: {publisher} 作者: {reporter}",
                             f"发布时间:{date} {hour:02d}:{minute:02d} 来源:{publisher}",
                             f"来源：{publisher}　　{date}")))
    if w.r.random() < 0.5:
        lines.append(f"本报记者 {reporter} {w.person()}")
    wrap = w.r.random() < 0.1
    for p in paras:
        lines.append(_wrap(p, w.r.randrange(28, 40)) if wrap else p)
    for footer in w.r.sample(FOOTERS, w.r.randrange(1, 4)):
        lines.append(footer.format(publisher=publisher))
    lines.append(f"(责任编辑:{w.person()})")
    lines.append(f"稿件编号: {seed}-{i:06d}")
    text = w.pick(("\n", "\n\n")).join(lines) + "\n"
    script = "Hans"
    if w.r.random() < TRADITIONAL_SHARE:
        text, script = _s2t().convert(text), "Hant"
    roll = w.r.random()
    encoding = ("gb18030" if roll < 0.08 and script == "Hans" else "utf-16" if roll < 0.1
                else "utf-8-sig" if roll < 0.14 else "utf-8")
    meta = None
    if w.r.random() < SIDECAR_SHARE:
        meta = {"url": f"https://news.example.cn/{date.replace('-', '/')}/{seed}-{i:06d}.html",
                "publisher": publisher if w.r.random() < 0.8 else None,
                "published_date": date if w.r.random() < 0.85 else None,
                "title": title if w.r.random() < 0.7 else None}
    return Article(f"gen_{i:06d}", text, meta, encoding, script, name)


def generate(n: int, seed: int = 0, real_paragraphs: tuple[str, ...] = ()):
    """The first `n` articles of seed `seed`."""
    for i in range(n):
        yield article(i, seed, real_paragraphs)


def real_texts(real_dir: Path | None) -> list[Path]:
    if real_dir is None or not Path(real_dir).is_dir():
        return []
    return sorted(p for p in Path(real_dir).glob("*.txt") if p.is_file())


def paragraphs_of(paths: list[Path]) -> tuple[str, ...]:
    """Body paragraphs of real texts (long lines, decoded leniently) for use as background paragraphs."""
    out = []
    for path in paths:
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            continue
        out += [line.strip() for line in text.splitlines() if len(line.strip()) >= 60]
    return tuple(out)


def write_corpus(folder: Path, n: int, seed: int = 0, real_dir: Path | None = None) -> dict:
    """Write `n` input texts into `folder`: the real texts of `real_dir` (verbatim, with sidecars) and
    generated articles for the rest. Returns counts by kind."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    real = real_texts(real_dir)[:n]
    for path in real:
        shutil.copyfile(path, folder / f"real_{path.name}")
        sidecar = path.with_name(path.name[:-4] + ".meta.json")
        if sidecar.exists():
            shutil.copyfile(sidecar, folder / f"real_{sidecar.name}")
    paragraphs = paragraphs_of(real)
    counts = {"real": len(real), "generated": 0, "Hant": 0, "sidecars": 0, "chars": 0}
    for a in generate(n - len(real), seed, paragraphs):
        a.write(folder)
        counts["generated"] += 1
        counts["Hant"] += a.script == "Hant"
        counts["sidecars"] += a.meta is not None
        counts["chars"] += len(a.text)
    return counts
