"""Official labels of the three tables and their canonical keys: the one table of truth.

Every reader, the extractor, the generator and the web pages take row and column
names from here. Matching is done on *normalised* label text (no spaces,
punctuation, brackets or list numbering), so "（二）部分公开（区分处理的，…）" and
"(二) 部分公开 (区分处理的, …)" are the same label; known variants map to the same
key and are reported by the audit (C004) when they differ from the official wording.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass

FORMAT_2021 = "2021"
FORMAT_2019 = "2019"

# ---------------------------------------------------------------- table 三
APPLICANTS: list[tuple[str, str]] = [
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
]
APPLICANT_KEYS = [k for k, _ in APPLICANTS]


@dataclass(frozen=True)
class RowLabel:
    key: str
    group: str | None      # official group label, e.g. "（三）不予公开"
    label: str             # official leaf label as printed in the 2021 format
    patterns: tuple[str, ...] = ()   # regexes on the normalised text of known variants


APP_ROWS: list[RowLabel] = [
    RowLabel("new_received", None, "一、本年新收政府信息公开申请数量", (r"本年.*新收", r"新收.*申请数量")),
    RowLabel("carried_over", None, "二、上年结转政府信息公开申请数量", (r"上年.*结转",)),
    RowLabel("granted", "三、本年度办理结果", "（一）予以公开", (r"^予以公开$",)),
    RowLabel("partially_granted", "三、本年度办理结果",
             "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (r"^部分公开",)),
    RowLabel("denied.state_secret", "（三）不予公开", "1.属于国家秘密", (r"国家秘密",)),
    RowLabel("denied.prohibited_by_law", "（三）不予公开", "2.其他法律行政法规禁止公开",
             (r"法.*禁止公开", r"禁止公开")),
    RowLabel("denied.security_stability", "（三）不予公开", "3.危及“三安全一稳定”", (r"三安全一稳定", r"危及")),
    RowLabel("denied.third_party_rights", "（三）不予公开", "4.保护第三方合法权益", (r"第三方",)),
    RowLabel("denied.internal_affairs", "（三）不予公开", "5.属于三类内部事务信息", (r"内部事务",)),
    RowLabel("denied.process_info", "（三）不予公开", "6.属于四类过程性信息", (r"过程性",)),
    RowLabel("denied.enforcement_file", "（三）不予公开", "7.属于行政执法案卷", (r"执法案卷",)),
    RowLabel("denied.admin_query", "（三）不予公开", "8.属于行政查询事项", (r"行政查询",)),
    RowLabel("unavailable.not_held", "（四）无法提供", "1.本机关不掌握相关政府信息", (r"不掌握",)),
    RowLabel("unavailable.needs_creation", "（四）无法提供", "2.没有现成信息需要另行制作", (r"另行制作", r"没有现成")),
    RowLabel("unavailable.unclear_after_correction", "（四）无法提供", "3.补正后申请内容仍不明确",
             (r"补正后", r"仍不明确")),
    RowLabel("not_processed.petition", "（五）不予处理", "1.信访举报投诉类申请", (r"信访", r"举报投诉")),
    RowLabel("not_processed.duplicate", "（五）不予处理", "2.重复申请", (r"^重复申请$",)),
    RowLabel("not_processed.publication", "（五）不予处理", "3.要求提供公开出版物", (r"公开出版物",)),
    RowLabel("not_processed.excessive", "（五）不予处理", "4.无正当理由大量反复申请", (r"大量反复",)),
    RowLabel("not_processed.confirmation", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息",
             (r"确认或重新出具", r"重新出具")),
    RowLabel("other.no_correction", "（六）其他处理",
             "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", (r"逾期不补正",)),
    RowLabel("other.fee_unpaid", "（六）其他处理",
             "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
             (r"缴纳费用", r"收费通知")),
    RowLabel("other.other", "（六）其他处理", "3.其他", (r"^其他$",)),
    RowLabel("results_total", "三、本年度办理结果", "（七）总计", (r"^总计$",)),
    RowLabel("carried_forward", None, "四、结转下年度继续办理", (r"结转下.*年度", r"继续办理")),
]
APP_ROW_KEYS = [r.key for r in APP_ROWS]
APP_ROW_BY_KEY = {r.key: r for r in APP_ROWS}
# The 21 outcome rows whose sum is (七)总计 (T302).
OUTCOME_ROW_KEYS = APP_ROW_KEYS[2:23]
# 2019 format: a single "（六）其他处理" row instead of the three other.* rows.
APP_ROW_KEYS_2019 = [k for k in APP_ROW_KEYS if not k.startswith("other.")]
LEGACY_OTHER_2019 = "other_processing"

# ---------------------------------------------------------------- table 四
REVIEW_GROUPS: list[tuple[str, str]] = [
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼·未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼·复议后起诉"),
]
REVIEW_GROUP_KEYS = [k for k, _ in REVIEW_GROUPS]
REVIEW_COLS: list[tuple[str, str]] = [
    ("maintained", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]
REVIEW_COL_KEYS = [k for k, _ in REVIEW_COLS]

# ---------------------------------------------------------------- table 二
ACTIVE_ROWS: list[tuple[str, str, str]] = [
    # key, official row label, the 第二十条 item it belongs to
    ("regulations", "规章", "第二十条第（一）项"),
    ("normative_documents", "行政规范性文件", "第二十条第（一）项"),
    ("licensing", "行政许可", "第二十条第（五）项"),
    ("punishment", "行政处罚", "第二十条第（六）项"),
    ("enforcement", "行政强制", "第二十条第（六）项"),
    ("fees", "行政事业性收费", "第二十条第（八）项"),
]
ACTIVE_COLS: dict[str, list[tuple[str, str]]] = {
    "regulations": [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")],
    "normative_documents": [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")],
    "licensing": [("decisions", "本年处理决定数量")],
    "punishment": [("decisions", "本年处理决定数量")],
    "enforcement": [("decisions", "本年处理决定数量")],
    "fees": [("amount_10k_yuan", "本年收费金额（单位：万元）")],
}
ACTIVE_ROW_LABELS = {k: label for k, label, _ in ACTIVE_ROWS}

TABLE_TITLES = {
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}

SECTION_HEADINGS = [
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
]

CHINESE_ORDINALS = "一二三四五六七八九十"


def all_cell_paths(fmt: str = FORMAT_2021) -> list[str]:
    """Dotted model paths of every table cell the format has, in table order."""
    out = [f"tables.active_disclosure.{row}.{col}" for row, cols in ACTIVE_COLS.items() for col, _ in cols]
    rows = APP_ROW_KEYS if fmt == FORMAT_2021 else APP_ROW_KEYS_2019
    out += [f"tables.applications.{row}.{col}" for row in rows for col in APPLICANT_KEYS]
    out += [f"tables.review_litigation.{g}.{c}" for g in REVIEW_GROUP_KEYS for c in REVIEW_COL_KEYS]
    return out


# ---------------------------------------------------------------- normalisation
_NUMBERING = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d))+"
)
_DROP = re.compile(r"[\s\u3000\u00a0\"'“”‘’「」『』《》〈〉（）()【】\[\],，、。．.:：;；!！?？·•*_\-—－]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=16384)
def normalize_label(text: str) -> str:
    """Label text reduced to what identifies it: no numbering, spaces or punctuation. Cached
    (as the matchers below): labels repeat across rows and reports, and matching is pure."""
    t = _SPACES.sub("", unicodedata.normalize("NFKC", text))    # before the numbering: "（ 七 ） 总 计"
    t = _NUMBERING.sub("", t)
    return _DROP.sub("", t)


_ROW_PATTERNS = [(r, [re.compile(p) for p in r.patterns]) for r in APP_ROWS]
_ROW_EXACT = {normalize_label(r.label): r.key for r in APP_ROWS}


_RESULTS_GROUP = "本年度办理结果"


@lru_cache(maxsize=16384)
def match_app_row(label: str) -> str | None:
    """The table-三 row key a (leaf) label names, or None. Exact official wording first."""
    n = normalize_label(label)
    if not n:
        return None
    if n.startswith(_RESULTS_GROUP) and len(n) > len(_RESULTS_GROUP):
        # the group label glued to the leaf in one cell: "三、本年度办理结果（一）予以公开"
        rest = label[label.index("办理结果") + 4:] if "办理结果" in label else ""
        # normalised, the leaf's numbering lost its brackets: "本年度办理结果一予以公开"
        return match_app_row(rest) or match_app_row(re.sub(r"^[一二三四五六七八九十]+", "", normalize_label(rest)))
    if n in _ROW_EXACT:
        return _ROW_EXACT[n]
    for row, pats in _ROW_PATTERNS:
        if any(p.search(n) for p in pats):
            return row.key
    return None


def is_official_app_label(key: str, label: str) -> bool:
    """Whether a found label is the official wording (ignoring numbering, spaces, punctuation)."""
    return normalize_label(label) == normalize_label(APP_ROW_BY_KEY[key].label)
