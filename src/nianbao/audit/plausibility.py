"""P rules: figures that the agency's place in the administrative hierarchy makes implausible."""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Report
from .common import fmt
from .registry import Hit, rule

# Words of department names that contain a division character but name no division.
_NOT_DIVISION = re.compile(r"城乡|乡村|城镇|市场|市政|城市|市容|都市|社区|区域|区划|县域|园区|景区|乡镇企业")
# Administrative divisions, longest first so "自治区" is not read as "区".
_DIVISION = re.compile(r"特别行政区|自治区|自治州|自治县|自治旗|街道|苏木|地区|省|市|州|盟|县|区|旗|乡|镇")
COUNTY_OR_LOWER = {"自治县", "自治旗", "县", "区", "旗", "乡", "镇", "街道", "苏木"}


def agency_division(agency: str | None) -> str | None:
    """The lowest administrative division named in an agency's name ("吴忠市红寺堡区司法局" → "区")."""
    if not agency:
        return None
    name = _NOT_DIVISION.sub("", agency.strip())
    found = _DIVISION.findall(name)
    if not found:
        return None
    return found[-1]


def may_make_regulations(agency: str | None) -> bool:
    """Whether the agency may be one that makes 规章 (立法法): a people's government above county
    level, or an agency whose name names no local division (a State Council department). Unknown
    agencies may. Departments of local governments and anything at county level or lower may not."""
    from .dates import is_peoples_government  # dates knows the agency kinds; imported late, no cycle
    div = agency_division(agency)
    if agency is None or div is None:
        return True
    if div in COUNTY_OR_LOWER:
        return False
    return is_peoples_government(agency)


@rule("P001", "warning", "P",
      "{agency}为{level}机关，无权制定规章，但表二规章{what}")
def regulations_at_county_level(report: Report) -> Iterator[Hit]:
    """What it does:
    Reports nonzero 规章 figures (本年制发/本年废止/现行有效) in table 二 of an agency at
    county level or below: departments of 区/县/旗, 乡镇, 街道 (the level is read from the
    agency name).

    Why it matters:
    Under the 立法法 only the State Council's departments and the people's governments of
    provinces and 设区的市 make 规章; a county-level figure is usually 规范性文件 or internal
    rules (规章制度) entered in the wrong row.

    Example:
    红寺堡区司法局: 规章 本年制发 2.
    """
    div = agency_division(report.meta.agency)
    if div not in COUNTY_OR_LOWER:
        return
    regs = report.tables.active_disclosure.regulations
    if regs is None:
        return
    names = {"issued": "本年制发", "repealed": "本年废止", "in_force": "现行有效"}
    bad = {k: getattr(regs, k) for k in names if getattr(regs, k)}
    if not bad:
        return
    first = next(iter(bad))
    level = "乡镇、街道级" if div in {"乡", "镇", "街道", "苏木"} else "县级（区、县、旗）"
    yield Hit(f"tables.active_disclosure.regulations.{first}", {
        "agency": report.meta.agency, "level": level, "division": div,
        "what": "、".join(f"{names[k]}{fmt(v)}件" for k, v in bad.items()),
        "values": bad, "cells": [f"tables.active_disclosure.regulations.{k}" for k in bad]})
