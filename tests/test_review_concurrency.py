"""Two reviewers deciding the same finding at the same moment, each through their own connection
pool (as two web workers would): exactly one decision wins, the other gets a ConflictError naming
the winner's decision; nothing is silently overwritten. Runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import threading

from nianbao.library import Library
from nianbao.store.review import ConflictError
from store_support import db_url  # noqa: F401  (fixture)
from test_review import _with_findings


def _race(url: str, finding_id: int, version: int | None, rounds_barrier: threading.Barrier, tmp_path):
    outcomes: dict[str, object] = {}

    def reviewer(name: str, decision: str) -> None:
        with Library(url, data_dir=tmp_path / "files") as lib:
            lib.review.finding(finding_id)          # connected and warm before the start line
            rounds_barrier.wait()
            try:
                outcomes[name] = lib.decide(finding_id, decision, user=name, reason="理由",
                                            expected_version=version)
            except ConflictError as e:
                outcomes[name] = e

    threads = [threading.Thread(target=reviewer, args=("甲", "确认")),
               threading.Thread(target=reviewer, args=("乙", "误报"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes


def test_concurrent_decisions_on_one_finding_one_wins_the_other_conflicts(db_url, tmp_path):
    with Library(db_url, data_dir=tmp_path / "files") as lib:
        rid, _ = _with_findings(lib)
        findings = lib.findings(rid)[:4]
    for i, f in enumerate(findings):
        # with the version each reviewer saw, and without (read and write in one transaction)
        version = f["version"] if i % 2 == 0 else None
        out = _race(db_url, f["id"], version, threading.Barrier(2), tmp_path)
        won = {k: v for k, v in out.items() if isinstance(v, dict)}
        lost = {k: v for k, v in out.items() if isinstance(v, ConflictError)}
        assert len(won) == 1 and len(lost) == 1, out
        (winner, result), = won.items()
        (loser, err), = lost.items()
        assert err.current["decision"] == result["decision"] and err.current["decided_by"] == winner
        assert winner in err.message
        with Library(db_url, data_dir=tmp_path / "files") as lib:
            now = lib.review.finding(f["id"])
            assert now["decision"] == result["decision"] and now["version"] == f["version"] + 1
            decisions = [e for e in lib.trail(report_id=rid) if e["action"] == "decision" and e["finding_id"] == f["id"]]
            assert len(decisions) == 1 and decisions[0]["user"] == winner


def test_concurrent_status_changes_one_wins(db_url, tmp_path):
    with Library(db_url, data_dir=tmp_path / "files") as lib:
        rid, _ = _with_findings(lib)
        f = lib.findings(rid)[0]
        lib.decide(f["id"], "确认", user="甲")          # 审核中 with a confirmed finding: both moves allowed
        case = lib.case(rid)
    barrier = threading.Barrier(2)
    out: dict[str, object] = {}

    def reviewer(name: str, status: str) -> None:
        with Library(db_url, data_dir=tmp_path / "files") as lib:
            lib.case(rid)
            barrier.wait()
            try:
                out[name] = lib.set_status(rid, status, user=name, expected_version=case["version"])
            except ConflictError as e:
                out[name] = e

    ts = [threading.Thread(target=reviewer, args=("甲", "通过")),
          threading.Thread(target=reviewer, args=("乙", "退回整改"))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert sorted(type(v).__name__ for v in out.values()) == ["ConflictError", "dict"]


def test_two_logged_in_reviewers_posting_the_same_decision_at_once_one_gets_409(db_url, tmp_path):
    from fastapi.testclient import TestClient

    from nianbao.web import auth
    from nianbao.web.app import Settings, create_app
    from test_review_api import _report
    from web_support import PASSWORD, login

    app = create_app(Settings(db_url=db_url, data_dir=tmp_path / "files", secret="s", workers=1))
    for name in ("甲", "乙"):
        auth.add_user(app.state.backend.engine, name, PASSWORD)
    with TestClient(app) as c1, TestClient(app) as c2:
        rid = app.state.backend.add_report(_report(1)).id
        tokens = {c1: login(c1, "甲"), c2: login(c2, "乙")}
        for f in c1.get(f"/api/review/reports/{rid}").json()["findings"][:3]:
            barrier = threading.Barrier(2)
            answers = {}

            def post(c, decision):
                barrier.wait()
                answers[decision] = c.post(f"/api/review/findings/{f['id']}/decision",
                                           headers={"X-CSRF-Token": tokens[c]},
                                           json={"decision": decision, "reason": "理由", "version": f["version"]})

            ts = [threading.Thread(target=post, args=(c1, "确认")), threading.Thread(target=post, args=(c2, "误报"))]
            for t in ts:
                t.start()
            for t in ts:
                t.join(60)
            codes = sorted(r.status_code for r in answers.values())
            assert codes == [200, 409], {k: (r.status_code, r.text) for k, r in answers.items()}
            won = next(k for k, r in answers.items() if r.status_code == 200)
            lost = next(r for r in answers.values() if r.status_code == 409)
            assert lost.json()["current"]["decision"] == won
    app.state.backend.close()
