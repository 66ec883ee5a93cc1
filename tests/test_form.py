"""The forms as data: every cell named once, layouts rectangular, identities hold on consistent reports."""
import pytest

from nianbao.form import FORM_2019, FORM_2021, FORMS, form_for
from nianbao.model import Report

FORM_IDS = list(FORMS)


def occupancy(layout):
    """Cells covered per layout row once row- and column-spans are spread out."""
    taken: dict[tuple[int, int], bool] = {}
    widths = []
    for r, row in enumerate(layout):
        c = 0
        for slot in row:
            while taken.get((r, c)):
                c += 1
            for dr in range(slot.rowspan):
                for dc in range(slot.colspan):
                    assert not taken.get((r + dr, c + dc)), f"overlap at {r + dr},{c + dc}"
                    taken[(r + dr, c + dc)] = True
            c += slot.colspan
        widths.append(sum(1 for (rr, _), v in taken.items() if rr == r and v))
    return widths


@pytest.mark.parametrize("version", FORM_IDS)
def test_every_layout_is_a_rectangle_with_one_slot_per_cell(version):
    form = FORMS[version]
    for table in form.tables:
        widths = occupancy(table.layout)
        assert len(set(widths)) == 1, (table.key, widths)
        slots = [s.path for row in table.layout for s in row if s.path]
        assert slots == table.cell_paths()


@pytest.mark.parametrize("version", FORM_IDS)
def test_every_cell_has_a_unique_chinese_name(version):
    form = FORMS[version]
    names = [form.cell_name(p) for p in form.cell_paths()]
    assert len(set(names)) == len(names)
    assert all(n.startswith("表") for n in names)


def test_cell_names_read_as_the_form_prints_them():
    assert FORM_2021.cell_name("tables.applications.denied.state_secret.natural_person") == \
        "表三·（三）不予公开·1.属于国家秘密·自然人"
    assert FORM_2021.cell_name("applications.partially_granted.total") == "表三·（二）部分公开·总计"
    assert FORM_2021.cell_name("tables.review_litigation.review.corrected") == "表四·行政复议·结果纠正"
    assert FORM_2019.cell_name("tables.legacy.applications.other_processing.total") == "表三·（六）其他处理·总计"
    assert FORM_2021.cell_name("tables.nothing.here") == "tables.nothing.here"


def test_the_2021_form_covers_exactly_the_models_cells():
    report = Report()
    for path in FORM_2021.cell_paths():
        report.tables.set_cell(path.removeprefix("tables."), 0)
        assert report.tables.cell(path.removeprefix("tables.")) == 0


def test_identities_state_the_forms_arithmetic():
    rules = {i.rule for i in FORM_2021.identities()}
    assert rules == {"T301", "T302", "T303", "T401"}
    t302 = FORM_2021.identities("T302")
    assert len(t302) == 7 and all(len(i.rhs) == 21 for i in t302)
    # 2019: the single （六）其他处理 row stands for the three （六） rows of 2021
    t302_2019 = FORM_2019.identities("T302")
    assert all(len(i.rhs) == 19 for i in t302_2019)
    assert any("legacy.applications.other_processing" in p for p in t302_2019[0].rhs)


def test_an_unknown_format_gets_the_2021_form():
    assert form_for(None) is FORM_2021 and form_for("2019") is FORM_2019


def test_identities_hold_on_a_consistent_generated_report():
    from random import Random

    from nianbao.generate.synthetic import random_report
    report = random_report(Random(7))
    for ident in FORM_2021.identities():
        lhs = sum(report.tables.cell(p.removeprefix("tables.")) or 0 for p in ident.lhs)
        rhs = sum(report.tables.cell(p.removeprefix("tables.")) or 0 for p in ident.rhs)
        assert lhs == rhs, ident.name


def test_cell_names_without_the_table_or_with_the_columns_unit():
    path = "tables.active_disclosure.fees.amount_10k_yuan"
    assert FORM_2021.cell_name(path) == "表二·行政事业性收费·本年收费金额"
    assert FORM_2021.cell_name(path, full=True) == "表二·行政事业性收费·本年收费金额（单位：万元）"
    assert FORM_2021.cell_name("applications.partially_granted.total", table=False) == "（二）部分公开·总计"


def test_model_paths_add_the_mirrored_copies_of_the_2019_decisions():
    assert FORM_2021.model_paths() == FORM_2021.cell_paths()
    extra = FORM_2019.model_paths()[len(FORM_2019.cell_paths()):]
    assert extra == [f"tables.active_disclosure.{k}.decisions" for k in ("licensing", "punishment", "enforcement")]


def test_section_headings_carry_their_ordinal():
    assert FORM_2021.heading(3) == "三、收到和处理政府信息公开申请情况"


def test_only_the_2019_change_column_is_signed():
    signed = {FORM_2019.cell(p)[2].key for p in FORM_2019.cell_paths() if FORM_2019.cell(p)[2].signed}
    assert signed == {"change"} and not any(FORM_2021.cell(p)[2].signed for p in FORM_2021.cell_paths())


def test_the_legacy_model_has_a_field_for_every_2019_cell_and_keeps_its_json():
    report = Report(format="2019")
    legacy = [p for p in FORM_2019.cell_paths() if p.startswith("tables.legacy.")]
    for i, path in enumerate(legacy):
        report.tables.set_cell(path, i)
        assert report.tables.cell(path.removeprefix("tables.")) == i
    d = report.to_dict()["tables"]["legacy"]
    assert d["active_disclosure"]["fees"] == {"prev_year_items": legacy.index(
        "tables.legacy.active_disclosure.fees.prev_year_items"), "change": legacy.index(
        "tables.legacy.active_disclosure.fees.change")}
    assert Report.model_validate(report.to_dict()).to_dict() == report.to_dict()
    assert "legacy" not in Report().to_dict()["tables"]       # absent when nothing was read


def test_the_models_table_cells_are_exactly_the_2021_forms():
    def leaves(d, prefix="tables"):
        for k, v in d.items():
            if isinstance(v, dict):
                yield from leaves(v, f"{prefix}.{k}")
            else:
                yield f"{prefix}.{k}"
    assert list(leaves(Report().to_dict()["tables"])) == FORM_2021.cell_paths()
