"""Risk indicators of reports and regions: 实质公开率, 不予公开率, 复议纠错率, 诉讼败诉率, 结转率,
applications per agency and the year-over-year swing of new applications, each with its formula
and a red/yellow mark from the jurisdiction's thresholds.

    ind = indicators_for(report, previous=last_year_report)      # one Report model
    ind["substantive_rate"].value, ind["substantive_rate"].display  # 0.6667, "66.7%"
    res = region_indicators(lib, "中卫市", 2023)                   # every agency's current report
    res.rows[0].indicators["denial_rate"].mark                     # "red" | "yellow" | None
    res.totals["denial_rate"]                                      # Σ numerators ÷ Σ denominators

Why numerators and denominators, not only values: a region's rate is the sum of its agencies'
numerators over the sum of their denominators (a small agency's 100 % does not weigh as much as
a large one's 20 %), and the page shows both beside the value so the reader can check it.

Blanks and zeros: a part that sums several cells (不予公开 is eight rows) is the sum of the cells
the report printed; when every cell of a part is blank the part is unknown. A zero or unknown
denominator, or an unknown numerator, gives no value (None, shown "—") and says why — never 0,
never a division error. A region counts only the reports whose indicator could be computed.

The cells are read through the form (nianbao.form: table 三's 总计 column, table 四), and from
the store in one GROUP BY over the cell table, so a region-year of thousands of reports answers
in one query.
"""
from __future__ import annotations

import functools
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from ..form import form2021 as F21
from ..lru import LRU
from ..model import Report
from .config import Threshold, default_config
from .scope import registry_fingerprint as _registry_fingerprint
from .scope import registry_of as _registry
from .scope import _memo, data_version, pinned, resolve

RATE, FACTOR, COUNT = "rate", "factor", "count"

# ---------------------------------------------------------------- the cells, named by the form
_APP = F21.APPLICATIONS
_RL = F21.REVIEW_LITIGATION
_TOTAL = F21.APPLICANTS[-1].key                  # 总计 column of table 三
_CORRECTED, _REV_TOTAL = "corrected", F21.REVIEW_COLS[-1].key


def _app(*rows: str) -> tuple[str, ...]:
    return tuple(_APP.row(r).path(_TOTAL) for r in rows)


_DENIED = tuple(r.key for r in _APP.rows if r.group == F21.DENIED)
_LITIGATION = tuple(r.key for r in _RL.rows if r.labels[0] == F21.LITIGATION)

# part name → the cell paths it sums (each path in both forms: the 2019 form keeps these rows)
PARTS: dict[str, tuple[str, ...]] = {
    "granted": _app("granted", "partially_granted"),
    "results_total": _app("results_total"),
    "denied": _app(*_DENIED),
    "review_corrected": (_RL.row("review").path(_CORRECTED),),
    "review_total": (_RL.row("review").path(_REV_TOTAL),),
    "litigation_corrected": tuple(_RL.row(r).path(_CORRECTED) for r in _LITIGATION),
    "litigation_total": tuple(_RL.row(r).path(_REV_TOTAL) for r in _LITIGATION),
    "carried_forward": _app("carried_forward"),
    "new_received": _app("new_received"),
    "intake": _app("new_received", "carried_over"),
}


@dataclass(frozen=True)
class Definition:
    """One indicator: its key (config thresholds use it), Chinese name, formula as shown, and the
    parts its numerator and denominator are."""
    name: str
    label: str
    formula: str
    kind: str                    # RATE (shown as %), FACTOR (倍), COUNT
    numerator: str = ""
    denominator: str = ""
    note: str = ""


DEFINITIONS: dict[str, Definition] = {d.name: d for d in (
    Definition("substantive_rate", "实质公开率", "（予以公开 + 部分公开）÷ 办理结果总计", RATE,
               "granted", "results_total", "表三总计列；办理结果总计 = 三（七）总计，即全部已办结申请"),
    Definition("denial_rate", "不予公开率", "不予公开（1–8 项之和）÷ 办理结果总计", RATE,
               "denied", "results_total", "表三总计列，三（三）不予公开各项之和"),
    Definition("review_correction_rate", "复议纠错率", "行政复议 结果纠正 ÷ 行政复议 总计", RATE,
               "review_corrected", "review_total", "表四 行政复议"),
    Definition("litigation_loss_rate", "诉讼败诉率", "行政诉讼 结果纠正 ÷ 行政诉讼 总计（未经复议直接起诉 + 复议后起诉）",
               RATE, "litigation_corrected", "litigation_total", "表四 行政诉讼两类之和"),
    Definition("carryover_rate", "结转率", "结转下年度继续办理 ÷（本年新收 + 上年结转）", RATE,
               "carried_forward", "intake", "表三总计列"),
    Definition("applications_per_agency", "每机关申请量", "本年新收申请 ÷ 机关数", COUNT,
               "new_received", "agencies", "表三 一、本年新收 总计；一个机关即其本年新收，地区为各机关平均"),
    Definition("yoy_swing", "新收申请同比波动", "max(本年新收, 上年新收) ÷ min(本年新收, 上年新收)", FACTOR,
               "", "", "同一机关上年的现行报告；1 = 持平，2 = 翻倍或减半；地区为各机关较大值之和 ÷ 较小值之和"),
)}
NAMES = list(DEFINITIONS)

REASONS = {"zero": "分母为 0", "blank": "分母空白", "blank_numerator": "分子空白",
           "no_previous": "无上年报告或上年新收空白", "zero_new": "本年或上年新收为 0，倍数无从计算",
           "no_reports": "没有可计算的报告"}


# ---------------------------------------------------------------- values and marks
@dataclass
class Indicator:
    name: str
    value: float | None
    numerator: float | None
    denominator: float | None
    mark: str | None = None              # "red" | "yellow" | None
    reason: str | None = None            # why there is no value (Chinese)
    reports: int | None = None           # a region's total: reports counted / all of them
    of: int | None = None

    @property
    def definition(self) -> Definition:
        return DEFINITIONS[self.name]

    @property
    def label(self) -> str:
        return self.definition.label

    @property
    def formula(self) -> str:
        return self.definition.formula

    @property
    def display(self) -> str:
        return display(self.name, self.value)

    @property
    def fraction(self) -> str:
        """"4 ÷ 8" (what the value is of), or the reason there is no value."""
        if self.value is None:
            return self.reason or "无法计算"
        return f"{_num(self.numerator)} ÷ {_num(self.denominator)}"

    def to_dict(self) -> dict[str, Any]:
        defn = DEFINITIONS[self.name]
        d = {"name": self.name, "label": defn.label, "formula": defn.formula,
             "value": None if self.value is None else round(self.value, 4), "display": display(self.name, self.value),
             "numerator": _num(self.numerator), "denominator": _num(self.denominator), "mark": self.mark,
             "reason": self.reason}
        if self.of is not None:
            d |= {"reports": self.reports, "of": self.of}
        return d


def _num(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(v, 4)


def display(name: str, value: float | None) -> str:
    """"—" when there is no value; rates as percent, swings as 倍, counts as numbers."""
    if value is None:
        return "—"
    kind = DEFINITIONS[name].kind
    if kind == RATE:
        return f"{value * 100:.1f}%"
    if kind == FACTOR:
        return f"{value:.2f} 倍"
    return f"{value:.1f}".removesuffix(".0")


def _threshold(t: Any) -> Threshold | None:
    """A threshold from the configuration's model or a plain dict ({yellow, red, direction})."""
    if t is None or isinstance(t, Threshold):
        return t
    return Threshold.model_validate(t if isinstance(t, Mapping) else
                                    {k: getattr(t, k, None) for k in ("yellow", "red", "direction")})


def mark(value: float | None, threshold: Any) -> str | None:
    """"red", "yellow" or None (oversight.config.Threshold.mark): direction high marks values at or
    above the threshold, low at or below. No value or no threshold: no mark."""
    t = _threshold(threshold)
    return None if t is None else t.mark(value)


def thresholds(config: Any = None) -> dict[str, Threshold]:
    """Indicator thresholds of a JurisdictionConfig (or its dict, or a mapping name → threshold);
    None: the bundled default configuration."""
    if config is None:
        config = default_config()
    inds = config.get("indicators", config) if isinstance(config, Mapping) else getattr(config, "indicators", {})
    return {name: _threshold(t) for name, t in (inds or {}).items() if t is not None}


# ---------------------------------------------------------------- computing
def _sum(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(sum(present)) if present else None


def parts_of(report: Report) -> dict[str, float | None]:
    """The parts (sums of cells; None when every cell is blank) of one Report model."""
    return {name: _sum(report.tables.cell(p.removeprefix("tables.")) for p in paths)
            for name, paths in PARTS.items()}


def _ratio(name: str, num: float | None, den: float | None, th: Mapping[str, Threshold]) -> Indicator:
    if den is None:
        return Indicator(name, None, num, den, reason=REASONS["blank"])
    if den == 0:
        return Indicator(name, None, num, den, reason=REASONS["zero"])
    if num is None:
        return Indicator(name, None, num, den, reason=REASONS["blank_numerator"])
    v = num / den
    return Indicator(name, v, num, den, mark(v, th.get(name)))


def _swing(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    if current is None or previous is None:
        return None, None
    return max(current, previous), min(current, previous)


def from_parts(parts: Mapping[str, float | None], previous_new: float | None = None,
               th: Mapping[str, Threshold] | None = None, *, has_previous: bool = True) -> dict[str, Indicator]:
    """Every indicator of one report from its parts; `previous_new` = the agency's 本年新收 the
    year before (None: no previous report, or its cell blank)."""
    th = thresholds() if th is None else th
    out = {}
    for d in DEFINITIONS.values():
        if d.name == "yoy_swing":
            hi, lo = _swing(parts.get("new_received"), previous_new)
            if hi is None:
                ind = Indicator(d.name, None, None, None, reason=REASONS["no_previous"])
            else:
                ind = _ratio(d.name, hi, lo, th)
                if lo == 0:
                    ind.reason = REASONS["zero_new"]
        elif d.name == "applications_per_agency":
            ind = _ratio(d.name, parts.get("new_received"), 1.0, th)
        else:
            ind = _ratio(d.name, parts.get(d.numerator), parts.get(d.denominator), th)
        out[d.name] = ind
    return out


def indicators_for(report: Report, previous: Report | float | None = None, config: Any = None
                   ) -> dict[str, Indicator]:
    """Indicators of one report model. `previous`: the agency's report of the year before (or its
    本年新收 总计) for the year-over-year swing. `config`: thresholds (default: the bundled ones)."""
    prev = parts_of(previous)["new_received"] if isinstance(previous, Report) else previous
    return from_parts(parts_of(report), prev, thresholds(config))


def total(name: str, per_report: Iterable[Indicator], th: Mapping[str, Threshold]) -> Indicator:
    """A region's indicator: Σ numerators ÷ Σ denominators over the reports where both are known
    (a report with a zero denominator adds nothing to either)."""
    items = list(per_report)
    counted = [i for i in items if i.numerator is not None and i.denominator is not None]
    if not counted:
        return Indicator(name, None, None, None, reason=REASONS["no_reports"], reports=0, of=len(items))
    num = sum(i.numerator for i in counted)
    den = sum(i.denominator for i in counted)
    ind = _ratio(name, num, den, th)
    ind.reports, ind.of = sum(1 for i in counted if i.value is not None), len(items)
    return ind


def distribution(values: Iterable[float | None]) -> dict[str, Any]:
    """The spread of one indicator over a region's reports: how many have a value (n) and how
    many not (blank), the sorted values and their quartiles."""
    given = list(values)
    vals = sorted(v for v in given if v is not None)
    out: dict[str, Any] = {"n": len(vals), "blank": len(given) - len(vals), "values": [round(v, 4) for v in vals]}
    if vals:
        q = statistics.quantiles(vals, n=4, method="inclusive") if len(vals) > 1 else [vals[0]] * 3
        out |= {"min": round(vals[0], 4), "q1": round(q[0], 4), "median": round(q[1], 4), "q3": round(q[2], 4),
                "max": round(vals[-1], 4)}
    return out


# ---------------------------------------------------------------- from the store, per region and year
@dataclass
class AgencyRow:
    """One agency's current report of the year and its indicators."""
    report_id: int
    agency_id: int | None
    agency: str | None
    region: str | None
    agency_name: str | None
    year: int | None
    indicators: dict[str, Indicator] = field(default_factory=dict)

    def indicator_dicts(self) -> dict[str, dict[str, Any]]:
        """{name: Indicator.to_dict()} (the scorecard's input), built once per row: a row of the
        year's shared rows serves every region's scorecard. Read-only."""
        got = self.__dict__.get("_dicts")
        if got is None:
            got = self.__dict__["_dicts"] = {k: v.to_dict() for k, v in self.indicators.items()}
        return got

    @property
    def name(self) -> str:
        from ..agency import join_name

        return join_name(self.region, self.agency or self.agency_name or "（未识别机关）")

    def to_dict(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "agency_id": self.agency_id, "agency": self.agency,
                "region": self.region, "agency_name": self.agency_name, "year": self.year,
                "indicators": {k: v.to_dict() for k, v in self.indicators.items()}}


@dataclass
class RegionIndicators:
    region: str | None                  # as asked (or the registry's full name)
    year: int | None
    rows: list[AgencyRow]
    totals: dict[str, Indicator]
    distribution: dict[str, dict[str, Any]]
    thresholds: dict[str, Threshold]
    totals_note: str = ""               # what the totals leave out or may count twice (oversight.scope)
    excluded: list[int] = field(default_factory=list)   # area reports left out of the totals

    def marked(self, name: str, level: str) -> int:
        """How many agencies' `name` carries the mark `level` ("red" / "yellow")."""
        return sum(1 for r in self.rows if r.indicators[name].mark == level)

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "year": self.year,
                "definitions": legend(),
                "thresholds": {k: t.model_dump() for k, t in self.thresholds.items()},
                "totals": {k: v.to_dict() for k, v in self.totals.items()},
                "totals_note": self.totals_note, "totals_excluded": self.excluded,
                "rows": [r.to_dict() for r in self.rows],
                "distribution": self.distribution}


def totals_note(sc: Any, rows: Iterable[AgencyRow]) -> str:
    """The totals' footnote: area reports left out (registry), or that coverage is unknown — no
    registry, or governments whose 报告范围 the registry does not state (they are summed): its
    entries of kind government without 报告范围, and unregistered agencies named a government
    (a 乡镇 or 街道 in the registry has no reports under it to double count)."""
    from ..audit.dates import is_peoples_government

    def unknown(r: AgencyRow) -> bool:
        if r.agency_id in sc.covers_known:
            return False
        if r.agency_id in sc.kind_of:
            return sc.kind_of[r.agency_id] == "government"
        return is_peoples_government(r.agency or r.agency_name or "")

    return sc.totals_note(sum(1 for r in rows if unknown(r)) if sc.registry else 0)


def legend() -> list[dict[str, str]]:
    """Every indicator's name, formula and note, in display order (the legend of tables and pages)."""
    return [{"name": d.name, "label": d.label, "formula": d.formula, "kind": d.kind, "note": d.note}
            for d in DEFINITIONS.values()]


def _cell_key(path: str) -> tuple[str, str, str]:
    from ..store.cells import split_path

    return split_path(path)


@functools.cache
def _parts_columns():
    """SUM(CASE …) per part over the cell table (NULL when every cell of the part is blank)."""
    from ..store.models import Cell

    cols = []
    for name, paths in PARTS.items():
        conds = [and_(Cell.table_key == t, Cell.row_key == r, Cell.col_key == c) for t, r, c in map(_cell_key, paths)]
        cols.append(func.sum(case((or_(*conds), Cell.value))).label(name))
    return tuple(cols)          # built once: the same expressions serve every query (and its cache key)


@functools.cache
def _parts_filter():
    from ..store.models import Cell

    keys = [_cell_key(p) for paths in PARTS.values() for p in paths]
    return and_(Cell.table_key.in_(sorted({k[0] for k in keys})), Cell.row_key.in_(sorted({k[1] for k in keys})),
                Cell.col_key.in_(sorted({k[2] for k in keys})))


def _store(lib: Any):
    return getattr(lib, "store", lib)


# Region rows are kept while the store's reports are unchanged (a saved report is a new row, a
# deleted one lowers the count: max(id) and the counts tell, from indexes; the ids of the current
# reports are summed too) and for at most 30 s (the registry's membership may change meanwhile):
# repeated views of a large region then skip the GROUP BY over its cells.
_CACHE = LRU(size=64, ttl=30.0)


def _fingerprint(store: Any) -> tuple:
    """The reports' fingerprint (see _CACHE), read once per view (scope.pinned): Store.data_version
    where there is one (counts and highest ids from the indexes, ~0.2 ms; every save, supersede and
    delete changes the count or the highest id), else the current reports' own (~2.5 ms)."""
    if hasattr(store, "data_version"):
        return data_version(store)
    return _memo("reports", store, _read_fingerprint)


def _read_fingerprint(store: Any) -> tuple:
    from ..store.models import Report as ReportRow

    current = select(func.count(), func.sum(ReportRow.id)).where(ReportRow.is_current).subquery()
    q = select(select(func.max(ReportRow.id)).scalar_subquery(), select(func.count(ReportRow.id)).scalar_subquery(),
               current.c[0], current.c[1])
    with store._read() as s:
        return tuple(s.execute(q).one())


_PART_READ = LRU(size=64, ttl=30.0)     # (store, fingerprints, region, agency) → years last read apart


def _fetch(lib: Any, region: int | str | None, years: list[int] | None, agency: str | int | None = None):
    """Current reports of the region in these years (None: all) with their parts (cached while
    the store and the registry are unchanged, see _CACHE).

    Every year after some (a region's overview: its year and the one before for the rows, then
    every year for the trend): the years already read are taken from the cache and only the
    others are read. Their rows then come in two runs, each in the query's order; every year's
    rows only feed totals per year (trend, sub-region trend), which do not depend on the order."""
    store = _store(lib)
    where = (store.url, _fingerprint(store), _registry_fingerprint(store), str(region))
    key = (*where, tuple(years) if years is not None else None, str(agency))
    got = _CACHE.get(key)
    if got is not None:
        return got
    part = _PART_READ.get((*where, str(agency))) if years is None else None
    read = _CACHE.get((*where, part, str(agency))) if part is not None else None
    if read is not None:
        rest, label = _query(lib, region, None, agency, besides=list(part))
        got = (read[0] + rest, label)
    else:
        got = _query(lib, region, years, agency)
        if years is not None:
            _PART_READ.put((*where, str(agency)), tuple(years))
    _CACHE.put(key, got)
    return got


def _query(lib: Any, region: int | str | None, years: list[int] | None, agency: str | int | None = None,
           besides: list[int] | None = None):
    """Current reports of the region in these years (None: all; `besides`: all but these) with
    their parts, one query."""
    from sqlalchemy.orm import aliased

    from ..store.models import Agency, Cell
    from ..store.models import Report as ReportRow

    store = _store(lib)
    sc = resolve(lib, region).require()            # RegionNotFound (不在名录中) when unknown
    cond, label = sc.condition, sc.label
    # which reports, then their cells: the ids come from ix_report_list alone (a covering index:
    # current, year, agency), so the GROUP BY reads only these reports by primary key. Written as
    # one condition on the report, SQLite (no statistics) walked every current report of the year,
    # fetched its row and agency to test the region — twice the time of the whole view at 5,000.
    picked = aliased(ReportRow)
    ids = select(picked.id).where(picked.is_current)
    if years is not None:
        ids = ids.where(picked.year.in_(years))
    if besides:
        ids = ids.where(or_(picked.year.not_in(besides), picked.year.is_(None)))
    if agency is not None:
        ids = ids.where(picked.agency_id.in_([a.id for a in store.agencies(name=str(agency))]))
    if sc.agency_ids is not None:
        ids = ids.where(picked.agency_id.in_(sc.agency_ids))
    elif cond is not None:
        ids = ids.where(picked.agency_id.in_(select(Agency.id).where(cond).correlate(None)))
    q = (select(ReportRow.id, ReportRow.agency_id, Agency.name, Agency.region, ReportRow.agency_name, ReportRow.year,
                *_parts_columns())
         .select_from(ReportRow)
         .outerjoin(Agency, Agency.id == ReportRow.agency_id)
         .outerjoin(Cell, and_(Cell.report_id == ReportRow.id, _parts_filter()))
         .where(ReportRow.id.in_(ids))
         .group_by(ReportRow.id, ReportRow.agency_id, Agency.name, Agency.region, ReportRow.agency_name,
                   ReportRow.year)
         .order_by(Agency.region, Agency.name, ReportRow.year, ReportRow.id))
    names = list(PARTS)
    with store._read() as s:
        rows = [((*r[:3], sc.region_name(r[1], r[3]), *r[4:6]), dict(zip(names, r[6:]))) for r in s.execute(q)]
    return rows, label


def previous_new_received(lib: Any, pairs: Iterable[tuple[int | None, int | None]]
                          ) -> dict[tuple[int, int], float | None]:
    """For (agency_id, year) pairs: the 本年新收 总计 of the agency's current report of the year
    before (absent: no such report), keyed by the pair asked."""
    from ..store.models import Cell
    from ..store.models import Report as ReportRow

    by_year: dict[int, set[int]] = {}
    for agency_id, year in pairs:
        if agency_id is not None and year is not None:
            by_year.setdefault(year, set()).add(agency_id)
    t, r, c = _cell_key(PARTS["new_received"][0])
    out: dict[tuple[int, int], float | None] = {}
    with _store(lib)._read() as s:
        for year, ids in by_year.items():
            ids_l = sorted(ids)
            for i in range(0, len(ids_l), 500):
                q = (select(ReportRow.agency_id, Cell.value).select_from(ReportRow)
                     .outerjoin(Cell, and_(Cell.report_id == ReportRow.id, Cell.table_key == t, Cell.row_key == r,
                                           Cell.col_key == c))
                     .where(ReportRow.is_current, ReportRow.year == year - 1,
                            ReportRow.agency_id.in_(ids_l[i:i + 500])))
                for agency_id, value in s.execute(q):
                    out[(agency_id, year)] = None if value is None else float(value)
    return out


def _all_rows(lib: Any, region: int | str | None, th: Mapping[str, Threshold]) -> list[AgencyRow]:
    """Every year's rows of the region (the trend and the sub-region trend both read them: built
    once, on the same terms as the fetched parts)."""
    return _cached(lib, "rows", region, None, None, th, lambda: _region_rows(lib, region, None, None, th)[0])


def _region_rows(lib: Any, region: int | str | None, years: list[int] | None, year: int | None,
                 th: Mapping[str, Threshold], agency: str | int | None = None) -> tuple[list[AgencyRow], str | None]:
    """The region's rows of `year` (None: of every year read) from its current reports of `years`
    (None: all), and the region's label.

    A region's rows are a filter of every region's: the rows of all current reports of these years
    are computed once (one query, one from_parts per report; kept on the same terms as the fetched
    parts and for the same thresholds) and each region keeps those of its scope's agencies
    (oversight.scope.agency_id_set). The same rows as the region's own query (the swing compares an
    agency with itself, whose reports are all in or all out of a scope), in the same order."""
    from .scope import agency_id_set

    if agency is None and region not in (None, ""):
        ids = agency_id_set(lib, region)
        if ids is not None:
            label = resolve(lib, region).label
            every = _cached(lib, "all-rows", None, tuple(years) if years is not None else None, None, th,
                            lambda: _rows(_fetch(lib, None, years)[0], None, th))
            return [r for r in every if r.agency_id in ids and (year is None or r.year == year)], label
    fetched, label = _fetch(lib, region, years, agency)
    return _rows(fetched, year, th), label


def year_rows(lib: Any, year: int, th: Mapping[str, Threshold]) -> dict[int, AgencyRow]:
    """report id → row of every current report of `year` (every region's, the swing from the year
    before): the rows a region's view filters (_region_rows), by id. Kept on the same terms."""
    def compute() -> dict[int, AgencyRow]:
        every = _cached(lib, "all-rows", None, (year - 1, year), None, th,
                        lambda: _rows(_fetch(lib, None, [year - 1, year])[0], None, th))
        return {r.report_id: r for r in every if r.year == year}

    with pinned():
        return _cached(lib, "year-rows", None, year, None, th, compute)


def _rows(fetched, year: int | None, th) -> list[AgencyRow]:
    """Rows of `year` (None: every year), their yoy swing from the same agency's row a year before."""
    new_by = {(head[1], head[5]): parts["new_received"] for head, parts in fetched if head[1] is not None}
    out = []
    for head, parts in fetched:
        rid, agency_id, agency, region, printed, y = head
        if year is not None and y != year:
            continue
        prev = new_by.get((agency_id, y - 1)) if agency_id is not None and y is not None else None
        parts = {k: (float(v) if v is not None else None) for k, v in parts.items()}
        out.append(AgencyRow(rid, agency_id, agency, region, printed, y, from_parts(parts, prev, th)))
    return out


def summarize(rows: list[AgencyRow], th: Mapping[str, Threshold], exclude: Iterable[int] = ()
              ) -> tuple[dict[str, Indicator], dict[str, dict]]:
    """A region's totals and the distribution of each indicator over its reports. `exclude`: the
    agencies whose report covers their whole area (left out of the totals: their figures already
    are the sum of the reports under them)."""
    skip = set(exclude)
    summed = [r for r in rows if r.agency_id not in skip]
    totals = {n: total(n, (r.indicators[n] for r in summed), th) for n in NAMES}
    dist = {n: distribution(r.indicators[n].value for r in rows) for n in NAMES}
    return totals, dist


def _node(lib: Any, region: int | str | None):
    """The registry's region `region` names (id, name, full name), or None (oversight.scope)."""
    return resolve(lib, region).node if region not in (None, "") else None


_THRESHOLDS = LRU(size=128, ttl=30.0)


def config_thresholds(lib: Any, region: int | str | None) -> dict[str, Threshold]:
    """The thresholds that apply to a region: its jurisdiction's configuration (the nearest region
    up the tree that has one), else the bundled default. Kept while the registry (where the documents live) is unchanged."""
    store = _store(lib)
    key = (getattr(store, "url", None), str(region), _registry_fingerprint(store) if hasattr(store, "_read") else None)
    got = _THRESHOLDS.get(key)
    if got is None:
        got = _config_thresholds(lib, region)
        _THRESHOLDS.put(key, got)
    return got


def _config_thresholds(lib: Any, region: int | str | None) -> dict[str, Threshold]:
    from .config import ConfigError, config_for

    node = _node(lib, region)
    cfg = None
    try:
        if node is not None and _registry(lib) is not None:
            cfg = config_for(_registry(lib), node.id)
    except ConfigError:             # a document that no longer validates: the default, not an error page
        cfg = None
    return thresholds(cfg)


_RESULTS = LRU(size=64, ttl=30.0)


def _cached(lib: Any, what: str, region: Any, years: Any, agency: Any, th: Mapping[str, Threshold], compute):
    """A computed region result, kept on the same terms as the fetched parts (_CACHE) and for
    the same thresholds: a large region's rows are not recomputed on every page view."""
    store = _store(lib)
    key = (what, store.url, _fingerprint(store), _registry_fingerprint(store),
           str(region), years, str(agency),
           tuple(sorted((k, t.yellow, t.red, t.direction) for k, t in th.items())))
    got = _RESULTS.get(key)
    if got is None:
        got = compute()
        _RESULTS.put(key, got)
    return got


def region_indicators(lib: Any, region: int | str | None, year: int, *, agency: str | int | None = None,
                      config: Any = None) -> RegionIndicators:
    """Per agency (current report of `year`) and the region's totals and distributions. `lib`: a
    Library (its registry and jurisdiction configuration are used when present) or a Store."""
    with pinned():
        return _region_indicators(lib, region, year, agency, config)


def _region_indicators(lib: Any, region: int | str | None, year: int, agency: str | int | None, config: Any
                       ) -> RegionIndicators:
    th = thresholds(config) if config is not None else config_thresholds(lib, region)

    def compute() -> RegionIndicators:
        rows, label = _region_rows(lib, region, [year - 1, year], year, th, agency)
        sc = resolve(lib, region)
        totals, dist = summarize(rows, th, sc.area_agencies)
        excluded = [r.report_id for r in rows if r.agency_id in sc.area_agencies]
        return RegionIndicators(label, year, rows, totals, dist, th, totals_note(sc, rows), excluded)

    return _cached(lib, "region", region, year, agency, th, compute)


def region_trend(lib: Any, region: int | str | None, *, config: Any = None) -> dict[int, dict[str, Indicator]]:
    """The region's totals year by year (every year with a current report), oldest first."""
    with pinned():
        return _region_trend(lib, region, config)


def _region_trend(lib: Any, region: int | str | None, config: Any) -> dict[int, dict[str, Indicator]]:
    th = thresholds(config) if config is not None else config_thresholds(lib, region)

    def compute() -> dict[int, dict[str, Indicator]]:
        area = resolve(lib, region).area_agencies
        by_year: dict[int, list[AgencyRow]] = {}
        for r in _all_rows(lib, region, th):
            if r.year is not None:
                by_year.setdefault(r.year, []).append(r)
        return {y: summarize(by_year[y], th, area)[0] for y in sorted(by_year)}

    return _cached(lib, "trend", region, None, None, th, compute)


def subregion_trend(lib: Any, region: int | str | None, name: str, *, config: Any = None, limit: int = 12
                    ) -> dict[str, dict[int, Indicator]]:
    """One indicator of each sub-region, year by year: the registry's children of the region (an
    agency belongs to the child its region or name names), else the store's own region strings
    of the region's agencies. At most `limit` sub-regions, those with most reports."""
    with pinned():
        return _subregion_trend(lib, region, name, config, limit)


def _subregion_trend(lib: Any, region: int | str | None, name: str, config: Any, limit: int
                     ) -> dict[str, dict[int, Indicator]]:
    th = thresholds(config) if config is not None else config_thresholds(lib, region)

    def compute() -> dict[str, dict[int, Indicator]]:
        sc = resolve(lib, region)
        rows = [r for r in _all_rows(lib, region, th) if r.agency_id not in sc.area_agencies]
        node = sc.node
        children = _registry(lib).children(node.id) if node is not None else []
        groups: dict[str, list[AgencyRow]] = {}
        for r in rows:
            # a row's region is the registry's full name when its agency is registered (oversight.scope)
            where = (r.region or "") + (r.agency or "")
            key = next((c.name for c in children if where.startswith(c.full_name) or c.name in where), None) \
                if children else (r.region or None)
            if key is not None and r.year is not None:
                groups.setdefault(key, []).append(r)
        chosen = sorted(groups, key=lambda k: (-len(groups[k]), k))[:limit]
        out = {}
        for k in sorted(chosen):
            by_year: dict[int, list[AgencyRow]] = {}
            for r in groups[k]:
                by_year.setdefault(r.year, []).append(r)
            out[k] = {y: total(name, (r.indicators[name] for r in by_year[y]), th) for y in sorted(by_year)}
        return out

    return _cached(lib, "sub:" + name, region, limit, None, th, compute)


def busiest_year(lib: Any) -> int | None:
    """The year with most current reports (the newest of equals): what a regional view opens on."""
    from ..store.models import Report as ReportRow

    q = (select(ReportRow.year, func.count(ReportRow.id)).where(ReportRow.is_current, ReportRow.year.is_not(None))
         .group_by(ReportRow.year).order_by(func.count(ReportRow.id).desc(), ReportRow.year.desc()).limit(1))
    with _store(lib)._read() as s:
        row = s.execute(q).first()
    return row[0] if row else None


def sort_rows(rows: list[AgencyRow], key: str, descending: bool = False) -> list[AgencyRow]:
    """By an indicator's value (or "agency"); rows without a value always last."""
    if key == "agency":
        return sorted(rows, key=lambda r: r.name, reverse=descending)
    if key not in DEFINITIONS:
        raise ValueError(f"unknown indicator {key!r}")
    present = [r for r in rows if r.indicators[key].value is not None]
    blank = [r for r in rows if r.indicators[key].value is None]
    return sorted(present, key=lambda r: r.indicators[key].value, reverse=descending) + blank
