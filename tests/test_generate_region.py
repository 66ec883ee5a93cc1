"""The generated region (nianbao.generate.region): deterministic, consistent where nothing is planted,
and its planted cases are what the answer key says — so the oversight tests can trust the key."""
from __future__ import annotations

import itertools

import pytest

from nianbao import api
from nianbao.form import FORM_2021
from nianbao.generate.region import (
    YEARS, generate_region, registry_csv, registry_xlsx, sum_tables, table_cells, write_region,
)
from nianbao.model import Tables
from nianbao.oversight.registry import parse_registry
from nianbao.oversight.similarity import normalise_text, sections_text, share, shingles

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module", params=SEEDS)
def region(request):
    return generate_region(request.param)


def test_same_seed_gives_the_same_region():
    a, b = generate_region(5), generate_region(5)
    assert a.districts == b.districts and a.key == b.key
    assert {k: r.to_json() for k, r in a.reports.items()} == {k: r.to_json() for k, r in b.reports.items()}
    c = generate_region(6)
    assert {k: r.to_json() for k, r in c.reports.items()} != {k: r.to_json() for k, r in a.reports.items()}


def test_region_has_a_city_districts_departments_and_townships(region):
    assert 3 <= len(region.districts) <= 5
    kinds = {(m.district is None, m.kind) for m in region.members}
    assert kinds == {(True, "government"), (True, "department"), (False, "government"), (False, "department"),
                     (False, "township")}
    assert len({m.key for m in region.members}) == len(region.members)
    for d in region.districts:
        assert sum(m.kind == "government" and m.district == d for m in region.members) == 1
    # every expected agency has a report in both years except the planted missing ones
    expected = {(m.key, y) for m in region.members for y in YEARS}
    assert expected - set(region.reports) == region.key.missing


def test_area_reports_are_the_sum_of_their_stored_sub_reports_except_the_planted_cells(region):
    key, y0, y1 = region.key, *YEARS
    area = [m for m in region.members if m.kind == "government" and m.covers == "area"]
    assert len(area) >= 3
    for gov in area:
        for year in YEARS:
            if gov.district is None:
                subs = [m for m in region.members if m.district is None and m is not gov]
                for d in region.districts:
                    g = next(m for m in region.members if m.district == d and m.kind == "government")
                    subs += [g] if g.covers == "area" else [m for m in region.members if m.district == d]
            else:
                subs = [m for m in region.members if m.district == gov.district and m is not gov]
            parts = [region.reports[(m.key, year)].tables for m in subs if (m.key, year) in region.reports]
            apps, rl = sum_tables(parts)
            want = table_cells(Tables(applications=apps, review_litigation=rl))
            got = table_cells(region.reports[(gov.key, year)].tables)
            differ = {p for p in want if want[p] != got[p]}
            assert differ == key.rollup_wrong.get((gov.key, year), set()), (gov.key, year)
    assert {y for _, y in key.rollup_wrong} == {y0, y1}
    # the office-only government's figures are its own, not the sum (so a rule ignoring 报告范围 would fire)
    office = next(m for m in region.members if m.covers == "office")
    subs = [region.reports[(m.key, y1)].tables for m in region.members
            if m.district == office.district and m is not office and (m.key, y1) in region.reports]
    apps, _ = sum_tables(subs)
    assert apps["new_received"].total != region.reports[(office.key, y1)].tables.applications["new_received"].total


def test_clean_reports_share_little_text_and_planted_copies_most(region):
    key = region.key
    copies = {(k, y) for ks, y in key.copied_sibling for k in ks} | key.copied_last_year \
        | {(k, y - 1) for k, y in key.copied_last_year}
    texts = {k: shingles(normalise_text(sections_text(r))) for k, r in region.reports.items()}

    def containment(a: set[str], b: set[str]) -> float:      # (the measure of X002/X005 on shingle sets)
        return share(a, b)

    worst = 0.0
    for a, b in itertools.permutations(texts, 2):
        if a[1] != b[1] and a[0] != b[0]:
            continue                      # only what X002 (same agency) and X005 (same year) compare
        if a in copies and b in copies and (a[0] == b[0] or a[1] == b[1]):
            continue
        worst = max(worst, containment(texts[a], texts[b]))
    assert worst < 0.4
    for ks, y in key.copied_sibling:
        a, b = sorted(ks)
        assert containment(texts[(a, y)], texts[(b, y)]) > 0.8
    for k, y in key.copied_last_year:
        assert containment(texts[(k, y)], texts[(k, y - 1)]) > 0.8


def test_clean_agencies_publish_before_their_deadline_and_planted_ones_after(region):
    key = region.key
    for (k, y), r in region.reports.items():
        due = key.deadlines[(k, y)]
        assert (r.meta.published > due) == ((k, y) in key.late), (k, y)
    for k, y in key.late_by_region_rule:       # late by the city's 01-28, not by 条例 (01-31)
        assert region.member(k).kind == "department"
        assert key.deadlines[(k, y)] < region.reports[(k, y)].meta.published <= key.deadlines[(k, y)].replace(day=31)


def test_agency_without_applications_has_zero_decided_applications(region):
    for k, y in region.key.no_applications:
        t = region.reports[(k, y)].tables
        assert t.applications["results_total"].total == 0 and t.review_litigation.review.total == 0


def test_written_files_read_back_to_the_generated_reports(tmp_path):
    region = generate_region(1)
    written = write_region(region, tmp_path)
    assert sum(len(v) for v in written.reports.values()) == len(region.reports)
    codes = set()
    for path, (k, y) in written.member_of.items():
        got = api.parse_bytes(path.read_bytes(), path.name)
        want = region.reports[(k, y)]
        assert (got.meta.agency, got.meta.year, got.meta.published) == \
            (want.meta.agency, want.meta.year, want.meta.published), path.name
        for p in FORM_2021.cell_paths():
            rel = p.removeprefix("tables.")
            assert got.tables.cell(rel) == want.tables.cell(rel), (path.name, p)
        codes |= {f.code for f in api.audit(got).findings}
    assert codes <= {"D004"}       # nothing else is wrong in a single report; D004: the statutory-late ones


def test_registry_files_list_every_expected_agency_with_kind_and_coverage():
    region = generate_region(2)
    for data, name in ((registry_csv(region), "r.csv"), (registry_xlsx(region), "r.xlsx")):
        rows = parse_registry(data, name)
        assert {r.name for r in rows} == {m.key for m in region.members}
        by = {r.name: r for r in rows}
        for m in region.members:
            assert (by[m.key].kind, by[m.key].covers) == (m.kind, m.covers)
            levels = [lvl for lvl, _ in by[m.key].path]
            assert levels[:2] == ["province", "city"]
            assert ("county" in levels) == (m.district is not None)
            assert ("township" in levels) == (m.kind == "township")


def test_clean_agencies_have_no_red_or_yellow_indicator_and_the_silent_one_no_rates(region):
    from nianbao.oversight.indicators import indicators_for

    for (k, y), r in region.reports.items():
        ind = indicators_for(r, region.reports.get((k, y - 1)))
        assert not {n: i.mark for n, i in ind.items() if i.mark}, (k, y)
        if (k, y) in region.key.no_applications:
            assert ind["substantive_rate"].value is None and ind["denial_rate"].value is None
