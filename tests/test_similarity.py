"""oversight.similarity: the one measure X002 and X005 share, the LSH index over many reports, the
copied passages for highlighting; and X005 on sibling reports with the jurisdiction's thresholds."""
from __future__ import annotations

import random

from nianbao.audit.context import AuditContext
from nianbao.audit.history import history_findings
from nianbao.audit.registry import run_rules
from nianbao.model import Meta, Report, Section
from nianbao.oversight.config import load_config
from nianbao.oversight.similarity import (
    CopyIndex, SiblingText, compare_reports, containment, copied_spans, normalise_text, normalise_with_offsets,
    sections_text, side_by_side,
)

# a neighbour's template: the same sentences, another agency's name and other counts
TEMPLATE_1 = ("{year}年，{name}深入贯彻落实政务公开各项决策部署，以制度建设为抓手，全面推进决策、执行、管理、服务、"
              "结果公开。全年主动公开政府信息{a}条，其中机构职能{b}条，政策文件{c}条，财政预决算{d}条。依申请公开方面，"
              "全年新收政府信息公开申请{e}件，均在法定期限内答复。政府信息管理方面，严格落实保密审查制度，"
              "坚持先审查后公开的原则，做到应公开尽公开。平台建设方面，持续优化门户网站栏目设置，及时更新法定主动公开内容，"
              "确保信息发布的准确性和时效性。监督保障方面，将政务公开纳入年度绩效考核，定期开展自查自纠。")
TEMPLATE_5 = ("存在的主要问题：一是政策解读形式较为单一，图解、视频等解读材料偏少；二是个别栏目更新不够及时。"
              "改进措施：{year}年，{name}将丰富解读形式，建立栏目定期巡查机制，加强业务培训，提升队伍能力。")

UNRELATED_1 = ("本单位围绕优化营商环境这条主线，把涉企收费目录清单、惠企政策汇编和审批服务事项办理指南集中放到网上，"
               "企业足不出户即可查询。针对群众反映强烈的停车难、充电难问题，会同交通部门征集意见两轮，采纳建议十余条。"
               "在老旧小区改造中，公示改造清单、资金来源和施工进度，接受居民监督。乡村振兴领域，公布衔接资金项目库，"
               "逐村张贴项目公告牌。全年处理群众来信来电，平均答复时间缩短到五个工作日以内，满意率明显提高。")
UNRELATED_5 = ("不足之处在于基层站点人员流动大，部分村级公开栏内容陈旧。明年计划推行公开栏月检通报，"
               "把公开质量纳入驻村干部考核，并试点二维码查询方式。")


def _report(name: str, year: int, s1: str, s5: str) -> Report:
    return Report(meta=Meta(agency=name, year=year),
                  sections=[Section(no=1, heading="总体情况", text=s1),
                            Section(no=5, heading="存在的主要问题及改进情况", text=s5)])


def _filled(name: str, year: int, rng: random.Random) -> Report:
    nums = {k: rng.randint(1, 999) for k in "abcde"}
    return _report(name, year, TEMPLATE_1.format(year=year, name=name, **nums), TEMPLATE_5.format(year=year, name=name))


def test_normalisation_drops_digits_punctuation_and_spaces_and_keeps_offsets():
    text = "2023年， 我局 公开 12 条（含解读）。"
    norm, offsets = normalise_with_offsets(text)
    assert norm == normalise_text(text) == "年我局公开条含解读"
    assert [text[i] for i in offsets] == list(norm)


def test_containment_is_the_share_of_this_texts_shingles_in_the_other():
    assert containment("甲乙丙丁戊己", "甲乙丙丁戊己庚辛壬癸") == 1.0
    assert containment("甲乙丙丁戊己庚辛壬癸", "甲乙丙丁戊己") == 2 / 6
    assert containment("", "甲乙丙丁戊") == 0.0


def test_filled_in_neighbour_template_shares_most_text_despite_other_names_and_numbers():
    rng = random.Random(1)
    a, b = _filled("沙坡头区司法局", 2023, rng), _filled("中宁县市场监督管理局", 2023, rng)
    assert compare_reports(a, b).share > 0.85
    assert compare_reports(a, _report("海原县民政局", 2023, UNRELATED_1, UNRELATED_5)).share < 0.15


def test_x005_names_the_sibling_report_with_its_share():
    rng = random.Random(2)
    a, b = _filled("沙坡头区司法局", 2023, rng), _filled("沙坡头区民政局", 2023, rng)
    cmp = compare_reports(a, b)
    sib = SiblingText(report_id=77, agency="沙坡头区民政局", year=2023, share=round(cmp.share, 3),
                      other_share=round(compare_reports(b, a).share, 3), by_section=cmp.by_section)
    fs = run_rules(a, None, AuditContext(siblings=[sib]), select=["X005"])
    assert len(fs) == 1
    f = fs[0]
    assert f.severity == "warning" and "沙坡头区民政局" in f.message and "77" in f.message
    assert f.data["other"]["report_id"] == 77 and f.data["similarity"] == sib.share


def test_x005_is_skipped_without_siblings_and_quiet_below_the_threshold():
    rng = random.Random(3)
    a = _filled("沙坡头区司法局", 2023, rng)
    assert run_rules(a, None, None, select=["X005"]) == []            # not computed: skipped
    low = SiblingText(report_id=5, agency="某局", year=2023, share=0.3, other_share=0.3)
    assert run_rules(a, None, AuditContext(siblings=[low]), select=["X005"]) == []


def test_x005_threshold_comes_from_the_jurisdiction_config():
    rng = random.Random(4)
    a = _filled("沙坡头区司法局", 2023, rng)
    sib = SiblingText(report_id=5, agency="沙坡头区民政局", year=2023, share=0.6, other_share=0.6)
    default = AuditContext(siblings=[sib])
    strict = AuditContext(siblings=[sib], similarity=load_config("similarity: {X005: 0.8}").similarity)
    assert [f.code for f in run_rules(a, None, default, select=["X005"])] == ["X005"]     # default 0.5
    assert run_rules(a, None, strict, select=["X005"]) == []
    short = AuditContext(siblings=[sib], similarity=load_config("similarity: {min_chars: 5000}").similarity)
    assert run_rules(a, None, short, select=["X005"]) == []              # too short to judge


def test_x002_uses_the_same_measure_and_its_own_configured_threshold():
    rng = random.Random(5)
    prev, cur = _filled("沙坡头区司法局", 2022, rng), _filled("沙坡头区司法局", 2023, rng)
    cur.sections[0].text += UNRELATED_1                               # this year added a new passage
    share = compare_reports(cur, prev).share
    assert 0.5 < share < 0.8
    fs = [f for f in history_findings(cur, prev) if f.code == "X002"]
    assert len(fs) == 1 and fs[0].data["similarity"] == round(share, 3)
    strict = AuditContext(similarity=load_config("similarity: {X002: 0.8}").similarity)
    assert not [f for f in history_findings(cur, prev, strict) if f.code == "X002"]


def test_index_finds_the_filled_template_pair_and_not_unrelated_reports():
    rng = random.Random(6)
    a, b = _filled("沙坡头区司法局", 2023, rng), _filled("沙坡头区民政局", 2023, rng)
    c = _report("沙坡头区财政局", 2023, UNRELATED_1, UNRELATED_5)
    idx = CopyIndex(threshold=0.5, min_chars=200)
    for key, r in (("a", a), ("b", b), ("c", c)):
        idx.add(key, sections_text(r), group="depts")
    pairs = {(m.key, m.other) for m in idx.matches()}
    assert pairs == {("a", "b"), ("b", "a")}


def test_index_compares_only_within_a_group():
    rng = random.Random(7)
    a, b = _filled("沙坡头区司法局", 2023, rng), _filled("中宁县人民政府", 2023, rng)
    idx = CopyIndex(threshold=0.5, min_chars=200)
    idx.add(1, sections_text(a), group=("department", 1))
    idx.add(2, sections_text(b), group=("government", 1))
    assert idx.matches() == []


def _random_text(rng: random.Random, chars: list[str], n: int) -> str:
    return "。".join("".join(rng.choice(chars) for _ in range(rng.randint(8, 30))) for _ in range(n // 20))


def test_lsh_finds_planted_pairs_among_two_thousand_reports_with_few_exact_comparisons():
    rng = random.Random(8)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 2500)]
    idx = CopyIndex(threshold=0.5, min_chars=200)
    texts = {}
    for i in range(2000):
        texts[i] = _random_text(rng, chars, 400)
    planted = {(i, i + 1000) for i in range(0, 1000, 50)}             # 20 copies, edited a little
    for a, b in planted:
        t = list(texts[a])
        for _ in range(len(t) // 20):                                 # 5 % of the characters changed
            t[rng.randrange(len(t))] = rng.choice(chars)
        texts[b] = "".join(t)
    for k, t in texts.items():
        idx.add(k, t, group="all")
    found = {(m.key, m.other) for m in idx.matches()}
    assert found == planted | {(b, a) for a, b in planted}
    # the LSH proposes the planted pairs and next to nothing else: not 2000² comparisons
    assert idx.comparisons <= 4 * len(found) + 50


def test_copied_spans_mark_the_shared_passages_in_both_texts():
    a = "我局认真贯彻落实条例规定，全面推进政务公开标准化规范化建设。另外新增一项独有的工作内容甲乙丙。"
    b = "本年度，局里全面推进政务公开标准化规范化建设，并且完成了完全不同的其他事项子丑寅卯。"
    spans_a, spans_b = copied_spans(a, b)
    assert [a[s:e] for s, e in spans_a] == ["全面推进政务公开标准化规范化建设"]
    assert [b[s:e] for s, e in spans_b] == ["全面推进政务公开标准化规范化建设"]


def test_side_by_side_cuts_each_section_into_marked_and_plain_pieces():
    rng = random.Random(9)
    a, b = _filled("沙坡头区司法局", 2023, rng), _filled("沙坡头区民政局", 2023, rng)
    view = side_by_side(a, b)
    assert view["share"] > 0.85 and [s["no"] for s in view["sections"]] == [1, 5]
    first = view["sections"][0]
    assert "".join(t for t, _ in first["this"]) == a.section(1).text
    assert "".join(t for t, _ in first["other"]) == b.section(1).text
    marked = sum(len(t) for t, m in first["this"] if m)
    assert marked > 0.7 * len(a.section(1).text)
    assert not any(m and "沙坡头区司法局" in t for t, m in first["this"])     # the name differs: not marked
