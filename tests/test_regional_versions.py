"""The regional findings follow the store's versions end to end through Library:

- X005 never names a deleted report: after a delete the siblings' X005 are recomputed (naming
  another sibling or gone), after a restore again (naming the restored report's new id), and the
  review's copies of the findings say the same as the store's (message, link data); a region-audit
  repairs copies left stale and counts those reports as changed.
- D004 measures lateness on the agency-year's first publication (the missing view's date): a
  corrected version published later names the earlier version's date and id.
"""
from __future__ import annotations

import random
import re
from datetime import date

import pytest
from test_audit_region import REGISTRY_CSV, _dept

from nianbao.library import Library

REGISTRY = REGISTRY_CSV.format(covers="全域") + "宁夏回族自治区,中卫市,沙坡头区,教育局,部门,\n"


@pytest.fixture
def lib(tmp_path):
    lib = Library(f"sqlite:///{tmp_path / 'n.db'}")
    yield lib
    lib.close()


def _x005(lib: Library, rid: int) -> dict | None:
    got = lib.store.findings(report_ids=[rid], code="X005")
    assert len(got) <= 1
    return got[0] if got else None


def _named(message: str) -> int:
    return int(re.search(r"（报告(\d+)）", message).group(1))


def _review_x005(lib: Library, rid: int) -> list[dict]:
    return [f for f in lib.findings(rid) if f["code"] == "X005" and f["state"] == "open"]


def _assert_consistent(lib: Library, rid: int) -> int | None:
    """The store's X005 of `rid`, its data and the review's copy name one current report; its id."""
    f = _x005(lib, rid)
    review = _review_x005(lib, rid)
    if f is None:
        assert review == []
        return None
    other = f["data"]["other"]["report_id"]
    assert f["data"]["other_report_id"] == other == _named(f["message"])
    assert [r["message"] for r in review] == [f["message"]]
    info = lib.store.get_info(other)
    assert info is not None and info.is_current
    assert lib.copied_view(rid, other) is not None            # the page's link leads somewhere
    return other


def test_x005_follows_delete_and_restore_of_the_sibling_it_names_and_the_review_copy_too(lib):
    lib.import_registry(REGISTRY.encode(), "r.csv")
    rng = random.Random(41)
    a = lib.add_report(_dept("司法局", 2023, rng, copied=True))
    b = lib.add_report(_dept("民政局", 2023, rng, copied=True))
    c = lib.add_report(_dept("教育局", 2023, rng, copied=True))
    lib.case(a)                                   # under review: the case holds copies of its findings
    named = _assert_consistent(lib, a)
    assert named in (b, c)
    spare = c if named == b else b
    record = lib.delete(named, user="张三", reason="重复上传")
    # the same rule and cell, now naming the other sibling: the review copy follows
    assert _assert_consistent(lib, a) == spare
    assert all(f"报告{named}）" not in f["message"] for f in lib.findings(a))
    back = lib.restore(record, user="张三")
    assert back not in (a, b, c)
    now = _assert_consistent(lib, a)
    assert now in (spare, back)
    others = {o["report_id"] for o in [_x005(lib, a)["data"]["other"], *_x005(lib, a)["data"]["others"]]}
    assert others == {spare, back}                # the restored report by its new id, the old one nowhere
    assert _assert_consistent(lib, back) in (a, spare)
    again = lib.audit_region(region="沙坡头区", year=2023)
    assert again.changed == []


def test_deleting_the_only_sibling_clears_x005_in_the_review_and_restoring_names_the_new_id(lib):
    lib.import_registry(REGISTRY.encode(), "r.csv")
    rng = random.Random(42)
    a = lib.add_report(_dept("司法局", 2023, rng, copied=True))
    b = lib.add_report(_dept("民政局", 2023, rng, copied=True))
    lib.case(a)
    assert _assert_consistent(lib, a) == b
    record = lib.delete(b, user="张三")
    assert _x005(lib, a) is None and _review_x005(lib, a) == []
    b2 = lib.restore(record, user="张三")
    assert _assert_consistent(lib, a) == b2


def test_without_a_registry_deleting_a_named_sibling_recomputes_the_x005_naming_it(lib):
    rng = random.Random(43)
    a = lib.add_report(_dept("司法局", 2023, rng, copied=True))
    b = lib.add_report(_dept("民政局", 2023, rng, copied=True))
    lib.audit_region(year=2023)                   # on demand without a registry
    assert _x005(lib, a)["data"]["other_report_id"] == b
    lib.delete(b, user="张三")
    assert _x005(lib, a) is None


def test_region_audit_repairs_a_review_copy_naming_a_deleted_report_and_counts_it(lib):
    """A store left by the earlier code: the store's X005 names the current sibling, the review's
    copy still names the deleted one (same rule and cell, so the case's check saw nothing)."""
    from sqlalchemy import update

    from nianbao.store.review_models import ReviewFinding

    lib.import_registry(REGISTRY.encode(), "r.csv")
    rng = random.Random(44)
    a = lib.add_report(_dept("司法局", 2023, rng, copied=True))
    b = lib.add_report(_dept("民政局", 2023, rng, copied=True))
    lib.case(a)
    f = _x005(lib, a)
    stale = f["message"].replace(f"（报告{b}）", "（报告999）")
    with lib.store._write() as s:
        s.execute(update(ReviewFinding).where(ReviewFinding.report_id == a, ReviewFinding.code == "X005")
                  .values(message=stale))
    res = lib.audit_region(year=2023)
    assert a in res.changed
    assert _assert_consistent(lib, a) == b
    assert lib.audit_region(year=2023).changed == []


def test_reading_a_case_whose_copy_names_another_report_than_the_store_resyncs_it(lib):
    """The case's own check compares messages too: a copy that only says something else than the
    store's finding (same rule and cell) is refreshed when the case is read."""
    from sqlalchemy import select, update

    from nianbao.store.review_models import ReviewFinding

    lib.import_registry(REGISTRY.encode(), "r.csv")
    rng = random.Random(45)
    a = lib.add_report(_dept("司法局", 2023, rng, copied=True))
    b = lib.add_report(_dept("民政局", 2023, rng, copied=True))
    lib.case(a)
    f = _x005(lib, a)
    stale = f["message"].replace(f"（报告{b}）", "（报告999）")
    where = (ReviewFinding.report_id == a, ReviewFinding.code == "X005")
    with lib.store._write() as s:
        s.execute(update(ReviewFinding).where(*where).values(message=stale))
        assert s.scalars(select(ReviewFinding.message).where(*where)).all() == [stale]
    assert [r["message"] for r in _review_x005(lib, a)] == [f["message"]]


def _caizheng(rng: random.Random, published: date, *, fixed: bool = False):
    r = _dept("财政局", 2023, rng, copied=False)
    r.meta.published = published
    if fixed:                                     # the corrected text differs: a new file, a new version
        r.sections[-1].text += "已按要求整改。"
    return r


def test_d004_of_a_corrected_version_measures_the_first_publication_like_the_missing_view(lib):
    lib.import_registry(REGISTRY.encode(), "r.csv")
    region = lib.registry.region("沙坡头区")
    lib.registry.set_deadline(region.id, "department", "01-10", user="甲")
    rng = random.Random(45)
    first = lib.add_report(_caizheng(rng, date(2024, 3, 15)))
    lib.decide(lib.findings(first)[0]["id"], "确认", user="张三")     # 退回整改 needs a confirmed finding
    lib.set_status(first, "退回整改", user="张三", deadline=date(2024, 5, 1))
    fixed = lib.add_report(_caizheng(rng, date(2024, 4, 10), fixed=True))
    assert fixed != first and lib.store.get_info(fixed).is_current
    row = next(r for r in lib.missing("沙坡头区", 2023, today=date(2024, 6, 1)).rows if r.entry.name == "财政局")
    assert row.report_id == fixed and row.published == date(2024, 3, 15) and row.days_late == 65
    d4 = lib.store.findings(report_ids=[fixed], code="D004")
    assert len(d4) == 1
    msg = d4[0]["message"]
    assert msg.startswith(f"首次发布日期（报告{first}）2024年3月15日晚于期限2024年1月10日"), msg
    assert "4月10日" not in msg
    assert d4[0]["data"]["days_late"] == row.days_late == 65
    assert d4[0]["data"]["first_report_id"] == first and d4[0]["data"]["own_published_iso"] == "2024-04-10"
    assert [f["message"] for f in lib.findings(fixed) if f["code"] == "D004"] == [msg]   # the review's copy
    # without the first version the corrected one's own date is the publication
    record = lib.delete(first, user="张三")
    d4 = lib.store.findings(report_ids=[fixed], code="D004")
    assert d4[0]["message"].startswith("发布日期2024年4月10日晚于期限2024年1月10日")
    assert d4[0]["data"]["days_late"] == 91
    back = lib.restore(record, user="张三")
    current = next(i for i in (lib.store.get_info(back), lib.store.get_info(fixed)) if i.is_current)
    d4 = lib.store.findings(report_ids=[current.id], code="D004")
    assert "2024年3月15日" in d4[0]["message"] and d4[0]["data"]["days_late"] == 65
    if current.id != back:
        assert f"（报告{back}）" in d4[0]["message"]
    # a full pass changes nothing: one date everywhere
    assert lib.audit_region(year=2023).changed == []


def test_d004_of_a_corrected_version_on_time_first_publication_is_not_late(lib):
    lib.import_registry(REGISTRY.encode(), "r.csv")
    rng = random.Random(46)
    first = lib.add_report(_caizheng(rng, date(2024, 1, 20)))         # statute: 31 January
    fixed = lib.add_report(_caizheng(rng, date(2024, 3, 1), fixed=True))
    assert lib.store.get_info(fixed).is_current and first != fixed
    assert lib.store.findings(report_ids=[fixed], code="D004") == []


def test_without_a_registry_a_corrected_version_is_measured_on_the_first_publication_too(lib):
    rng = random.Random(47)
    first = lib.add_report(_caizheng(rng, date(2024, 2, 10)))
    fixed = lib.add_report(_caizheng(rng, date(2024, 4, 10), fixed=True))
    d4 = lib.store.findings(report_ids=[fixed], code="D004")
    assert len(d4) == 1 and d4[0]["message"].startswith(
        f"首次发布日期（报告{first}）2024年2月10日晚于法定期限2024年1月31日"), d4[0]["message"]
    assert [f["message"] for f in lib.findings(fixed) if f["code"] == "D004"] == [d4[0]["message"]]
    # a file audited on its own (not stored) is measured on its own date
    audited = lib.audit(_caizheng(random.Random(47), date(2024, 4, 10), fixed=True))
    assert [f.message for f in audited.findings if f.code == "D004"] == [
        "发布日期2024年4月10日晚于法定期限2024年1月31日（条例第四十九条：政府部门应于每年1月31日前公布上一年度报告）"]


def test_report_page_link_and_message_name_the_same_sibling_after_delete_and_restore(tmp_path):
    from test_similarity import _filled
    from web_support import new_client

    c, app = new_client(tmp_path)
    with c:
        lib = app.state.backend.library
        lib.import_registry(REGISTRY.encode(), "r.csv")
        rng = random.Random(48)
        a, b, e = (lib.add_report(_filled(f"中卫市沙坡头区{n}", 2023, rng)) for n in ("司法局", "民政局", "教育局"))
        lib.case(a)
        named = _x005(lib, a)["data"]["other_report_id"]
        record = lib.delete(named, user="张三")
        back = lib.restore(record, user="张三")

        def shown(page: str) -> tuple[set[int], set[int]]:
            return ({int(x) for x in re.findall(rf'href="/copied/{a}/(\d+)"', page)},
                    {int(x) for x in re.findall(r"（报告(\d+)）雷同", page)})

        page = c.get(f"/reports/{a}").text
        links, messages = shown(page)
        now = _assert_consistent(lib, a)
        assert links == messages == {now} and named not in links and now in ({a, b, e} - {a, named}) | {back}
        assert c.get(f"/copied/{a}/{now}").status_code == 200
