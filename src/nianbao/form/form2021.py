"""国办公开办函〔2021〕30号: the form every report since the 2021 report year follows.

Tables 二 (主动公开), 三 (依申请公开, with its 勾稽关系) and 四 (行政复议/诉讼) as data: the
official labels and the variants reports print, the merged-cell layout, and the arithmetic
the form states. Extract, audit, generate, export and web read the form from here.
"""
from __future__ import annotations

from .spec import Column, Form, Identity, Row, Slot, TableForm

VERSION = "2021"

SECTIONS = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
)

# ---------------------------------------------------------------- table 二
ISSUED = Column("issued", "本年制发件数", ("本年制发",))
REPEALED = Column("repealed", "本年废止件数", ("本年废止",))
IN_FORCE = Column("in_force", "现行有效件数", ("现行有效",))
DECISIONS = Column("decisions", "本年处理决定数量", ("处理决定数量", "本年处理决定"))
FEE_AMOUNT = Column("amount_10k_yuan", "本年收费金额（单位：万元）", ("本年收费金额", "收费金额万元", "本年收费金额万元"),
                    short="本年收费金额")

ITEM_1, ITEM_5, ITEM_6, ITEM_8 = ("第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项")
_A = "tables.active_disclosure"
ACTIVE_ROWS = (
    Row("regulations", (ITEM_1, "规章"), (ISSUED, REPEALED, IN_FORCE), (r"^(?:政府)?规章(?:件数)?$",),
        path_prefix=_A),
    Row("normative_documents", (ITEM_1, "行政规范性文件"), (ISSUED, REPEALED, IN_FORCE),
        (r"^(?:行政)?规范性文件.{0,4}$",), path_prefix=_A),
    Row("licensing", (ITEM_5, "行政许可"), (DECISIONS,), (r"^行政许可.{0,4}$",), path_prefix=_A),
    Row("punishment", (ITEM_6, "行政处罚"), (DECISIONS,), (r"^行政处罚.{0,4}$",), path_prefix=_A),
    Row("enforcement", (ITEM_6, "行政强制"), (DECISIONS,), (r"^行政强制.{0,4}$",), path_prefix=_A),
    Row("fees", (ITEM_8, "行政事业性收费"), (FEE_AMOUNT,), (r"^行政事业性收费.{0,6}$",), path_prefix=_A,
        kind="amount"),
)


def _active_layout(rows: tuple[Row, ...], width: int = 4) -> tuple[tuple[Slot, ...], ...]:
    """第二十条 items as blocks: the item line, the 信息内容 header, then its rows. A row with fewer
    columns than the widest spreads its last value over the rest."""
    out: list[tuple[Slot, ...]] = []
    item = None
    for r in rows:
        if r.labels[0] != item:
            item = r.labels[0]
            out.append((Slot(item, colspan=width, header=True, kind="item"),))
            cols = r.columns
            spans = [1] * (len(cols) - 1) + [width - len(cols)]
            out.append((Slot("信息内容", header=True),) + tuple(
                Slot(c.label, colspan=s, header=True) for c, s in zip(cols, spans)))
        spans = [1] * (len(r.columns) - 1) + [width - len(r.columns)]
        out.append((Slot(r.leaf, kind="rowlabel"),) + tuple(
            Slot(path=r.path(c.key), colspan=s) for c, s in zip(r.columns, spans)))
    return tuple(out)


ACTIVE = TableForm(
    "active_disclosure", "二", "二、主动公开政府信息情况", ACTIVE_ROWS,
    header_words=("信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"),
    layout=_active_layout(ACTIVE_ROWS),
)

# ---------------------------------------------------------------- table 三
APPLICANTS = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
APPLICANT_KEYS = tuple(c.key for c in APPLICANTS)
LEGAL_PERSONS = "法人或其他组织"
APP_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
RESULTS = "三、本年度办理结果"
DENIED, UNAVAILABLE, NOT_PROCESSED, OTHER = "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"

_P = "tables.applications"


def _app(key: str, labels: tuple[str, ...], variants: tuple[str, ...] = (), short: str = "") -> Row:
    return Row(key, labels, APPLICANTS, variants, short=short, path_prefix=_P)


APP_ROWS = (
    _app("new_received", ("一、本年新收政府信息公开申请数量",), (r"本年.*新收", r"新收.*申请数量")),
    _app("carried_over", ("二、上年结转政府信息公开申请数量",), (r"上年.*结转",)),
    _app("granted", (RESULTS, "（一）予以公开"), (r"^予以公开$",)),
    _app("partially_granted", (RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), (r"^部分公开",),
         short="（二）部分公开"),
    _app("denied.state_secret", (RESULTS, DENIED, "1.属于国家秘密"), (r"国家秘密",)),
    _app("denied.prohibited_by_law", (RESULTS, DENIED, "2.其他法律行政法规禁止公开"), (r"法.*禁止公开", r"禁止公开")),
    _app("denied.security_stability", (RESULTS, DENIED, "3.危及“三安全一稳定”"), (r"三安全一稳定", r"危及")),
    _app("denied.third_party_rights", (RESULTS, DENIED, "4.保护第三方合法权益"), (r"第三方",)),
    _app("denied.internal_affairs", (RESULTS, DENIED, "5.属于三类内部事务信息"), (r"内部事务",)),
    _app("denied.process_info", (RESULTS, DENIED, "6.属于四类过程性信息"), (r"过程性",)),
    _app("denied.enforcement_file", (RESULTS, DENIED, "7.属于行政执法案卷"), (r"执法案卷",)),
    _app("denied.admin_query", (RESULTS, DENIED, "8.属于行政查询事项"), (r"行政查询",)),
    _app("unavailable.not_held", (RESULTS, UNAVAILABLE, "1.本机关不掌握相关政府信息"), (r"不掌握",)),
    _app("unavailable.needs_creation", (RESULTS, UNAVAILABLE, "2.没有现成信息需要另行制作"), (r"另行制作", r"没有现成")),
    _app("unavailable.unclear_after_correction", (RESULTS, UNAVAILABLE, "3.补正后申请内容仍不明确"),
         (r"补正后", r"仍不明确")),
    _app("not_processed.petition", (RESULTS, NOT_PROCESSED, "1.信访举报投诉类申请"), (r"信访", r"举报投诉")),
    _app("not_processed.duplicate", (RESULTS, NOT_PROCESSED, "2.重复申请"), (r"^重复申请$",)),
    _app("not_processed.publication", (RESULTS, NOT_PROCESSED, "3.要求提供公开出版物"), (r"公开出版物",)),
    _app("not_processed.excessive", (RESULTS, NOT_PROCESSED, "4.无正当理由大量反复申请"), (r"大量反复",)),
    _app("not_processed.confirmation", (RESULTS, NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息"),
         (r"确认或重新出具", r"重新出具")),
    _app("other.no_correction", (RESULTS, OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
         (r"逾期不补正",)),
    _app("other.fee_unpaid", (RESULTS, OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
         (r"缴纳费用", r"收费通知")),
    _app("other.other", (RESULTS, OTHER, "3.其他"), (r"^其他$",)),
    _app("results_total", (RESULTS, "（七）总计"), (r"^总计$",)),
    _app("carried_forward", ("四、结转下年度继续办理",), (r"结转下.*年度", r"继续办理")),
)
# Known wordings real reports print for official labels (C004 reports them; the generator prints them).
APP_LABEL_VARIANTS = {
    "denied.prohibited_by_law": ("2.其他法律法规禁止公开",),
    "partially_granted": ("（二）部分公开",),
    "denied.security_stability": ("3.危及\"三安全一稳定\"", "3.危及三安全一稳定"),
    "carried_forward": ("四、结转下一年度继续办理", "四、结转下年度办理"),
    "new_received": ("一、本年新收政府信息公开申请数",),
}
BALANCE = ("new_received", "carried_over", "results_total", "carried_forward")   # 一 + 二 = 三 + 四


def outcome_rows(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """The rows whose sum is （七）总计: every row under 三、本年度办理结果 but the total."""
    return tuple(r for r in rows if r.labels[0] == RESULTS and r.key != "results_total")


def app_identities(rows: tuple[Row, ...], prefix: str = _P) -> tuple[Identity, ...]:
    by_key = {r.key: r for r in rows}
    parts = APPLICANT_KEYS[:-1]
    out = [Identity("T301", (r.path("total"),), tuple(r.path(c) for c in parts), f"{r.name}·总计 = 六类申请人之和")
           for r in rows]
    outcomes = outcome_rows(rows)
    for col in APPLICANTS:
        out.append(Identity("T302", (by_key["results_total"].path(col.key),),
                            tuple(r.path(col.key) for r in outcomes), f"（七）总计 = 办理结果各项之和·{col.label}"))
    for col in APPLICANTS:
        n, c, t, f = (by_key[k].path(col.key) for k in BALANCE)
        out.append(Identity("T303", (n, c), (t, f), f"本年新收 + 上年结转 = 办理结果总计 + 结转下年度·{col.label}"))
    return tuple(out)


def app_layout(rows: tuple[Row, ...]) -> tuple[tuple[Slot, ...], ...]:
    """Three header rows (the 勾稽关系 corner, 申请人情况, 法人或其他组织's five columns), then the
    rows with their label cells merged as printed: a group spans the rows under it, a label
    with fewer levels than three spans the remaining label columns."""
    depth = 3
    head = (
        (Slot(APP_NOTE, rowspan=3, colspan=depth, header=True, kind="corner"),
         Slot("申请人情况", colspan=len(APPLICANTS), header=True)),
        (Slot(APPLICANTS[0].label, rowspan=2, header=True), Slot(LEGAL_PERSONS, colspan=5, header=True),
         Slot(APPLICANTS[-1].label, rowspan=2, header=True)),
        tuple(Slot(c.label, header=True) for c in APPLICANTS[1:-1]),
    )
    body = []
    for i, r in enumerate(rows):
        slots = []
        for level, text in enumerate(r.labels):
            if i and len(rows[i - 1].labels) > level + 1 and rows[i - 1].labels[:level + 1] == r.labels[:level + 1]:
                continue                  # covered by the group cell above
            leaf = level == len(r.labels) - 1
            span = sum(1 for _ in _run(rows, i, level)) if not leaf else 1
            slots.append(Slot(text, rowspan=span, colspan=depth - level if leaf else 1,
                              kind="rowlabel" if leaf else "group"))
        body.append(tuple(slots) + tuple(Slot(path=r.path(c.key)) for c in r.columns))
    return head + tuple(body)


def _run(rows: tuple[Row, ...], i: int, level: int):
    """The rows from i on that share row i's labels up to `level` (a merged group cell)."""
    prefix = rows[i].labels[:level + 1]
    for r in rows[i:]:
        if r.labels[:level + 1] != prefix or len(r.labels) <= level + 1:
            return
        yield r


APPLICATIONS = TableForm(
    "applications", "三", "三、收到和处理政府信息公开申请情况", APP_ROWS, APPLICANTS,
    header_words=("申请人情况", "自然人", LEGAL_PERSONS, "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                  "本列数据的勾稽关系"),
    identities=app_identities(APP_ROWS), layout=app_layout(APP_ROWS), header_rows=3,
)

# ---------------------------------------------------------------- table 四
REVIEW_COLS = (
    Column("maintained", "结果维持", ("维持",)),
    Column("corrected", "结果纠正", ("纠正",)),
    Column("other", "其他结果"),
    Column("pending", "尚未审结", ("未审结",)),
    Column("total", "总计"),
)
REVIEW_COL_KEYS = tuple(c.key for c in REVIEW_COLS)
REVIEW, LITIGATION = "行政复议", "行政诉讼"
_R = "tables.review_litigation"
REVIEW_ROWS = (
    Row("review", (REVIEW,), REVIEW_COLS, (r"^行政复议$",), path_prefix=_R),
    Row("litigation_direct", (LITIGATION, "未经复议直接起诉"), REVIEW_COLS, (r"直接起诉",),
        short="行政诉讼·未经复议直接起诉", path_prefix=_R),
    Row("litigation_after_review", (LITIGATION, "复议后起诉"), REVIEW_COLS, (r"复议后起诉",),
        short="行政诉讼·复议后起诉", path_prefix=_R),
)


def _review_layout() -> tuple[tuple[Slot, ...], ...]:
    """The form prints table 四 as one value row under a two-level header (复议 | 诉讼: 直接, 复议后)."""
    n = len(REVIEW_COLS)
    return (
        (Slot(REVIEW, colspan=n, header=True), Slot(LITIGATION, colspan=2 * n, header=True)),
        tuple(Slot(c.label, rowspan=2, header=True) for c in REVIEW_COLS)
        + tuple(Slot(r.leaf, colspan=n, header=True) for r in REVIEW_ROWS[1:]),
        tuple(Slot(c.label, header=True) for c in REVIEW_COLS) * 2,
        tuple(Slot(path=r.path(c.key)) for r in REVIEW_ROWS for c in REVIEW_COLS),
    )


REVIEW_LITIGATION = TableForm(
    "review_litigation", "四", "四、政府信息公开行政复议、行政诉讼情况", REVIEW_ROWS, REVIEW_COLS,
    header_words=(REVIEW, LITIGATION, "未经复议", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结"),
    identities=tuple(Identity("T401", (r.path("total"),), tuple(r.path(c) for c in REVIEW_COL_KEYS[:-1]),
                              f"{r.name}·总计 = 维持 + 纠正 + 其他 + 尚未审结") for r in REVIEW_ROWS),
    layout=_review_layout(), header_rows=3,
)

FORM = Form(VERSION, "国办公开办函〔2021〕30号", (ACTIVE, APPLICATIONS, REVIEW_LITIGATION), SECTIONS)
