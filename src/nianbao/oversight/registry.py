"""The registry file: the region tree and the agencies expected to publish in each, read from CSV or
XLSX, validated row by row (errors name the line, in Chinese), and the name matching that ties a
registry entry to the store's agency.

Two layouts are read (the header row says which; column names are matched loosely — "县（区）" is 县):

1. One column per level: 省 / 市 / 县 / 乡镇, then 机关名称, 类型, 报告范围, 期限.
   A row's region is its deepest filled level; the levels above are its ancestors.

       省,市,县,机关名称,类型,报告范围
       宁夏回族自治区,中卫市,沙坡头区,沙坡头区人民政府,政府,全域
       宁夏回族自治区,中卫市,沙坡头区,司法局,部门,

2. One region per row with its parent: 上级区域, 区域, 层级 (optional: one level below the parent,
   a root is a province), then the same columns. The parent is a region listed on an earlier row
   or already in the registry.

类型: 政府 / 部门 / 乡镇 / 开发区 (→ government / department / township / zone; required on a
row that names an agency). 报告范围 (what a government report covers): 全域 (the whole area) /
本机关 (its own office) / empty = unknown. 期限: this agency's own deadline ("01-28", "1月28日"),
empty = the region's (oversight/deadlines.py). A row without 机关名称 only declares its region.

Refused rows (each named by its line, all in one go): a region or agency name without a Chinese
character or a letter ("12345") or starting with = + - @ (a spreadsheet formula); in layout 1, a
row that skips a level ("宁夏回族自治区,,中宁县") for a region that another row of the file, or the
registry, already has under the same ancestors with that level filled (中卫市/中宁县) — it would be a
second 中宁县 under the province. A gap by itself is fine: 直辖市 districts (北京市,,朝阳区) and 省直辖县
(河南省,,济源市) skip the city level. Conversely a full row is refused when the registry holds its
region as such a gap node (Registry.import_rows checks the store).

Matching (`Matcher`): an entry matches a store agency when `agency.same_agency` holds between the
entry's name, prefixed by its region chain at any depth ("司法局" under 中卫市/沙坡头区 is tried as
"沙坡头区司法局", "中卫市沙坡头区司法局", …; the bare name only when it starts with a place), and any
name the agency printed. A people's government matches by its place: "沙坡头区人民政府",
"沙坡头区人民政府办公室" and a report titled just "沙坡头区" are one agency (audit/dates.py
is_peoples_government decides what is a government).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..agency import _NOT_PLACE, clean_name, regions_agree, split_agency
from ..audit.dates import _NAME_TAIL, is_peoples_government
from ..errors import InputError, os_error_message

LEVELS = ("province", "city", "county", "township")
LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇级"}
KINDS = ("government", "department", "township", "zone")
KIND_NAMES = {"government": "政府", "department": "部门", "township": "乡镇", "zone": "开发区"}
COVERS = ("area", "office")
COVERS_NAMES = {"area": "全域", "office": "本机关"}

_LEVEL_WORDS = {
    "province": ("省", "省级", "省份", "自治区", "直辖市", "province"),
    "city": ("市", "市级", "地市", "地级市", "州", "盟", "地区", "市州", "city"),
    "county": ("县", "县级", "区县", "县区", "区", "旗", "县级市", "county"),
    "township": ("乡镇", "乡", "镇", "街道", "乡镇街道", "苏木", "township"),
}
_KIND_WORDS = {
    "government": ("政府", "人民政府", "government", "gov"),
    "department": ("部门", "政府部门", "department", "dept"),
    "township": ("乡镇", "乡", "镇", "街道", "乡镇街道", "township"),
    "zone": ("开发区", "园区", "管委会", "zone"),
}
_COVERS_WORDS = {"area": ("全域", "全区域", "全辖区", "辖区", "area"), "office": ("本机关", "本级", "office")}
_UNKNOWN_WORDS = ("", "-", "—", "未知", "不详")

_COLUMNS = {
    "name": ("机关名称", "机关", "单位名称", "单位", "名称", "机关全称", "部门名称", "agency", "name"),
    "kind": ("类型", "机关类型", "类别", "kind"),
    "covers": ("报告范围", "范围", "覆盖范围", "covers"),
    "deadline": ("期限", "公开期限", "发布期限", "截止日期", "deadline"),
    "parent": ("上级区域", "上级", "parent"),
    "region": ("区域", "地区名称", "行政区", "行政区划", "region"),
    "level": ("层级", "级别", "level"),
}
_LEVEL_COLUMNS = {"province": ("省", "省份", "省级", "自治区"), "city": ("市", "地市", "市级", "市州"),
                  "county": ("县", "区县", "县区", "县级"), "township": ("乡镇", "乡镇街道", "街道", "乡镇级")}


def _norm(text: Any) -> str:
    """A cell as text: NFKC, no whitespace; a float that is a whole number without its ".0"."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def _header(text: Any) -> str:
    return re.sub(r"\([^)]*\)", "", _norm(text)).lower()   # "县（区）" → "县"


def _lookup(words: Mapping[str, tuple[str, ...]], value: str) -> str | None:
    v = value.lower()
    return next((key for key, ws in words.items() if v in ws), None)


_FORMULA_START = "=+-@"


def name_problem(what: str, name: str) -> str | None:
    """Why `name` cannot be a region or agency name, or None: it must hold a Chinese character or a
    letter ("12345" is a cell shifted by a column), and must not start with = + - @ (a spreadsheet
    formula such as "=1+2" or "@SUM(A1)", which a spreadsheet opening an export would run)."""
    if name[:1] in _FORMULA_START:
        return f"{what}「{name}」以 {name[0]} 开头，像是电子表格公式，不能作名称"
    if not any(c.isalpha() for c in name):
        return f"{what}「{name}」不含汉字或字母，不能作名称"
    return None


class RegistryImportError(InputError):
    """A registry file that cannot be imported: every problem found, one Chinese line each."""

    def __init__(self, errors: list[str], file: str | None = None):
        self.errors = errors
        more = f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}", file)


@dataclass(frozen=True, slots=True)
class RegistryRow:
    """One validated row. `path` (layout 1): the region chain [(level, name), …] top down; or
    `parent`/`region`/`level` (layout 2). `name` None: the row only declares its region."""
    line: int
    path: tuple[tuple[str, str], ...] = ()
    parent: str | None = None
    region: str | None = None
    level: str | None = None
    name: str | None = None
    kind: str | None = None
    covers: str | None = None
    deadline: str | None = None


# ------------------------------------------------------------------ reading the file
def read_table(data: bytes, name: str = "") -> list[tuple[int, list[Any]]]:
    """(line number, cells) of every row of a CSV or XLSX file, the header row included."""
    if data[:2] == b"PK" or name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, name)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RegistryImportError(["文件既不是 UTF-8 也不是 GB18030 编码的 CSV"], name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    out, line = [], 1
    for cells in reader:
        out.append((line, cells))
        line = reader.line_num + 1
    return out


def _read_xlsx(data: bytes, name: str) -> list[tuple[int, list[Any]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise RegistryImportError([f"不是可读的 XLSX 文件（{type(e).__name__}）"], name) from None
    try:
        ws = wb.worksheets[0]
        return [(i, list(row)) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        wb.close()


def _md(value: Any) -> str | None:
    """A deadline cell → "MM-DD", or None when it cannot be one."""
    if isinstance(value, datetime | date):
        return f"{value.month:02d}-{value.day:02d}"
    v = _norm(value)
    m = (re.fullmatch(r"(\d{1,2})[-/.月](\d{1,2})日?", v)
         or re.fullmatch(r"\d{4}[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:00:00:00)?", v))
    if not m:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    try:
        date(2000, month, day)          # a leap year: 02-29 is a date
    except ValueError:
        return None
    return f"{month:02d}-{day:02d}"


def parse_md(value: Any) -> str:
    """A deadline as the user typed it ("01-28", "1月28日") → "MM-DD"; ValueError (Chinese) otherwise."""
    md = _md(value)
    if md is None:
        raise ValueError(f"期限「{_norm(value)}」应写作 月-日，如 01-28 或 1月28日")
    return md


def validate_rows(table: Sequence[tuple[int, Sequence[Any]]], file: str | None = None, *,
                  known_region: Callable[[str], bool] | None = None) -> list[RegistryRow]:
    """The header row and the data rows → RegistryRows; RegistryImportError listing every bad row.
    `known_region(name)`: whether a 上级区域 not listed by an earlier row is already in the registry
    (Registry.has_region), so an unknown parent is reported with the other bad rows in one go."""
    rows = [(line, cells) for line, cells in table if any(_norm(c) for c in cells)]
    if not rows:
        raise RegistryImportError(["文件中没有数据"], file)
    head_line, head = rows[0]
    cols: dict[str, int] = {}
    levels: dict[str, int] = {}
    errors: list[str] = []
    for i, cell in enumerate(head):
        h = _header(cell)
        if not h:
            continue
        key = _lookup(_COLUMNS, h)
        lvl = _lookup(_LEVEL_COLUMNS, h) if key is None else None
        if key is None and lvl is None:
            errors.append(f"第 {head_line} 行：无法识别的列「{_norm(cell)}」")
        elif key is not None and key in cols or lvl is not None and lvl in levels:
            errors.append(f"第 {head_line} 行：列「{_norm(cell)}」重复")
        elif key is not None:
            cols[key] = i
        else:
            levels[lvl] = i
    by_parent = "region" in cols
    if by_parent and levels:
        errors.append(f"第 {head_line} 行：「区域/上级区域」与「省/市/县/乡镇」两种写法不能混用")
    if not by_parent and not levels:
        errors.append(f"第 {head_line} 行：缺少区域列（省/市/县/乡镇，或 上级区域/区域/层级）")
    if errors:
        raise RegistryImportError(errors, file)

    def cell(cells: Sequence[Any], key: str) -> Any:
        i = cols.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    out: list[RegistryRow] = []
    seen: dict[tuple[str, str], int] = {}
    listed: set[str] = set()                     # layout 2: regions named by the rows so far
    unsure: list[str] = []                       # layout 2: parents neither listed before nor checked
    paths: list[tuple[int, tuple[tuple[str, str], ...]]] = []     # layout 1: every row's region chain
    for line, cells in rows[1:]:
        bad: list[str] = []
        path: tuple[tuple[str, str], ...] = ()
        parent = region = level = None
        if by_parent:
            region = _norm(cell(cells, "region"))
            parent = _norm(cell(cells, "parent")) or None
            for what, v in (("区域", region), ("上级区域", parent)):
                if v and (problem := name_problem(what, v)):
                    bad.append(problem)
            if parent and parent not in listed and not name_problem("", parent):
                if known_region is not None and not known_region(parent):
                    bad.append(f"上级区域「{parent}」未找到（应在前面的行列出或已导入）")
                elif known_region is None:
                    unsure.append(f"第 {line} 行：上级区域「{parent}」未在前面的行列出（若名录中也没有，须先补上）")
            if region:
                listed.add(region)
            raw_level = _norm(cell(cells, "level"))
            if raw_level:
                level = _lookup(_LEVEL_WORDS, raw_level)
                if level is None:
                    bad.append(f"层级「{raw_level}」无法识别（可用：省、市、县、乡镇）")
            if not region:
                bad.append("缺少区域")
            where = region
        else:
            filled = [(lvl, _norm(cells[i]) if i < len(cells) else "") for lvl, i in
                      sorted(levels.items(), key=lambda kv: LEVELS.index(kv[0]))]
            names = [(lvl, v) for lvl, v in filled if v]
            # a gap is allowed: 北京市/朝阳区 and 省直辖县 (河南省/济源市) skip the city level
            if not names:
                bad.append("缺少区域（省/市/县/乡镇至少填一级）")
            bad += [p for _, v in names if (p := name_problem("区域", v))]
            path = tuple(names)
            paths.append((line, path))
            where = "/".join(v for _, v in names)
        raw_name = _norm(cell(cells, "name"))
        name = clean_name(raw_name) or None
        if raw_name and (problem := name_problem("机关名称", raw_name)):
            bad.append(problem)
        raw_kind, raw_covers, raw_deadline = (_norm(cell(cells, "kind")), _norm(cell(cells, "covers")),
                                              cell(cells, "deadline"))
        kind = covers = deadline = None
        if raw_kind:
            kind = _lookup(_KIND_WORDS, raw_kind)
            if kind is None:
                bad.append(f"类型「{raw_kind}」无法识别（可用：政府、部门、乡镇、开发区）")
        elif name:
            bad.append(f"机关「{name}」缺少类型（政府、部门、乡镇、开发区）")
        if raw_covers not in _UNKNOWN_WORDS:
            covers = _lookup(_COVERS_WORDS, raw_covers)
            if covers is None:
                bad.append(f"报告范围「{raw_covers}」无法识别（可用：全域、本机关，或留空表示未知）")
        if _norm(raw_deadline):
            deadline = _md(raw_deadline)
            if deadline is None:
                bad.append(f"期限「{_norm(raw_deadline)}」应写作 月-日，如 01-28 或 1月28日")
        if not name and (raw_kind or raw_covers not in _UNKNOWN_WORDS or _norm(raw_deadline)):
            bad.append("未填机关名称，却填了类型、报告范围或期限（区域的期限请用 registry deadline 设置）")
        if name and where:
            key = (where, name)
            if key in seen:
                bad.append(f"机关「{name}」与第 {seen[key]} 行重复")
            else:
                seen[key] = line
        if bad:
            errors.extend(f"第 {line} 行：{b}" for b in bad)
            continue
        out.append(RegistryRow(line, path, parent, region, level, name, kind, covers, deadline))
    errors += gap_conflicts(paths)
    if errors:
        # without `known_region` an unlisted parent is checked at import; with other errors, say it now
        errors += unsure
        errors.sort(key=lambda m: int(re.match(r"第 (\d+) 行", m).group(1)) if re.match(r"第 \d+ 行", m) else 0)
        raise RegistryImportError(errors, file)
    return out


_LEVEL_WORD = {"province": "省", "city": "市", "county": "县", "township": "乡镇"}


def missing_levels(upper: str | None, lower: str) -> str:
    """The levels skipped between two adjacent regions of a chain, as the file's columns: "「市」"."""
    a = LEVELS.index(upper) if upper in LEVELS else -1
    return "、".join(f"「{_LEVEL_WORD[lv]}」" for lv in LEVELS[a + 1:LEVELS.index(lower)])


def gaps(path: Sequence[tuple[str, str]]) -> list[int]:
    """Positions i of a chain after which a level is skipped (省 then 县: the 市 column empty)."""
    return [i for i in range(len(path) - 1) if LEVELS.index(path[i + 1][0]) > LEVELS.index(path[i][0]) + 1]


def gap_conflicts(paths: Sequence[tuple[int, Sequence[tuple[str, str]]]]) -> list[str]:
    """Rows whose skipped level another row of the file fills for the same region: "宁夏回族自治区,,
    中宁县" beside "宁夏回族自治区,中卫市,中宁县" would make a second 中宁县 directly under the province
    (and `registry show 中宁县` ambiguous). A gap alone is legitimate (直辖市 districts, 省直辖县): it
    is refused only when the region right after it also lies deeper under the same ancestors."""
    deeper: dict[tuple[tuple[tuple[str, str], ...], str], tuple[int, str]] = {}
    for line, path in paths:
        for j in range(2, len(path)):
            for i in range(j - 1):
                deeper.setdefault((tuple(path[:i + 1]), path[j][1]), (line, path[j - 1][1]))
    out = []
    for line, path in paths:
        for i in gaps(path):
            hit = deeper.get((tuple(path[:i + 1]), path[i + 1][1]))
            if hit is not None:
                out.append(f"第 {line} 行：{path[i + 1][1]} 已在 {hit[1]} 下（第 {hit[0]} 行），"
                           f"本行缺少{missing_levels(path[i][0], path[i + 1][0])}")
                break
    return out


def parse_registry(source: bytes | str | Path, name: str = "", *,
                   known_region: Callable[[str], bool] | None = None) -> list[RegistryRow]:
    """A registry file (path or bytes) → validated rows; RegistryImportError names every bad line.
    `known_region`: see validate_rows (pass Registry.has_region to check parents against the store)."""
    if not isinstance(source, bytes):
        p = Path(source)
        name = name or p.name
        try:
            source = p.read_bytes()
        except OSError as e:
            raise RegistryImportError([os_error_message(e)], str(p)) from None
    return validate_rows(read_table(source, name), name or None, known_region=known_region)


def rows_from_mappings(rows: Iterable[Mapping[str, Any]]) -> list[RegistryRow]:
    """Dicts with the file's column names (or the English keys) → validated rows, numbered from 2
    as if the first were the header of a file."""
    rows = list(rows)
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    table = [(1, keys)] + [(i, [r.get(k) for k in keys]) for i, r in enumerate(rows, start=2)]
    return validate_rows(table)


# ------------------------------------------------------------------ matching
_GOV_TAIL = re.compile(r"(?:人民政府办公[室厅]|政府办公[室厅]|人民政府|政府|行政公署|行署|办事处)$")
_PLACES = re.compile(r"[\u4e00-\u9fff]{2,9}?(?:自治区|自治州|自治县|自治旗|省|市|州|地区|盟|县|区|旗|乡|镇|苏木|街道)")
_PLACE_START = re.compile(r"^([\u4e00-\u9fff]{2,9}?)(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗|自治旗|乡|镇|苏木|街道)")


def _key(printed: str) -> tuple[str, tuple[str, str]] | None:
    """(region, key) of a printed name: a government is keyed by its place, others by their name."""
    region, name = split_agency(printed)
    if not name:
        return None
    if is_peoples_government(printed):
        place = _GOV_TAIL.sub("", _NAME_TAIL.sub("", name)) or name
        # "沙坡头区宣和镇" is 宣和镇 in 沙坡头区: the last place is the key, the others region
        parts = _PLACES.findall(place)
        if len(parts) > 1 and "".join(parts) == place:
            return region + "".join(parts[:-1]), ("gov", parts[-1])
        return region, ("gov", place)
    return region, ("name", name)


def _starts_with_place(name: str) -> bool:
    m = _PLACE_START.match(name)
    return bool(m) and not _NOT_PLACE.search(m.group(1))


def entry_candidates(name: str, chain: Sequence[str]) -> list[str]:
    """The names an entry may be printed under: its name prefixed by its region chain (top down) at
    every depth; the bare name only when it starts with a place of its own."""
    name = clean_name(name)
    prefix = list(chain)
    # a name written with some of its regions ("中卫市沙坡头区司法局" under 沙坡头区) keeps only the rest
    for i, region in enumerate(chain):
        if name.startswith(region):
            prefix = list(chain[:i])
            break
    out = ["".join(prefix[k:]) + name for k in range(len(prefix))]
    if _starts_with_place(name) or is_peoples_government(name) or not prefix:
        out.append(name)
    return out


_PROVINCE_LEVEL = re.compile(r"(?:省|自治区|特别行政区)$|^(?:北京|天津|上海|重庆)市$")


def chain_agrees(region: str, chain: Sequence[str], top_level: str | None) -> bool:
    """Whether an agency's known region (the divisions it printed: "长春市", "宁夏回族自治区中卫市")
    can lie on the registry chain (names top down; `top_level` the level of its first node): its
    deepest place is on the chain, or every place it names is above the chain's top."""
    places = _PLACES.findall(region or "")
    if not places:
        return True
    top = LEVELS.index(top_level) if top_level in LEVELS else 0
    for place in reversed(places):
        if place in chain:
            return True
        if (0 if _PROVINCE_LEVEL.search(place) else 1) >= top:
            return False                    # a place at the chain's levels that the chain does not name
    return True


@dataclass
class Matcher:
    """Store agencies indexed by name key: `match(entry name, region chain)` → agency id or None."""
    index: dict[tuple[str, str], list[tuple[str, int]]] = field(default_factory=dict)
    regions: dict[int, str] = field(default_factory=dict)     # agency id → its longest known region

    @classmethod
    def of(cls, agencies: Iterable[tuple[int, str, str, Iterable[str]]]) -> Matcher:
        """agencies: (id, name, region, printed names)."""
        m = cls()
        for aid, name, region, names in agencies:
            m.regions[aid] = region or ""
            for printed in {region + name, *names}:
                k = _key(printed)
                if k is not None:
                    m.index.setdefault(k[1], []).append((k[0] or region, aid))
        return m

    def match(self, name: str, chain: Sequence[str], top_level: str | None = None) -> int | None:
        """The agency an entry named `name` in the region chain `chain` (names, root first) is."""
        found: dict[int, int] = {}         # agency id → length of the agreeing region (the better match)
        for cand in entry_candidates(name, chain):
            k = _key(cand)
            if k is None:
                continue
            for region, aid in self.index.get(k[1], ()):
                if regions_agree(k[0], region) and chain_agrees(self.regions.get(aid, ""), chain, top_level):
                    found[aid] = max(found.get(aid, -1), min(len(k[0]), len(region)))
        if not found:
            return None
        return min(found, key=lambda aid: (-found[aid], aid))
