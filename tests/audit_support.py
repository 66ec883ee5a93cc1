"""Small reports built directly in the audit tests: a clean base that each test breaks one way."""
from __future__ import annotations

from datetime import date

from nianbao.audit import run_rules
from nianbao.document import Loc
from nianbao.extract.narrative import extract_narrative
from nianbao.form import FORM_2021
from nianbao.model import Meta, Period, Position, Report, Section

TABLES = ["active_disclosure", "applications", "review_litigation"]


def clean_report(year: int = 2023, agency: str = "某市某区司法局", texts: dict[int, str] | None = None) -> Report:
    """A complete 2021-format report with every table cell 0, six sections, the period stated and
    the fee statement in section 六: the audit finds nothing on it."""
    texts = {1: f"{year}年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。",
             2: "", 3: "", 4: "",
             5: "存在的主要问题：信息更新不够及时。改进情况：加强培训，完善制度。",
             6: f"{year}年，我局未收取信息处理费。", **(texts or {})}
    r = Report(meta=Meta(agency=agency, title=f"{agency}{year}年政府信息公开工作年度报告", year=year,
                         period=Period(start=date(year, 1, 1), end=date(year, 12, 31)),
                         published=date(year + 1, 1, 15)),
               sections=[Section(no=i, heading=FORM_2021.sections[i - 1], text=texts[i]) for i in range(1, 7)])
    for p in FORM_2021.cell_paths():
        r.tables.set_cell(p.removeprefix("tables."), 0)
    r.extraction.tables_found = list(TABLES)
    for i, p in enumerate(FORM_2021.cell_paths()):
        r.provenance[p] = Position(line=100 + i)
    refresh_narrative(r)
    return r


def refresh_narrative(r: Report) -> Report:
    """What the extractor does: hand every section's paragraphs to the narrative extractor."""
    paras = [(s.no, line, Loc(line=10 * s.no + i)) for s in r.sections
             for i, line in enumerate(s.text.split("\n")) if line.strip()]
    r.narrative = extract_narrative(paras, r.meta.year)
    return r


def with_text(section: int, text: str, **kw) -> Report:
    r = clean_report(**kw)
    r.section(section).text = text
    return refresh_narrative(r)


def codes(r: Report, prefix: str = "") -> list[str]:
    return [f.code for f in run_rules(r) if f.code.startswith(prefix)]


def findings(r: Report, code: str):
    return [f for f in run_rules(r, select=[code])]
