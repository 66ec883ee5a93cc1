"""The scorecard: a jurisdiction's scheme turning findings, lateness, copied text, table cells and
risk indicators into points per agency, ranked per region and year, every point explained.

Assessment offices publish rules such as "未按时公开扣 5 分", "与往年雷同（重复率超过 50%）扣 10
分", "每发生一起复议纠错扣 1 分"; the `scorecard:` section of a jurisdiction's YAML says the same:

    scorecard:
      base: 100                 # every agency starts here
      floor: 0                  # the total never goes below (null: no floor)
      items:
        - {id: missing, name: 未公开年度报告, per: missing, points: -100}
        - {id: late, name: 未按期公开, per: late_day, points: -1, cap: -20}
        - {id: errors, name: 审核发现错误, per: finding, severity: error, points: -2, cap: -20}
        - {id: copied, name: 雷同, per: finding, codes: [X002, X005], points: -10}
        - {id: corrected, name: 复议纠错, per: cell, path: review_litigation.review.corrected, points: -1}
        - {id: substantive, name: 实质公开率偏低, per: indicator, indicator: substantive_rate, red: -5, yellow: -2}

`per` is what one occurrence is:
  missing    the agency is expected (registry) but has no report for the year — 1
  late       the report was published after its deadline — 1
  late_day   each day past the deadline
  finding    each audit finding (and reviewer-added finding) matching `severity` (one or a list)
             and `codes` (codes such as X002 or family letters such as C); findings a reviewer
             dismissed (误报 / 不适用) never count; `confirmed_only: true` counts only 确认 ones
  cell       the value of a table cell (`path`, or `paths` summed), e.g. 复议 结果纠正
  indicator  a risk indicator's mark: `red` / `yellow` points (thresholds: `indicators:` section)
`points` per occurrence (negative deducts), `cap` bounds the line's total (same sign as points),
`basis` (optional) names the rule the line applies (考核办法第几条).

An item whose input is unavailable is *not evaluated* for that agency (no registry → no 未公开
line; a blank cell; an indicator with a blank denominator; a report without a publication date),
shown with the reason and left out of the total — never counted as 0. An agency without a report
is scored by the `missing` item alone.

Ranking — only agencies whose score is complete are ranked (rank()): a total that left out an item
for want of input could only be as high as it is because nothing was deducted there, so it is not
comparable with a total that was fully assessed. The rule, per agency and item not evaluated:
  * the item does not apply (Line.applicable false) — the agency has no report (it is scored by
    the 未公开 item alone: "未公开报告，只按「未公开」计分"), or an indicator is 0 ÷ 0 (no
    applications, nothing to measure) — the score stays complete;
  * the item could be evaluated for none of the card's agencies it applies to (common_gaps: the
    未公开 item when no registry is imported, a cell no report of the year's form has) — every
    agency is equally without it, the ranking is by the other items, and a note says so;
  * otherwise the score is *incomplete* (AgencyScore.incomplete: the item ids) — a report without
    a publication date, a blank cell, an indicator with a blank part, and the 未公开 item of an
    agency outside an imported registry ("不在机构名录中": the registry, the list of agencies
    assessed, does not confirm it is one; its report may be misattributed).
Complete agencies are ranked by total, ties share a rank (1, 2, 2, 4), then by name; incomplete
ones follow, unranked (rank None, "—"), by name, their (partial) totals still shown with
"未完整评估：<why each such item was not evaluated>" (the reasons, e.g. "不在机构名录中，无法判断是否应公开":
an item's name such as 未公开年度报告 would read as the verdict).

Who is scored: with a registry, every agency it expects under the region (oversight/missing.py:
lateness against the deadline that applies to the agency; those not yet due are left out and
noted) and the region's reports of agencies it does not list; without one, every agency with a
current report in the region (lateness from the report's D004 finding). The scheme is the
region's jurisdiction configuration (the nearest region up the tree with one), else the default.

    card = lib.scorecard("中卫市", 2023)                       # Library → Scorecard
    a = card.agency("沙坡头区司法局")                           # rank, total, lines
    a.lines[1].text      # "发布日期 2024-02-20，期限 2024-01-31（条例第四十九条），逾期 20 天 × -1 分 = -20 分"
    data = scorecard_xlsx(card)                              # ranking sheet + explanation lines
"""
from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ..lru import LRU
from .config import ConfigError
from .indicators import DEFINITIONS, display

PERS = ("missing", "late", "late_day", "finding", "cell", "indicator")
SEVERITIES = ("error", "warning", "info")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
INDICATORS = {name: d.label for name, d in DEFINITIONS.items()}
MARK_NAMES = {"red": "红色", "yellow": "黄色"}
DISMISSED = ("误报", "不适用")
_KEYS = {
    "missing": {"points"}, "late": {"points", "cap"}, "late_day": {"points", "cap"},
    "finding": {"points", "cap", "severity", "codes", "confirmed_only"},
    "cell": {"points", "cap", "path", "paths"},
    "indicator": {"indicator", "red", "yellow"},
}
_COMMON = {"id", "name", "per", "basis"}
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_CODE = re.compile(r"^(?:[A-Z](?:\d{3})?|人工)$")


# ------------------------------------------------------------------ the scheme
@dataclass(frozen=True)
class Item:
    id: str
    name: str
    per: str
    points: float | None = None             # per occurrence (indicator: None, see red/yellow)
    cap: float | None = None
    basis: str | None = None
    severity: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    confirmed_only: bool = False
    paths: tuple[str, ...] = ()
    indicator: str | None = None
    red: float | None = None
    yellow: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {k: (list(v) if isinstance(v, tuple) else _num(v) if isinstance(v, float) else v)
             for k, v in asdict(self).items()}
        return {k: v for k, v in d.items() if v not in (None, [], False) or k in ("id", "name", "per")}

    def describe(self) -> str:
        """The rule in words, for the table heading and the explanation sheet."""
        if self.per == "indicator":
            parts = [f"{MARK_NAMES[m]} {_num(getattr(self, m))} 分" for m in ("red", "yellow")
                     if getattr(self, m) is not None]
            return f"{INDICATORS.get(self.indicator or '', self.indicator)}：" + "，".join(parts)
        what = {"missing": "未公开", "late": "逾期公开", "late_day": "逾期每天"}.get(self.per)
        if self.per == "finding":
            sel = [SEVERITY_NAMES[s] for s in self.severity] + list(self.codes)
            sel_text = "、".join(sel) or "全部"
            what = ("已确认的" if self.confirmed_only else "") + sel_text + (" " if sel_text[-1].isascii() else "") + "问题每条"
        elif self.per == "cell":
            what = "＋".join(_cell_name(p) for p in self.paths) + " 每 1"
        s = f"{what} {_num(self.points)} 分"
        if self.cap is not None:
            s += f"，最多{'扣' if self.cap < 0 else '加'} {_num(abs(self.cap))} 分"
        return s


@dataclass(frozen=True)
class Scheme:
    base: float = 100
    floor: float | None = 0
    items: tuple[Item, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"base": _num(self.base), "floor": _num(self.floor), "items": [i.to_dict() for i in self.items]}


class SchemeError(ConfigError):
    """A scheme that cannot be used: `where` is the key ("items.1.per"), `detail` what is wrong."""

    def __init__(self, where: str, detail: str):
        super().__init__(f"配置项 scorecard.{where} 有误：{detail}")
        self.where, self.detail = where, detail

    def within_items(self) -> str:
        """The message as the `items` validator of config.Scorecard reports it (its key is scorecard.items)."""
        parts = self.where.split(".")
        if len(parts) >= 2 and parts[0] == "items" and parts[1].isdigit():
            key = ".".join(parts[2:])
            return f"第 {int(parts[1]) + 1} 项" + (f"的 {key}" if key else "") + f"：{self.detail}"
        return self.detail


def _err(where: str, msg: str) -> SchemeError:
    return SchemeError(where, msg)


def _number(v: Any, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _err(where, f"应为数字，而不是 {v!r}")
    return float(v)


def _strings(v: Any, where: str) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, (list, tuple)) or not v or not all(isinstance(x, str) and x.strip() for x in v):
        raise _err(where, "应为一个或一组文字")
    return tuple(x.strip() for x in v)


def parse_item(raw: Mapping[str, Any], i: int) -> Item:
    at = f"items.{i}"
    if not isinstance(raw, Mapping):
        raise _err(at, "每个扣分项应是键值对（id、name、per、points …）")
    for key in ("id", "name", "per"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _err(f"{at}.{key}", "必填，应为文字")
    iid, per = raw["id"].strip(), raw["per"].strip()
    if not _ID.match(iid):
        raise _err(f"{at}.id", f"「{iid}」应以字母开头，只含字母、数字和下划线")
    if per not in PERS:
        raise _err(f"{at}.per", f"未知的计分方式 {per}（可用：{'、'.join(PERS)}）")
    unknown = sorted(set(raw) - _COMMON - _KEYS[per])
    if unknown:
        raise _err(f"{at}.{unknown[0]}", f"per: {per} 的扣分项不用这个键（可用：{'、'.join(sorted(_KEYS[per]))}）")
    kw: dict[str, Any] = {"id": iid, "name": raw["name"].strip(), "per": per}
    if raw.get("basis") is not None:
        kw["basis"] = str(raw["basis"])
    if per == "indicator":
        name = raw.get("indicator")
        if name not in INDICATORS:
            raise _err(f"{at}.indicator", f"未知的指标 {name!r}（可用：{'、'.join(INDICATORS)}）")
        if raw.get("red") is None and raw.get("yellow") is None:
            raise _err(f"{at}.red", "指标扣分项至少给出 red 或 yellow 的分值")
        kw["indicator"] = name
        for m in ("red", "yellow"):
            if raw.get(m) is not None:
                kw[m] = _number(raw[m], f"{at}.{m}")
        return Item(**kw)
    if raw.get("points") is None:
        raise _err(f"{at}.points", "必填：每次（每天、每条、每 1）的分值")
    kw["points"] = _number(raw["points"], f"{at}.points")
    if raw.get("cap") is not None:
        cap = _number(raw["cap"], f"{at}.cap")
        if cap * kw["points"] < 0:
            raise _err(f"{at}.cap", f"上限 {_num(cap)} 应与 points {_num(kw['points'])} 同号（扣分项的上限也是负数）")
        kw["cap"] = cap
    if per == "finding":
        if raw.get("severity") is not None:
            sev = _strings(raw["severity"], f"{at}.severity")
            bad = [s for s in sev if s not in SEVERITIES]
            if bad:
                raise _err(f"{at}.severity", f"未知的严重程度 {bad[0]}（可用：{'、'.join(SEVERITIES)}）")
            kw["severity"] = sev
        if raw.get("codes") is not None:
            codes = _strings(raw["codes"], f"{at}.codes")
            bad = [c for c in codes if not _CODE.match(c)]
            if bad:
                raise _err(f"{at}.codes", f"规则代码 {bad[0]!r} 应写作 X002 这样的代码或 C 这样的类别字母")
            kw["codes"] = codes
        if raw.get("confirmed_only") is not None:
            if not isinstance(raw["confirmed_only"], bool):
                raise _err(f"{at}.confirmed_only", "应为 true 或 false")
            kw["confirmed_only"] = raw["confirmed_only"]
    if per == "cell":
        if (raw.get("path") is None) == (raw.get("paths") is None):
            raise _err(f"{at}.path", "per: cell 的扣分项给出 path（一个单元格）或 paths（几个相加）之一")
        key = "path" if raw.get("path") is not None else "paths"
        paths = _strings(raw[key], f"{at}.{key}")
        known = _cell_paths()
        for p in paths:
            if p.removeprefix("tables.") not in known:
                raise _err(f"{at}.{key}", f"表格中没有单元格 {p}（写法如 review_litigation.review.corrected）")
        kw["paths"] = tuple(p.removeprefix("tables.") for p in paths)
    return Item(**kw)


def parse_scheme(scorecard: Any) -> Scheme:
    """The `scorecard` section (the lead's config.Scorecard model or a plain mapping) → Scheme;
    ConfigError naming the bad key in Chinese."""
    if hasattr(scorecard, "model_dump"):
        scorecard = scorecard.model_dump(exclude_unset=True)
    if not isinstance(scorecard, Mapping):
        raise ConfigError("配置项 scorecard 有误：应是键值对（base、floor、items）")
    unknown = sorted(set(scorecard) - {"base", "floor", "items"})
    if unknown:
        raise _err(unknown[0], "未知的键（可用：base、floor、items）")
    base = _number(scorecard.get("base", 100), "base")
    floor = scorecard.get("floor", 0)
    floor = None if floor is None else _number(floor, "floor")
    raw_items = scorecard.get("items") or ()
    if not isinstance(raw_items, (list, tuple)):
        raise _err("items", "应是扣分项的列表")
    items = tuple(parse_item(_plain(r), i) for i, r in enumerate(raw_items))
    seen: set[str] = set()
    for i, it in enumerate(items):
        if it.id in seen:
            raise _err(f"items.{i}.id", f"扣分项 id 重复：{it.id}")
        seen.add(it.id)
    return Scheme(base=base, floor=floor, items=items)


def load_scheme(text: str) -> Scheme:
    """A YAML file with a `scorecard:` section (a jurisdiction document) or the section alone."""
    import yaml

    from .config import parse_document

    try:
        data = yaml.safe_load(text) if text and text.strip() else None
    except yaml.YAMLError:
        parse_document(text)            # raises ConfigError naming the line
        raise
    if isinstance(data, dict) and "scorecard" in data:
        data = parse_document(text)["scorecard"]
    if not isinstance(data, dict) or not {"base", "floor", "items"} & data.keys():
        raise ConfigError("评分方案文件应含 scorecard: 一节（或直接给出 base、floor、items）")
    return parse_scheme(data)


def _plain(r: Any) -> Any:
    return r.model_dump(exclude_unset=True) if hasattr(r, "model_dump") else r


_CELLS: frozenset[str] | None = None


def _cell_paths() -> frozenset[str]:
    global _CELLS
    if _CELLS is None:
        from ..form import FORM_2019, FORM_2021

        _CELLS = frozenset(p.removeprefix("tables.") for f in (FORM_2021, FORM_2019) for p in f.cell_paths())
    return _CELLS


@functools.lru_cache(maxsize=1024)
def _cell_name(path: str) -> str:
    from ..export import cell_label
    from ..store.cells import split_path

    try:
        return cell_label(*split_path(path))
    except Exception:  # noqa: BLE001 — a label is a nicety; the path is exact
        return path


# ------------------------------------------------------------------ inputs of one agency
@dataclass
class Lateness:
    """Publication against the deadline: days late (0 = on time), from the registry's missing view
    or the report's D004 finding."""
    days: int
    published: str | None = None
    deadline: str | None = None
    source: str | None = None          # where the deadline comes from (条例第四十九条, 中卫市规定)
    finding_id: int | None = None      # the D004 finding it was read from
    dismissed: bool = False            # the D004 finding was judged 误报 / 不适用


@dataclass
class AgencyInputs:
    """Everything the scheme may count for one expected (or published) agency. None = unknown."""
    agency: str
    agency_id: int | None = None
    region: str | None = None
    report_id: int | None = None
    entry_id: int | None = None
    missing: bool | None = None                  # None: no registry says whether it is expected
    missing_reason: str | None = None
    lateness: Lateness | None = None
    lateness_reason: str | None = None           # why lateness is None
    findings: list[dict[str, Any]] = field(default_factory=list)   # id, code, severity, message, decision
    cells: dict[str, float | None] | None = None  # path → value (None = blank); absent = not in the form
    indicators: dict[str, Any] | None = None     # name → {value, numerator, denominator}
    indicators_reason: str | None = None


# ------------------------------------------------------------------ the result
def _copy(v: Any) -> Any:
    """A deep copy of plain data (dicts, lists, tuples of scalars) as dataclasses.asdict makes it."""
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if type(v) is dict:
        return {_copy(k): _copy(x) for k, x in v.items()}
    if type(v) in (list, tuple):
        return type(v)(_copy(x) for x in v)
    import copy

    return copy.deepcopy(v)


@dataclass
class Line:
    item: str
    name: str
    per: str
    evaluated: bool
    count: float | None = None
    points: float | None = None         # after the cap
    raw: float | None = None            # before the cap
    capped: bool = False
    text: str = ""                      # the line explained in words
    reason: str | None = None           # why not evaluated
    evidence: dict[str, Any] = field(default_factory=dict)
    applicable: bool = True             # False: not evaluated because the item does not apply (the
                                        # agency has no report; 0 ÷ 0) — the score stays complete

    def to_dict(self, evidence: bool = True) -> dict[str, Any]:
        # what asdict gives, without its generic recursion (a city's card has ~800 lines);
        # evidence=False: without the evidence (copying it is most of the cost; the ranking page
        # does not show it)
        d = {"item": self.item, "name": self.name, "per": self.per, "evaluated": self.evaluated,
             "count": _num(self.count), "points": _num(self.points), "raw": _num(self.raw),
             "capped": self.capped, "text": self.text, "reason": self.reason, "applicable": self.applicable}
        if evidence:
            d["evidence"] = _copy(self.evidence)
        return d


@dataclass
class AgencyScore:
    agency: str
    agency_id: int | None
    region: str | None
    report_id: int | None
    entry_id: int | None
    status: str                         # "published", "missing", "unknown" (no registry)
    base: float
    total: float
    floored: bool
    lines: list[Line]
    rank: int | None = None             # None: not ranked (incomplete, or rank() not run)
    incomplete: list[str] = field(default_factory=list)    # items missing input that count (rank())

    @property
    def not_evaluated(self) -> list[str]:
        return [ln.item for ln in self.lines if not ln.evaluated]

    @property
    def gaps(self) -> list[str]:
        """Items not evaluated for want of input (not those that do not apply), before rank()
        sets aside the card's common gaps."""
        return [ln.item for ln in self.lines if not ln.evaluated and ln.applicable]

    @property
    def complete(self) -> bool:
        return not self.incomplete

    def incomplete_text(self) -> str | None:
        """"未完整评估：不在机构名录中，无法判断是否应公开" — why each item that makes the score
        incomplete was not evaluated (its reason, not its name: "未公开年度报告" or "未按期公开" after
        "未完整评估：" would read as a verdict the card did not reach), None when complete."""
        if not self.incomplete:
            return None
        by = {ln.item: ln for ln in self.lines}
        why: list[str] = []
        for i in self.incomplete:
            ln = by.get(i)
            text = (ln.reason or f"「{ln.name}」缺少输入") if ln is not None else i
            if text not in why:
                why.append(text)
        return "未完整评估：" + "；".join(why)

    @property
    def key(self) -> str:
        """How the explanation page names this agency: the store agency id, else the registry entry."""
        if self.agency_id is not None:
            return str(self.agency_id)
        return f"e{self.entry_id}" if self.entry_id is not None else f"r{self.report_id}"

    def to_dict(self, evidence: bool = True) -> dict[str, Any]:
        return {"rank": self.rank, "ranked": self.rank is not None, "agency": self.agency,
                "agency_id": self.agency_id, "key": self.key,
                "region": self.region, "report_id": self.report_id, "entry_id": self.entry_id,
                "status": self.status, "status_name": STATUS_NAMES[self.status], "base": _num(self.base),
                "total": _num(self.total), "floored": self.floored, "complete": self.complete,
                "incomplete": list(self.incomplete), "incomplete_text": self.incomplete_text(),
                "not_evaluated": self.not_evaluated, "lines": [ln.to_dict(evidence) for ln in self.lines]}


STATUS_NAMES = {"published": "已公开", "missing": "未公开", "unknown": "已公开（未与名录对照）"}
RANK_RULE = ("排名规则：只对各适用项都已评估的机关排名，同分同名次；某项缺少输入而未评估的机关（报告未载明发布日期、"
             "单元格空白、指标的分子或分母空白、机关不在已导入的机构名录中等）总分不完整，标明「未完整评估」，"
             "列于排名之后，不参与排名。不适用的项不影响完整性：未公开报告的机关只按「未公开」计分，"
             "指标 0÷0（没有可计算的事项）不计；某项对所有机关都无法评估时（如未导入机构名录时的「未公开」），"
             "各机关一样不计此项，照常排名。")


@dataclass
class Scorecard:
    region: str
    year: int
    scheme: Scheme
    agencies: list[AgencyScore]
    registry: bool                      # expected agencies come from the registry
    scheme_source: str = "默认配置"
    notes: list[str] = field(default_factory=list)
    common_gaps: list[str] = field(default_factory=list)    # items evaluated for no agency (rank())

    @property
    def ranked(self) -> list[AgencyScore]:
        return [a for a in self.agencies if a.rank is not None]

    @property
    def unranked(self) -> list[AgencyScore]:
        return [a for a in self.agencies if a.rank is None]

    def agency(self, ref: str | int) -> AgencyScore | None:
        """One agency by key (store id, "e<entry>", "r<report>") or name."""
        ref = str(ref).strip()
        for a in self.agencies:
            if a.key == ref:
                return a
        for a in self.agencies:
            if a.agency == ref or a.agency.endswith(ref):
                return a
        return None

    def to_dict(self, evidence: bool = True) -> dict[str, Any]:
        """Everything, as the API gives it; evidence=False: without the lines' evidence."""
        return {"region": self.region, "year": self.year, "registry": self.registry,
                "scheme_source": self.scheme_source, "scheme": self.scheme.to_dict(), "notes": self.notes,
                "items": [{"id": i.id, "name": i.name, "per": i.per, "rule": i.describe(), "basis": i.basis}
                          for i in self.scheme.items],
                "common_gaps": list(self.common_gaps), "ranked_count": len(self.ranked),
                "unranked_count": len(self.unranked),
                "agencies": [a.to_dict(evidence) for a in self.agencies]}


# ------------------------------------------------------------------ evaluation (pure)
def _num(v: float | None) -> int | float | None:
    if v is None:
        return None
    v = round(float(v), 4)
    return int(v) if v.is_integer() else v


def _apply(item: Item, count: float) -> tuple[float, float, bool]:
    raw = count * (item.points or 0)
    if item.cap is None:
        return raw, raw, False
    bounded = max(raw, item.cap) if item.cap < 0 else min(raw, item.cap)
    return raw, bounded, bounded != raw


def _counted(item: Item, count: float, text: str, evidence: dict[str, Any]) -> Line:
    raw, pts, capped = _apply(item, count)
    text = f"{text} × {_num(item.points)} 分 = {_num(raw)} 分"
    if capped:
        text += f"，以 {_num(item.cap)} 分为限"
    return Line(item.id, item.name, item.per, True, count=count, points=pts, raw=raw, capped=capped,
                text=text, evidence=evidence)


def _skip(item: Item, reason: str, evidence: dict[str, Any] | None = None, *, applicable: bool = True) -> Line:
    return Line(item.id, item.name, item.per, False, text=f"未评估：{reason}", reason=reason,
                evidence=evidence or {}, applicable=applicable)


def _finding_matches(item: Item, f: Mapping[str, Any]) -> bool:
    if item.severity and f.get("severity") not in item.severity:
        return False
    if item.codes:
        code = f.get("code") or ""
        return any(code == c or (len(c) == 1 and code.startswith(c) and code != "人工") for c in item.codes)
    return True


def _brief(f: Mapping[str, Any]) -> dict[str, Any]:
    return {k: f.get(k) for k in ("id", "review_id", "code", "severity", "message", "decision")}


def evaluate_line(item: Item, inp: AgencyInputs, year: int) -> Line:
    """One scheme line for one agency: counted, capped, explained — or not evaluated, with why."""
    if item.per == "missing":
        if inp.missing is None:
            return _skip(item, inp.missing_reason or "未导入机构名录，无法判断哪些机关应公开而未公开")
        if inp.missing:
            return _counted(item, 1, f"未公开 {year} 年度报告 1 次", {"missing": True})
        return _counted(item, 0, f"已公开 {year} 年度报告，0 次", {"missing": False, "report_id": inp.report_id})
    if inp.missing:
        return _skip(item, "未公开报告，只按「未公开」计分", applicable=False)
    if item.per in ("late", "late_day"):
        lt = inp.lateness
        if lt is None:
            return _skip(item, inp.lateness_reason or "报告未载明发布日期，无法判断是否逾期")
        ev = {"days_late": lt.days, "published": lt.published, "deadline": lt.deadline, "source": lt.source,
              "finding_id": lt.finding_id}
        if lt.dismissed:
            ev["dismissed"] = True
            return _counted(item, 0, f"逾期认定（D004）已被审核判定为{'/'.join(DISMISSED)}，0 次", ev)
        if lt.deadline is None:
            when = f"发布日期 {lt.published or '—'}，审核未发现逾期（D004）"
        else:
            when = f"发布日期 {lt.published or '—'}，期限 {lt.deadline}" + (f"（{lt.source}）" if lt.source else "")
        if item.per == "late_day":
            return _counted(item, lt.days, f"{when}，逾期 {lt.days} 天", ev)
        late = 1 if lt.days > 0 else 0
        return _counted(item, late, f"{when}，" + (f"逾期 {lt.days} 天，计 1 次" if late else "按期公开，0 次"), ev)
    if item.per == "finding":
        hits, excluded = [], []
        for f in inp.findings:
            if not _finding_matches(item, f):
                continue
            if f.get("decision") in DISMISSED or (item.confirmed_only and f.get("decision") != "确认"):
                excluded.append(_brief(f))
            else:
                hits.append(_brief(f))
        codes = sorted({f["code"] for f in hits})
        text = f"{len(hits)} 条" + (f"（{'、'.join(codes)}）" if codes else "")
        if excluded:
            why = "未经确认或已判定误报/不适用" if item.confirmed_only else "已判定误报/不适用"
            text += f"，另有 {len(excluded)} 条{why}，不计"
        return _counted(item, len(hits), text, {"findings": hits, "excluded": excluded})
    if item.per == "cell":
        if inp.cells is None:
            return _skip(item, "报告表格数据不可用")
        values = {p: inp.cells.get(p) for p in item.paths}
        absent = [p for p in item.paths if p not in inp.cells]
        blank = [p for p in item.paths if p in inp.cells and inp.cells[p] is None]
        ev = {"cells": {p: _num(v) for p, v in values.items()}, "labels": {p: _cell_name(p) for p in item.paths}}
        if absent:
            return _skip(item, f"报告格式中没有单元格「{_cell_name(absent[0])}」", ev)
        if blank:
            return _skip(item, f"单元格「{_cell_name(blank[0])}」空白，不当作 0", ev)
        total = sum(float(v) for v in values.values())     # type: ignore[arg-type]
        shown = "＋".join(f"{_cell_name(p)} {_num(v)}" for p, v in values.items())
        return _counted(item, total, shown, ev)
    if item.per == "indicator":
        if inp.indicators is None:
            return _skip(item, inp.indicators_reason or "风险指标不可用")
        ind = inp.indicators.get(item.indicator or "")
        label = INDICATORS.get(item.indicator or "", item.indicator)
        if ind is None or ind.get("value") is None:
            ev = {"indicator": item.indicator, **(ind or {})}
            why = (ind or {}).get("reason") or "分母为零或空白"
            # 0 ÷ 0 (no applications, nothing to measure) does not apply; a blank part is missing input
            nothing = ind is not None and ind.get("denominator") == 0 and ind.get("numerator") in (0, None)
            if nothing:
                return _skip(item, f"{label}无法计算（{why}，无可计算的事项，不适用）", ev, applicable=False)
            return _skip(item, f"{label}无法计算（{why}）", ev)
        mark = ind.get("mark")
        ev = {"indicator": item.indicator, "value": ind.get("value"), "numerator": ind.get("numerator"),
              "denominator": ind.get("denominator"), "mark": mark}
        shown = display(item.indicator or "", ind["value"])
        pts = getattr(item, mark) if mark in ("red", "yellow") else None
        if pts is None:
            text = f"{label} {shown}" + (f"（{MARK_NAMES[mark]}，本方案不扣分）" if mark else "（未达预警线）") + "，0 分"
            return Line(item.id, item.name, item.per, True, count=0, points=0, raw=0, text=text, evidence=ev)
        return Line(item.id, item.name, item.per, True, count=1, points=pts, raw=pts,
                    text=f"{label} {shown}（{MARK_NAMES[mark]}）：{_num(pts)} 分", evidence=ev)
    raise AssertionError(item.per)


def score_agency(scheme: Scheme, inp: AgencyInputs, year: int) -> AgencyScore:
    lines = [evaluate_line(it, inp, year) for it in scheme.items]
    total = scheme.base + sum(ln.points or 0 for ln in lines if ln.evaluated)
    floored = scheme.floor is not None and total < scheme.floor
    status = "missing" if inp.missing else ("published" if inp.missing is not None else "unknown")
    return AgencyScore(inp.agency, inp.agency_id, inp.region, inp.report_id, inp.entry_id, status,
                       scheme.base, scheme.floor if floored else total, floored, lines)   # type: ignore[arg-type]


def common_gaps(scores: Iterable[AgencyScore]) -> list[str]:
    """Items evaluated for none of the agencies they apply to and missing input for at least one
    (the 未公开 item without a registry): every agency is equally without them."""
    scores = list(scores)
    out: list[str] = []
    for i, item in enumerate(scores[0].lines if scores else []):
        lines = [a.lines[i] for a in scores if a.lines[i].applicable]
        if lines and not any(ln.evaluated for ln in lines):
            out.append(item.item)
    return out


def rank(scores: Iterable[AgencyScore]) -> list[AgencyScore]:
    """Complete scores first, highest total first; equal totals share a rank (1, 2, 2, 4), then by
    name. Incomplete ones (an item missing input that the card's other agencies have: see the
    module's docstring) follow by name, unranked (rank None), their `incomplete` items set."""
    scores = list(scores)
    common = set(common_gaps(scores))
    for a in scores:
        a.incomplete = [i for i in a.gaps if i not in common]
    out = sorted((a for a in scores if not a.incomplete), key=lambda a: (-round(a.total, 4), a.agency))
    for i, a in enumerate(out):
        a.rank = out[i - 1].rank if i and round(out[i - 1].total, 4) == round(a.total, 4) else i + 1
    rest = sorted((a for a in scores if a.incomplete), key=lambda a: a.agency)
    for a in rest:
        a.rank = None
    return out + rest


def evaluate(scheme: Scheme, inputs: Iterable[AgencyInputs], *, region: str, year: int, registry: bool,
             scheme_source: str = "默认配置", notes: list[str] | None = None) -> Scorecard:
    scores = [score_agency(scheme, i, year) for i in inputs]
    common = common_gaps(scores)
    notes = list(notes or [])
    names = {it.id: it.name for it in scheme.items}
    shown = [i for i in common if registry or next(it for it in scheme.items if it.id == i).per != "missing"]
    if shown:       # without a registry the 未公开 item's note is already there
        notes.append(f"「{'」「'.join(names[i] for i in shown)}」对所有机关均无法评估，各机关一样不计此项，排名不受影响")
    ranked = rank(scores)
    unranked = [a for a in ranked if a.rank is None]
    if unranked:
        notes.append(f"{len(unranked)} 个机关缺少部分评分项的输入（未完整评估），总分不完整，列于排名之后，不参与排名")
    return Scorecard(region, year, scheme, ranked, registry, scheme_source, notes, common)


# ------------------------------------------------------------------ XLSX
def scorecard_xlsx(card: Scorecard) -> bytes:
    """Ranking sheet (rank, agency, total, one column per item) + one sheet of explanation lines."""
    from openpyxl import Workbook

    from .. import export

    wb = Workbook()
    wb.remove(wb.active)
    items = card.scheme.items
    head = ["名次", "机关", "地区", "状态", "基础分", *[f"{i.name}" for i in items], "总分", "未评估项", "排名说明"]
    rows = []
    for a in card.agencies:
        by = {ln.item: ln for ln in a.lines}
        rows.append([_rank_cell(a), a.agency, a.region or "", STATUS_NAMES[a.status], _num(a.base),
                     *[_num(by[i.id].points) if by[i.id].evaluated else "—" for i in items],
                     _num(a.total), "、".join(by[x].name for x in a.not_evaluated),
                     rank_note(a, card.common_gaps)])
    ws = export._sheet(wb, "排名", head, rows, {2: 30, 3: 16, len(head) - 1: 24, len(head): 40})
    ws.append([])
    ws.append([f"{card.region} {card.year} 年度 · 评分方案：{card.scheme_source}；基础分 {_num(card.scheme.base)}"
               + (f"，最低 {_num(card.scheme.floor)} 分" if card.scheme.floor is not None else "")])
    for it in items:
        ws.append([f"{it.name}：{it.describe()}" + (f"（依据：{it.basis}）" if it.basis else "")])
    for n in card.notes:
        ws.append([n])
    ws.append([RANK_RULE])
    lines = []
    for a in card.agencies:
        for ln in a.lines:
            lines.append([_rank_cell(a), a.agency, ln.name, "是" if ln.evaluated else "否", _num(ln.count),
                          _num(ln.points) if ln.evaluated else "—", ln.text, _evidence_text(ln)])
    export._sheet(wb, "扣分说明", ["名次", "机关", "扣分项", "已评估", "次数/数值", "得分", "说明", "依据材料"],
                  lines, {2: 30, 3: 20, 7: 60, 8: 60})
    export.text_only(wb)       # names and messages are untrusted: text starting with = stays text, never a formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rank_cell(a: AgencyScore) -> int | str:
    return a.rank if a.rank is not None else "—"


def rank_note(a: AgencyScore, common: Iterable[str] = ()) -> str:
    """The XLSX's 排名说明: every item of 未评估项, each under why it was left out — missing input (the
    score is incomplete, not ranked), not applicable, or not evaluable for any agency (neither affects
    the ranking); "" when every item was evaluated."""
    common = set(common)
    by = {ln.item: ln for ln in a.lines}
    parts = []
    if a.incomplete:
        names = "".join(f"「{by[i].name}」" if i in by else f"「{i}」" for i in a.incomplete)
        parts.append(f"{a.incomplete_text()}；缺少输入而未评估的项：{names}，总分不完整，不参与排名")
    for ln in a.lines:
        if not ln.evaluated and not ln.applicable:
            parts.append(f"「{ln.name}」不适用，不影响完整性：{ln.reason}")
    shared = [ln for ln in a.lines if not ln.evaluated and ln.applicable and ln.item in common
              and ln.item not in a.incomplete]
    if shared:
        parts.append(f"对所有机关均无法评估的项：{''.join(f'「{ln.name}」' for ln in shared)}，"
                     "各机关一样不计，不影响排名")
    return "；".join(parts)


def _evidence_text(ln: Line) -> str:
    ev = ln.evidence
    parts = []
    for f in ev.get("findings", []):
        fid = f["id"] if f.get("id") is not None else f.get("review_id")
        parts.append(f"{f['code']}#{fid} {f.get('message') or ''}")
    for f in ev.get("excluded", []):
        parts.append(f"（不计 {f['code']}：{f.get('decision') or '待定'}）")
    for p, v in (ev.get("cells") or {}).items():
        parts.append(f"{_cell_name(p)} = {'空白' if v is None else v}")
    if "days_late" in ev:
        parts.append(f"发布 {ev.get('published') or '—'}，期限 {ev.get('deadline') or '—'}，逾期 {ev['days_late']} 天")
    if ev.get("indicator") and ev.get("value") is not None:
        parts.append(f"{INDICATORS.get(ev['indicator'], ev['indicator'])} = {_num(ev.get('numerator'))} / "
                     f"{_num(ev.get('denominator'))}")
    return "；".join(parts)


# ------------------------------------------------------------------ inputs from the Library
_CONFIGS = LRU(size=128, ttl=30.0)


def _config(lib: Any, node) -> Any:
    """The jurisdiction's configuration: the nearest region up the tree with a document, else the
    default. Kept while the registry (where the documents live) is unchanged: a configuration is
    immutable; a document that does not validate raises ConfigError every time (never kept)."""
    from .config import config_for
    from .regional import registry_of
    from .scope import _maps, registry_fingerprint

    rid = node.id if node is not None else None
    fp = registry_fingerprint(lib.store)
    key = (getattr(lib.store, "url", None), rid, fp)
    got = _CONFIGS.get(key)
    if got is None:
        maps = _maps(lib.store, fp) if rid is not None else None
        if maps is not None and rid in maps.regions:
            # config_for's chain (root first, the documents set on it) from the registry's maps
            chain, r = [], maps.regions.get(rid)
            while r is not None and len(chain) < 50:
                chain.append(r)
                r = maps.regions.get(r.parent_id) if r.parent_id is not None else None
            got = _load_config(tuple(r.config for r in reversed(chain) if r.config))
        else:
            got = config_for(registry_of(lib), rid)
        _CONFIGS.put(key, got)
    return got


@functools.lru_cache(maxsize=64)
def _load_config(texts: tuple[str, ...]) -> Any:
    """load_config of these documents (a configuration is immutable: regions with the same chain of
    documents — most have none — share one; a bad document raises every time, never kept)."""
    from .config import load_config

    return load_config(*texts)


def _current_reports(lib: Any, year: int, *, agency_ids: Iterable[int] | None = None, scope: Any = None):
    """Current reports of the year: of these store agencies, or of the region's scope (oversight.scope)."""
    from sqlalchemy import select

    from ..store.models import Agency
    from ..store.models import Report as ReportRow

    q = (select(ReportRow.id, ReportRow.agency_id, Agency.name, Agency.region, ReportRow.agency_name,
                ReportRow.published)
         .outerjoin(Agency, Agency.id == ReportRow.agency_id)
         .where(ReportRow.is_current, ReportRow.year == year)
         .order_by(Agency.region, Agency.name, ReportRow.id))
    if agency_ids is not None:
        ids = sorted(set(agency_ids))
        if not ids:
            return []
        q = q.where(ReportRow.agency_id.in_(ids))
    elif scope is not None and scope.agency_ids is not None:
        # the scope's agency ids, then their reports by ix_report_list (current, year, agency): as
        # one condition on the joined agency SQLite walked every current report of the year
        q = q.where(ReportRow.agency_id.in_(scope.agency_ids))
    elif scope is not None and scope.condition is not None:
        q = q.where(scope.condition)
    with lib.store._read() as s:
        return [tuple(r) for r in s.execute(q)]


def _registered_reports(lib: Any, year: int, agency_ids: list[int]) -> list[tuple]:
    """The current reports of the year of these agencies (the registry's, in the missing view) as
    _current_reports' rows, from the year's facts the missing view read (oversight.missing): only
    the report id, agency id, printed name and publication date are filled (the agency's own
    name and region, None here, are not used for registered agencies)."""
    from .missing import _facts
    from .regional import registry_of

    facts = _facts(registry_of(lib), year)
    out = []
    for aid in dict.fromkeys(agency_ids):
        got = facts.current.get(aid)
        if got is None:
            continue
        rid = got[0]
        pub, printed = next((pub, printed) for r, pub, _cur, printed in facts.versions[aid] if r == rid)
        out.append((rid, aid, None, None, printed, pub))
    return out


def _findings(lib: Any, report_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Audit findings of the reports with the reviewers' decisions, and reviewer-added findings."""
    from sqlalchemy import case, select

    from ..store.models import Finding
    from ..store.review import finding_keys
    from ..store.review_models import ReviewFinding

    out: dict[int, list[dict[str, Any]]] = {r: [] for r in report_ids}
    decided: dict[tuple[int, str], tuple[int, str | None]] = {}
    rf_cols = (ReviewFinding.id, ReviewFinding.report_id, ReviewFinding.key, ReviewFinding.origin, ReviewFinding.code,
               ReviewFinding.severity, ReviewFinding.message, ReviewFinding.decision)
    f_cols = (Finding.id, Finding.report_id, Finding.code, Finding.path, Finding.severity, Finding.message,
              case((Finding.code == "D004", Finding.data)))         # only D004's data is read (lateness)
    with lib.store._read() as s:
        for i in range(0, len(report_ids), 500):
            chunk = report_ids[i:i + 500]
            q = select(*rf_cols).where(ReviewFinding.report_id.in_(chunk), ReviewFinding.state == "open")
            for rid_, rep, key, origin, code, sev, msg, decision in s.execute(q):
                if origin == "audit":
                    decided[(rep, key)] = (rid_, decision)
                else:
                    out[rep].append({"id": None, "review_id": rid_, "code": code, "severity": sev, "message": msg,
                                     "decision": decision, "data": None})
            rows: dict[int, list[Any]] = {}
            for row in s.execute(select(*f_cols).where(Finding.report_id.in_(chunk)).order_by(Finding.id)):
                rows.setdefault(row[1], []).append(row)
            for rid, fs in rows.items():
                for key, (fid, _, code, _path, sev, msg, data) in zip(finding_keys([(f[2], f[3]) for f in fs]), fs):
                    rev_id, decision = decided.get((rid, key), (None, None))
                    out[rid].append({"id": fid, "review_id": rev_id, "code": code, "severity": sev, "message": msg,
                                     "decision": decision, "data": data})
    return out


@functools.lru_cache(maxsize=32)
def _cell_filter(paths: frozenset[str]):
    """(table, row, col) → path, and the condition picking exactly these cells: each key OR-ed, so
    SQLite seeks the primary key once per report and key (IN on each column sought their cross
    product: 68 seeks a report for the indicators' 20 cells). Built once per set of paths."""
    from sqlalchemy import and_, or_

    from ..store.cells import split_path
    from ..store.models import Cell

    keys = {split_path(p): p for p in paths}
    return keys, or_(*(and_(Cell.table_key == t, Cell.row_key == r, Cell.col_key == c) for t, r, c in sorted(keys)))


def _cells(lib: Any, report_ids: list[int], paths: set[str]) -> dict[int, dict[str, float | None]]:
    """The scheme's cells of each report: path → value (None: blank); a path the report's form
    does not have is absent."""
    from sqlalchemy import select

    from ..store.models import Cell

    out: dict[int, dict[str, float | None]] = {r: {} for r in report_ids}
    if not paths or not report_ids:
        return out
    keys, narrow = _cell_filter(frozenset(paths))
    with lib.store._read() as s:
        conn = s.connection()           # plain rows: the ORM's row loading cost as much as the query
        for i in range(0, len(report_ids), 500):
            q = select(Cell.report_id, Cell.table_key, Cell.row_key, Cell.col_key, Cell.value) \
                .where(Cell.report_id.in_(report_ids[i:i + 500]), narrow)
            for rid, t, r, c, v in conn.execute(q):
                path = keys.get((t, r, c))
                if path is not None:
                    out[rid][path] = v
    return out


_YEAR_CELLS = LRU(size=8, ttl=300.0)


def _year_cells(lib: Any, year: int, report_ids: list[int], paths: set[str]) -> dict[int, dict[str, float | None]]:
    """_cells of these reports, read for every current report of the year at once and kept while
    the store holds the same reports (Store.data_version): each region's scorecard then looks its
    reports' cells up instead of querying them."""
    from sqlalchemy import select

    from ..store.models import Report as ReportRow
    from .scope import data_version

    store = lib.store
    key, version = (getattr(store, "url", None), year, frozenset(paths)), data_version(store)
    every = _YEAR_CELLS.get(key, version)
    if every is None:
        with store._read() as s:
            ids = sorted(s.scalars(select(ReportRow.id).where(ReportRow.is_current, ReportRow.year == year)))
        every = _cells(lib, ids, paths)
        _YEAR_CELLS.put(key, every, version)
    out = {rid: every[rid] for rid in report_ids if rid in every}
    if len(out) < len(report_ids):      # not a current report of the year: read apart
        out |= _cells(lib, [r for r in report_ids if r not in out], paths)
    return out


def _parts_paths() -> dict[str, tuple[str, ...]]:
    """The indicators' parts (oversight.indicators.PARTS) as cell paths without the "tables." prefix."""
    from .indicators import PARTS

    return {name: tuple(p.removeprefix("tables.") for p in paths) for name, paths in PARTS.items()}


def _indicators(lib: Any, year: int, config: Any, reports: list[tuple]) -> dict[int, dict[str, Any]]:
    """Indicators of each report (E1's parts and formulas, the jurisdiction's thresholds), the
    year-over-year swing against the agency's report of the year before: the rows every regional
    view of the year shares (oversight.indicators.year_rows, the same figures), else computed here
    from the report's stored cells."""
    from .indicators import from_parts, previous_new_received, thresholds, year_rows

    th = thresholds(config)
    out: dict[int, dict[str, Any]] = {}
    shared = year_rows(lib, year, th) if hasattr(lib, "store") else {}
    for rid, *_ in reports:
        row = shared.get(rid)
        if row is not None:         # the rows every regional view of the year shares
            out[rid] = row.indicator_dicts()
    reports = [r for r in reports if r[0] not in out]
    if not reports:
        return out
    parts_paths = _parts_paths()
    cells = _cells(lib, [r[0] for r in reports], {p for ps in parts_paths.values() for p in ps})
    prev = previous_new_received(lib, [(r[1], year) for r in reports])
    for rid, agency_id, *_ in reports:
        c = cells.get(rid, {})
        parts = {}
        for name, paths in parts_paths.items():
            present = [v for v in (c.get(p) for p in paths) if v is not None]
            parts[name] = float(sum(present)) if present else None       # every cell blank: unknown
        got = from_parts(parts, prev.get((agency_id, year)), th)
        out[rid] = {k: v.to_dict() for k, v in got.items()}
    return out


def _lateness(findings: list[dict[str, Any]], published: str | None) -> tuple[Lateness | None, str | None]:
    """From the report's D004 finding (measured against the deadline that applies to the agency)."""
    for f in findings:
        data = f.get("data") or {}
        if f["code"] == "D004" and "deadline_iso" in data:        # not the "early" variant
            days = data.get("days_late")
            if days is None:
                days = (date.fromisoformat(data["published_iso"]) - date.fromisoformat(data["deadline_iso"])).days
            return Lateness(int(days), data.get("published_iso"), data.get("deadline_iso"), data.get("source"),
                            f.get("id"), f.get("decision") in DISMISSED), None
    if published is None:
        return None, "报告未载明发布日期，无法判断是否逾期"
    return Lateness(0, published), None


def build(lib: Any, region: int | str, year: int, *, scheme: Scheme | None = None,
          scheme_source: str | None = None, direct: bool = False, today: date | None = None) -> Scorecard:
    """The scorecard of a region and year: the registry's expected agencies (under the region,
    or only directly in it with `direct`), else every agency with a current report there.
    `scheme`: instead of the jurisdiction's own (`config_for`, else the bundled default)."""
    from .scope import pinned

    with pinned():
        return _build(lib, region, year, scheme=scheme, scheme_source=scheme_source, direct=direct, today=today)


def _build(lib: Any, region: int | str, year: int, *, scheme: Scheme | None, scheme_source: str | None,
           direct: bool, today: date | None) -> Scorecard:
    from ..errors import InputError

    from .scope import resolve

    sc = resolve(lib, region).require()         # RegionNotFound (不在名录中) when neither knows it
    node = sc.node
    config = _config(lib, node)
    if scheme is None:
        scheme = parse_scheme(config.scorecard)
        scheme_source = scheme_source or (f"{node.full_name or node.name}适用的配置" if node is not None
                                          else "默认配置")
    label = (node.full_name or node.name) if node is not None else str(region).strip()
    view = _missing_view(lib, node, year, today) if node is not None else None
    notes: list[str] = []
    inputs: list[AgencyInputs] = []
    registry = bool(view is not None and view.rows)
    if registry:
        rows = [r for r in view.rows if not direct or r.region.id == node.id]
        not_due = [r for r in rows if r.status == "not_due"]
        if not_due:
            notes.append(f"{len(not_due)} 个机关尚未到公开期限且未见报告，未列入排名")
        rows = [r for r in rows if r.status != "not_due"]
        reports = _registered_reports(lib, year, [r.agency_id for r in rows if r.report_id is not None])
        by_agency = {r[1]: r for r in reports}
        for r in rows:
            rep = by_agency.get(r.agency_id) if r.report_id is not None else None
            printed = rep[4] if rep is not None else None
            inp = AgencyInputs(agency=printed or _entry_name(r.entry, r.region),
                               agency_id=r.agency_id, region=r.region.full_name or r.region.name,
                               report_id=rep[0] if rep is not None else None, entry_id=r.entry.id,
                               missing=r.status == "missing")
            if r.status in ("published", "late"):
                inp.lateness = Lateness(r.days_late or 0, r.published.isoformat() if r.published else None,
                                        r.deadline.date.isoformat(), r.deadline.source)
            elif r.status == "unknown":
                inp.lateness_reason = "已入库的各版本报告均未载明发布日期，无法判断是否逾期"
            inputs.append(inp)
        extra = [u for u in view.unregistered if not direct]
        if extra:
            notes.append(f"{len(extra)} 份报告的机关不在机构名录中：照常计分，但无法确认是否应公开"
                         "（「未公开」项未评估），不参与排名")
            unlisted = _current_reports(lib, year, agency_ids=[u["agency_id"] for u in extra])
            for u in unlisted:
                inputs.append(AgencyInputs(agency=u[4] or f"{u[3] or ''}{u[2] or ''}", agency_id=u[1],
                                           region=u[3] or None, report_id=u[0], missing=None,
                                           missing_reason="不在机构名录中，无法判断是否应公开"))
            reports = reports + unlisted        # every scored report, already read (only ids matter below)
    else:
        if node is not None:
            notes.append(f"机构名录中没有{label}应公开的机关：按已入库的报告评分，无法判断未公开的机关")
        else:
            notes.append("未导入机构名录：按已入库的报告评分，「未公开」项不评估")
        reports = _current_reports(lib, year, scope=sc)
        if not reports:
            raise InputError(f"地区「{label}」{year} 年度没有已入库的报告，机构名录中也没有它应公开的机关")
        for rid, agency_id, name, reg, printed, _pub in reports:
            inputs.append(AgencyInputs(agency=printed or f"{reg or ''}{name or '（未识别机关）'}", agency_id=agency_id,
                                       region=reg or None, report_id=rid, missing=None))
    by_report = {r[0]: r for r in reports}
    rids = sorted(by_report)
    findings = _findings(lib, rids)
    paths = {p for it in scheme.items if it.per == "cell" for p in it.paths}
    wants_ind = any(it.per == "indicator" for it in scheme.items)
    indicators = _indicators(lib, year, config, [by_report[r] for r in rids]) if wants_ind and rids else {}
    cells = _year_cells(lib, year, rids, paths) if paths else {}
    for inp in inputs:
        if inp.report_id is None:
            continue
        inp.findings = findings.get(inp.report_id, [])
        if registry and inp.entry_id is not None:
            _mark_dismissed(inp)
        else:
            inp.lateness, inp.lateness_reason = _lateness(inp.findings, by_report[inp.report_id][5])
        inp.cells = cells.get(inp.report_id, {}) if paths else None
        if wants_ind:
            inp.indicators = indicators.get(inp.report_id)
    return evaluate(scheme, inputs, region=label, year=year, registry=registry,
                    scheme_source=scheme_source or "指定的评分方案", notes=notes)


def inputs_version(lib: Any) -> tuple:
    """A cheap fingerprint of everything a scorecard reads — reports and findings (Store.data_version),
    reviewers' decisions (every change bumps a finding's version), the registry (regions, entries,
    deadlines, configuration documents) and today's date (deadlines pass) — so a computed scorecard
    can be reused while it holds."""
    from sqlalchemy import func, select

    from ..store.review_models import ReviewFinding
    from .scope import data_version, registry_fingerprint

    rf = ReviewFinding.__table__
    with lib.store._read() as s:
        own = tuple(str(v) for v in s.execute(select(func.count(), func.sum(rf.c.version)).select_from(rf)).one())
    # the store's and the registry's fingerprints as every regional view reads them (once per view
    # under scope.pinned; the registry's covers regions, entries, deadlines, documents and matches)
    return (data_version(lib.store), registry_fingerprint(lib.store), own, date.today().isoformat())


def _entry_name(entry: Any, region: Any) -> str:
    name = (entry.name or "").strip() or "（未命名机关）"
    place = region.full_name or region.name or ""
    return name if not place or name.startswith(place) or name.startswith(region.name) else place + name


def _missing_view(lib: Any, node: Any, year: int, today: date | None):
    """The registry's expected / published / late / missing view (oversight/missing.py)."""
    if hasattr(lib, "missing"):
        return lib.missing(node.id, year, today=today)
    from .missing import missing
    from .regional import registry_of

    return missing(registry_of(lib), node.id, year, today=today)


def _mark_dismissed(inp: AgencyInputs) -> None:
    """The registry's lateness, tied to the report's D004 finding when there is one (a reviewer who
    judged it 误报 / 不适用 takes the lateness out of the score)."""
    if inp.lateness is None:
        return
    for f in inp.findings:
        if f["code"] == "D004" and "deadline_iso" in (f.get("data") or {}):
            inp.lateness.finding_id = f.get("id")
            inp.lateness.dismissed = f.get("decision") in DISMISSED
            return


def ranking_chart(card: Scorecard, limit: int = 60) -> dict[str, Any]:
    """ECharts option: one horizontal bar per ranked agency, best at the top; missing reports in
    grey. Unranked agencies (incomplete scores) are left out, the subtitle says how many."""
    ranked = card.ranked
    top = ranked[:limit]
    names = [f"{a.rank}. {a.agency}" for a in reversed(top)]
    colors = {"missing": "#98a2b3", "published": "#2e90fa", "unknown": "#2e90fa"}
    data = [{"value": _num(a.total), "itemStyle": {"color": colors[a.status]}} for a in reversed(top)]
    sub = f"共 {len(ranked)} 个机关参与排名" + (f"，图中为前 {limit} 名" if len(ranked) > limit else "")
    if len(ranked) < len(card.agencies):
        sub += f"；另有 {len(card.agencies) - len(ranked)} 个机关未完整评估，不参与排名，未列入图中"
    return {"title": {"text": f"{card.region} {card.year} 年度评分排名", "subtext": sub, "left": 10, "top": 4,
                      "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "grid": {"left": 20, "right": 40, "top": 60, "bottom": 20, "containLabel": True},
            "xAxis": {"type": "value", "name": "总分"},
            "yAxis": {"type": "category", "data": names, "axisLabel": {"width": 220, "overflow": "truncate"}},
            "series": [{"type": "bar", "name": "总分", "data": data, "label": {"show": True, "position": "right"}}]}
