"""Key indicators of stored reports side by side: one agency over the years, or every agency of a
region and year. Used by `nianbao compare` and the web UI.

    rows = agency_years(store, "沙坡头区司法局")
    rows = region_year(store, region="中卫市", year=2023)
    rows = compare_reports(store, [3, 8, 12])
    sort_rows(rows, "granted_share", descending=True)

Indicators (from the current version of each report):
- received: 本年新收申请数量 (表三, 总计列)
- carried_over, results_total (办理结果总计), carried_forward
- granted / granted_share: 予以公开 and its share of 办理结果总计 (部分公开 not included)
- review_total / review_corrected / review_corrected_share: 行政复议 总计, 结果纠正, 纠正 ÷ 总计
- litigation_total: 行政诉讼 (未经复议直接起诉 + 复议后起诉) 总计
- errors / warnings / infos: audit findings by severity, not counting those the reviewers dismissed
  (误报 / 不适用, store.review) — the scorecard's rule; `dismissed`: how many were dismissed
- the risk indicators of nianbao.oversight.indicators (实质公开率, 不予公开率, 复议纠错率, 诉讼败诉率,
  结转率, 新收同比波动), each with its red/yellow mark in `marks` from the jurisdiction's thresholds
A share is None when its denominator is 0 or blank. A row's region is the registry's full name
(某省某市某区) where a registry entry matched the agency, else the store's region string.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .oversight import indicators as OI
from .store import ReportInfo, Store
from .store.cells import number, split_path

INDICATORS: list[tuple[str, str]] = [
    ("received", "本年新收"),
    ("carried_over", "上年结转"),
    ("results_total", "办结总计"),
    ("granted", "予以公开"),
    ("granted_share", "予以公开占比"),
    ("carried_forward", "结转下年"),
    ("review_total", "行政复议"),
    ("review_corrected", "复议纠正"),
    ("review_corrected_share", "复议纠正率"),
    ("litigation_total", "行政诉讼"),
    *((n, OI.DEFINITIONS[n].label) for n in OI.NAMES if n != "applications_per_agency"),   # received is it
    ("errors", "错误（不含误报/不适用）"),
    ("warnings", "警告（不含误报/不适用）"),
    ("infos", "提示（不含误报/不适用）"),
    ("dismissed", "已判定误报/不适用"),
]
FINDINGS_NOTE = "审核问题数（错误/警告/提示）不含审核判定为误报或不适用的问题，与评分一致；dismissed 为已判定误报/不适用的问题数"
SORT_KEYS = ["agency", "region", "year", *(k for k, _ in INDICATORS)]
SHARES = {"granted_share", "review_corrected_share", *(n for n, d in OI.DEFINITIONS.items() if d.kind == OI.RATE)}
RISK = [n for n in OI.NAMES if n != "applications_per_agency"]   # the indicators with a mark

_CELLS = {
    "received": ("applications", "new_received", "total"),
    "carried_over": ("applications", "carried_over", "total"),
    "results_total": ("applications", "results_total", "total"),
    "granted": ("applications", "granted", "total"),
    "carried_forward": ("applications", "carried_forward", "total"),
    "review_total": ("review_litigation", "review", "total"),
    "review_corrected": ("review_litigation", "review", "corrected"),
}


@dataclass
class CompareRow:
    report_id: int
    agency: str | None
    region: str | None
    agency_name: str | None
    year: int | None
    received: float | None = None
    carried_over: float | None = None
    results_total: float | None = None
    granted: float | None = None
    granted_share: float | None = None
    carried_forward: float | None = None
    review_total: float | None = None
    review_corrected: float | None = None
    review_corrected_share: float | None = None
    litigation_total: float | None = None
    substantive_rate: float | None = None
    denial_rate: float | None = None
    review_correction_rate: float | None = None
    litigation_loss_rate: float | None = None
    carryover_rate: float | None = None
    yoy_swing: float | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    dismissed: int = 0                                       # findings judged 误报 / 不适用 (not counted above)
    marks: dict[str, str] = field(default_factory=dict)      # indicator → "red" | "yellow"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return round(part / whole, 4)


def _parts(c: dict[tuple[str, str, str], float | None]) -> dict[str, float | None]:
    return {name: OI._sum(c.get(split_path(p)) for p in paths) for name, paths in OI.PARTS.items()}


def dismissed_counts(store: Store, report_ids: list[int]) -> dict[int, dict[str, int]]:
    """report id → severity → how many of its findings the reviewers dismissed (误报 / 不适用). A
    decision is matched to the stored finding by its key (store.review.finding_keys), as the
    scorecard does, so a decision on a finding the audit no longer gives does not count. Two
    queries per 500 reports at most: the dismissed decisions, then the findings of the few
    reports that have one."""
    from sqlalchemy import select

    from .store.models import Finding
    from .store.review import DISMISSALS, finding_keys
    from .store.review_models import ReviewFinding

    rf = ReviewFinding
    out: dict[int, dict[str, int]] = {}
    with store._read() as s:
        for n in range(0, len(report_ids), 500):
            chunk = report_ids[n:n + 500]
            keys: dict[int, set[str]] = {}
            for rid, key in s.execute(select(rf.report_id, rf.key).where(
                    rf.report_id.in_(chunk), rf.origin == "audit", rf.state == "open", rf.decision.in_(DISMISSALS))):
                keys.setdefault(rid, set()).add(key)
            if not keys:
                continue
            found: dict[int, list[tuple[str, str | None, str]]] = {}
            for rid, code, path, sev in s.execute(select(Finding.report_id, Finding.code, Finding.path, Finding.severity)
                                                  .where(Finding.report_id.in_(list(keys))).order_by(Finding.id)):
                found.setdefault(rid, []).append((code, path, sev))
            for rid, fs in found.items():
                for key, (_, _, sev) in zip(finding_keys([(c, p) for c, p, _ in fs]), fs):
                    if key in keys[rid]:
                        out.setdefault(rid, {}).setdefault(sev, 0)
                        out[rid][sev] += 1
    return out


def rows_for(store: Store, infos: list[ReportInfo], thresholds: dict | None = None) -> list[CompareRow]:
    """Indicator rows of these stored reports (in the order given). `thresholds`: the indicators'
    (oversight.indicators.thresholds; default: the bundled configuration). Findings counts leave
    out the dismissed ones (FINDINGS_NOTE); the region is the registry's where it matched the agency."""
    from .oversight.scope import resolve

    th = OI.thresholds() if thresholds is None else thresholds
    cells = store.cells([i.id for i in infos])
    previous = OI.previous_new_received(store, [(i.agency_id, i.year) for i in infos])
    dismissed = dismissed_counts(store, [i.id for i in infos])
    sc = resolve(store, None)
    out = []
    for info in infos:
        c = cells.get(info.id, {})
        gone = dismissed.get(info.id, {})
        row = CompareRow(info.id, info.agency, sc.region_name(info.agency_id, info.region), info.agency_name,
                         info.year, errors=info.errors - gone.get("error", 0),
                         warnings=info.warnings - gone.get("warning", 0), infos=info.infos - gone.get("info", 0),
                         dismissed=sum(gone.values()))
        for key, cell in _CELLS.items():
            setattr(row, key, number(c.get(cell)))
        lit = [c.get(("review_litigation", g, "total")) for g in ("litigation_direct", "litigation_after_review")]
        row.litigation_total = number(sum(v for v in lit if v is not None)) if any(v is not None for v in lit) else None
        row.granted_share = _share(row.granted, row.results_total)
        row.review_corrected_share = _share(row.review_corrected, row.review_total)
        risk = OI.from_parts(_parts(c), previous.get((info.agency_id, info.year)), th)
        for name in RISK:
            v = risk[name].value
            setattr(row, name, None if v is None else round(v, 4))
            if risk[name].mark:
                row.marks[name] = risk[name].mark
        out.append(row)
    return out


def agency_years(store: Store, agency: str | int, thresholds: dict | None = None) -> list[CompareRow]:
    """One agency (id, or name with or without region prefixes) over the years, oldest first."""
    return rows_for(store, sorted(store.list_reports(agency=agency), key=lambda i: (i.year or 0, i.id)), thresholds)


def region_year(store: Store, region: str | None = None, year: int | None = None,
                thresholds: dict | None = None) -> list[CompareRow]:
    """Every agency of a region (its registry subtree, else the store's region text: oversight.scope;
    RegionNotFound when neither knows it) in a year; the marks by the region's thresholds (its
    jurisdiction's configuration) unless `thresholds` is given. A row's region is the registry's (rows_for)."""
    from .oversight.scope import resolve

    sc = resolve(store, region).require()
    th = OI.config_thresholds(store, region) if thresholds is None else thresholds
    infos = store.list_reports(year=year, where=sc.condition)
    return rows_for(store, infos, th)


def compare_reports(store: Store, ids: list[int], thresholds: dict | None = None) -> list[CompareRow]:
    infos = [i for i in (store.get_info(x) for x in ids) if i is not None]
    return rows_for(store, infos, thresholds)


def sort_rows(rows: list[CompareRow], key: str, descending: bool = False) -> list[CompareRow]:
    """Sorted by an indicator or agency/region/year; blanks always last."""
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {key!r}; one of {', '.join(SORT_KEYS)}")
    present = [r for r in rows if getattr(r, key) is not None]
    blank = [r for r in rows if getattr(r, key) is None]
    return sorted(present, key=lambda r: getattr(r, key), reverse=descending) + blank
