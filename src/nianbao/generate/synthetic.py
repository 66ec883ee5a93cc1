"""Synthetic but realistic reports in the 2021 format, for tests, property tests and the bench.

`random_report(rng)` builds a full `Report`: an agency of some level and region,
title, period, published date, contact block, six sections of narrative, and
tables whose figures obey the format's arithmetic (T301–T303, T401) and agree
with what the narrative states (N001–N006). `perturb` then breaks exactly one
table cell, so the audit's property tests know which rule must fire and where.

Everything is drawn from the `random.Random` passed in: the same seed gives the
same report.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date

from ..form import CHINESE_ORDINALS, FORM_2021
from ..model import (
    ActiveDisclosure, ApplicantRow, Contact, Decisions, DocCounts, Fees, Meta, Period, Report,
    ReviewLitigation, ReviewRow, Section, Tables,
)

# ------------------------------------------------------------------ agencies
# province → (short name used in addresses, [(city, [counties/districts])])
REGIONS: dict[str, list[tuple[str, list[str]]]] = {
    "宁夏回族自治区": [("银川市", ["兴庆区", "西夏区", "金凤区", "永宁县", "贺兰县", "灵武市"]),
                  ("吴忠市", ["利通区", "红寺堡区", "盐池县", "同心县", "青铜峡市"]),
                  ("中卫市", ["沙坡头区", "中宁县", "海原县"])],
    "甘肃省": [("兰州市", ["城关区", "七里河区", "安宁区", "榆中县", "皋兰县"]),
            ("天水市", ["秦州区", "麦积区", "甘谷县", "秦安县"])],
    "内蒙古自治区": [("巴彦淖尔市", ["临河区", "五原县", "乌拉特中旗", "乌拉特前旗", "杭锦后旗"]),
                ("呼和浩特市", ["新城区", "赛罕区", "土默特左旗", "托克托县"])],
    "浙江省": [("杭州市", ["西湖区", "余杭区", "临安区", "桐庐县", "淳安县", "建德市"]),
            ("温州市", ["鹿城区", "龙湾区", "瑞安市", "永嘉县", "文成县"])],
    "广东省": [("广州市", ["天河区", "越秀区", "番禺区", "从化区"]),
            ("韶关市", ["浈江区", "武江区", "乐昌市", "仁化县", "始兴县"])],
    "四川省": [("成都市", ["锦江区", "武侯区", "郫都区", "金堂县", "大邑县"]),
            ("绵阳市", ["涪城区", "游仙区", "江油市", "三台县", "平武县"])],
    "黑龙江省": [("佳木斯市", ["东风区", "前进区", "向阳区", "桦南县", "汤原县"]),
             ("齐齐哈尔市", ["龙沙区", "建华区", "讷河市", "龙江县"])],
    "河南省": [("郑州市", ["金水区", "二七区", "中原区", "中牟县", "新郑市"]),
            ("洛阳市", ["洛龙区", "西工区", "栾川县", "嵩县", "偃师区"])],
}
TOWNS = ["城关镇", "望远镇", "新华镇", "习岗镇", "太阳山镇", "柳泉乡", "大河乡", "东升街道", "宁华路街道",
         "北关街道", "金桥街道", "石坝镇", "红旗乡", "双龙镇"]
# (名称 at county/city level, 名称 at province level, self-reference)
DEPARTMENTS: list[tuple[str, str, str]] = [
    ("司法局", "司法厅", "我局"), ("生态环境局", "生态环境厅", "我局"), ("教育局", "教育厅", "我局"),
    ("财政局", "财政厅", "我局"), ("自然资源局", "自然资源厅", "我局"),
    ("住房和城乡建设局", "住房和城乡建设厅", "我局"), ("交通运输局", "交通运输厅", "我局"),
    ("农业农村局", "农业农村厅", "我局"), ("卫生健康委员会", "卫生健康委员会", "我委"),
    ("市场监督管理局", "市场监督管理局", "我局"), ("人力资源和社会保障局", "人力资源和社会保障厅", "我局"),
    ("民政局", "民政厅", "我局"), ("应急管理局", "应急管理厅", "我局"), ("医疗保障局", "医疗保障局", "我局"),
    ("文化和旅游局", "文化和旅游厅", "我局"), ("水务局", "水利厅", "我局"), ("统计局", "统计局", "我局"),
    ("审计局", "审计厅", "我局"), ("发展和改革局", "发展和改革委员会", "我委"),
]


@dataclass(frozen=True)
class Agency:
    name: str            # as the title prints it
    kind: str            # "province_gov", "province_dept", "city_gov", "city_office", "city_dept",
                         # "county_gov", "county_dept", "town_gov"
    province: str
    city: str
    county: str
    self_ref: str        # how the narrative refers to itself: 我局, 我委, 我县, 本机关 …

    @property
    def is_government(self) -> bool:
        """People's governments publish by 31 March; their departments by 31 January."""
        return self.kind in ("province_gov", "city_gov", "county_gov", "town_gov")

    @property
    def makes_regulations(self) -> bool:
        """Only provincial and 设区的市 people's governments (and State Council departments) make 规章."""
        return self.kind in ("province_gov", "city_gov")

    @property
    def local(self) -> str:
        """The area the agency serves, for phrases like "全区" / "全县"."""
        return {"province_gov": "全省", "province_dept": "全省", "city_gov": "全市", "city_office": "全市",
                "city_dept": "全市", "town_gov": "全镇"}.get(self.kind) or "全" + self.county[-1]


AGENCY_KINDS = ["province_gov", "province_dept", "city_gov", "city_office", "city_dept", "county_gov",
                "county_dept", "town_gov"]


def random_agency(rng: random.Random, kind: str | None = None) -> Agency:
    if kind is not None and kind not in AGENCY_KINDS:
        raise ValueError(f"unknown agency kind {kind!r}; one of {AGENCY_KINDS}")
    kind = kind or rng.choices(AGENCY_KINDS, weights=[1, 3, 2, 2, 5, 4, 10, 3])[0]
    prov = rng.choice(list(REGIONS))
    city, counties = rng.choice(REGIONS[prov])
    county = rng.choice(counties)
    dept_low, dept_prov, dept_ref = rng.choice(DEPARTMENTS)
    if kind == "province_gov":
        return Agency(f"{prov}人民政府", kind, prov, city, county, rng.choice(["我省", "省政府", "本机关"]))
    if kind == "province_dept":
        return Agency(f"{prov}{dept_prov}", kind, prov, city, county,
                      "我厅" if dept_prov.endswith("厅") else dept_ref)
    if kind == "city_gov":
        return Agency(f"{city}人民政府", kind, prov, city, county, rng.choice(["我市", "市政府", "本机关"]))
    if kind == "city_office":
        return Agency(f"{city}人民政府办公室", kind, prov, city, county, rng.choice(["我办", "本机关"]))
    if kind == "city_dept":
        return Agency(f"{city}{dept_low}", kind, prov, city, county, dept_ref)
    if kind == "county_gov":
        return Agency(f"{county}人民政府", kind, prov, city, county,
                      rng.choice([f"我{county[-1]}", "本机关", f"{county[-1]}政府"]))
    if kind == "county_dept":
        name = f"{county}{dept_low}" if rng.random() < 0.6 else f"{city}{county}{dept_low}"
        return Agency(name, kind, prov, city, county, dept_ref)
    town = rng.choice(TOWNS)
    suffix = "办事处" if town.endswith("街道") else "人民政府"
    name = f"{town}{suffix}" if rng.random() < 0.4 else f"{county}{town}{suffix}"
    return Agency(name, "town_gov", prov, city, county, rng.choice(["我" + town[-1], "本机关"]))


# ------------------------------------------------------------------ numbers
def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """`total` split into len(weights) non-negative ints roughly proportional to weights (exact sum)."""
    s = sum(weights)
    if total <= 0 or s <= 0:
        out = [0] * len(weights)
        if total > 0:
            out[rng.randrange(len(weights))] = total
        return out
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - out[i]) + rng.random() * 1e-6, reverse=True)
    for i in order[:rest]:
        out[i] += 1
    return out


# Typical weight of each outcome row (予以公开 and 本机关不掌握 dominate real reports).
_OUTCOME_BASE = {
    "granted": 6.0, "partially_granted": 1.5,
    "denied.state_secret": 0.05, "denied.prohibited_by_law": 0.15, "denied.security_stability": 0.1,
    "denied.third_party_rights": 0.3, "denied.internal_affairs": 0.3, "denied.process_info": 0.4,
    "denied.enforcement_file": 0.3, "denied.admin_query": 0.4,
    "unavailable.not_held": 3.0, "unavailable.needs_creation": 0.6, "unavailable.unclear_after_correction": 0.3,
    "not_processed.petition": 0.6, "not_processed.duplicate": 0.5, "not_processed.publication": 0.2,
    "not_processed.excessive": 0.2, "not_processed.confirmation": 0.3,
    "other.no_correction": 0.6, "other.fee_unpaid": 0.05, "other.other": 0.8,
}
_APPLICATIONS, _REVIEW = FORM_2021.table("applications"), FORM_2021.table("review_litigation")
_APPLICANT_KEYS = [c.key for c in _APPLICATIONS.columns]
_VALUE_COLS = _APPLICANT_KEYS[:6]


def _applications(rng: random.Random, agency: Agency, nonzero: bool,
                  carried: list[int] | None = None) -> dict[str, ApplicantRow]:
    """`carried`: last year's 结转下年度 per applicant column, this year's 上年结转 (else drawn)."""
    rows = {k: dict.fromkeys(_APPLICANT_KEYS, 0) for k in _APPLICATIONS.row_keys}
    if not nonzero and not any(carried or []) and rng.random() < 0.5:
        return {k: ApplicantRow(**v) for k, v in rows.items()}
    size = rng.choices(["small", "medium", "large"], weights=[4, 4, 2 if agency.kind != "town_gov" else 0.3])[0]
    n = {"small": rng.randint(1, 20), "medium": rng.randint(20, 300), "large": rng.randint(300, 4000)}[size]
    person = rng.uniform(0.5, 0.95)     # natural persons file most applications
    shares = [person] + [0.0 if rng.random() < 0.35 else rng.random() * (1 - person) / 2 for _ in range(5)]
    new = _split(rng, n, shares)
    carried_over = carried or [rng.randint(0, max(1, v // 8)) if v and rng.random() < 0.5 else 0 for v in new]
    base = {k: w * (0.2 + rng.random() ** 2 * 1.6) if (w > 1 or rng.random() < 0.6) else 0.0
            for k, w in _OUTCOME_BASE.items()}
    forward_share = rng.choice([0.0, 0.0, rng.uniform(0.02, 0.2)])
    for i, col in enumerate(_VALUE_COLS):
        incoming = new[i] + carried_over[i]
        forward = round(incoming * forward_share * rng.uniform(0.5, 1.5)) if incoming else 0
        forward = min(forward, incoming)
        handled = incoming - forward
        jitter = [w * rng.uniform(0.6, 1.4) for w in base.values()]
        for key, v in zip(base, _split(rng, handled, jitter)):
            rows[key][col] = v
        rows["new_received"][col] = new[i]
        rows["carried_over"][col] = carried_over[i]
        rows["carried_forward"][col] = forward
        rows["results_total"][col] = handled
    for r in rows.values():
        r["total"] = sum(r[c] for c in _VALUE_COLS)
    return {k: ApplicantRow(**v) for k, v in rows.items()}


def _review_row(rng: random.Random, scale: int) -> ReviewRow:
    if scale == 0 or rng.random() < 0.3:
        return ReviewRow(maintained=0, corrected=0, other=0, pending=0, total=0)
    parts = [rng.randint(0, scale), rng.randint(0, max(1, scale // 4)),
             rng.randint(0, max(1, scale // 3)), rng.randint(0, max(1, scale // 3))]
    return ReviewRow(maintained=parts[0], corrected=parts[1], other=parts[2], pending=parts[3], total=sum(parts))


def _review(rng: random.Random, nonzero: bool, busy: bool) -> ReviewLitigation:
    if not (nonzero and rng.random() < 0.75):
        zero = {c.key: 0 for c in _REVIEW.columns}
        return ReviewLitigation(review=ReviewRow(**zero), litigation_direct=ReviewRow(**zero),
                                litigation_after_review=ReviewRow(**zero))
    scale = rng.choice([3, 6, 12, 40]) if busy else rng.choice([1, 2, 4])
    return ReviewLitigation(review=_review_row(rng, scale), litigation_direct=_review_row(rng, max(1, scale // 2)),
                            litigation_after_review=_review_row(rng, max(1, scale // 3)))


def _big(rng: random.Random, hi: int) -> int:
    """A count that is often small, sometimes in the thousands (printed with separators by some layouts)."""
    return int(hi * rng.random() ** 3)


def _rolled(issued: int, repealed: int, before: DocCounts | None, in_force: int) -> DocCounts:
    """The row; with last year's row, 现行有效 = last year's + 本年制发 − 本年废止."""
    if before is None or before.in_force is None:
        return DocCounts(issued=issued, repealed=repealed, in_force=in_force)
    repealed = min(repealed, before.in_force + issued)
    return DocCounts(issued=issued, repealed=repealed, in_force=before.in_force + issued - repealed)


def _active(rng: random.Random, agency: Agency, nonzero: bool,
            before: ActiveDisclosure | None = None) -> ActiveDisclosure:
    if agency.makes_regulations and (nonzero or rng.random() < 0.5):
        issued, repealed = rng.randint(0, 8), rng.randint(0, 4)
        regs = _rolled(issued, repealed, before and before.regulations, rng.randint(max(issued, 20), 400))
    else:
        regs = _rolled(0, 0, before and before.regulations, 0)
    if nonzero or rng.random() < 0.5:
        issued = rng.randint(0, 30 if agency.kind != "town_gov" else 5)
        repealed = rng.randint(0, 10) if rng.random() < 0.5 else 0
        norm = _rolled(issued, repealed, before and before.normative_documents, rng.randint(issued, issued + 300))
    else:
        norm = _rolled(0, 0, before and before.normative_documents, 0)
    zero = not nonzero and rng.random() < 0.5
    fee_kind = rng.random()
    fees = 0 if zero or fee_kind < 0.5 else (round(rng.uniform(0.01, 9.99), 2) if fee_kind < 0.85
                                             else round(rng.uniform(10, 3000), rng.choice([0, 1, 2, 4])))
    return ActiveDisclosure(
        regulations=regs, normative_documents=norm,
        licensing=Decisions(decisions=0 if zero else _big(rng, 20000)),
        punishment=Decisions(decisions=0 if zero else _big(rng, 5000)),
        enforcement=Decisions(decisions=0 if zero else _big(rng, 400)),
        fees=Fees(amount_10k_yuan=fees),
    )


# ------------------------------------------------------------------ narrative
def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


_CATEGORIES: list[str] = ["部门动态", "通知公告", "政策解读", "人事信息", "财政预决算", "规划计划", "行政许可结果",
               "行政处罚结果", "政府采购", "建议提案办理", "法治政府建设", "工作动态", "重点领域信息",
               "公示公告", "权责清单", "双随机一公开", "政府信息公开指南", "政府信息公开年报", "民生实事",
               "招标采购", "会议信息", "机构职能"]
_BULK = {"部门动态", "通知公告", "工作动态", "公示公告", "重点领域信息"}
_POLITICS = [
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神",
    "深入学习贯彻党的二十大和二十届二中、三中全会精神",
    "认真贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署",
    "坚持以人民为中心的发展思想，严格落实《中华人民共和国政府信息公开条例》",
]
_FILLER_1 = [
    "持续深化政务公开，不断提升政府信息公开的标准化、规范化水平，切实保障人民群众的知情权、参与权、表达权和监督权。",
    "围绕中心工作，聚焦群众关切，着力提升政务公开质效，为推动高质量发展营造了公开透明的良好环境。",
    "进一步健全工作机制，拓宽公开渠道，提升公开实效，各项工作取得了新的进展。",
]
_MGMT = [
    "严格落实信息发布“三审三校”制度，规范信息发布的审核、登记和管理，做到公开信息不涉密、涉密信息不公开。",
    "健全政府信息公开保密审查机制，坚持“先审查、后公开”“一事一审”原则，确保信息准确、安全。",
    "定期开展存量信息自查清理，对过时、失效信息及时进行整改，确保发布信息的权威性、及时性和准确性。",
]
_MGMT += [
    "健全政府信息公开属性源头认定机制，公文办理时同步明确公开属性，确保应公开尽公开。",
    "加强政策文件规范管理，对现行有效的行政规范性文件进行集中公开并动态更新，方便公众查阅。",
    "严格执行政府信息公开申请登记、审核、办理、答复、归档等环节工作制度，做到件件有登记、事事有回应。",
]
_PLATFORM = [
    "依托政府门户网站、政务新媒体等平台及时发布信息，由专人负责平台的更新和维护。",
    "充分发挥政府网站第一平台作用，同步利用微信公众号、政务微博等新媒体扩大公开覆盖面。",
    "优化政府信息公开专栏设置，规范栏目名称和内容，方便群众查询获取信息。",
]
_PLATFORM += [
    "加强政务新媒体规范管理，严格执行信息发布审核制度，全年未发生违规发布信息的情况。",
    "持续优化政务服务热线与网站互动栏目，及时回应群众关切，切实提高回复质量和时效。",
]
_SUPERVISION = [
    "成立政务公开工作领导小组，明确分管领导和专职人员，将政务公开工作纳入年度目标考核。",
    "加强业务培训，全年组织开展政务公开专题培训{n}次，工作人员业务能力进一步提升。",
    "畅通意见建议渠道，主动接受社会监督，全年未发生因政务公开工作不到位被追究责任的情况。",
]
_FILLER_2 = [
    "坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开，",
    "围绕优化营商环境、乡村振兴、民生保障等重点领域，持续加大信息公开力度，",
    "健全政策解读回应机制，综合运用图文解读、视频解读、新闻发布会等形式，增强解读的针对性和实效性。",
    "认真办理人大代表建议和政协委员提案，按要求公开办理结果，主动接受社会监督。",
    "加强政务公开标准化规范化建设，动态调整主动公开基本目录，进一步提升公开的规范性和精准度。",
]
_EXTRA_6 = [
    "（三）政府开放日活动开展情况。{year}年，{ref}组织开展“政府开放日”活动{n}次，邀请人大代表、政协委员和群众代表走进机关，"
    "现场了解工作开展情况，听取意见建议，增强了工作透明度。",
    "（三）人大代表建议和政协提案办理结果公开情况。{year}年，{ref}承办人大代表建议{n}件、政协委员提案{m}件，"
    "均已按期办结并公开办理结果。",
    "（三）政务公开培训情况。{year}年，{ref}组织政务公开业务培训{n}次，参训人员{m}人次，工作人员业务能力进一步增强。",
]
_PROBLEMS = [
    "政策解读形式较为单一，图解、视频等解读方式运用不够充分",
    "信息发布的及时性有待提高，个别栏目更新不够及时",
    "工作人员业务能力与新形势新要求相比还存在差距",
    "依申请公开答复的规范化水平有待进一步提升",
    "主动公开内容的深度和广度仍需加强",
]
_FIXES = [
    "加强业务培训，提升工作人员政策水平和业务能力",
    "丰富政策解读形式，提高解读质量和实效",
    "完善信息发布审核机制，确保信息发布及时准确",
    "规范依申请公开办理流程，严格依法依规答复",
    "持续做好栏目维护，加强存量信息自查整改",
]
_FIX_DETAIL = [
    "切实把政务公开工作抓实抓细",
    "确保各项工作任务落到实处、取得实效",
    "推动政务公开工作与业务工作深度融合、同步推进",
    "不断提升群众的获得感和满意度",
    "进一步增强政府信息公开的权威性和公信力",
]
# One more sentence or two for each subsection of section 一, as real reports run to 7–12 KB of text.
_SUB_DETAIL = [
    ["聚焦重点领域信息公开，及时公开财政预决算、重大建设项目、公共资源配置、社会公益事业等信息。",
     "围绕群众关心关注的热点问题，及时发布权威信息，主动回应社会关切，有效引导社会预期。",
     "加强重大行政决策公开，决策草案通过政府网站公开征求意见，并及时反馈意见采纳情况。"],
    ["严格按照法定程序和时限办理政府信息公开申请，认真做好登记、审核、答复、归档等各环节工作。",
     "进一步规范答复文书格式，准确引用法律依据，充分告知申请人救济途径，切实保障申请人合法权益。",
     "对申请内容不明确的，及时与申请人沟通并一次性告知补正事项，提高办理质效。"],
    ["建立健全政府信息公开工作台账，对信息发布情况进行动态管理。",
     "定期对政府网站各栏目内容进行巡查，发现问题及时整改，确保栏目内容保障到位。"],
    ["推进政府网站集约化建设，优化栏目设置，提升网站的易用性和友好性。",
     "加强政务新媒体账号的日常监管，确保信息发布安全、及时、准确。"],
    ["将政务公开工作纳入年度绩效考核，定期通报工作进展情况，推动各项任务落实落细。",
     "主动接受人大、政协和社会各界的监督，认真听取意见建议，不断改进工作。"],
]
_ORDINALS = ["一是", "二是", "三是", "四是", "五是"]


def _sum_cols(row: ApplicantRow) -> int:
    return sum(getattr(row, c) or 0 for c in _VALUE_COLS)


def _app_paragraph(rng: random.Random, year: int, ag: Agency, apps: dict[str, ApplicantRow]) -> str:
    """What the narrative says about applications, agreeing with table 三 in a phrasing real reports use."""
    new, carried = apps["new_received"].total, apps["carried_over"].total
    if new == 0 and carried == 0:
        return rng.choice([
            f"{year}年，{ag.self_ref}未收到政府信息公开申请。",
            f"全年未收到政府信息公开申请，无上年结转申请。",
            f"{year}年，{ag.self_ref}没有接到公民、法人及其他社会组织提交的政府信息公开申请。",
        ])
    group = {
        "予以公开": apps["granted"].total, "部分公开": apps["partially_granted"].total,
        "不予公开": sum(apps[k].total for k in _APPLICATIONS.row_keys if k.startswith("denied.")),
        "无法提供": sum(apps[k].total for k in _APPLICATIONS.row_keys if k.startswith("unavailable.")),
        "不予处理": sum(apps[k].total for k in _APPLICATIONS.row_keys if k.startswith("not_processed.")),
        "其他处理": sum(apps[k].total for k in _APPLICATIONS.row_keys if k.startswith("other.")),
    }
    parts = "，".join(f"{name}{v}件" for name, v in group.items() if v)
    forward = apps["carried_forward"].total
    style = rng.randrange(3)
    if style == 0:
        s = f"{year}年，{ag.self_ref}共收到政府信息公开申请{new}件"
        s += f"，上年结转{carried}件" if carried else ""
        s += f"。其中{parts}"
    elif style == 1:
        s = f"全年新收政府信息公开申请 {new} 件" + (f"，上年结转 {carried} 件" if carried else "")
        s += f"，共计受理 {new + carried} 件。办理结果中，{parts}"
    else:
        s = f"{year}年度，{ag.self_ref}受理政府信息公开申请{new + carried}件，其中本年新收{new}件"
        s += f"、上年结转{carried}件" if carried else ""
        s += f"；已办结{apps['results_total'].total}件，{parts}"
    if forward:
        s += f"，结转下年度继续办理{forward}件。"
    else:
        s += "，" + rng.choice(["均已按时办结。", "所有申请均已办结。", "全部在法定期限内答复。"])
    return s


def _review_sentence(rng: random.Random, year: int, ag: Agency, rl: ReviewLitigation) -> str:
    rev = rl.review.total or 0
    lit = (rl.litigation_direct.total or 0) + (rl.litigation_after_review.total or 0)
    if rev == 0 and lit == 0:
        return rng.choice([
            f"{year}年，{ag.self_ref}未发生因政府信息公开引起的行政复议、行政诉讼案件。",
            "全年没有因政府信息公开申请引起的行政复议、行政诉讼。",
        ])
    if (rev + lit + year) % 3 == 0:      # (chosen from the figures: no draw, so other reports stay the same)
        s = f"{year}年，{ag.self_ref}被申请行政复议{rev}件，被提起行政诉讼{lit}件"
    else:
        s = f"{year}年，因政府信息公开引起行政复议{rev}件、行政诉讼{lit}件"
    fixed = sum(getattr(rl, g).corrected or 0 for g in _REVIEW.row_keys)
    if fixed:
        s += f"，其中结果被纠正{fixed}件"
    return s + "。"


def _active_paragraph(rng: random.Random, year: int, ag: Agency, ad: ActiveDisclosure) -> str:
    n_cat = rng.randint(3, 8)
    cats = rng.sample(_CATEGORIES, n_cat)
    counts = [rng.randint(40, 1500) if c in _BULK and rng.random() < 0.5 else rng.randint(1, 40) for c in cats]
    total = sum(counts)
    sep = rng.choice(["、", "，", "；"])
    pad = " " if rng.random() < 0.3 else ""
    enum = sep.join(f"{c}{pad}{n}{pad}条" for c, n in zip(cats, counts))
    lead = rng.choice([f"{year}年主动公开政府信息{pad}{total}{pad}条，其中{pad}",
                       f"全年通过政府门户网站主动公开各类信息{total}条，其中",
                       f"{year}年，{ag.self_ref}共主动公开政府信息{total}条，包括",
                       f"{year}年主动公开各类政府信息{total}条（其中："])
    s = lead + enum + ("）。" if lead.endswith("：") else "。")
    nd = ad.normative_documents
    if nd.issued:
        s += f"本年制发行政规范性文件{nd.issued}件"
        s += f"，废止{nd.repealed}件" if nd.repealed else ""
        s += f"，现行有效{nd.in_force}件。" if rng.random() < 0.5 else "。"
    elif rng.random() < 0.5:
        s += "本年度未制发行政规范性文件。"
    rg = ad.regulations
    if rg.issued:
        s += f"制定政府规章{rg.issued}件" + (f"，废止规章{rg.repealed}件。" if rg.repealed else "。")
    return s


def _sections(rng: random.Random, year: int, ag: Agency, t: Tables) -> list[Section]:
    pol = rng.choice(_POLITICS)
    s1 = [f"{year}年，{ag.name}{pol}，{rng.choice(_FILLER_1)}" + "".join(rng.sample(_FILLER_2, rng.randint(2, 4)))]
    sub = [("主动公开情况", _active_paragraph(rng, year, ag, t.active_disclosure)),
           ("依申请公开情况", _app_paragraph(rng, year, ag, t.applications)
            + (_review_sentence(rng, year, ag, t.review_litigation) if rng.random() < 0.5 else "")),
           ("政府信息管理情况", "".join(rng.sample(_MGMT, rng.randint(2, 4)))),
           ("政府信息公开平台建设情况", "".join(rng.sample(_PLATFORM, rng.randint(1, 3)))),
           ("监督保障情况", " ".join(x.format(n=rng.randint(1, 12)) for x in rng.sample(_SUPERVISION, 2)))]
    sub = [(head, text + "".join(rng.sample(_SUB_DETAIL[i], rng.randint(1, 2)))) for i, (head, text) in enumerate(sub)]
    inline = rng.random() < 0.5
    for i, (head, text) in enumerate(sub):
        no = f"（{CHINESE_ORDINALS[i]}）"
        if inline:
            s1.append(f"{no}{head}。{text}")
        else:
            s1 += [f"{no}{head}", text]
    probs = rng.sample(_PROBLEMS, rng.randint(2, 4))
    fixes = rng.sample(_FIXES, rng.randint(2, 4))
    s5 = [f"{year}年，{ag.self_ref}政府信息公开工作取得了一定成效，但仍存在一些不足：" +
          "；".join(f"{_ORDINALS[i]}{p}" for i, p in enumerate(probs)) + "。",
          f"{year + 1}年，{ag.self_ref}将重点做好以下工作：" +
          "；".join(f"{_ORDINALS[i]}{f}，{rng.choice(_FIX_DETAIL)}" for i, f in enumerate(fixes)) + "。"]
    if rng.random() < 0.6:
        s5.insert(0, "（一）存在的主要问题")
        s5.insert(2, "（二）改进情况")
    fee_phrase = rng.choice([f"{year}年，{ag.self_ref}未收取信息处理费。",
                             "本年度未收取政府信息公开信息处理费。",
                             f"{ag.self_ref}在办理政府信息公开申请中，未收取信息处理费。"])
    s6 = [f"（一）{year}年政务公开工作要点落实情况。按照{ag.province}{year}年政务公开工作要点部署，"
          f"{ag.self_ref}逐项细化任务，明确责任分工，各项任务均按要求落实。",
          f"（二）信息处理费收取情况。{fee_phrase}"]
    if rng.random() < 0.7:
        s6.append(rng.choice(_EXTRA_6).format(year=year, ref=ag.self_ref, n=rng.randint(1, 20),
                                              m=rng.randint(5, 300)))
    s4 = [_review_sentence(rng, year, ag, t.review_litigation)] if rng.random() < 0.3 else []
    texts = ["\n".join(s1), "", "", "\n".join(s4), "\n".join(s5), "\n".join(s6)]
    return [Section(no=i + 1, heading=FORM_2021.sections[i], text=texts[i]) for i in range(6)]


def _contact(rng: random.Random, ag: Agency) -> Contact:
    road = rng.choice(["人民路", "解放街", "新华西路", "文化东路", "滨河大道", "建设路", "北京中路"])
    area = rng.choice(["0951", "0953", "0955", "0931", "0471", "0571", "020", "028", "0454", "0371"])
    phone = f"{area}-{rng.randint(2000000, 8999999)}"
    return Contact(
        address=f"{ag.city}{ag.county if 'county' in ag.kind or 'town' in ag.kind else ''}{road}{rng.randint(1, 499)}号",
        postcode=str(rng.randint(100000, 859999)),
        phone=phone,
        fax=phone if rng.random() < 0.5 else None,
        email=f"{rng.choice(['zwgk', 'xxgk', 'bgs', 'sfj'])}{rng.randint(10, 99999)}"
              f"@{rng.choice(['163.com', '126.com', 'qq.com'])}",
        website=f"http://www.{rng.choice(['yc', 'wz', 'zw', 'lz', 'hz', 'gz', 'cd'])}{rng.randint(1, 99)}.gov.cn"
        if rng.random() < 0.6 else None,
    )


# ------------------------------------------------------------------ the report
def _blank_out(rng: random.Random, tables: Tables, p: float) -> None:
    if p <= 0:
        return
    for path in FORM_2021.cell_paths():
        rel = path.removeprefix("tables.")
        if rng.random() < p:
            tables.set_cell(rel, None)


def random_report(rng: random.Random, *, year: int | None = None, nonzero: bool = True,
                  consistent: bool = True, agency: str | Agency | None = None, blanks: float = 0.0,
                  previous: Report | None = None) -> Report:
    """A realistic full 2021-format report. `nonzero` makes many cells nonzero (else often all zeros,
    as many small agencies report); `consistent=False` breaks one table cell (see `perturb`);
    `agency` is a kind ("county_dept", …), an `Agency`, or None for a random one; `blanks` is the
    probability that each table cell is left blank (None). `previous`: the agency's report of the
    year before, which this one follows on from (上年结转 = its 结转下年度, 现行有效 rolled forward)."""
    year = year or (previous.meta.year + 1 if previous and previous.meta.year else rng.randint(2021, 2025))
    ag = agency if isinstance(agency, Agency) else random_agency(rng, agency)
    before = previous.tables if previous else None
    carried = None
    if before and (fwd := before.applications.get("carried_forward")) is not None:
        carried = [getattr(fwd, c) or 0 for c in _VALUE_COLS]
    apps = _applications(rng, ag, nonzero, carried)
    busy = (apps["new_received"].total or 0) > 100
    tables = Tables(active_disclosure=_active(rng, ag, nonzero, before and before.active_disclosure), applications=apps,
                    review_litigation=_review(rng, nonzero, busy))
    last = date(year + 1, 3, 31) if ag.is_government else date(year + 1, 1, 31)
    first = date(year + 1, 1, 5)
    published = date.fromordinal(rng.randint(first.toordinal(), last.toordinal())) if rng.random() < 0.8 else None
    period = Period(start=date(year, 1, 1), end=date(year, 12, 31)) if rng.random() < 0.9 else None
    title = rng.choices([f"{ag.name}{year}年政府信息公开工作年度报告", f"{ag.name}{year}年度政府信息公开工作年度报告",
                         f"{year}年{ag.name}政府信息公开工作年度报告", f"{ag.name}{year}年政府信息公开年度报告"],
                        weights=[16, 3, 1, 1])[0]
    meta = Meta(agency=ag.name, title=title, year=year,
                period=period, published=published, contact=_contact(rng, ag))
    report = Report(meta=meta, sections=_sections(rng, year, ag, tables), tables=tables)
    _blank_out(rng, report.tables, blanks)
    if not consistent:
        report, _ = perturb(report, rng)
    return report


def perturb(report: Report, rng: random.Random,
            tables: tuple[str, ...] = ("applications", "review_litigation")) -> tuple[Report, str]:
    """A copy of `report` with one table cell changed so that an arithmetic rule (T301–T303 for
    表三, T401 for 表四) must fire, and the cell's full path ("tables.applications.granted.total").

    Only cells in rows without blanks are chosen (a blank hides the arithmetic), when there are any."""
    out = report.model_copy(deep=True)
    paths = [p for p in FORM_2021.cell_paths() if p.split(".")[1] in tables]

    def row_complete(path: str) -> bool:
        row = path.rsplit(".", 1)[0]
        return all(out.tables.cell(p.removeprefix("tables.")) is not None
                   for p in paths if p.rsplit(".", 1)[0] == row)

    candidates = [p for p in paths if row_complete(p)] or \
        [p for p in paths if out.tables.cell(p.removeprefix("tables.")) is not None]
    if not candidates:
        raise ValueError("no cell to perturb: every cell is blank")
    path = rng.choice(candidates)
    rel = path.removeprefix("tables.")
    old = out.tables.cell(rel)
    delta = rng.choice([-3, -2, -1, 1, 1, 2, 3, 5, 10])
    new = old + delta if old + delta >= 0 else old + abs(delta)
    out.tables.set_cell(rel, new)
    return out, path


def _bump(rng: random.Random, n: int) -> int:
    return n + rng.choice([1, 2, 3, 5, 10])


def perturb_narrative(report: Report, rng: random.Random,
                      codes: tuple[str, ...] = ("N001", "N002", "N003", "N005", "N006")) -> tuple[Report, str]:
    """A copy of `report` whose narrative contradicts its tables in one place, and the audit rule that
    must say so: N001 (applications), N002 (复议/诉讼), N003 (an enumeration that does not add up),
    N005 (行政规范性文件 issued), N006 (均已办结 while some are carried forward). Tables are unchanged."""
    out = report.model_copy(deep=True)
    sec = out.section(1)
    if sec is None:
        raise ValueError("the report has no section 一 to change")
    t, text = out.tables, sec.text
    options: list[tuple[str, str]] = []
    m = re.search(r"(收到政府信息公开申请|新收政府信息公开申请 ?|本年新收)(\d+)", text)
    if m:
        # not to 新收 + 上年结转: "收到 N 件" may state that sum
        new, over = int(m.group(2)), t.applications["carried_over"].total or 0
        wrong = next(x for x in (_bump(rng, new), new + 4, new + 7) if x != new + over)
        options.append(("N001", text[:m.start(2)] + str(wrong) + text[m.end(2):]))
    elif re.search(r"未收到政府信息公开申请|没有接到", text):
        options.append(("N001", re.sub(r"未收到政府信息公开申请|没有接到[^。]*申请",
                                       f"共收到政府信息公开申请{_bump(rng, 0)}件", text, count=1)))
    m = re.search(r"行政复议(\d+)件", text)
    if m:
        options.append(("N002", text[:m.start(1)] + str(_bump(rng, int(m.group(1)))) + text[m.end(1):]))
    m = re.search(r"(?:公开政府信息|公开各类信息) ?(\d+) ?条", text)
    if m:
        options.append(("N003", text[:m.start(1)] + str(_bump(rng, int(m.group(1)))) + text[m.end(1):]))
    issued = t.active_disclosure.normative_documents.issued
    m = re.search(r"制发行政规范性文件(\d+)件", text)
    if m:
        options.append(("N005", text[:m.start(1)] + str(_bump(rng, int(m.group(1)))) + text[m.end(1):]))
    elif issued is not None:
        options.append(("N005", re.sub(r"(包括|其中)([^。]*。)", lambda k: k.group(0) +
                                       f"本年制发行政规范性文件{_bump(rng, issued)}件。", text, count=1)))
    forward = t.applications["carried_forward"].total
    m = re.search(r"，结转下年度继续办理\d+件。", text)
    if forward and m:
        options.append(("N006", text[:m.start()] + "，均已办结。" + text[m.end():]))
    options = [(code, new) for code, new in options if new != text and code in codes]
    if not options:
        raise ValueError("nothing in the narrative to contradict")
    code, sec.text = rng.choice(options)
    return out, code


def sample_reports(n: int, seed: int = 0, **kwargs) -> list[Report]:
    """`n` reports from one seed (the bench's corpus); kwargs go to `random_report`."""
    rng = random.Random(seed)
    return [random_report(rng, **kwargs) for _ in range(n)]
