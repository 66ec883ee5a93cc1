"""Agency identity: one agency however its name is printed from year to year.

Reports name their agency with or without the higher divisions in front:
"中卫市沙坡头区司法局" one year, "沙坡头区司法局" the next. Both are one agency.

The algorithm (`split_agency`):
1. Normalise the text: NFKC (full-width letters/digits → half-width), drop all
   whitespace and the report-title tail some extractors leave on
   ("…司法局2023年政府信息公开工作年度报告" → "…司法局").
2. Strip a leading province-level division (…省, …自治区, the four municipalities,
   the two SARs) and then a leading prefecture-level division (…市, …自治州, …地区,
   …盟) into `region` — but only while the rest still starts with a place of its
   own (a county-level …区/县/旗/市/自治县/自治旗 of two characters or more before
   its suffix). So
   "中卫市司法局" keeps its 市 (the rest, "司法局", is no place: it is the city's
   bureau) and "宁夏回族自治区司法厅" stays whole, while "宁夏回族自治区中卫市沙坡头区
   司法局" becomes region "宁夏回族自治区中卫市", name "沙坡头区司法局".
3. The identity is (`name`, `region`): two names are one agency when their
   stripped names are equal and their regions do not contradict each other (one
   is empty, or one contains the other: "中卫市" and "宁夏回族自治区中卫市"
   agree; "长春市" and "北京市" do not — 朝阳区 exists in both).

The store keeps the longest region seen and every printed name (`names`).
"""
from __future__ import annotations

import re
import unicodedata

_PROVINCE = re.compile(
    r"^(?:北京市|天津市|上海市|重庆市|香港特别行政区|澳门特别行政区|内蒙古自治区|广西壮族自治区|西藏自治区|"
    r"宁夏回族自治区|新疆维吾尔自治区|[\u4e00-\u9fff]{2,3}省)"
)
_PREFECTURE = re.compile(r"^[\u4e00-\u9fff]{2,9}?(?:自治州|地区|市|盟)")
# A county-level place at the start of what is left, and more text after it. The place part
# may not contain words that belong to agency names ("住房和城乡建设局" has 乡 but is no place).
_COUNTY = re.compile(r"^([\u4e00-\u9fff]{2,8}?)(?:自治县|自治旗|区|县|旗|市)(?=[\u4e00-\u9fff]|$)")
_NOT_PLACE = re.compile(r"和|与|及|局|委|办|厅|部|处|所|院|会|站|队|中心|城乡")
_TITLE_TAIL = re.compile(r"(?:关于)?(?:\d{4}年度?)?(?:政府)?信息公开(?:工作)?年度?报告.*$")


def clean_name(name: str) -> str:
    t = unicodedata.normalize("NFKC", name or "")
    t = re.sub(r"\s+", "", t)
    t = _TITLE_TAIL.sub("", t)
    return t.strip("，,。:：")


def _starts_with_place(rest: str) -> bool:
    m = _COUNTY.match(rest)
    return bool(m) and not _NOT_PLACE.search(m.group(1))


def split_agency(name: str) -> tuple[str, str]:
    """(region, name): the higher divisions stripped from the front, and the agency's own name."""
    t = clean_name(name)
    region = ""
    m = _PROVINCE.match(t)
    if m and len(t) > m.end():
        rest = t[m.end():]
        # a province prefix is stripped when a prefecture or county follows
        if _PREFECTURE.match(rest) or _starts_with_place(rest):
            region, t = m.group(0), rest
    m = _PREFECTURE.match(t)
    if m and _starts_with_place(t[m.end():]):
        region, t = region + m.group(0), t[m.end():]
    return region, t


def regions_agree(a: str, b: str) -> bool:
    """Whether two regions can name the same place (one empty, or one contains the other)."""
    return not a or not b or a in b or b in a


def same_agency(a: str, b: str) -> bool:
    ra, na = split_agency(a)
    rb, nb = split_agency(b)
    return na == nb and regions_agree(ra, rb)


def join_name(region: str | None, name: str | None) -> str:
    """Region and agency name as one, without repeating the place both carry: the registry's
    "浙江省温州市文成县" with the store's "文成县人民政府" → "浙江省温州市文成县人民政府"."""
    region, name = region or "", name or ""
    for k in range(min(len(region), len(name)), 1, -1):
        if region.endswith(name[:k]) and _PLACE_END.search(name[:k]):
            return region + name[k:]
    return region + name


_PLACE_END = re.compile(r"[\u4e00-\u9fff](?:省|自治区|市|自治州|地区|盟|区|县|旗|镇|乡|街道)$")
