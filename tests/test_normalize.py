from tradenews.ingest.layout import split_blocks
from tradenews.ingest.normalize import normalize_text


def test_layout_break_inside_sentence_is_joined_and_offsets_map_back():
    raw = "今年博览会上，某汽车公司携多款\n\n明星车型参展。\n\n下一段落。"
    text, offsets, script = normalize_text(raw)
    assert "携多款明星车型参展" in text
    i = text.index("明星")
    assert raw[offsets[i]] == "明"
    assert script == "Hans"


def test_headline_is_not_joined_to_the_paragraph():
    raw = "开放合作 共享机遇\n\n本报记者 张三\n\n今年前三季度,全省进出口增长。"
    text, _, _ = normalize_text(raw)
    assert "共享机遇\n" in text and "张三\n" in text


def test_traditional_is_folded_and_detected():
    text, offsets, script = normalize_text("廣西經貿代表團簽署合作備忘錄，採購金額近兩千萬元。")
    assert script == "Hant"
    assert text.startswith("广西经贸代表团签署合作备忘录,采购")
    assert len(offsets) == len(text)


def test_full_width_digits_and_punctuation():
    text, _, _ = normalize_text("增长２８％（同比）")
    assert text == "增长28%(同比)"


def test_boilerplate_and_articles():
    text, _, _ = normalize_text(
        "当前位置: 首页 > 新闻 > 正文\n甲省代表团访问乙国\n本报记者 李四\n"
        "甲省代表团昨日抵达,双方签署合作协议,涵盖多个领域的合作内容和项目安排。\n"
        "第二篇标题 新的进展\n记者 王五\n另一篇文章的正文在这里,讲述另一件事情的来龙去脉和各方反应。\n"
        "(责任编辑:赵六)")
    blocks = split_blocks(text)
    kinds = [b.kind for b in blocks]
    assert kinds[0] == "boilerplate" and kinds[-1] == "boilerplate"
    assert {b.article_no for b in blocks if b.kind == "body"} == {0, 1}


def test_related_article_titles_are_boilerplate():
    text, _, _ = normalize_text(
        "某省对俄贸易持续增长。今年前5个月进出口总额达到120亿元,同比增长10%,这是记者从省商务厅获悉的。\n"
        "相关新闻:\n某市对东盟出口增长30%达50亿元\n第三届某博览会签约项目100个\n")
    kinds = [b.kind for b in split_blocks(text)]
    assert kinds == ["body", "boilerplate", "boilerplate", "boilerplate"]


def test_inserted_pinyin_readings_are_dropped_and_offsets_still_map_back():
    raw = "兩地經(jīng)貿(mào)合作會(huì )議在(WTO)規則下舉行(jǔ xíng)"
    text, offsets, _ = normalize_text(raw)
    assert text.startswith("两地经贸合作会议在(WTO)规则下举行")
    i = text.index("贸")
    assert raw[offsets[i]] == "貿"
    assert raw[offsets[text.index("合")]] == "合"


def test_bracketed_latin_that_is_not_a_reading_stays():
    text, _, _ = normalize_text("公司与(mao)集团签约,日方(JETRO)出席。")
    assert "(mao)" in text and "(JETRO)" in text


def test_html_remnants_become_paragraphs_and_entities_characters():
    raw = '<p class="ql-block">第一段&nbsp;文字。</p><p>第二段&amp;结尾。</p>'
    text, offsets, _ = normalize_text(raw)
    assert "<" not in text and "&nbsp;" not in text
    assert "第一段 文字。" in text and "第二段&结尾。" in text
    assert text.index("第二段") > text.index("文字。") and "\n" in text[text.index("文字。"):text.index("第二段")]
    assert raw[offsets[text.index("第二段")]] == "第"


def test_advertising_spliced_into_a_sentence_is_dropped():
    text, offsets, _ = normalize_text("28日上午的国新办某某网页版-某某(中国)官方在线登录发布会上,官员介绍了情况。")
    assert text.startswith("28日上午的国新办发布会上")
    assert normalize_text("用户登录后可发表评论。")[0] == "用户登录后可发表评论。"
