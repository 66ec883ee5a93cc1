"""ECharts option dicts for the regional views: the region's indicators over the years, the
distribution of one indicator over its agencies (histogram), the agencies ranked by it (bar).

Plain JSON (no JavaScript functions): the page embeds them as application/json and
static/oversight.js hands each to echarts.setOption, so the options are testable here. The title,
legend and grid tops given here are for one subtitle line and one legend row; oversight.js
measures the real ones at the chart's width (a long formula wraps, a legend wraps to more rows),
moves the legend and grid down and makes the chart taller by as much.

    trend_option(region_trend(lib, "中卫市"))
    distribution_option("denial_rate", res.rows, res.thresholds.get("denial_rate"))
    ranking_option("denial_rate", res.rows, res.thresholds.get("denial_rate"))
"""
from __future__ import annotations

from typing import Any

from .indicators import COUNT, DEFINITIONS, RATE, AgencyRow, Indicator, display

MARK_COLORS = {"red": "#b42318", "yellow": "#f79009", None: "#2e90fa"}
RATES = [n for n, d in DEFINITIONS.items() if d.kind == RATE]
RANKING_LIMIT = 40


def _scaled(name: str, v: float | None) -> float | None:
    """Rates in percent (axis labels read "35%"), others as they are; 2 decimals."""
    if v is None:
        return None
    return round(v * 100, 2) if DEFINITIONS[name].kind == RATE else round(v, 2)


def _unit(name: str) -> str:
    kind = DEFINITIONS[name].kind
    return "%" if kind == RATE else "倍" if kind != COUNT else "件"


# ECharts 6 deprecates grid.containLabel, which keeps the axis labels but not the axis names ("%",
# "机关数") inside the grid box: "same" + "all" keeps both inside left/right/top/bottom.
GRID = {"left": 12, "right": 24, "top": 76, "bottom": 8, "outerBoundsMode": "same", "outerBoundsContain": "all"}


def _base(title: str, subtitle: str = "") -> dict[str, Any]:
    return {"title": {"text": title, "subtext": subtitle, "left": 10, "top": 4, "textStyle": {"fontSize": 14},
                      "subtextStyle": {"fontSize": 12, "lineHeight": 16, "overflow": "break"}},
            "tooltip": {"trigger": "axis"}, "grid": dict(GRID)}


def _legend() -> dict[str, Any]:
    """A plain legend wraps to more rows when the chart is narrow (a scroll legend hid half the
    indicators behind "1/2")."""
    return {"type": "plain", "top": 50, "left": 10, "right": 10}


def trend_option(trend: dict[int, dict[str, Indicator]], region: str | None = None) -> dict[str, Any]:
    """The region's rates (Σ numerators ÷ Σ denominators) per year: one line per indicator, a
    gap where a year has no value; applications per agency as bars on a second axis."""
    years = sorted(trend)
    opt = _base(f"{region or '全部地区'} 各年度指标趋势", "比率按地区合计（分子之和 ÷ 分母之和）")
    opt["grid"] = {**opt["grid"], "top": 100}
    opt |= {
        "legend": _legend(),
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": [{"type": "value", "name": "%", "min": 0, "axisLabel": {"formatter": "{value}%"}},
                  {"type": "value", "name": "件/机关", "min": 0, "splitLine": {"show": False}}],
        "series": [{"name": DEFINITIONS[n].label, "type": "line", "connectNulls": False,
                    "data": [_scaled(n, trend[y][n].value) for y in years]} for n in RATES]
        + [{"name": DEFINITIONS["applications_per_agency"].label, "type": "bar", "yAxisIndex": 1, "barMaxWidth": 28,
            "itemStyle": {"color": "#d0d5dd"},
            "data": [_scaled("applications_per_agency", trend[y]["applications_per_agency"].value) for y in years]}],
    }
    return opt


def _bins(name: str, values: list[float]) -> tuple[list[float], float]:
    """Bin edges: rates in tenths of 0–100 %, other indicators in ten equal steps up to the maximum."""
    if DEFINITIONS[name].kind == RATE:
        return [i / 10 for i in range(11)], 0.1
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if DEFINITIONS[name].kind != COUNT:
        lo = min(lo, 1.0)
    step = (hi - lo) / 10 or 1.0
    return [lo + i * step for i in range(11)], step


def _counts(name: str, values: list[float | None]) -> tuple[list[float], list[int]]:
    """(11 bin edges, 10 counts) of the values that exist; the last bin includes its upper edge."""
    vals = [v for v in values if v is not None]
    edges, step = _bins(name, vals)
    counts = [0] * 10
    for v in vals:
        i = int((v - edges[0]) // step) if step else 0
        counts[min(max(i, 0), 9)] += 1
    return edges, counts


def histogram(name: str, values: list[float | None]) -> tuple[list[str], list[int]]:
    """(bin labels, counts) of the values that exist; the last bin includes its upper edge."""
    edges, counts = _counts(name, values)
    return [f"{display(name, edges[i])}–{display(name, edges[i + 1])}" for i in range(10)], counts


def band_labels(name: str, edges: list[float]) -> list[str]:
    """Short labels of the histogram's bands for its x axis, the unit given once as the axis name:
    "0–10" … "90–100" (%) — ten "0.0%–10.0%" overlap in a chart a third of the page wide."""
    scale = 100 if DEFINITIONS[name].kind == RATE else 1

    def short(v: float) -> str:
        return f"{v * scale:.2f}".rstrip("0").rstrip(".")
    return [f"{short(edges[i])}–{short(edges[i + 1])}" for i in range(10)]


def _threshold_lines(name: str, threshold: Any, axis: str) -> dict[str, Any] | None:
    if threshold is None:
        return None
    lines = []
    for level in ("yellow", "red"):
        t = getattr(threshold, level, None)
        if t is not None:
            lines.append({axis: _scaled(name, t), "name": "黄色" if level == "yellow" else "红色",
                          "lineStyle": {"color": MARK_COLORS[level], "type": "dashed"},
                          "label": {"formatter": f"{'黄' if level == 'yellow' else '红'} {display(name, t)}",
                                    **({"position": "insideEndTop"} if axis == "yAxis" else {})}})
    return {"symbol": "none", "silent": True, "data": lines} if lines else None


def distribution_option(name: str, rows: list[AgencyRow], threshold: Any = None) -> dict[str, Any]:
    """How many agencies fall in each band of one indicator; those without a value are counted
    in the subtitle, not in a bar."""
    values = [r.indicators[name].value for r in rows]
    edges, counts = _counts(name, values)
    blank = sum(1 for v in values if v is None)
    d = DEFINITIONS[name]
    opt = _base(f"{d.label} 分布", f"{d.formula}；{len(values) - blank} 个机关有值，{blank} 个无法计算（—）")
    opt |= {"xAxis": {"type": "category", "data": band_labels(name, edges), "name": _unit(name),
                      "axisLabel": {"interval": 0, "rotate": 30, "hideOverlap": False}},
            "yAxis": {"type": "value", "minInterval": 1, "name": "机关数"},
            "series": [{"name": "机关数", "type": "bar", "data": counts, "barCategoryGap": "8%",
                        "itemStyle": {"color": MARK_COLORS[None]}}]}
    return opt


def ranking_option(name: str, rows: list[AgencyRow], threshold: Any = None,
                   limit: int = RANKING_LIMIT) -> dict[str, Any]:
    """The agencies by one indicator, the most worrying first (highest for a "high" threshold,
    lowest for a "low" one), each bar in its mark's colour; at most `limit` bars."""
    d = DEFINITIONS[name]
    low_bad = getattr(threshold, "direction", "high") == "low"
    have = [r for r in rows if r.indicators[name].value is not None]
    have.sort(key=lambda r: r.indicators[name].value, reverse=not low_bad)
    shown = have[:limit]
    shown.reverse()              # ECharts draws a category axis bottom-up: the first stays on top
    sub = f"{d.formula}；共 {len(have)} 个机关有值" + (f"，显示最需关注的 {limit} 个" if len(have) > limit else "")
    opt = _base(f"{d.label} 排名", sub)
    opt["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    opt |= {"grid": {**GRID, "left": 10, "outerBoundsClampWidth": "40%"},   # names up to 180 px wide
            "xAxis": {"type": "value", "name": _unit(name)},
            "yAxis": {"type": "category", "data": [r.name for r in shown], "axisLabel": {"width": 180,
                                                                                       "overflow": "truncate"}},
            "series": [{"name": d.label, "type": "bar", "barMaxWidth": 18,
                        "data": [{"value": _scaled(name, r.indicators[name].value),
                                  "itemStyle": {"color": MARK_COLORS[r.indicators[name].mark]}} for r in shown],
                        **({"markLine": ml} if (ml := _threshold_lines(name, threshold, "xAxis")) else {})}]}
    return opt


def subregion_option(name: str, trend: dict[str, dict[int, Indicator]], threshold: Any = None) -> dict[str, Any]:
    """One indicator per sub-region over the years (a line each, a gap where a year has no value),
    the thresholds as dashed lines."""
    d = DEFINITIONS[name]
    years = sorted({y for per in trend.values() for y in per})
    opt = _base(f"各下级地区 {d.label} 趋势", f"{d.formula}；各地区合计")
    opt["grid"] = {**opt["grid"], "top": 100}
    series = [{"name": k, "type": "line", "connectNulls": False,
               "data": [_scaled(name, per[y].value) if y in per else None for y in years]} for k, per in trend.items()]
    if series and (ml := _threshold_lines(name, threshold, "yAxis")):
        series[0]["markLine"] = ml
    opt |= {"legend": _legend(),
            "xAxis": {"type": "category", "data": [str(y) for y in years]},
            "yAxis": {"type": "value", "name": _unit(name), "min": 0},
            "series": series}
    return opt
