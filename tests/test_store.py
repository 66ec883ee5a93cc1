"""The store: save/load round trip, idempotence, agency identity, versions, cross-year re-audit,
schema = migrations. Every test runs on SQLite and on PostgreSQL (store_support.db_url)."""
from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from nianbao import api
from nianbao.form import FORM_2021
from nianbao.generate import random_agency, random_report
from nianbao.model import Position
from nianbao.store import db, open_store
from nianbao.store.cells import report_cells
from store_support import db_url, store  # noqa: F401  (fixtures)


def _report(seed: int, year: int = 2023, agency=None, **kw):
    rng = random.Random(seed)
    r = random_report(rng, year=year, agency=agency or random_agency(rng, "county_dept"), **kw)
    r.source.file = f"r{seed}.txt"
    r.source.sha256 = f"{seed:064x}"
    return r


def test_saved_report_loads_back_equal(store):
    r = _report(1)
    res = store.save_report(r)
    assert res.status == "stored" and res.is_current
    got = store.get_report(res.report_id)
    assert got.report.to_dict() == r.to_dict()
    assert got.year == 2023 and got.agency_name == r.meta.agency and got.sha256 == r.source.sha256


def test_same_bytes_stored_once(store):
    r = _report(2)
    first = store.save_report(r)
    again = store.save_report(r)
    assert again.status == "duplicate" and again.report_id == first.report_id
    assert store.count_reports(current=None) == 1


def test_cells_in_long_form_equal_the_model(store):
    r = _report(3, blanks=0.1)
    rid = store.save_report(r).report_id
    cells = store.cells([rid])[rid]
    paths = FORM_2021.cell_paths()
    assert len(cells) == len(paths)
    for path in paths:
        t, rest = path.removeprefix("tables.").split(".", 1)
        row, col = rest.rsplit(".", 1)
        assert cells[(t, row, col)] == r.tables.cell(path.removeprefix("tables."))
    assert any(v is None for v in cells.values())   # blanks are kept as NULL, not 0


def test_agency_with_and_without_city_prefix_is_one_agency(store):
    a = _report(4, 2022)
    a.meta.agency = "中卫市沙坡头区司法局"
    b = _report(5, 2023)
    b.meta.agency = "沙坡头区司法局"
    ra, rb = store.save_report(a), store.save_report(b)
    assert ra.agency_id == rb.agency_id
    ag = store.find_agency("沙坡头区司法局")
    assert ag.region == "中卫市" and set(ag.names) == {"中卫市沙坡头区司法局", "沙坡头区司法局"}
    assert ag.years == [2022, 2023]
    assert store.find_agency("中卫市沙坡头区司法局").id == ag.id
    # the same county name in another city is another agency
    c = _report(6, 2023)
    c.meta.agency = "银川市沙坡头区司法局"
    assert store.save_report(c).agency_id != ra.agency_id


def test_new_version_replaces_current_and_keeps_old_as_history(store):
    ag = random_agency(random.Random(7), "county_dept")
    old, new = _report(7, 2023, ag), _report(8, 2023, ag)
    old.meta.published = new.meta.published = None
    r1, r2 = store.save_report(old), store.save_report(new)
    assert r1.agency_id == r2.agency_id and r2.is_current
    i1, i2 = store.get_info(r1.report_id), store.get_info(r2.report_id)
    assert not i1.is_current and i1.superseded_by == r2.report_id and i2.is_current
    assert [i.id for i in store.list_reports(agency=r1.agency_id)] == [r2.report_id]
    assert {i.id for i in store.agency_history(r1.agency_id)} == {r1.report_id, r2.report_id}


def test_version_published_earlier_than_current_does_not_replace_it(store):
    ag = random_agency(random.Random(9), "county_dept")
    cur, older = _report(9, 2023, ag), _report(10, 2023, ag)
    cur.meta.published, older.meta.published = date(2024, 1, 20), date(2024, 1, 5)
    r1, r2 = store.save_report(cur), store.save_report(older)
    assert r1.is_current and not r2.is_current
    assert store.get_info(r2.report_id).superseded_by == r1.report_id


def test_deleting_current_version_promotes_the_previous_one(store):
    ag = random_agency(random.Random(11), "county_dept")
    a, b = _report(11, 2023, ag), _report(12, 2023, ag)
    a.meta.published = b.meta.published = None
    ra, rb = store.save_report(a), store.save_report(b)
    assert store.delete_report(rb.report_id)
    assert store.get_report(rb.report_id) is None
    info = store.get_info(ra.report_id)
    assert info.is_current and info.superseded_by is None
    assert not store.delete_report(rb.report_id)


@pytest.fixture
def hstore(store):
    """The store as the application opens it: with the auditor's cross-year rules (Library hands
    them in; the store never imports the audit)."""
    from nianbao.library import history_rules

    store.history_rules = history_rules
    return store


def _carry_pair(seed: int):
    ag = random_agency(random.Random(seed), "county_dept")
    prev, cur = _report(seed, 2022, ag), _report(seed + 1, 2023, ag)
    prev.tables.applications["carried_forward"].natural_person = 3
    cur.tables.applications["carried_over"].natural_person = 1
    prev.provenance["tables.applications.carried_forward.natural_person"] = Position(line=77)
    cur.provenance["tables.applications.carried_over.natural_person"] = Position(line=58)
    return prev, cur


def test_x001_on_second_year_points_at_both_reports(hstore):
    prev, cur = _carry_pair(20)
    rp, rc = hstore.save_report(prev), hstore.save_report(cur)
    x = [f for f in hstore.get_report(rc.report_id).report.findings if f.code == "X001"]
    f = next(f for f in x if f.data["col"] == "natural_person")
    assert f.severity == "error" and f.path == "tables.applications.carried_over.natural_person"
    assert f.evidence.line == 58
    p = f.data["previous"]
    assert p["report_id"] == rp.report_id and p["year"] == 2022 and p["value"] == 3
    assert p["path"] == "tables.applications.carried_forward.natural_person" and p["evidence"] == {"line": 77}
    assert not [f for f in hstore.get_report(rp.report_id).report.findings if f.code.startswith("X")]
    # stored as rows too, for queries
    rows = hstore.findings(report_ids=[rc.report_id], code="X001")
    assert any(r["data"]["previous"]["report_id"] == rp.report_id for r in rows)
    assert hstore.get_info(rc.report_id).errors >= 1


def test_earlier_year_stored_later_reaudits_the_following_year(hstore):
    prev, cur = _carry_pair(30)
    rc = hstore.save_report(cur)
    assert not hstore.findings(report_ids=[rc.report_id], code="X001")
    rp = hstore.save_report(prev)
    assert rp.reaudited == [rc.report_id]
    assert hstore.findings(report_ids=[rc.report_id], code="X001")
    assert any(f.code == "X001" for f in hstore.get_report(rc.report_id).report.findings)
    # and deleting the earlier year takes the cross-year findings away again
    hstore.delete_report(rp.report_id)
    assert not hstore.findings(report_ids=[rc.report_id], code="X")


def test_findings_summary_counts_rules_over_current_reports(hstore):
    prev, cur = _carry_pair(40)
    hstore.save_report(prev)
    hstore.save_report(cur)
    summary = {(s["code"], s["severity"]): s for s in hstore.findings_summary(year=2023)}
    assert summary[("X001", "error")]["reports"] == 1
    assert summary[("X001", "error")]["findings"] == len(hstore.findings(code="X001"))
    assert hstore.findings_summary(year=2021) == []


def test_list_reports_filters_by_region_and_year(store):
    a = _report(50, 2023)
    a.meta.agency = "中卫市沙坡头区司法局"
    b = _report(51, 2023)
    b.meta.agency = "吴忠市红寺堡区司法局"
    c = _report(52, 2022)
    c.meta.agency = "吴忠市红寺堡区司法局"
    for r in (a, b, c):
        store.save_report(r)
    assert [i.agency_name for i in store.list_reports(region="吴忠市", year=2023)] == ["吴忠市红寺堡区司法局"]
    assert len(store.list_reports(region="吴忠市")) == 2
    assert len(store.list_reports(year=2023)) == 2


def test_reports_without_agency_or_year_are_stored_listed_and_not_versioned(store):
    ids = []
    for seed in (60, 61):
        r = _report(seed)
        r.meta.agency = None
        r.meta.year = None
        res = store.save_report(r)
        assert res.status == "stored" and res.agency_id is None and res.is_current
        ids.append(res.report_id)
    assert {i.id for i in store.list_reports()} == set(ids)


def test_schema_created_by_migrations_matches_models(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nianbao.store.models import Base

    open_store(db_url).close()
    eng = create_engine(db_url)
    with eng.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    eng.dispose()
    assert diff == []


def test_wide_view_shows_figures_per_report(store):
    r = _report(70)
    rid = store.save_report(r).report_id
    with store.engine.connect() as c:
        row = c.execute(text("SELECT new_received, granted, review_total FROM report_wide WHERE report_id = :i"),
                        {"i": rid}).one()
    ap = r.tables.applications
    assert list(row) == [ap["new_received"].total, ap["granted"].total, r.tables.review_litigation.review.total]


def test_reopening_an_up_to_date_store_keeps_data(db_url):
    s = open_store(db_url)
    s.save_report(_report(80))
    s.close()
    s = open_store(db_url)
    assert s.count_reports() == 1 and s.stats()["revision"] == db.head_revision()
    s.close()


def test_report_cells_skip_items_the_2019_format_lacks():
    r = _report(90)
    r.format = "2019"
    r.tables.active_disclosure.fees = None
    r.tables.legacy = {"applications": {"other_processing": {"total": 2}}}
    cells = list(report_cells(r))
    assert not any(t == "active_disclosure" and row == "fees" for t, row, _, _ in cells)
    assert ("legacy", "applications.other_processing", "total", 2.0) in cells
    assert not any(t == "legacy" and row.startswith("active_disclosure.") for t, row, _, _ in cells)   # not read
    assert not any(row.startswith("other.") for t, row, _, _ in cells if t == "applications")


def test_store_at_an_older_revision_upgrades_on_open_and_keeps_its_reports(db_url):
    from nianbao.store import Store

    from alembic import command

    old = Store(db_url)
    rid = old.save_report(_report(81)).report_id
    with old.engine.begin() as conn:        # the file as an older nianbao left it: the first schema
        command.downgrade(db._alembic_config(conn), "0001")
    assert db.current_revision(old.engine) == "0001"
    old.close()
    s = open_store(db_url)
    try:
        assert db.current_revision(s.engine) == db.head_revision()
        assert s.get_report(rid) is not None
        with s.engine.connect() as c:
            n = c.execute(text("SELECT new_received FROM report_wide WHERE report_id = :i"), {"i": rid}).scalar()
        assert n == s.get_report(rid).report.tables.applications["new_received"].total
        if s.dialect == "sqlite":
            assert isinstance(n, int)      # whole numbers read as integers (Datasette shows 5, not 5.0)
    finally:
        s.close()


def test_report_built_in_memory_is_keyed_by_its_content(store):
    r = _report(95)
    r.source.sha256 = None
    first = store.save_report(r)
    assert store.save_report(r.model_copy(deep=True)).status == "duplicate"
    changed = r.model_copy(deep=True)
    changed.tables.applications["granted"].natural_person = 999
    second = store.save_report(changed)
    assert second.status == "stored" and second.report_id != first.report_id
    assert store.get_info(first.report_id).superseded_by == second.report_id


def test_which_version_is_current_is_a_rule_not_the_save_order(store):
    """Three files of one agency and year, same publication date: the latest file time is current
    in every save order; deleting it promotes the next by the same rule."""
    import itertools

    from nianbao.store.store import newer_version

    ag = random_agency(random.Random(13), "county_dept")
    versions = []
    for k, mtime in enumerate((1_700_000_300.0, 1_700_000_100.0, 1_700_000_200.0)):
        r = _report(130 + k, 2023, ag)
        r.meta.published = date(2024, 1, 20)
        versions.append((r, mtime))
    for n, order in enumerate(itertools.permutations(range(3))):
        saved = {}
        for i in order:
            r, mtime = versions[i]
            r = r.model_copy(deep=True)
            r.source.sha256 = f"{n:02d}{i:062d}"       # a fresh file per round
            saved[i] = store.save_report(r, mtime=mtime).report_id
        assert store.get_info(saved[0]).is_current, order
        assert {store.get_info(saved[i]).superseded_by for i in (1, 2)} == {saved[0]}
        store.delete_report(saved[0])
        assert store.get_info(saved[2]).is_current          # the next latest file time
        for i in (1, 2):
            store.delete_report(saved[i])
    assert newer_version(("2024-01-20", 1.0, "a"), ("2024-01-19", 9.0, "b"))      # the later date first
    assert newer_version(("2024-01-20", 1.0, "a"), (None, 9.0, "b"))              # a stated date beats none
    assert newer_version((None, 5.0, "b"), (None, 5.0, "a")) and not newer_version((None, 5.0, "a"), (None, 5.0, "b"))


def test_a_run_whose_process_is_gone_is_interrupted_with_its_counts_so_far(store):
    import subprocess
    import sys

    run_id = store.start_run(["in/"])
    store.finish_run(run_id, files=3, stored=2, duplicates=0, failed=1, errors=[{"file": "x", "message": "m"}],
                     finished=False)
    assert store.runs(1)[0]["status"] == "running"          # this process holds it
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    with store._write() as s:
        from nianbao.store.models import IngestRun
        s.get(IngestRun, run_id).pid = int(gone.stdout)
    run = store.runs(1)[0]
    assert run["status"] == "interrupted" and run["finished_at"] is None
    assert (run["files"], run["failed"]) == (3, 1)


def test_hot_reads_answer_as_sqlalchemy_does_and_versions_change_with_what_a_page_shows(store):
    """The web's per-view reads (Store.report_version, data_version, get_report) run as HotReads on a
    raw pooled connection: the same values of the same types as through SQLAlchemy (datetimes, bools,
    JSON), on SQLite and PostgreSQL; errors stay SQLAlchemy's."""
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy import select

    before = store.data_version()
    rid = store.save_report(_report(41)).report_id
    v1 = store.report_version(rid)
    assert v1 is not None and store.report_version(rid + 1000) is None
    assert store.data_version() != before
    from nianbao.store.store import _REPORT_QUERY, _VERSION_QUERY
    with store.engine.connect() as c:          # what the statements give through a Connection, types too
        for q in (_VERSION_QUERY, _REPORT_QUERY):
            want, got = tuple(c.execute(q, {"id": rid}).one()), store._hot(q).one(id=rid)
            assert got == want and [type(v) for v in got] == [type(v) for v in want]
    assert store.get_report(rid).report == store.get_report(rid).report and store.get_report(rid + 1000) is None
    from nianbao.store.store import _INFOS_QUERY, _RULE_COUNTS_QUERY
    with_findings = _report(43)
    with_findings.tables.applications["granted"].total = 10**6         # a T-rule's error: findings to count
    other = store.save_report(api.audit(with_findings)).report_id
    assert store.rule_counts([other])[other]
    with store.engine.connect() as c:          # a list's page: IN (:ids) spread out, as SQLAlchemy does
        for q in (_INFOS_QUERY, _RULE_COUNTS_QUERY):
            want = sorted(tuple(r) for r in c.execute(q, {"ids": [rid, other, rid + 1000]}))
            assert sorted(store._hot(q).all(ids=[rid, other, rid + 1000])) == want
    assert [i.id for i in store.report_infos([other, rid])] == [other, rid]
    newer = _report(41)
    newer.source.sha256 = f"{4242:064x}"
    newer.findings = []
    store.save_report(newer)
    assert store.report_version(rid) != v1                       # superseded: the old page is stale
    with pytest.raises(DBAPIError):
        db.HotRead(store.engine, select(text("no_such_column"))).one()
