"""Number cells across the layout families (tests/fixtures/families, tests/fixtures/formats):

- a negative number signed with any of the minus characters real documents use (U+2212 from Word
  and PDF exports or HTML &minus;, small hyphen-minus, figure/en dash, hyphens, full-width) reads
  as the ASCII "-2" does, and the same characters alone are blanks like "-"; "—" is never a sign;
- a 表三 row with one number too many is unread (null, named in extraction.unread, C007), wherever
  the extra number stands and whether or not its numbers are all equal (the audit must not call
  it a blank cell, C003).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nianbao import api
from nianbao.extract.values import BLANK, LABEL, VALUE, parse_cell
from nianbao.form import FORM_2021

FIXTURES = Path(__file__).parent / "fixtures"
FAMILIES = FIXTURES / "families"

MINUS = {"minus_sign": "\u2212", "small_hyphen_minus": "\ufe63", "figure_dash": "\u2012",
         "en_dash": "\u2013", "hyphen": "\u2010", "nb_hyphen": "\u2011", "full_width": "\uff0d"}


def parse_text(text: str, name: str = "case.txt") -> dict:
    return api.parse_bytes(text.encode("utf-8"), name).to_dict()


def leaves(d):
    for v in d.values():
        if isinstance(v, dict):
            yield from leaves(v)
        else:
            yield v


def unread_cells(got: dict) -> set[str]:
    return {c for u in got["extraction"]["unread"] for c in u["cells"]}


# ------------------------------------------------------------------ the cell itself


@pytest.mark.parametrize("sign", MINUS.values(), ids=MINUS.keys())
@pytest.mark.parametrize("digits,want", [("2", -2), ("1,234", -1234), ("0.5", -0.5), ("12件", -12)])
def test_every_minus_character_signs_a_number(sign, digits, want):
    assert parse_cell(sign + digits) == (VALUE, want)
    assert parse_cell(f" {sign} {digits} ") == (VALUE, want)


@pytest.mark.parametrize("sign", MINUS.values(), ids=MINUS.keys())
def test_every_minus_character_alone_or_doubled_is_a_blank(sign):
    assert parse_cell(sign) == (BLANK, None)
    assert parse_cell(sign * 2) == (BLANK, None)


def test_dashes_that_mean_nothing_stay_blanks_and_an_em_dash_is_no_sign():
    for t in ("—", "——", "-", "--", "–", "－"):
        assert parse_cell(t) == (BLANK, None)
    assert parse_cell("—2")[0] == LABEL          # an em dash before a digit is not a minus
    assert parse_cell("-2") == (VALUE, -2) and parse_cell("2") == (VALUE, 2)


# ------------------------------------------------------------------ 2019 text families

# A cell's leading minus: at a line's start or after whitespace or a pipe, before a digit (not the
# "-" of a date "2019-01-01" nor of a page number "- 3 -").
_SIGNED_CELL = re.compile(r"(?:(?<=^)|(?<=[\s|]))[-－](?=\d)", re.M)
SIGNED_2019 = [p for p in sorted(FAMILIES.glob("*__2019__*.txt")) if _SIGNED_CELL.search(p.read_text(encoding="utf-8"))]


def test_the_2019_families_print_negative_cells_in_many_layouts():
    assert len({p.name.split("__")[0] for p in SIGNED_2019}) >= 10


@pytest.mark.parametrize("sign", MINUS.values(), ids=MINUS.keys())
@pytest.mark.parametrize("path", SIGNED_2019, ids=lambda p: p.stem)
def test_a_2019_family_reads_the_same_whatever_minus_its_negative_cells_use(path, sign):
    text = path.read_text(encoding="utf-8")
    gold = json.loads(path.with_name(path.stem + ".gold.json").read_text(encoding="utf-8"))
    base = parse_text(text, path.name)
    got = parse_text(_SIGNED_CELL.sub(sign, text), path.name)
    assert got["tables"] == base["tables"]
    assert unread_cells(got) == unread_cells(base)
    # the ASCII text reads every negative cell the gold has (so the comparison above means something)
    negatives = sorted(v for v in leaves(gold["tables"]) if isinstance(v, (int, float)) and v < 0)
    assert negatives
    assert sorted(v for v in leaves(got["tables"]) if isinstance(v, (int, float)) and v < 0) == negatives


_DASH_CELL = re.compile(r"(?<=\t)—(?=\t|$)|(?<=\| )—(?= \|)", re.M)
DASHED = [p for p in sorted(FAMILIES.glob("*__*__*.txt")) if _DASH_CELL.search(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("sign", MINUS.values(), ids=MINUS.keys())
@pytest.mark.parametrize("path", DASHED, ids=lambda p: p.stem)
def test_a_lone_minus_in_a_cell_is_a_blank_like_the_dash_it_replaces(path, sign):
    text = path.read_text(encoding="utf-8")
    base = parse_text(text, path.name)
    got = parse_text(_DASH_CELL.sub(sign, text), path.name)
    assert got["tables"] == base["tables"]


def test_some_family_prints_dash_cells():
    assert DASHED


# ------------------------------------------------------------------ 2019 HTML (entities)

HTML_2019 = FIXTURES / "formats" / "synth2019a.html"
EXPECTED_2019 = json.loads((FIXTURES / "formats" / "synth2019a.expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("printed", ["&minus;2", "&#x2212;2", "&#8722;2", "\u22122", "&#8210;2", "&ndash;2",
                                     "&#xFE63;2", "\uff0d2"])
def test_html_fee_change_reads_with_every_minus_spelling(printed):
    html = HTML_2019.read_bytes().decode("gbk")
    assert html.count(">-2<") == 1
    data = html.replace(">-2<", f">{printed}<").encode("gbk", errors="xmlcharrefreplace")
    got = api.parse_bytes(data, "report.html").to_dict()
    fees = got["tables"]["legacy"]["active_disclosure"]["fees"]
    assert fees == {"prev_year_items": 6, "change": -2}
    assert fees == EXPECTED_2019["tables"]["legacy"]["active_disclosure"]["fees"]
    assert not [u for u in got["extraction"]["unread"] if ".fees" in u["row"]]


# ------------------------------------------------------------------ 表三: one number too many

ROW_LABEL = "二、上年结转政府信息公开申请数量"
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])")


def _seven_on_one_line(path: Path) -> bool:
    row = next((ln for ln in path.read_text(encoding="utf-8").split("\n") if ROW_LABEL in ln), "")
    return len(_NUMBER.findall(row.split(ROW_LABEL, 1)[-1])) == 7 and not path.name.startswith("glued")


# families that print the row on one line, its seven numbers apart
ONE_LINE = [p for p in sorted(FAMILIES.glob("*__2021__*.txt")) if _seven_on_one_line(p)]
CARRIED = "tables.applications.carried_over"
KEYS = [c.key for c in FORM_2021.table("applications").columns]


def rewrite_row(text: str, values: list[str]) -> str:
    """The carried-over row with its numbers replaced by `values` (one more or as many), each
    number with the separator the row puts between its numbers."""
    lines = text.split("\n")
    i = next(k for k, ln in enumerate(lines) if ROW_LABEL in ln)
    head, rest = lines[i].split(ROW_LABEL, 1)
    parts = _NUMBER.split(rest)
    nums = parts[1::2]
    assert len(nums) == 7, lines[i]
    sep = parts[2]
    lines[i] = head + ROW_LABEL + parts[0] + sep.join(values) + parts[-1]
    return "\n".join(lines)


def carried(got: dict) -> list:
    return [got["tables"]["applications"]["carried_over"][k] for k in KEYS]


def table3_findings(report, code: str) -> list[str]:
    return [f.message for f in report.findings if f.code == code and "表三" in f.message]


def test_several_layouts_print_the_row_on_one_line():
    assert len({p.name.split("__")[0] for p in ONE_LINE}) >= 5


@pytest.mark.parametrize("path", ONE_LINE, ids=lambda p: p.stem)
@pytest.mark.parametrize("values", [["5"] * 7, ["0"] * 7, ["1", "2", "3", "4", "5", "6", "21"]],
                         ids=["fives", "zeros", "distinct"])
def test_a_row_of_seven_numbers_is_read_whether_or_not_they_are_equal(path, values):
    got = parse_text(rewrite_row(path.read_text(encoding="utf-8"), values), path.name)
    assert carried(got) == [int(v) for v in values]
    assert not [u for u in got["extraction"]["unread"] if u["row"] == CARRIED]


EIGHT = {
    "fives": lambda pos: ["5"] * 8,
    "zeros": lambda pos: ["0"] * 8,
    "distinct": lambda pos: (lambda v: v[:pos] + ["99"] + v[pos:])(["1", "2", "3", "4", "5", "6", "21"]),
    "copy_of_neighbour": lambda pos: (lambda v: v[:pos] + [v[min(pos, 6)]] + v[pos:])(
        ["1", "2", "3", "4", "5", "6", "21"]),
}


@pytest.mark.parametrize("path", ONE_LINE, ids=lambda p: p.stem)
@pytest.mark.parametrize("pos", [0, 3, 7], ids=["first", "middle", "last"])
@pytest.mark.parametrize("kind", EIGHT, ids=EIGHT.keys())
def test_a_row_with_one_number_too_many_is_unread_whatever_its_numbers(path, pos, kind):
    text = path.read_text(encoding="utf-8")
    base = api.parse_bytes(text.encode("utf-8"), path.name)
    report = api.parse_bytes(rewrite_row(text, EIGHT[kind](pos)).encode("utf-8"), path.name)
    got = report.to_dict()
    assert carried(got) == [None] * 7
    rows = [u for u in got["extraction"]["unread"] if u["row"] == CARRIED]
    assert len(rows) == 1 and "8个数值，多于应有的7个" in rows[0]["reason"]
    assert sorted(rows[0]["cells"]) == sorted(f"{CARRIED}.{k}" for k in KEYS)
    # the other rows read as before
    others = {k: v for k, v in got["tables"]["applications"].items() if k != "carried_over"}
    assert others == {k: v for k, v in base.to_dict()["tables"]["applications"].items() if k != "carried_over"}
    audited = api.audit(report)
    assert any(ROW_LABEL in m for m in table3_findings(audited, "C007"))
    assert table3_findings(audited, "C003") == table3_findings(api.audit(base), "C003")


# ------------------------------------------------------------------ 表二: merged cells, one number too many

ACTIVE_ROWS = {"regulations": "规章", "licensing": "行政许可"}
GRIDS = [p for p in sorted(FAMILIES.glob("*__2021__*.txt")) if p.name.split("__")[0] in ("tabs", "pipe_grid", "ebook")
         and all(re.search(rf"^{w}\S*\s*[\t|]", p.read_text(encoding="utf-8"), re.M) for w in ACTIVE_ROWS.values())]


def rewrite_active(text: str, label: str, values: list[str], sep: str) -> str:
    lines = text.split("\n")
    i = next(k for k, ln in enumerate(lines) if re.match(rf"^{label}\S*\s*[\t|]", ln))
    lines[i] = re.match(r"^\S+", lines[i]).group(0) + sep + sep.join(values)
    return "\n".join(lines)


def test_some_grid_families_print_table_2_rows_one_a_line():
    assert len(GRIDS) >= 3


@pytest.mark.parametrize("path", GRIDS, ids=lambda p: p.stem)
@pytest.mark.parametrize("values", [["4"] * 4, ["0"] * 4, ["1", "2", "3", "9"]], ids=["fours", "zeros", "distinct"])
def test_a_full_width_table_2_row_with_a_number_too_many_is_unread(path, values):
    text = path.read_text(encoding="utf-8")
    sep = "\t" if "\t" in text.split("规章", 1)[1].split("\n", 1)[0] else " | "
    got = parse_text(rewrite_active(text, "规章", values, sep), path.name)
    assert got["tables"]["active_disclosure"]["regulations"] == {k: None for k in ("issued", "repealed", "in_force")}
    rows = [u for u in got["extraction"]["unread"] if u["row"] == "tables.active_disclosure.regulations"]
    assert len(rows) == 1 and "多于应有的3个" in rows[0]["reason"]


@pytest.mark.parametrize("path", GRIDS, ids=lambda p: p.stem)
@pytest.mark.parametrize("copies", [2, 3])
def test_a_one_cell_table_2_row_printed_again_in_its_merged_slots_is_its_value(path, copies):
    text = path.read_text(encoding="utf-8")
    sep = "\t" if "\t" in text.split("规章", 1)[1].split("\n", 1)[0] else " | "
    got = parse_text(rewrite_active(text, "行政许可", ["45"] * copies, sep), path.name)
    assert got["tables"]["active_disclosure"]["licensing"] == {"decisions": 45}
    assert not [u for u in got["extraction"]["unread"] if u["row"] == "tables.active_disclosure.licensing"]
