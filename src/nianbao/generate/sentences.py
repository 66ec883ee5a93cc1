"""A grammar of the sentences real reports use to state their figures, for property tests.

`compose(rng)` writes one paragraph of narrative (section 一, 三 or 四) and knows exactly which
facts it states: a list of (kind, value) in the kinds of `nianbao.extract.narrative`, plus the
parts of any enumeration. Numbers that merely sit in the paragraph — other work, other years,
other areas, comparisons, plans, ranges, durations, one dated case — are *distractors*: the
paragraph states no fact with them, and an extractor that reads one is wrong.

The grammar is data. Each phrasing family is a `Family` holding one-line templates; a new
phrasing is one more line. Families can be switched on one at a time (`compose(rng,
families={"app_forward"})`), so a property test can name the phrasing that fails.

Template language (one line, no nesting):

- ``{new}``, ``{fwd}``, ``{rev}`` … a figure that the sentence states (see `SLOTS`: the fact
  kind and the figure it takes its value from); rendered in the paragraph's numeral style
- ``{#x}``  a distractor number (no fact), ``{#p}`` a percentage, ``{m}``/``{d}`` a month/day
- ``{Y}``, ``{Y-1}``, ``{Y+1}`` the report year and its neighbours; ``{TS}`` a time and/or
  subject opening ("2023年，我局", "全年"); ``{S}`` a subject; ``{U}`` the unit of the block
- ``{rev+lit}`` one number stating two figures (equal by the template's ``when``)
- ``[a|b|]`` one of the alternatives (the empty one included)

`Composed.with_value(i, v)` re-renders the paragraph with the number at segment i changed, for
perturbation tests (the audit must then fire the rule that compares that fact);
`Composed.without_block(i)` drops one statement or distractor, to make a failing example small.

Example:
    >>> c = compose(random.Random(5), families={"app_received", "app_forward"})
    >>> c.text
    '本年度接到政府信息公开申请5件，结转下年度办理1件。'
    >>> c.facts
    [('applications.new_received', 5), ('applications.carried_forward', 1)]
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

# ------------------------------------------------------------------ figures
# slot → the fact kind it states; its value is the figure of that name (`Figures.values`). Parts
# of an enumeration ({part0}, {part1}…) have no kind of their own.
SLOTS: dict[str, str] = {
    "new": "applications.new_received",
    "over": "applications.carried_over",
    "recv": "applications.received_total",          # 新收 + 上年结转
    "granted": "applications.granted",
    "partial": "applications.partially_granted",
    "gp": "applications.granted_and_partial",       # 予以公开 + 部分公开
    "denied": "applications.denied",
    "unavail": "applications.unavailable",
    "notproc": "applications.not_processed",
    "other": "applications.other_processing",
    "done": "applications.completed",               # 办理结果总计
    "fwd": "applications.carried_forward",
    "rev": "review.total",
    "rev_m": "review.maintained",
    "rev_c": "review.corrected",
    "lit": "litigation.total",
    "lit_m": "litigation.maintained",
    "lit_c": "litigation.corrected",
    "enum": "enumeration",
    "ndi": "normative_documents.issued",            # table 二
    "ndr": "normative_documents.repealed",
    "regi": "regulations.issued",
    "regr": "regulations.repealed",
}
# every kind a composition may state (year mentions are not composed: distractor years are no facts)
COMPOSED_KINDS = frozenset(SLOTS.values()) | {"all_completed"}


@dataclass
class Figures:
    """Table 三 and 四 totals a paragraph states; consistent with each other like a real table."""
    new: int = 0
    over: int = 0
    granted: int = 0
    partial: int = 0
    denied: int = 0
    unavail: int = 0
    notproc: int = 0
    other: int = 0
    fwd: int = 0
    rev: int = 0
    rev_m: int = 0
    rev_c: int = 0
    lit: int = 0
    lit_m: int = 0
    lit_c: int = 0
    ndi: int = 0
    ndr: int = 0
    regi: int = 0
    regr: int = 0

    @property
    def done(self) -> int:
        return self.granted + self.partial + self.denied + self.unavail + self.notproc + self.other

    def values(self) -> dict[str, int]:
        v = {k: getattr(self, k) for k in self.__dataclass_fields__}
        v.update(recv=self.new + self.over, done=self.done, gp=self.granted + self.partial)
        return v

    @classmethod
    def draw(cls, rng: random.Random, *, app_zero: bool | None = None, review_zero: bool | None = None,
             forward_zero: bool | None = None) -> Figures:
        f = cls()
        app_zero = rng.random() < 0.2 if app_zero is None else app_zero
        if not app_zero:
            f.new = rng.choice([rng.randint(1, 9), rng.randint(10, 60), rng.randint(60, 999), rng.randint(1000, 4000)])
            f.over = 0 if rng.random() < 0.5 else rng.randint(1, max(1, f.new // 5))
            total = f.new + f.over
            fz = rng.random() < 0.5 if forward_zero is None else forward_zero
            f.fwd = 0 if fz else rng.randint(1, max(1, total // 4))
            f.fwd = min(f.fwd, total)
            done = total - f.fwd
            keys = ["granted", "partial", "denied", "unavail", "notproc", "other"]
            weights = [w if rng.random() < 0.8 else 0.0 for w in (6, 2, 1, 3, 1, 1)]
            for k, n in zip(keys, _split(rng, done, weights)):
                setattr(f, k, n)
        review_zero = rng.random() < 0.3 if review_zero is None else review_zero
        if not review_zero:
            f.rev, f.lit = rng.randint(0, 12), rng.randint(0, 6)
            if f.rev + f.lit == 0:
                f.rev = 1
            f.rev_m = rng.randint(0, f.rev)
            f.rev_c = rng.randint(0, f.rev - f.rev_m)
            f.lit_m = rng.randint(0, f.lit)
            f.lit_c = rng.randint(0, f.lit - f.lit_m)
        if rng.random() < 0.7:
            f.ndi, f.ndr = rng.randint(0, 30), rng.choice([0, 0, rng.randint(1, 10)])
        if rng.random() < 0.3:
            f.regi, f.regr = rng.randint(1, 8), rng.randint(0, 4)
        return f

    @classmethod
    def from_tables(cls, tables: Any) -> Figures:
        """The figures of a `Tables` (table 三's 总计 column by outcome group, table 四's groups)."""
        apps = tables.applications

        def group(prefix: str) -> int:
            return sum(r.total or 0 for k, r in apps.items() if k == prefix or k.startswith(prefix + "."))

        rl = tables.review_litigation
        lits = (rl.litigation_direct, rl.litigation_after_review)
        ad = tables.active_disclosure
        return cls(new=group("new_received"), over=group("carried_over"), granted=group("granted"),
                   partial=group("partially_granted"), denied=group("denied"), unavail=group("unavailable"),
                   notproc=group("not_processed"), other=group("other"), fwd=group("carried_forward"),
                   rev=rl.review.total or 0, rev_m=rl.review.maintained or 0, rev_c=rl.review.corrected or 0,
                   lit=sum(r.total or 0 for r in lits), lit_m=sum(r.maintained or 0 for r in lits),
                   lit_c=sum(r.corrected or 0 for r in lits),
                   ndi=ad.normative_documents.issued or 0, ndr=ad.normative_documents.repealed or 0,
                   regi=ad.regulations.issued or 0, regr=ad.regulations.repealed or 0)


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """`total` split into len(weights) non-negative ints (exact sum), roughly by weight."""
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    jittered = [w * rng.uniform(0.5, 1.5) for w in weights]
    s = sum(jittered)
    out = [int(total * w / s) for w in jittered]
    for _ in range(total - sum(out)):
        out[rng.choices(range(len(weights)), weights=jittered)[0]] += 1
    return out


# ------------------------------------------------------------------ numerals
_CN = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """12 → 十二, 105 → 一百零五, 2024 → 二千零二十四 (the reading reports print)."""
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + _CN[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


NUMERAL_STYLES = ("arabic", "spaced", "chinese", "fullwidth")


def render_number(n: int, style: str, liang: bool = False) -> str:
    if style == "spaced":
        return f" {n} "
    if style == "fullwidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if style == "chinese" and 0 < n < 10000:
        return "两" if n == 2 and liang else cn_numeral(n)
    return str(n)


# ------------------------------------------------------------------ the grammar as data
@dataclass(frozen=True)
class T:
    """One phrasing: a template line, when it applies (to the figures), what it states without a
    number (``states``: (kind, value) pairs, e.g. a negation stating 0)."""
    text: str
    when: Callable[[Mapping[str, int]], bool] | None = None
    states: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True)
class Family:
    """A phrasing family: its role in the paragraph and its templates.

    role: "head" (opens the applications block), "tail" (a clause after the head), "standalone"
    (an applications block without head), "review", "enum", "distractor", "modifier" (changes how
    the others are written: numerals, units, subjects, outcome words). `needs`: the families
    that must be on for this one to appear (a tail needs a head)."""
    name: str
    role: str
    templates: tuple[T, ...] = ()
    needs: frozenset[str] = frozenset()
    doc: str = ""


# a clause after the head needs a head, any: the plain one unless another is on
ANY_HEAD = frozenset({"@head"})


def _t(*lines: str, when=None, states=()) -> tuple[T, ...]:
    return tuple(T(line, when, tuple(states)) for line in lines)


def _v(key: str, op: str = ">", x: int = 0):
    return {">": lambda v: v[key] > x, "==": lambda v: v[key] == x}[op]


ZERO_APPS = lambda v: v["new"] == 0 and v["over"] == 0          # noqa: E731
SOME_APPS = lambda v: v["new"] + v["over"] > 0                  # noqa: E731
NO_REVIEW = lambda v: v["rev"] == 0 and v["lit"] == 0           # noqa: E731

# time and subject openings; subjects are the agency itself
SUBJECTS = ["我局", "本机关", "本单位", "我办", "区政府", "我委", "本局", "县政府", "我厅", "市政府办公室"]
AREA_SUBJECTS = ["全县", "全区", "全市"]
TIME_SUBJECT = ["{Y}年，{S}", "{S}{Y}年", "{Y}年度，{S}", "全年{S}", "{S}全年", "本年度{S}", "{S}", "{Y}年",
                "本年度", "全年"]
APP_UNITS = ["件"]
ALT_APP_UNITS = ["份", "宗"]

OUTCOME_WORDS: list[tuple[str, list[str]]] = [
    ("granted", ["予以公开"]), ("partial", ["部分公开"]), ("denied", ["不予公开"]),
    ("unavail", ["无法提供"]), ("notproc", ["不予处理"]), ("other", ["其他处理"]),
]
ALT_OUTCOME_WORDS: dict[str, list[str]] = {
    "granted": ["同意公开", "全部公开"], "unavail": ["因本机关不掌握等原因无法提供"],
    "partial": ["部分予以公开"],
}
COMBINED_WORDS = ["予以公开及部分公开", "予以公开和部分公开"]
ALT_COMBINED_WORDS = ["全部或部分公开", "全部公开和部分公开"]

# the openings of an outcome list after the head: in the same sentence, or a new sentence
OUTCOME_SAME = ["，其中", "，其中：", "，其中，"]
OUTCOME_NEW = ["。其中，", "。其中"]
OUTCOME_PARAGRAPH = ["。\n其中，", "。\n其中", "。\n办理结果中，"]
OUTCOME_NEW_LEAD = ["。办理结果中，", "。从办理结果看，", "。在已办结的申请中，", "。办理结果为："]
APP_HEADINGS = ["（二）依申请公开情况", "二、依申请公开情况", "（二）依申请公开"]
# the parts of 新收 by applicant or by channel, in the clause after the head
APPLICANT_PARTS = [["自然人申请", "法人或其他组织申请"], ["自然人提出", "法人提出", "其他组织提出"],
                   ["通过网络提交", "通过信函提交", "当面提交"], ["网上申请", "信函申请"],
                   ["涉及征地拆迁类", "社会保障类", "其他"], ["公民申请", "法人或其他组织申请"]]
STANDALONE_LEADS = ["{TS}依申请公开办理结果为：", "从办理结果看，", "在办理结果中，", "{Y}年度政府信息公开申请办理结果：",
                    "{TS}办理的政府信息公开申请中，"]

ENUM_CATEGORIES = ["部门动态", "通知公告", "政策解读", "人事信息", "财政预决算", "规划计划", "行政许可结果", "行政处罚结果",
                   "政府采购", "建议提案办理", "工作动态", "重点领域信息", "公示公告", "权责清单", "民生实事", "会议信息"]
ENUM_DUN_CATEGORIES = ["人事、财政信息", "规划、计划类信息", "招标、采购信息", "许可、处罚结果", "教育、医疗信息"]
ENUM_LEADS = ["{TS}主动公开政府信息{enum}{EU}", "全年通过政府门户网站主动公开各类信息{enum}{EU}",
              "{TS}共主动公开政府信息{enum}{EU}", "{TS}在政府网站发布各类政府信息{enum}{EU}"]

FAMILIES: dict[str, Family] = {f.name: f for f in [
    # -------------------------------------------------- applications: the head clause
    Family("app_received", "head", _t(
        "{TS}共收到政府信息公开申请{new}{U}",
        "{TS}接到政府信息公开申请{new}{U}",
        "{TS}新收政府信息公开申请{new}{U}",
        "{TS}收到政府信息公开申请{new}{U}，上年结转{over}{U}",
        "{TS}新收政府信息公开申请{new}{U}，上年结转政府信息公开申请{over}{U}",
        when=SOME_APPS), doc="收到/接到/新收…申请 N 件"),
    Family("app_received_applicants", "head", _t(
        "{TS}共收到公民、法人和其他组织提出的政府信息公开申请{new}{U}",
        "{TS}收到自然人、法人或其他组织的政府信息公开申请{new}{U}",
        when=SOME_APPS), doc="the applicants named as all of them: 收到公民、法人和其他组织提出的申请 N 件"),
    Family("app_received_zero_count", "head", _t(
        "{TS}共收到政府信息公开申请{new}{U}",
        "{TS}新收政府信息公开申请{new}{U}，上年结转{over}{U}",
        when=ZERO_APPS), doc="a zero written as a count: 收到…申请0件"),
    Family("app_received_total", "head", _t(
        "{TS}共受理政府信息公开申请{recv}{U}",
        "{TS}受理政府信息公开申请{recv}{U}，其中本年新收{new}{U}、上年结转{over}{U}",
        "{TS}新收政府信息公开申请{new}{U}，上年结转{over}{U}，共计受理{recv}{U}",
        "{TS}共办理政府信息公开申请{recv}{U}",
        when=SOME_APPS) + _t(
        "{TS}共收到政府信息公开申请{recv}{U}（含上年结转{over}{U}）",
        when=_v("over")), doc="受理/办理 N 件 = 新收 + 上年结转"),
    Family("app_zero", "head", _t(
        "{TS}未收到政府信息公开申请",
        "{TS}没有接到公民、法人或其他组织提出的政府信息公开申请",
        "{TS}未收到公民、法人和其他组织的政府信息公开申请",
        when=ZERO_APPS, states=[("applications.new_received", 0)]), doc="未收到…申请 → 新收 0"),
    Family("app_zero_negation", "head", _t(
        "{TS}无依申请公开情况发生",
        "{TS}未发生政府信息公开申请事项",
        when=ZERO_APPS, states=[("applications.new_received", 0)]) + _t(
        "{TS}未收到政府信息公开申请，无上年结转申请",
        when=ZERO_APPS, states=[("applications.new_received", 0), ("applications.carried_over", 0)]),
        doc="a zero as a negation: 无依申请公开情况发生, 无上年结转申请"),
    Family("app_order", "head", _t(
        "{TS}上年结转政府信息公开申请{over}{U}，本年新收{new}{U}",
        "{TS}政府信息公开申请新收{new}{U}、上年结转{over}{U}",
        "政府信息公开申请方面，{TS}共收到{new}{U}",
        when=SOME_APPS), doc="other clause orders: 上年结转 before 新收, the noun before the verb"),
    Family("app_period", "head", _t(
        "截至{Y}年12月31日，{S}共收到政府信息公开申请{new}{U}",
        "{Y}年1月1日至12月31日，{S}共受理政府信息公开申请{recv}{U}",
        "1-12月，{S}新收政府信息公开申请{new}{U}",
        when=SOME_APPS), doc="the period before the count (截至12月31日, 1-12月): no dated case"),
    Family("app_yishenqing", "head", _t(
        "{TS}共受理依申请公开{recv}{U}", "{TS}办理依申请公开事项{recv}{U}",
        when=SOME_APPS), doc="依申请公开 as the noun: 受理依申请公开 N 件"),
    Family("app_count_wording", "head", _t(
        "{TS}收到政府信息公开申请共计{new}{U}", "{TS}新收政府信息公开申请数量为{new}{U}",
        when=SOME_APPS) + _t(
        "{TS}收到政府信息公开申请{new}{U}（不含上年结转{over}{U}）",
        when=_v("over")), doc="申请共计 N 件, 数量为 N 件, （不含上年结转 M 件）"),
    Family("app_year_carried", "head", _t(
        "{TS}共收到政府信息公开申请{recv}{U}，其中{Y-1}年结转{over}{U}，本年新收{new}{U}",
        "{TS}共收到政府信息公开申请{new}{U}，加上{Y-1}年结转的{over}{U}，共办理{recv}{U}",
        "{TS}共收到政府信息公开申请{new}{U}，上年结转{over}{U}，共需办理{recv}{U}",
        when=_v("over")), doc="the carried-over ones named by last year's number (2022年结转), 共需办理"),
    Family("app_respectively", "head", _t(
        "{TS}本年新收、上年结转政府信息公开申请分别为{new}{U}、{over}{U}",
        when=SOME_APPS), doc="分别为 pairs a list of labels with a list of counts"),
    # -------------------------------------------------- applications: clauses after the head
    Family("app_outcomes", "tail", needs=ANY_HEAD,
           doc="其中 + outcome list in the head's sentence"),
    Family("app_outcomes_sentence", "tail", needs=ANY_HEAD,
           doc="the outcome list starts a new sentence with 其中"),
    Family("app_outcomes_sentence_lead", "tail", needs=ANY_HEAD,
           doc="the outcome list starts a new sentence without 其中 (。办理结果中，/。从办理结果看，)"),
    Family("app_outcomes_paragraph", "tail", needs=ANY_HEAD,
           doc="the outcome list starts a new paragraph (。\\n其中，)"),
    Family("app_outcomes_respectively", "tail", needs=ANY_HEAD,
           doc="予以公开、部分公开…分别为 a件、b件…"),
    Family("app_combined", "modifier", needs=ANY_HEAD | {"app_outcomes"},
           doc="予以公开及部分公开 N 件: one count for two cells"),
    Family("app_combined_words", "modifier", needs=frozenset({"app_combined"}),
           doc="other words for the two together: 全部或部分公开 N 件"),
    Family("app_outcome_words", "modifier", needs=ANY_HEAD | {"app_outcomes"},
           doc="other words for outcomes: 同意公开, 全部公开, 部分予以公开, 因…无法提供"),
    Family("app_completed", "tail", _t(
        "，已办结{done}{U}", "，已答复{done}{U}", "，办结{done}{U}", "，按时办结{done}{U}",
        "。全年共办结政府信息公开申请{done}{U}"), needs=ANY_HEAD, doc="已办结/已答复 N 件"),
    Family("app_replied", "tail", _t(
        "，共答复{done}{U}", "，答复{done}{U}", "，答复办结{done}{U}"), needs=ANY_HEAD,
        doc="答复 N 件 without 已"),
    Family("app_sum_clause", "tail", _t(
        "，合计{recv}{U}", "，共计{recv}{U}", "，总计{recv}{U}",
        when=lambda v: v["over"] > 0), needs=ANY_HEAD,
        doc="合计/共计 N 件 after 新收 and 上年结转 (only after a head stating both)"),
    Family("app_parts", "tail", needs=ANY_HEAD,
           doc="其中 parts by applicant or channel right after the head (no facts: "
               "其中自然人申请a件、法人或其他组织申请b件)"),
    Family("app_in_progress", "tail", _t(
        "，{fwd}{U}正在办理中", "，尚有{fwd}{U}正在办理", "，另有{fwd}{U}仍在办理中",
        when=_v("fwd")), needs=ANY_HEAD, doc="N 件正在办理中 = 结转下年度"),
    Family("app_forward", "tail", _t(
        "，结转下年度继续办理{fwd}{U}", "，结转下年度办理{fwd}{U}", "，结转下一年度继续办理{fwd}{U}",
        "，转入下年度继续办理{fwd}{U}"), needs=ANY_HEAD, doc="结转下年度(继续)办理 N 件, 0 too"),
    Family("app_all_completed", "tail", _t(
        "，均已按期答复", "，全部办结", "，均已在法定期限内办结", "。所有申请均已按时办结", "，已全部答复完毕",
        when=_v("fwd", "=="), states=[("all_completed", None)]), needs=ANY_HEAD,
        doc="均已按期答复 / 全部办结 (only when nothing is carried forward)"),
    Family("app_outcomes_standalone", "standalone", doc="outcome counts that follow no 收到…申请 clause"),
    # -------------------------------------------------- modifiers of the applications block
    Family("app_units", "modifier", needs=ANY_HEAD | {"app_outcomes"},
           doc="applications counted in 份 or 宗"),
    Family("subj_area", "modifier", needs=ANY_HEAD,
           doc="the area as subject of the agency's own figures (全县共收到…)"),
    # -------------------------------------------------- review and litigation (table 四)
    Family("review_counts", "review", _t(
        "{TS}因政府信息公开引起行政复议{rev}件、行政诉讼{lit}件",
        "{TS}因政府信息公开申请引起的行政复议{rev}件，行政诉讼{lit}件",
        "{TS}因政府信息公开工作被申请行政复议{rev}件、被提起行政诉讼{lit}件",
        "{TS}发生政府信息公开行政复议案件{rev}件，行政诉讼案件{lit}件"), doc="因政府信息公开引起行政复议N件、行政诉讼M件"),
    Family("review_passive", "review", _t(
        "{TS}被申请行政复议{rev}件，被提起行政诉讼{lit}件"), doc="被申请行政复议N件 (section 一 or 四)"),
    Family("review_zero", "review", _t(
        "{TS}未发生因政府信息公开引起的行政复议、行政诉讼案件",
        "{TS}没有因政府信息公开申请引起的行政复议、行政诉讼",
        "{TS}未发生因政府信息公开被申请行政复议和被提起行政诉讼的情况",
        when=NO_REVIEW, states=[("review.total", 0), ("litigation.total", 0)]),
        doc="没有/未发生因政府信息公开引起的行政复议、行政诉讼 → both 0"),
    Family("review_zero_negation", "review", _t(
        "{TS}无因政府信息公开被申请行政复议、提起行政诉讼的情况发生",
        "因政府信息公开引起的行政复议、行政诉讼均为0件",
        "{TS}未收到因政府信息公开引起的行政复议和行政诉讼",
        when=NO_REVIEW, states=[("review.total", 0), ("litigation.total", 0)]),
        doc="zero as 无…情况发生, 均为0件, 未收到…复议"),
    Family("review_respectively", "review", _t(
        "{TS}因政府信息公开引起的行政复议、行政诉讼分别为{rev}件、{lit}件") + _t(
        "{TS}因政府信息公开被申请行政复议、被提起行政诉讼各{rev+lit}件",
        when=lambda v: v["rev"] == v["lit"]), doc="分别为 and 各 for 复议 and 诉讼 together"),
    Family("review_wording", "review", _t(
        "行政复议方面：{TS}因政府信息公开被申请行政复议{rev}件。行政诉讼方面：被提起行政诉讼{lit}件",
        "{TS}本机关被申请行政复议的政府信息公开案件{rev}件，被提起的政府信息公开行政诉讼共计{lit}件",
        "{TS}针对本机关政府信息公开的行政复议{rev}件、行政诉讼{lit}件",
        "{TS}因政府信息公开申请引发行政复议{rev}起，行政诉讼{lit}起",
        "{TS}因政府信息公开引起的行政复议和行政诉讼分别为{rev}件和{lit}件"),
        doc="more wordings: 方面, the noun first, 起, 分别为…和…"),
    Family("review_zero_wording", "review", _t(
        "{TS}本机关政府信息公开工作未被申请行政复议，未被提起行政诉讼",
        "{TS}无政府信息公开行政复议、行政诉讼情况",
        "{TS}未发生政府信息公开方面的行政复议和行政诉讼",
        "{TS}不存在因政府信息公开引发的行政复议、行政诉讼",
        when=NO_REVIEW, states=[("review.total", 0), ("litigation.total", 0)]),
        doc="more zero wordings: 未被申请…未被提起, 无…情况, 不存在"),
    Family("review_no_correction", "review", _t(
        "{TS}未发生因政府信息公开被行政复议纠错或行政诉讼败诉的情况",
        when=lambda v: v["rev_c"] == 0 and v["lit_c"] == 0,
        states=[("review.corrected", 0), ("litigation.corrected", 0)]),
        doc="no review corrected, no lawsuit lost: 未发生…被纠错或…败诉的情况"),
    Family("review_results", "review", _t(
        "{TS}因政府信息公开被申请行政复议{rev}件，其中结果维持{rev_m}件、结果纠正{rev_c}件",
        "{TS}因政府信息公开申请引起行政复议{rev}件，复议结果维持{rev_m}件，纠正{rev_c}件",
        when=_v("rev")) + _t(
        "{TS}因政府信息公开被提起行政诉讼{lit}件，其中判决维持{lit_m}件、结果纠正{lit_c}件",
        when=_v("lit")), doc="table 四's results in text (维持/纠正)"),
    # -------------------------------------------------- 规章 / 行政规范性文件 (table 二)
    Family("doc_counts", "docs", _t(
        "{TS}制发行政规范性文件{ndi}件，废止{ndr}件", "{TS}印发规范性文件{ndi}件",
        "{TS}出台行政规范性文件{ndi}件", "{TS}废止行政规范性文件{ndr}件") + _t(
        "{TS}未制发行政规范性文件", when=_v("ndi", "=="), states=[("normative_documents.issued", 0)]) + _t(
        "{TS}制定政府规章{regi}件，废止规章{regr}件", when=_v("regi")),
        doc="制发/印发/出台/废止 N 件规范性文件, 制定规章 N 件, 未制发 (0)"),
    # -------------------------------------------------- enumerations (主动公开 …，其中 …)
    Family("enum_basic", "enum", doc="…N条，其中A a条、B b条 (one separator)"),
    Family("enum_sentence", "enum", doc="the 其中 list starts a new sentence"),
    Family("enum_bracket", "enum", doc="…N条（其中：A a条，B b条）"),
    Family("enum_mixed_sep", "enum", doc="a 其中 list mixing ，and 、"),
    Family("enum_item_dun", "enum", doc="a 其中 list whose items contain 、 (人事、财政信息5条)"),
    Family("enum_respectively", "enum", doc="其中A、B、C分别为a条、b条、c条"),
    Family("enum_open", "enum", doc="a 其中 list ending with 等: it names only some of the items"),
    Family("enum_aside", "enum", doc="a list followed by what is not in the total (；另有图解5条)"),
    # -------------------------------------------------- numerals
    Family("para_blocks", "modifier", doc="each statement its own paragraph, the applications under a "
                                          "sub-heading line (（二）依申请公开情况)"),
    Family("num_chinese", "modifier", doc="Chinese numerals: 十二, 一百零五, 两"),
    Family("num_fullwidth", "modifier", doc="full-width digits: １２件"),
    Family("num_spaced", "modifier", doc="spaced digits: 12 件"),
    # -------------------------------------------------- distractors: numbers that state no fact
    Family("d_other_work", "distractor", _t(
        "{TS}召开政务公开工作会议{#x}次。", "{TS}组织开展政务公开业务培训{#x}次，参训人员{#y}人次。",
        "{TS}在门户网站发布工作动态{#y}条。", "{TS}办理人大代表建议{#x}件、政协委员提案{#x}件，均已按期办结。",
        "{TS}回复网民留言{#y}件。", "{TS}制作政策解读{#x}篇。",
        "{TS}通过门户网站发布信息{#y}条，回复网民留言{#x}件，办理政务服务事项{#y}件。",
        "一是召开专题会议{#x}次，二是开展业务培训{#x}次，三是编印宣传资料{#y}份。",
        "{TS}政务公开工作考核位列全市第{#x}名。", "{TS}受理信访事项{#x}件，办结率100%。",
        "{TS}共接到群众咨询电话{#y}个，均已答复。"), doc="other work"),
    Family("d_other_year", "distractor", _t(
        "{Y-1}年，{S}共收到政府信息公开申请{#y}件。", "{Y-2}年度因政府信息公开引起行政复议{#x}件。",
        "{Y-1}年{S}受理政府信息公开申请{#y}件，予以公开{#x}件。"), doc="another year's figures"),
    Family("d_other_area", "distractor", _t(
        "全区各部门共收到政府信息公开申请{#y}件。", "全市各级行政机关共受理政府信息公开申请{#y}件。",
        "{S}指导各乡镇办理政府信息公开申请{#y}件。", "全县各单位因政府信息公开引起行政复议{#x}件。"),
        doc="a whole area's figures, not the agency's"),
    Family("d_comparison", "distractor", _t(
        "与上年相比，申请数量减少{#x}件。", "申请数量较上年增加{#x}件，同比增长{#p}%。"), doc="comparisons"),
    Family("d_comparison_clause", "distractor", _t(
        "，较上年减少{#x}件", "，同比增长{#p}%", "，比上年增加{#x}件"), needs=ANY_HEAD,
        doc="a comparison clause right after the head's count"),
    Family("d_plan", "distractor", _t(
        "{Y+1}年，{S}计划组织政务公开培训{#x}次。", "下一步，{S}将力争办结率达到100%。",
        "{Y+1}年计划编制主动公开目录{#x}项。"), doc="plans"),
    Family("d_range", "distractor", _t(
        "单日最多接到政府信息公开申请3至5件。", "近{#y}件申请涉及房屋征收补偿信息。", "约{#x}件申请通过政府网站提交。",
        "每月收到的政府信息公开申请为3-5件。"), doc="ranges and approximations"),
    Family("d_duration", "distractor", _t(
        "政府信息公开申请平均答复时间为{#x}个工作日。", "政府信息公开申请的法定答复期限为{#d}个工作日。",
        "答复期限由20个工作日压缩至{#x}个工作日。"), doc="durations"),
    Family("d_dated_case", "distractor", _t(
        "{m}月{d}日，{S}收到张某提交的政府信息公开申请1件。",
        "{m}月{d}日，申请人对{S}的答复不服，提起行政诉讼1件。"), doc="one dated case told"),
    Family("d_vague_total", "distractor", _t(
        "{TS}共收到政府信息公开申请{#x}余件。", "{TS}收到政府信息公开申请{#x}多件。",
        "{TS}受理政府信息公开申请约{#x}件。", "{TS}受理政府信息公开申请{#x}件左右。",
        "{TS}收到政府信息公开申请近{#x}件。"), doc="a vague total (余, 多, 约, 左右, 近) states no count"),
    Family("d_review_organ", "distractor", _t(
        "{S}作为行政复议机关，全年共受理行政复议申请{#y}件，其中涉及政府信息公开类案件{#x}件。",
        "全年被申请行政复议{#x}件、被提起行政诉讼{#x}件，均与政府信息公开无关。",
        "{TS}共被申请行政复议{#x}件，其中政府信息公开类{#x}件。",
        "{TS}作为第三人参加行政诉讼{#x}件。"),
        doc="cases the agency decides as reviewer, cases about other work, all cases of which some"),
    Family("d_not_accepted", "distractor", _t(
        "{TS}不予受理政府信息公开申请{#x}件。"), doc="不予受理 is not 受理"),
]}

HEADS = [n for n, f in FAMILIES.items() if f.role == "head"]
REVIEWS = [n for n, f in FAMILIES.items() if f.role == "review"]
ENUMS = [n for n, f in FAMILIES.items() if f.role == "enum"]
DOCS = [n for n, f in FAMILIES.items() if f.role == "docs"]
STATEMENTS = [n for n, f in FAMILIES.items() if f.role in ("head", "tail", "standalone", "review", "enum", "docs")]
DISTRACTORS = [n for n, f in FAMILIES.items() if f.role == "distractor"]
ALL = frozenset(FAMILIES)


def closure(families: Iterable[str]) -> frozenset[str]:
    """The families with everything they need switched on too (a clause after the head: a head,
    the plain one when no other is on)."""
    out = set(families)
    todo = list(out)
    while todo:
        name = todo.pop()
        if name not in FAMILIES:
            raise ValueError(f"unknown phrasing family {name!r}")
        for n in FAMILIES[name].needs - out:
            if n == "@head":
                if any(FAMILIES[h].role == "head" for h in out):
                    continue
                n = "app_received"
            out.add(n)
            todo.append(n)
    return frozenset(out)


# ------------------------------------------------------------------ rendering
@dataclass(frozen=True)
class Slot:
    name: str             # a SLOTS key, "part" (an enumeration part) or "#"/"#y" (a distractor number)
    value: int
    liang: bool = False   # may print 2 as 两
    group: int = -1       # the enumeration a total or part belongs to
    also: tuple[str, ...] = ()   # other slots the same number states ("复议、诉讼各3件": {rev+lit})


@dataclass(frozen=True)
class Stated:
    """A fact stated without a number (a negation stating 0, 均已办结); prints nothing."""
    kind: str
    value: int | None


Segment = str | Slot | Stated


@dataclass(frozen=True)
class Composed:
    """A paragraph and what it states, as blocks (one statement or one distractor sentence each) of
    segments. `facts` are (kind, value) in reading order; `enum_parts` the parts of each
    enumeration stated; `section` where it belongs (1, 3 or 4)."""
    blocks: tuple[tuple[Segment, ...], ...]
    style: str
    section: int
    year: int
    families: frozenset[str]                  # switched on
    block_used: tuple[frozenset[str], ...] = ()   # per block: the families whose phrasings it holds
    figures: Figures = field(default_factory=Figures)

    @property
    def used(self) -> frozenset[str]:
        """The families whose phrasings the paragraph holds."""
        return frozenset().union(*self.block_used)

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(seg for block in self.blocks for seg in block)

    @property
    def text(self) -> str:
        return "".join(self._show(s) for s in self.segments)

    def _show(self, s: Segment) -> str:
        if isinstance(s, str):
            return s
        if isinstance(s, Stated):
            return ""
        # large and percentage distractors print in digits even in a Chinese-numeral paragraph
        return render_number(s.value, _plain(self.style) if s.name == "#y" else self.style, s.liang)

    @property
    def slots(self) -> list[tuple[int, Slot]]:
        return [(i, s) for i, s in enumerate(self.segments) if isinstance(s, Slot)]

    @property
    def facts(self) -> list[tuple[str, int | None]]:
        out: list[tuple[str, int | None]] = []
        for s in self.segments:
            if isinstance(s, Slot) and s.name in SLOTS:
                out.extend((SLOTS[n], s.value) for n in (s.name, *s.also))
            elif isinstance(s, Stated):
                out.append((s.kind, s.value))
        return out

    @property
    def enum_parts(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for _, s in self.slots:
            if s.name == "enum":
                groups.setdefault(s.group, [])
            elif s.name == "part":
                groups.setdefault(s.group, []).append(s.value)
        return list(groups.values())

    def fact_slots(self) -> list[tuple[int, str]]:
        """(segment index, slot name) of every number that states a fact or an enumeration part."""
        return [(i, s.name) for i, s in self.slots if s.name in SLOTS or s.name == "part"]

    def with_value(self, index: int, value: int) -> Composed:
        """The same paragraph with the number at segment `index` (of `segments`) changed."""
        for b, block in enumerate(self.blocks):
            if index < len(block):
                seg = block[index]
                if not isinstance(seg, Slot):
                    raise ValueError(f"segment {index} is no number")
                new = block[:index] + (replace(seg, value=value),) + block[index + 1:]
                return replace(self, blocks=self.blocks[:b] + (new,) + self.blocks[b + 1:])
            index -= len(block)
        raise IndexError(index)

    def without_block(self, i: int) -> Composed:
        """The paragraph without its i-th statement or distractor (to make a failing example small)."""
        return replace(self, blocks=self.blocks[:i] + self.blocks[i + 1:],
                       block_used=self.block_used[:i] + self.block_used[i + 1:])


def _plain(style: str) -> str:
    return "arabic" if style == "chinese" else style


_TOKEN = re.compile(r"\{[^}]*\}|[^{]+")
_ALT = re.compile(r"\[([^\]]*)\]")


class _Writer:
    """Turns template lines into segments, drawing the vocabulary; one block per statement."""

    def __init__(self, rng: random.Random, values: dict[str, int], year: int, families: frozenset[str]):
        self.rng, self.values, self.year, self.families = rng, values, year, families
        self.blocks: list[list[Segment]] = []
        self.unit = "件"
        self.enum_unit = "条"
        self.group = -1
        self.area_subject = False   # on while writing the applications head, when subj_area is on
        self.block_used: list[set[str]] = []   # the families whose phrasings each block holds
        self.global_used: set[str] = set()       # … and those every block is written in (numerals)

    def begin(self) -> None:
        if not self.blocks or self.blocks[-1]:
            self.blocks.append([])
            self.block_used.append(set())

    @property
    def used(self) -> set[str]:
        if not self.blocks:
            self.begin()
        return self.block_used[-1]

    @property
    def segments(self) -> list[Segment]:
        if not self.blocks:
            self.begin()
        return self.blocks[-1]

    def subject(self) -> str:
        subject = self.rng.choice(AREA_SUBJECTS if self.area_subject and self.rng.random() < 0.5 else SUBJECTS)
        if subject in AREA_SUBJECTS:
            self.used.add("subj_area")
        return subject

    def write(self, line: str, **local: int) -> None:
        line = _ALT.sub(lambda m: self.rng.choice(m.group(1).split("|")), line)
        line = line.replace("{TS}", self.rng.choice(TIME_SUBJECT))
        for tok in _TOKEN.findall(line):
            if not tok.startswith("{"):
                self._lit(tok)
                continue
            name = tok[1:-1]
            if name == "S":
                self._lit(self.subject())
            elif name == "U":
                self._lit(self.unit)
            elif name == "EU":
                self._lit(self.enum_unit)
            elif name in ("Y", "Y-1", "Y-2", "Y+1"):
                self._lit(str(self.year + int(name[1:] or 0)))
            elif name in ("m", "d"):
                self._lit(str(self.rng.randint(1, 12 if name == "m" else 28)))
            elif name.startswith("#") and name[1:] in local:   # a number given, stating no fact
                self.segments.append(Slot("#", local[name[1:]]))
            elif name.startswith("#"):
                hi = {"#x": 30, "#y": 400, "#p": 60, "#d": 15}[name]
                self.segments.append(Slot("#y" if name in ("#y", "#p") else "#", self.rng.randint(2, hi)))
            elif name.split("+")[0] in local or name.split("+")[0] in self.values:
                name, *also = name.split("+")
                value = local[name] if name in local else self.values[name]
                kind = "part" if re.fullmatch(r"part\d+", name) else name
                self.segments.append(Slot(kind, value, liang=self.rng.random() < 0.5,
                                          group=self.group if kind in ("part", "enum") else -1, also=tuple(also)))
            else:
                raise ValueError(f"unknown slot {tok} in template {line!r}")

    def _lit(self, s: str) -> None:
        if self.segments and isinstance(self.segments[-1], str):
            self.segments[-1] += s
        else:
            self.segments.append(s)

    def template(self, t: T, family: str | None = None) -> None:
        if family:
            self.used.add(family)
        self.segments.extend(Stated(k, v) for k, v in t.states)
        self.write(t.text)

    def end_sentence(self) -> None:
        if self.segments and isinstance(self.segments[-1], str) and self.segments[-1].endswith("。"):
            return
        self._lit("。")


def _usable(fam: Family, values: Mapping[str, int]) -> list[T]:
    return [t for t in fam.templates if t.when is None or t.when(values)]


def _outcome_list(w: _Writer, on: frozenset[str], sep: str | None = None) -> None:
    """予以公开a件、部分公开b件… (all six, or the nonzero ones)."""
    rng, v = w.rng, w.values
    items = [(k, rng.choice(words + (ALT_OUTCOME_WORDS.get(k, []) if "app_outcome_words" in on else [])))
             for k, words in OUTCOME_WORDS]
    if "app_combined" in on and rng.random() < 0.7:
        words = COMBINED_WORDS + (ALT_COMBINED_WORDS if "app_combined_words" in on else [])
        items = [("gp", rng.choice(words))] + items[2:]
        w.used.add("app_combined")
        if items[0][1] in ALT_COMBINED_WORDS:
            w.used.add("app_combined_words")
    if rng.random() < 0.5:
        kept = [it for it in items if v[it[0]]]
        items = kept or items[:1]
    if any(word in ALT_OUTCOME_WORDS.get(k, []) for k, word in items):
        w.used.add("app_outcome_words")
    sep = sep or rng.choice(["、", "，"])
    w.write(sep.join(f"{word}{{{key}}}{{U}}" for key, word in items))


def _app_block(w: _Writer, on: frozenset[str]) -> bool:
    rng, v = w.rng, w.values
    heads = [(n, t) for n in HEADS if n in on for t in _usable(FAMILIES[n], v)]
    standalone = "app_outcomes_standalone" in on and v["new"] + v["over"] > 0
    if not heads and not standalone:
        return False
    if standalone and (not heads or rng.random() < 0.5):
        w.used.add("app_outcomes_standalone")
        w.write(rng.choice(STANDALONE_LEADS))
        _outcome_list(w, on)
        if "app_forward" in on and rng.random() < 0.5:
            w.template(rng.choice(FAMILIES["app_forward"].templates), "app_forward")
        w.end_sentence()
        return True
    name, head = rng.choice(heads)
    w.area_subject = "subj_area" in on
    w.template(head, name)
    w.area_subject = False
    if "d_comparison_clause" in on and v["new"] > 0 and rng.random() < 0.7:
        w.template(rng.choice(FAMILIES["d_comparison_clause"].templates), "d_comparison_clause")
    if v["new"] + v["over"] == 0 or name in ("app_zero", "app_zero_negation"):
        w.end_sentence()
        return True
    # clauses that go with the head: its parts, its sum
    # parts of 新收, after a head whose count is 新收 (not 受理 N = 新收 + 结转)
    first = [n for n in re.findall(r"\{(\w+)", head.text) if n in SLOTS][:1]
    if "app_parts" in on and v["new"] >= 2 and first == ["new"]:
        kinds = rng.choice(APPLICANT_PARTS)
        parts = _split(rng, v["new"], [1.0] * len(kinds))
        w.used.add("app_parts")
        w.write("，其中" + "、".join(f"{k}{{#p{i}}}{{U}}" for i, k in enumerate(kinds)),
                **{f"p{i}": n for i, n in enumerate(parts)})
    if "app_sum_clause" in on and _usable(FAMILIES["app_sum_clause"], v) and name in ("app_received", "app_order") \
            and any(isinstance(x, Slot) and x.name == "over" for x in w.segments):
        w.template(rng.choice(_usable(FAMILIES["app_sum_clause"], v)), "app_sum_clause")
    tails: list[str] = []
    outcomes = [n for n in ("app_outcomes", "app_outcomes_sentence", "app_outcomes_sentence_lead",
                            "app_outcomes_paragraph", "app_outcomes_respectively") if n in on]
    if outcomes:
        tails.append(rng.choice(outcomes))
    done = [n for n in ("app_completed", "app_replied") if n in on]
    if done:
        tails.append(rng.choice(done))
    end = [n for n in ("app_forward", "app_all_completed", "app_in_progress") if n in on and _usable(FAMILIES[n], v)]
    rng.shuffle(tails)
    if end:
        # 结转下年度 or 均已办结 closes the statement (before a 其中 list it would read as its total)
        tails.append(rng.choice(end))
    w.used.update(tails)
    for tail in tails:
        if tail == "app_outcomes":
            w.write(rng.choice(OUTCOME_SAME))
            _outcome_list(w, on)
        elif tail in ("app_outcomes_sentence", "app_outcomes_sentence_lead", "app_outcomes_paragraph"):
            w.write(rng.choice({"app_outcomes_sentence": OUTCOME_NEW, "app_outcomes_sentence_lead": OUTCOME_NEW_LEAD,
                                "app_outcomes_paragraph": OUTCOME_PARAGRAPH}[tail]))
            _outcome_list(w, on)
        elif tail == "app_outcomes_respectively":
            keys = [k for k, _ in OUTCOME_WORDS if v[k]]
            keys = keys if len(keys) >= 2 else ["granted", "partial"]
            words = dict(OUTCOME_WORDS)
            w.write("，其中" + "、".join(words[k][0] for k in keys) + "分别为" +
                    "、".join(f"{{{k}}}{{U}}" for k in keys))
        else:
            w.template(rng.choice(_usable(FAMILIES[tail], v)))
    w.end_sentence()
    return True


def _review_block(w: _Writer, on: frozenset[str]) -> tuple[bool, bool]:
    """Writes a review/litigation statement; returns (written, uses the passive form)."""
    options = [(n, t) for n in REVIEWS if n in on for t in _usable(FAMILIES[n], w.values)]
    if not options:
        return False, False
    name, t = w.rng.choice(options)
    w.template(t, name)
    w.end_sentence()
    return True, name == "review_passive"


def _enum_block(w: _Writer, on: frozenset[str]) -> bool:
    kinds = [n for n in ENUMS if n in on]
    if not kinds:
        return False
    rng = w.rng
    w.group += 1
    kind = rng.choice(kinds)
    w.used.add(kind)
    n = rng.randint(3 if kind == "enum_mixed_sep" else 2, 6)
    labels = rng.sample(ENUM_CATEGORIES, n)
    if kind == "enum_item_dun":
        for i in rng.sample(range(n), rng.randint(1, max(1, n // 2))):
            labels[i] = rng.choice(ENUM_DUN_CATEGORIES)
        labels = list(dict.fromkeys(labels))
        n = len(labels)
    parts = {f"part{i}": rng.choice([rng.randint(0, 30), rng.randint(1, 9), rng.randint(30, 1500)]) for i in range(n)}
    total = sum(parts.values())
    if kind == "enum_open":       # the items named are some of them: the total is more
        total += rng.randint(1, 500)
    local = dict(parts, enum=total)
    w.enum_unit = rng.choice(["条", "条", "篇"]) if kind != "enum_bracket" else "条"
    lead = rng.choice(ENUM_LEADS)
    items = [f"{label}{{part{i}}}{{EU}}" for i, label in enumerate(labels)]
    if kind == "enum_mixed_sep":     # both separators, in any order
        seps = [rng.choice("、，") for _ in range(n - 1)]
        i, j = rng.sample(range(n - 1), 2)
        seps[i], seps[j] = "、", "，"
        body = items[0] + "".join(sep + item for sep, item in zip(seps, items[1:]))
    elif kind == "enum_respectively":
        body = "、".join(labels) + "分别为" + "、".join(f"{{part{i}}}{{EU}}" for i in range(n))
    else:
        sep = rng.choice(["、", "，", "；"])
        body = sep.join(items)
    if kind == "enum_open":
        body += "等"
    if kind == "enum_aside":         # after a separator the list does not use
        after = {"、": ["；", "，"], "，": ["；"], "；": ["。"]}[sep]
        body += rng.choice(after) + rng.choice(["另有图解", "另有视频", "另发布解读材料"]) + f"{{#x}}{w.enum_unit}"
    if kind == "enum_sentence":
        text = lead + "。其中，" + body + "。"
    elif kind == "enum_bracket":
        text = lead + "（其中：" + "，".join(items) + "）。"
    else:
        text = lead + rng.choice(["，其中", "，其中：", "，包括"] if kind != "enum_respectively" else ["，其中"]) + body + "。"
    w.write(text, **local)
    return True


def _zero_draw(names: list[str], zero: Callable) -> bool | None:
    """True when every family given states only zeros, False when none does, else None (either)."""
    if not names:
        return None
    only = [all(t.when is zero for t in FAMILIES[n].templates) and FAMILIES[n].templates for n in names]
    return True if all(only) else False if not any(only) else None


def compose(rng: random.Random, families: Iterable[str] = ALL, *, figures: Figures | None = None,
            year: int | None = None) -> Composed:
    """One paragraph in the phrasing families given (and those they need), stating `figures`
    (drawn when None) where its phrasings apply to them."""
    on = closure(families)
    year = year or rng.randint(2021, 2025)
    if figures is None:
        # figures the families on can state: zeros for the families that state only zeros, …
        app_zero = _zero_draw([n for n in HEADS if n in on], ZERO_APPS)
        if "app_outcomes_standalone" in on and not any(n in on for n in HEADS):
            app_zero = False
        review_zero = _zero_draw([n for n in REVIEWS if n in on], NO_REVIEW)
        fz = None      # nothing carried forward where only 均已办结 can close the statement
        if "app_all_completed" in on and "app_forward" not in on and "app_in_progress" not in on:
            fz = True
        elif "app_in_progress" in on and "app_forward" not in on and "app_all_completed" not in on:
            fz = False
        figures = Figures.draw(rng, app_zero=app_zero, review_zero=review_zero, forward_zero=fz)
        if "review_results" in on and review_zero is False and figures.rev == 0 and figures.lit == 0:
            figures.rev = 1
    values = figures.values()
    w = _Writer(rng, values, year, on)
    if "app_units" in on:
        w.unit = rng.choice(ALT_APP_UNITS)
        w.global_used.add("app_units")
    w.enum_unit = "条"
    style = "arabic"
    numerals = [s for s, fam in (("chinese", "num_chinese"), ("fullwidth", "num_fullwidth"), ("spaced", "num_spaced"))
                if fam in on]
    if numerals:
        style = rng.choice(numerals)
        w.global_used.add("num_" + style)

    blocks = ["app", "review", "enum", "docs"]
    rng.shuffle(blocks)
    distractors = [n for n in DISTRACTORS if n in on and FAMILIES[n].needs <= on and n != "d_comparison_clause"]
    # each distractor goes at a sentence boundary: before, between or after the statements
    placed: dict[int, list[str]] = {}
    for d in distractors:
        placed.setdefault(rng.randint(0, len(blocks)), []).append(d)
    passive = False
    paragraphs = "para_blocks" in on

    def begin() -> None:
        w.begin()
        if paragraphs and len(w.blocks) > 1:
            w.global_used.add("para_blocks")
            w.write("\n")

    for i in range(len(blocks) + 1):
        for d in placed.get(i, []):
            begin()
            w.template(rng.choice(FAMILIES[d].templates), d)
        if i == len(blocks):
            break
        begin()
        if blocks[i] == "app" and paragraphs and rng.random() < 0.5:
            w.write(rng.choice(APP_HEADINGS) + "\n")
        if blocks[i] == "app":
            _app_block(w, on)
        elif blocks[i] == "review":
            _, p = _review_block(w, on)
            passive = passive or p
        elif blocks[i] == "docs":
            options = [(n, t) for n in DOCS if n in on for t in _usable(FAMILIES[n], values)]
            if options:
                name, t = rng.choice(options)
                w.template(t, name)
                w.end_sentence()
        else:
            _enum_block(w, on)
    section = rng.choice([1, 4]) if passive else rng.choice([1, 3])
    return Composed(blocks=tuple(tuple(b) for b in w.blocks if b), style=style, section=section, year=year,
                    families=on, figures=figures,
                    block_used=tuple(frozenset(u | w.global_used) for b, u in zip(w.blocks, w.block_used) if b))


# ------------------------------------------------------------------ hypothesis
def compositions(families: Iterable[str] = ALL, figures: Figures | None = None):
    """A hypothesis strategy of `Composed` paragraphs in the given families. It draws a seed for
    `compose` (drawing every choice through hypothesis is ten times slower); make a failing
    paragraph small by dropping its blocks (`Composed.without_block`)."""
    from hypothesis import strategies as st
    fams = frozenset(families)
    return st.integers(0, 2**32 - 1).map(lambda seed: compose(random.Random(seed), fams, figures=figures))
