"""A generated region for regional oversight (issue 16): a city, its districts, their departments
and townships over two years — the reports, the registry, and an answer key of planted cases.

    region = generate_region(seed=3)                  # models, registry rows, answer key
    paths = write_region(region, tmp)                 # report files + registry.csv / registry.xlsx
    region.key.late                                   # {("中卫市司法局", 2024), …}

The regional features (missing view, deadlines, X005, R001/R002, indicators, scorecard) are judged
by whether they find every planted case and nothing else, so everything not planted is consistent:
- sections 一/五 are written per agency-year from a combinatorial vocabulary (short words joined
  by short glue), so two independent reports share few character 5-grams — far below the 0.5
  copy threshold — while a planted copy shares most of them;
- an area government's tables 三/四 are the sums of the stored reports under it (its departments
  and townships; for the city, its departments and each district's area report — or, where a
  district's government reports on its own office only, that district's reports one by one);
- clean agencies are healthy on every indicator (no 复议/诉讼 corrected, 实质公开率 ≥ 0.6, 不予公开率
  ≤ 0.15, 结转率 ≤ 0.15, applications within ×0.75–1.3 of last year) and publish before the
  deadline that applies to them, so a scorecard deducts nothing from them;
- a carried-forward count only goes to a report that exists (X001 stays quiet).

Planted (`AnswerKey`): late (after the statutory deadline, and after the city's earlier deadline
for departments only), missing (an expected agency without a report), copied from a sibling
(X005: same region, kind and year; names and numbers changed), copied from last year (X002), an
area report that differs from the sum of its sub-reports in table 三 or 四 (R001; every differing
cell listed), a roll-up missing an expected agency (R002), a government reporting on its office
only (no R001 although its figures are not the sum), an agency without any application (its rates
have no denominator).

Everything is drawn from `random.Random(seed)`: the same seed gives the same region.
"""
from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..form import CHINESE_ORDINALS, FORM_2021
from ..model import ApplicantRow, Meta, Period, Report, ReviewLitigation, ReviewRow, Section, Tables
from . import synthetic as S
from .synthetic import Agency

YEARS = (2023, 2024)
CITY_DEADLINES = {"department": "01-28"}        # the city's own, earlier deadline for departments
STATUTORY = {"department": "01-31", "government": "03-31", "township": "03-31", "zone": "03-31"}

# ------------------------------------------------------------------ prose of sections 一 and 五
# Words of at most four characters: a character 5-gram then always spans two words or more, so two
# texts share one only when they happen to pick the same neighbours.
_ADV = ["持续", "进一步", "着力", "全面", "扎实", "认真", "切实", "不断", "积极", "稳步", "大力", "重点", "统筹",
        "精准", "深入", "有序", "主动", "及时", "严格", "依法", "逐步", "加快", "系统", "高效"]
_VERB = ["健全", "完善", "规范", "强化", "优化", "推进", "落实", "深化", "加强", "提升", "拓展", "压实", "细化",
         "夯实", "畅通", "创新", "改进", "充实", "整合", "梳理", "更新", "维护", "建立", "修订", "调整", "丰富",
         "延伸", "巩固"]
_OBJ = ["审核机制", "发布流程", "公开目录", "解读方式", "回应渠道", "栏目设置", "办理台账", "答复文书", "保密审查",
        "考核办法", "培训制度", "责任分工", "协调机制", "档案管理", "事项清单", "专栏内容", "互动平台", "咨询服务",
        "意见征集", "文件汇编", "登记制度", "属性认定", "更新机制", "巡查制度", "联络队伍", "标准体系", "指引手册",
        "督办流程", "反馈机制", "数据开放", "公开指南", "办事指南", "服务窗口", "热线答复", "政策问答", "申请登记",
        "归档流程", "通报制度", "评议机制", "会商制度"]
_TOPIC = ["预决算", "重大项目", "资源配置", "社会救助", "乡村振兴", "营商环境", "安全生产", "生态保护", "医疗卫生",
          "食品安全", "就业创业", "养老服务", "住房保障", "征收补偿", "教育招生", "减税降费", "行政执法", "政府采购",
          "惠民资金", "应急处置", "民生实事", "规划编制", "价格收费", "市场监管", "公共文化", "交通出行", "防汛抗旱",
          "稳岗就业", "科技创新", "人才引进", "法律援助", "人民调解", "农田水利", "社区治理", "环境整治", "文物保护"]
_RES_N = ["群众满意度", "公开时效", "发布质量", "工作规范性", "办理效率", "回应及时率", "解读覆盖面", "信息准确性",
          "公众参与度", "栏目活跃度", "服务便利度", "答复质量"]
_RES_V = ["明显提升", "稳步提高", "持续增强", "进一步改善", "得到保障", "不断巩固", "显著提高", "有所提升"]
_PROB = ["有待加强", "不够及时", "还不完善", "存在短板", "仍需提升", "深度不够", "覆盖不广", "形式单一", "衔接不畅",
         "针对性不强"]
_LINK = ["围绕", "聚焦", "结合", "紧扣", "立足", "对标"]
_UNIT = ["项", "个", "次", "场", "期", "批"]


def _w(rng: random.Random, pool: list[str]) -> str:
    return rng.choice(pool)


def _sentence(rng: random.Random, ref: str) -> str:
    def a(pool: list[str]) -> str:
        return _w(rng, pool)

    kind = rng.randrange(6)
    if kind == 0:
        return f"{a(_ADV)}{a(_VERB)}{a(_OBJ)}，{a(_ADV)}{a(_VERB)}{a(_TOPIC)}{a(_OBJ)}，{a(_RES_N)}{a(_RES_V)}。"
    if kind == 1:
        return (f"{a(_LINK)}{a(_TOPIC)}、{a(_TOPIC)}等重点领域，{a(_VERB)}{a(_OBJ)}和{a(_OBJ)}，"
                f"{a(_RES_N)}{a(_RES_V)}。")
    if kind == 2:
        return (f"全年{a(_VERB)}{a(_TOPIC)}{a(_OBJ)}{rng.randint(2, 60)}{a(_UNIT)}，{a(_ADV)}{a(_VERB)}{a(_OBJ)}，"
                f"{a(_RES_N)}{a(_RES_V)}。")
    if kind == 3:
        return f"以{a(_OBJ)}为抓手，{a(_ADV)}{a(_VERB)}{a(_TOPIC)}{a(_OBJ)}，推动{a(_TOPIC)}{a(_OBJ)}{a(_RES_V)}。"
    if kind == 4:
        return (f"{ref}{a(_ADV)}{a(_VERB)}{a(_TOPIC)}信息公开，{a(_VERB)}{a(_OBJ)}{rng.randint(2, 40)}{a(_UNIT)}，"
                f"{a(_VERB)}{a(_OBJ)}{rng.randint(2, 40)}{a(_UNIT)}。")
    return f"针对{a(_TOPIC)}{a(_OBJ)}{a(_PROB)}的问题，{a(_ADV)}{a(_VERB)}{a(_OBJ)}，{a(_RES_N)}{a(_RES_V)}。"


def _sentences(rng: random.Random, ref: str, lo: int, hi: int) -> str:
    return "".join(_sentence(rng, ref) for _ in range(rng.randint(lo, hi)))


@dataclass
class Prose:
    """The agency's own words in sections 一 and 五 (the figures' paragraphs are added from the tables)."""
    intro: str
    subs: list[str]            # after each of the five subsections' opening
    problems: list[str]
    plans: list[str]
    inline: bool               # subsection headings inline ("（一）主动公开情况。…") or on their own line

    def _map(self, fn) -> Prose:
        return Prose(fn(self.intro), [fn(s) for s in self.subs], [fn(s) for s in self.problems],
                     [fn(s) for s in self.plans], self.inline)

    def replace(self, old: str, new: str) -> Prose:
        return self._map(lambda s: s.replace(old, new))

    def renumber(self, rng: random.Random) -> Prose:
        """The same words with every count drawn anew (a copy with the numbers updated)."""
        return self._map(lambda s: re.sub(r"(?<![\d年])\d{1,3}(?=[项个次场期批])", lambda m: str(rng.randint(2, 60)), s))


def _prose(rng: random.Random, ag: Agency) -> Prose:
    ref = ag.self_ref
    intro = (rng.choice(S._POLITICS) + "，" if rng.random() < 0.5 else "") + _sentences(rng, ref, 2, 3)
    subs = [_sentences(rng, ref, 1, 2), _sentences(rng, ref, 1, 2), _sentences(rng, ref, 2, 3),
            _sentences(rng, ref, 2, 3), _sentences(rng, ref, 1, 2)]
    problems = [f"{_w(rng, _TOPIC)}{_w(rng, _OBJ)}{_w(rng, _PROB)}" for _ in range(rng.randint(2, 4))]
    plans = [f"{_w(rng, _ADV)}{_w(rng, _VERB)}{_w(rng, _OBJ)}，{_w(rng, _RES_N)}{_w(rng, _RES_V)}"
             for _ in range(rng.randint(2, 4))]
    return Prose(intro, subs, problems, plans, rng.random() < 0.5)


_SUBHEADS = ["主动公开情况", "依申请公开情况", "政府信息管理情况", "政府信息公开平台建设情况", "监督保障情况"]


def _sections(rng: random.Random, year: int, ag: Agency, t: Tables, prose: Prose) -> list[Section]:
    """Sections 一–六; 一 and 五 from `prose` plus the paragraphs stating the tables' figures
    (synthetic.py's phrasings, which agree with the tables: no N finding)."""
    figures = [S._active_paragraph(rng, year, ag, t.active_disclosure),
               S._app_paragraph(rng, year, ag, t.applications)
               + (S._review_sentence(rng, year, ag, t.review_litigation) if rng.random() < 0.5 else ""),
               "", "", ""]
    s1 = [f"{year}年，{ag.name}{prose.intro}"]
    for i, head in enumerate(_SUBHEADS):
        text = figures[i] + prose.subs[i]
        no = f"（{CHINESE_ORDINALS[i]}）"
        s1 += [f"{no}{head}。{text}"] if prose.inline else [f"{no}{head}", text]
    ords = ["一是", "二是", "三是", "四是"]
    s5 = [f"{year}年，{ag.self_ref}政府信息公开工作取得了一定成效，但仍存在一些不足："
          + "；".join(f"{ords[i]}{p}" for i, p in enumerate(prose.problems)) + "。",
          f"{year + 1}年，{ag.self_ref}将重点做好以下工作："
          + "；".join(f"{ords[i]}{p}" for i, p in enumerate(prose.plans)) + "。"]
    s6 = [f"（一）{year}年政务公开工作要点落实情况。按照{ag.province}{year}年政务公开工作要点部署，"
          f"{ag.self_ref}逐项细化任务，明确责任分工，各项任务均按要求落实。",
          f"（二）信息处理费收取情况。{year}年，{ag.self_ref}未收取信息处理费。"]
    texts = ["\n".join(s1), "", "", "", "\n".join(s5), "\n".join(s6)]
    return [Section(no=i + 1, heading=FORM_2021.sections[i], text=texts[i]) for i in range(6)]


# ------------------------------------------------------------------ tables
_VALUE_COLS = S._VALUE_COLS
_ROWS = FORM_2021.table("applications").row_keys
_HEALTHY = {"granted": 7.0, "partially_granted": 1.2, "denied.third_party_rights": 0.15, "denied.process_info": 0.15,
            "denied.admin_query": 0.1, "unavailable.not_held": 1.2, "unavailable.needs_creation": 0.2,
            "not_processed.petition": 0.2, "not_processed.duplicate": 0.15, "other.other": 0.3}
_SUBSTANTIVE = ("granted", "partially_granted")
_OUTCOMES = [k for k in _ROWS if k not in ("new_received", "carried_over", "results_total", "carried_forward")]


_COLS = [*_VALUE_COLS, "total"]


def _zero_apps() -> dict[str, ApplicantRow]:
    return {k: ApplicantRow(**dict.fromkeys(_COLS, 0)) for k in _ROWS}


def _rows_of(cells: dict[str, dict[str, int]]) -> dict[str, ApplicantRow]:
    """Plain dicts → table 三's rows, 总计 the sum of the six columns (built once: pydantic's
    __setattr__ is slow for the bench's thousands of reports)."""
    for r in cells.values():
        r["total"] = sum(r[c] for c in _VALUE_COLS)
    return {k: ApplicantRow(**cells[k]) for k in _ROWS}


def _applications(rng: random.Random, n: int, carried: list[int], last: bool) -> dict[str, ApplicantRow]:
    """Table 三 of `n` new applications with `carried` over from last year: healthy rates. `last`: the
    agency has no report next year, so nothing is carried forward (it would be carried into nothing)."""
    cells = {k: dict.fromkeys(_COLS, 0) for k in _ROWS}
    if n == 0 and not any(carried):
        return _rows_of(cells)
    person = rng.uniform(0.6, 0.95)
    shares = [person] + [0.0 if rng.random() < 0.4 else rng.random() * (1 - person) / 2 for _ in range(5)]
    new = S._split(rng, n, shares)
    incoming = [a + b for a, b in zip(new, carried)]
    budget = 0 if last else int(0.12 * sum(incoming))      # 结转率 ≤ 0.12
    for i, col in enumerate(_VALUE_COLS):
        fwd = min(incoming[i], budget, round(incoming[i] * rng.uniform(0, 0.12)))
        budget -= fwd
        handled = incoming[i] - fwd
        weights = [w * rng.uniform(0.7, 1.3) for w in _HEALTHY.values()]
        for key, v in zip(_HEALTHY, S._split(rng, handled, weights)):
            cells[key][col] = v
        cells["new_received"][col] = new[i]
        cells["carried_over"][col] = carried[i]
        cells["carried_forward"][col] = fwd
        cells["results_total"][col] = handled
    # small agencies: keep the rates healthy whatever the draw (实质公开率 ≥ 0.6, 不予公开率 ≤ 0.15):
    # cases move to 予以公开 from the other outcomes, denials first
    decided = sum(incoming) - sum(cells["carried_forward"].values())

    def total(keys) -> int:
        return sum(cells[k][c] for k in keys for c in _VALUE_COLS)

    denied = [k for k in _OUTCOMES if k.startswith("denied.")]
    others = denied + [k for k in _OUTCOMES if k not in _SUBSTANTIVE and k not in denied]
    need = max(0, -(-6 * decided // 10) - total(_SUBSTANTIVE), total(denied) - (15 * decided // 100))
    for k in others:
        for c in _VALUE_COLS:
            if need <= 0:
                break
            m = min(need, cells[k][c])
            cells[k][c] -= m
            cells["granted"][c] += m
            need -= m
    return _rows_of(cells)


def _review(rng: random.Random, busy: bool) -> ReviewLitigation:
    """Table 四 with no decision corrected (复议纠错率 and 诉讼败诉率 0 where there are cases)."""
    rl = S._review(rng, True, busy)
    for g in ("review", "litigation_direct", "litigation_after_review"):
        row: ReviewRow = getattr(rl, g)
        row.maintained = (row.maintained or 0) + (row.corrected or 0)
        row.corrected = 0
    return rl


def _zero_review() -> ReviewLitigation:
    z = dict(maintained=0, corrected=0, other=0, pending=0, total=0)
    return ReviewLitigation(review=ReviewRow(**z), litigation_direct=ReviewRow(**z),
                            litigation_after_review=ReviewRow(**z))


def sum_tables(parts: list[Tables]) -> tuple[dict[str, ApplicantRow], ReviewLitigation]:
    """Table 三 and table 四 summed cell by cell (a government's area figures)."""
    cells = {k: dict.fromkeys(_COLS, 0) for k in _ROWS}
    groups = ("review", "litigation_direct", "litigation_after_review")
    rcols = ("maintained", "corrected", "other", "pending", "total")
    rl = {g: dict.fromkeys(rcols, 0) for g in groups}
    for t in parts:
        for k, row in t.applications.items():
            acc = cells[k]
            for c in _VALUE_COLS:
                acc[c] += getattr(row, c) or 0
        for g in groups:
            a, b = rl[g], getattr(t.review_litigation, g)
            for c in rcols:
                a[c] += getattr(b, c) or 0
    return _rows_of(cells), ReviewLitigation(**{g: ReviewRow(**rl[g]) for g in groups})


def table_cells(t: Tables) -> dict[str, int]:
    """Every cell of tables 三 and 四 by its path ("tables.applications.granted.natural_person")."""
    return {p: t.cell(p.removeprefix("tables.")) for p in FORM_2021.cell_paths()
            if p.split(".")[1] in ("applications", "review_litigation")}


# ------------------------------------------------------------------ the region
@dataclass(frozen=True)
class Member:
    """An agency the registry expects: where, what kind, and how it prints its name."""
    key: str               # unique: the name the registry writes ("沙坡头区司法局", "中卫市人民政府")
    region: str            # full name of its region ("宁夏回族自治区中卫市沙坡头区")
    kind: str              # government / department / township
    covers: str | None     # government reports: "area" or "office"
    agency: Agency         # synthetic.py's view (self-reference, level)
    district: str | None   # the district it belongs to (None: city level)

    @property
    def printed(self) -> str:
        return self.agency.name


@dataclass
class AnswerKey:
    """What a correct regional audit finds in the region, and nothing else of these kinds.
    Agencies by `Member.key`; years are report years."""
    late: set[tuple[str, int]] = field(default_factory=set)
    late_by_region_rule: set[tuple[str, int]] = field(default_factory=set)   # late only by the city's 01-28
    missing: set[tuple[str, int]] = field(default_factory=set)
    copied_sibling: set[tuple[frozenset[str], int]] = field(default_factory=set)   # X005: the pair, the year
    copied_last_year: set[tuple[str, int]] = field(default_factory=set)            # X002
    rollup_wrong: dict[tuple[str, int], set[str]] = field(default_factory=dict)    # R001: cells that differ
    rollup_incomplete: dict[tuple[str, int], set[str]] = field(default_factory=dict)  # R002: missing members
    office_only: set[str] = field(default_factory=set)                             # no R001 for these
    no_applications: set[tuple[str, int]] = field(default_factory=set)             # rates without denominator
    deadlines: dict[tuple[str, int], date] = field(default_factory=dict)           # the deadline that applies

    @property
    def bad(self) -> set[tuple[str, int]]:
        """Agency-years a scorecard must deduct from: late, missing, copied."""
        pairs = {(k, y) for ks, y in self.copied_sibling for k in ks}
        return self.late | self.missing | self.copied_last_year | pairs


@dataclass
class Region:
    seed: int
    province: str
    city: str
    districts: list[str]
    members: list[Member]
    reports: dict[tuple[str, int], Report]          # (member key, year) → report; missing ones absent
    deadlines: dict[str, dict[str, str]]            # region full name → {kind: "MM-DD"} it sets
    key: AnswerKey
    years: tuple[int, int] = YEARS

    def member(self, key: str) -> Member:
        return next(m for m in self.members if m.key == key)

    def by_printed(self, name: str) -> Member | None:
        """The member whose reports print `name` (with or without the city in front)."""
        from ..agency import same_agency

        return next((m for m in self.members if same_agency(m.printed, name)), None)

    @property
    def city_region(self) -> str:
        return self.province + self.city


def _deadline(kind: str, year: int, rules: list[dict[str, str]]) -> date:
    md = STATUTORY[kind]
    for r in rules:                       # nearest region last: it wins
        md = r.get(kind, md)
    m, d = md.split("-")
    return date(year + 1, int(m), int(d))


def generate_region(seed: int = 0, *, years: tuple[int, int] = YEARS, districts: int | None = None,
                    departments: int = 3, city_departments: int = 4, townships: int = 2,
                    place: tuple[str, str, list[str]] | None = None, towns: list[str] | None = None) -> Region:
    """A city with 3–5 districts over two years, with every planted case of `AnswerKey`. `place`:
    (province, city, counties) instead of one of synthetic.REGIONS; `towns`: township names to use
    (at least districts × townships of them; default synthetic.TOWNS)."""
    rng = random.Random(f"region/{seed}")
    y0, y1 = years
    if place is None:
        choices = [(p, c, cs) for p, cities in S.REGIONS.items() for c, cs in cities if len(cs) >= 3]
        place = rng.choice(choices)
    province, city, counties = place
    n = districts or rng.randint(3, min(5, len(counties)))
    dists = rng.sample(counties, min(n, len(counties)))
    city_region = province + city
    towns = rng.sample(towns or S.TOWNS, len(dists) * townships)

    members: list[Member] = []

    def add(key: str, region: str, kind: str, ag: Agency, district: str | None, covers: str | None = None) -> None:
        members.append(Member(key, region, kind, covers, ag, district))

    add(f"{city}人民政府", city_region, "government",
        Agency(f"{city}人民政府", "city_gov", province, city, dists[0], "我市"), None, "area")
    for low, _, ref in rng.sample(S.DEPARTMENTS, min(city_departments, len(S.DEPARTMENTS))):
        add(f"{city}{low}", city_region, "department",
            Agency(f"{city}{low}", "city_dept", province, city, dists[0], ref), None)
    office_district = dists[-1]              # its government reports on its own office only
    for j, d in enumerate(dists):
        reg = city_region + d
        add(f"{d}人民政府", reg, "government", Agency(f"{d}人民政府", "county_gov", province, city, d, f"我{d[-1]}"),
            d, "office" if d == office_district else "area")
        for low, _, ref in rng.sample(S.DEPARTMENTS, min(departments, len(S.DEPARTMENTS))):
            printed = f"{d}{low}" if rng.random() < 0.7 else f"{city}{d}{low}"
            add(f"{d}{low}", reg, "department", Agency(printed, "county_dept", province, city, d, ref), d)
        for town in towns[j * townships:(j + 1) * townships]:
            suffix = "办事处" if town.endswith("街道") else "人民政府"
            add(f"{town}{suffix}", reg, "township",
                Agency(f"{d}{town}{suffix}", "town_gov", province, city, d, "我" + town[-1]), d)

    key = AnswerKey()
    key.office_only.add(f"{office_district}人民政府")
    deadlines = {city_region: dict(CITY_DEADLINES)}

    # ---- who plays which planted part (distinct agencies; districts chosen so cases do not overlap)
    area_dists = [d for d in dists if d != office_district]
    d_missing, d_rollup = area_dists[0], area_dists[1]
    d_copy = rng.choice(dists)
    city_depts = [m for m in members if m.district is None and m.kind == "department"]
    depts = {d: [m for m in members if m.district == d and m.kind == "department"] for d in dists}
    twns = {d: [m for m in members if m.district == d and m.kind == "township"] for d in dists}
    govs = {d: next(m for m in members if m.district == d and m.kind == "government") for d in dists}
    city_gov = members[0]

    missing = {(depts[d_missing][0].key, y1)}
    copy_pair = (depts[d_copy][1], depts[d_copy][2])          # the second copies the first, in y1
    copy_last = city_depts[0]                                   # y1 copies its own y0
    late = {(city_depts[1].key, y1): 2,                         # days after the deadline that applies:
            (govs[area_dists[-1]].key, y0): 9,                  # 01-30, late only by the city's 01-28;
            (twns[d_rollup][0].key, y1): 20}                    # 04-09 and 04-20, late by 条例第四十九条
    late_rule = {(city_depts[1].key, y1)}
    silent = twns[d_missing][-1] if len(twns[d_missing]) > 1 else depts[d_missing][-1]   # no applications
    wrong = {(govs[d_rollup].key, y1): "applications", (city_gov.key, y0): "review_litigation"}

    # ---- the figures: leaves first, then the governments' sums, y0 then y1
    reports: dict[tuple[str, int], Report] = {}
    prose: dict[tuple[str, int], Prose] = {}
    sizes: dict[str, int] = {}
    for m in members:
        hi = {"township": 40, "department": 300, "government": 120}[m.kind]
        sizes[m.key] = 0 if m.key == silent.key else rng.randint(12, hi)
    for k, _ in missing:              # small: its area's figures do not swing when it stops reporting
        sizes[k] = min(sizes[k], 30)

    def contributors(gov: Member, year: int) -> list[Member]:
        """The members whose stored reports an area report sums (see the module docstring)."""
        if gov.district is not None:
            return [m for m in members if m.district == gov.district and m is not gov]
        out = [m for m in city_depts]
        for d in dists:
            out += [govs[d]] if govs[d].covers == "area" else [govs[d], *depts[d], *twns[d]]
        return out

    for year in years:
        order = [m for m in members if not (m.kind == "government" and m.covers == "area")]
        order += [govs[d] for d in dists if govs[d].covers == "area"] + [city_gov]
        for m in order:
            if (m.key, year) in missing:
                continue
            arng = random.Random(f"{seed}/{m.key}/{year}")
            prev = reports.get((m.key, year - 1))
            last = year == years[-1] or (m.key, year + 1) in missing
            if m.kind == "government" and m.covers == "area":
                parts = [reports[(c.key, year)].tables for c in contributors(m, year) if (c.key, year) in reports]
                apps, rl = sum_tables(parts)
            else:
                carried = [getattr(prev.tables.applications["carried_forward"], c) for c in _VALUE_COLS] \
                    if prev else [0] * 6
                n = sizes[m.key] if prev is None or sizes[m.key] == 0 else \
                    max(10, round((prev.tables.applications["new_received"].total or 0) * arng.uniform(0.8, 1.25)))
                apps = _applications(arng, n, carried, last)
                rl = _review(arng, n > 100) if n else _zero_review()
            tables = Tables(active_disclosure=S._active(arng, m.agency, True, prev.tables.active_disclosure
                                                        if prev else None),
                            applications=apps, review_litigation=rl)
            if (m.key, year) in wrong:
                cells = _plant_rollup(arng, tables, wrong[(m.key, year)])
                key.rollup_wrong[(m.key, year)] = cells
            if (m.key, year) == (copy_last.key, y1):
                p = prose[(m.key, y0)].replace(str(y0 + 1), str(y1 + 1)).replace(str(y0), str(y1)).renumber(arng)
            elif (m.key, year) == (copy_pair[1].key, y1):
                src = copy_pair[0]
                p = prose[(src.key, y1)].replace(src.agency.name, m.agency.name) \
                    .replace(src.agency.self_ref, m.agency.self_ref).renumber(arng)
            else:
                p = _prose(arng, m.agency)
            prose[(m.key, year)] = p
            rules = [deadlines[r] for r in (city_region, m.region) if r in deadlines]
            due = _deadline(m.kind, year, rules)
            key.deadlines[(m.key, year)] = due
            if (m.key, year) in late:
                published = due + timedelta(days=late[(m.key, year)])
            else:
                first = date(year + 1, 1, 5)
                published = first + timedelta(days=arng.randint(0, (due - first).days - 3))
            title = f"{m.agency.name}{year}年政府信息公开工作年度报告"
            meta = Meta(agency=m.agency.name, title=title, year=year,
                        period=Period(start=date(year, 1, 1), end=date(year, 12, 31)), published=published,
                        contact=S._contact(arng, m.agency))
            reports[(m.key, year)] = Report(meta=meta, sections=_sections(arng, year, m.agency, tables, p),
                                            tables=tables)

    key.late = set(late)
    key.late_by_region_rule = late_rule
    key.missing = missing
    key.copied_sibling = {(frozenset({copy_pair[0].key, copy_pair[1].key}), y1)}
    key.copied_last_year = {(copy_last.key, y1)}
    key.no_applications = {(silent.key, y) for y in years}
    for year in years:
        for d in dists:
            g = govs[d]
            if g.covers == "area" and (g.key, year) in reports:
                gone = {c.key for c in contributors(g, year) if (c.key, year) not in reports}
                if gone:
                    key.rollup_incomplete[(g.key, year)] = gone
    return Region(seed, province, city, dists, members, reports, deadlines, key, years)


def _plant_rollup(rng: random.Random, tables: Tables, table: str) -> set[str]:
    """Move a few cases between two outcome rows of one column (table 三) or two columns of one row
    (table 四): the report's own arithmetic holds, its sums no longer match its sub-reports. The cells
    changed (model paths)."""
    before = table_cells(tables)
    if table == "applications":
        apps = tables.applications
        col = max(_VALUE_COLS, key=lambda c: getattr(apps["granted"], c))
        k = min(3, getattr(apps["granted"], col))
        for row, d in (("granted", -k), ("partially_granted", k)):
            setattr(apps[row], col, getattr(apps[row], col) + d)
            apps[row].total += d
    else:
        row = tables.review_litigation.review
        if not row.total:
            row.maintained, row.total = 2, 2 + (row.corrected or 0) + (row.other or 0) + (row.pending or 0)
        else:
            k = 1 if row.maintained else 0
            row.maintained -= k
            row.other += k if k else 0
            if not k:                          # nothing maintained to move: one more pending case
                row.pending += 1
                row.total += 1
    after = table_cells(tables)
    return {p for p in after if after[p] != before[p]}


# ------------------------------------------------------------------ files
REGISTRY_HEADER = ["省", "市", "县", "乡镇", "机关名称", "类型", "报告范围", "期限"]
_KIND_CN = {"government": "政府", "department": "部门", "township": "乡镇", "zone": "开发区"}
_COVERS_CN = {"area": "全域", "office": "本机关", None: ""}


def registry_rows(region: Region) -> list[list[str]]:
    """The registry as rows of REGISTRY_HEADER (oversight/registry.py layout 1: one column per level;
    a township's agency sits in its own 乡镇 region). Every expected agency, the missing ones too."""
    rows = []
    for m in region.members:
        town = m.key.removesuffix("人民政府").removesuffix("办事处") if m.kind == "township" else ""
        rows.append([region.province, region.city, m.district or "", town, m.key, _KIND_CN[m.kind],
                     _COVERS_CN[m.covers], ""])
    return rows


def registry_csv(region: Region) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(REGISTRY_HEADER)
    w.writerows(registry_rows(region))
    return buf.getvalue().encode("utf-8-sig")        # with a BOM, as Excel writes "CSV UTF-8"


def registry_xlsx(region: Region) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(REGISTRY_HEADER)
    for r in registry_rows(region):
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class Written:
    """What `write_region` wrote: the report files per year, the registry files, and which member
    each report file belongs to."""
    reports: dict[int, list[Path]]
    registry_csv: Path
    registry_xlsx: Path
    member_of: dict[Path, tuple[str, int]]


def write_region(region: Region, out: str | Path, layouts: tuple[str, ...] | None = None) -> Written:
    """Report files under out/<year>/ (text layouts of generate/text.py in turn, each with its
    default style: every one reads back to the same tables), registry.csv and registry.xlsx."""
    from .text import LAYOUTS, Style, render_bytes

    layouts = layouts or LAYOUTS
    out = Path(out)
    files: dict[int, list[Path]] = {y: [] for y in region.years}
    member_of: dict[Path, tuple[str, int]] = {}
    for i, ((k, year), report) in enumerate(sorted(region.reports.items())):
        layout = layouts[i % len(layouts)]
        d = out / str(year)
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{i:03d}_{report.meta.agency}{year}{'.md' if layout == 'markdown' else '.txt'}"
        path.write_bytes(render_bytes(report, layout, Style(), seed=i))
        files[year].append(path)
        member_of[path] = (k, year)
    csv_path, xlsx_path = out / "registry.csv", out / "registry.xlsx"
    csv_path.write_bytes(registry_csv(region))
    xlsx_path.write_bytes(registry_xlsx(region))
    return Written(files, csv_path, xlsx_path, member_of)


# ------------------------------------------------------------------ a province (the bench)
_NAME_CHARS = "安宁平兴华东西南北青山川泉林源阳明德丰泰昌隆永嘉宜定远富康庆乐清崇新云枫柳桂松竹梅岚溪峰"


def _invented(rng: random.Random, taken: set[str], suffixes: tuple[str, ...]) -> str:
    while True:
        name = rng.choice(_NAME_CHARS) + rng.choice(_NAME_CHARS) + rng.choice(suffixes)
        if name[0] != name[1] and name[:2] not in {t[:2] for t in taken}:
            taken.add(name)
            return name


def generate_province(seed: int = 0, cities: int = 40, *, province: str = "示范省", districts: int = 5,
                      departments: int = 12, city_departments: int = 15, townships: int = 6,
                      years: tuple[int, int] = YEARS) -> list[Region]:
    """`cities` generated regions under one province, with invented place names (unique across the
    province, so no two agencies share a name), each with its planted cases. The bench's store:
    about (1 + city_departments + districts × (1 + departments + townships)) reports per city-year."""
    rng = random.Random(f"province/{seed}")
    taken: set[str] = set()
    out = []
    for i in range(cities):
        city = _invented(rng, taken, ("市",))
        counties = [_invented(rng, taken, ("区", "县")) for _ in range(districts)]
        towns = [_invented(rng, taken, ("镇", "乡", "街道")) for _ in range(districts * townships)]
        out.append(generate_region(seed * 1000 + i, years=years, districts=districts, departments=departments,
                                   city_departments=city_departments, townships=townships,
                                   place=(province, city, counties), towns=towns))
    return out
