"""Review persistence: report status per agency-year, decisions on findings, hand-added findings,
assignments, the append-only trail, carry-over between versions, per-rule false-positive rates.

    review = Review(store)                                   # over an open nianbao.store.Store
    case = review.case_for_report(12)                        # created (待审) and synced on first use
    f = review.findings(case["id"])[0]
    review.decide(f["id"], "误报", user="张三", reason="表格合并单元格", expected_version=f["version"])
    review.set_status(12, "退回整改", user="张三", deadline=date(2027, 1, 15))

A case is one agency and year (a report that names neither gets a case of its own); it follows
the agency-year's current report. Its findings are matched across versions by rule, cell and
order (`key`): when a newer version arrives the decisions carry over to the same finding, findings
no longer present are marked gone (已整改), new ones are open; a finding that a re-audit of the same
version no longer raises (a registry deadline moved, an agency left the registry) is stale (不再适用:
the agency changed nothing), and comes back open with its decision if raised again; a case returned for rectification
(退回整改) moves to 已整改待复核. Every change names the version it read (optimistic locking): a
concurrent change makes it fail with ConflictError instead of overwriting. Persistence only: the
application (nianbao.library.Library) decides when to call what.

Status rules (set_status; the CLI, the API and the report page's panel all go through it, so they
refuse alike — ReviewError, HTTP 400, exit 2 — and the panel offers only what `allowed_statuses` gives):

    待审 → 审核中                      (the first decision or hand-added finding does it by itself)
    审核中 → 退回整改 | 通过
    退回整改 → 已整改待复核             (normally automatic when the corrected version arrives)
    退回整改 → 审核中                   back: withdraw the return — needs a comment
    已整改待复核 → 通过 | 退回整改      (returned again)
    通过 → 审核中                       back: reopen a passed report — needs a comment

退回整改 needs at least one confirmed finding still open (what the 整改通知 lists). Nothing goes
back to 待审, and no step is skipped (待审 → 通过 goes through 审核中). Setting the current status
again only updates the deadline or the comment (a 整改通知 re-sent with a new deadline).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..form import form_for
from .models import Agency, Finding
from .models import Report as ReportRow
from .review_models import DeletedReport, ReviewCase, ReviewEvent, ReviewFinding

STATUSES = ("待审", "审核中", "退回整改", "已整改待复核", "通过")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "待审": ("审核中",),
    "审核中": ("退回整改", "通过"),
    "退回整改": ("已整改待复核", "审核中"),       # 审核中: the return withdrawn (with a comment)
    "已整改待复核": ("通过", "退回整改"),
    "通过": ("审核中",),                         # reopened (with a comment)
}
# steps back: allowed only with a comment saying why (it goes to the trail)
BACKWARD = {("退回整改", "审核中"), ("通过", "审核中")}
RETURN_NEEDS_CONFIRMED = "退回整改需要至少一个已确认且未整改的审核问题（整改通知列出的就是这些），请先确认问题或人工添加问题"


def allowed_statuses(status: str, confirmed: int) -> tuple[str, ...]:
    """The statuses a case in `status` may move to, given how many confirmed findings are still open
    (退回整改 needs one)."""
    return tuple(t for t in TRANSITIONS.get(status, ()) if t != "退回整改" or confirmed > 0)


def transition_error(current: str, status: str, comment: str | None, confirmed: int) -> str | None:
    """Why the case cannot move from `current` to `status` (a Chinese message), or None."""
    if status not in STATUSES:
        return f"未知状态「{status}」（可选：{'、'.join(STATUSES)}）"
    if status == current:
        return RETURN_NEEDS_CONFIRMED if status == "退回整改" and confirmed == 0 else None
    if status not in TRANSITIONS[current]:
        ok = allowed_statuses(current, confirmed)
        return (f"状态不能从「{current}」改为「{status}」（当前可改为：{'、'.join(ok) if ok else '无'}；"
                f"顺序为 待审 → 审核中 → 退回整改 → 已整改待复核 → 通过）")
    if status == "退回整改" and confirmed == 0:
        return RETURN_NEEDS_CONFIRMED
    if (current, status) in BACKWARD and not (comment or "").strip():
        verb = "撤回退回整改" if current == "退回整改" else "重新打开已通过的报告"
        return f"从「{current}」改回「{status}」（{verb}）需要填写说明"
    return None
DECISIONS = ("确认", "误报", "不适用")
DISMISSALS = ("误报", "不适用")
# every spelling a decision is accepted in (CLI, API, pages): the Chinese names and English aliases;
# 待定 / undecided take the decision back (None)
DECISION_ALIASES: dict[str, str | None] = {
    "确认": "确认", "confirm": "确认", "confirmed": "确认",
    "误报": "误报", "fp": "误报", "false-positive": "误报", "false_positive": "误报",
    "不适用": "不适用", "na": "不适用", "n/a": "不适用", "not-applicable": "不适用", "not_applicable": "不适用",
    "待定": None, "undecided": None}
# a finding's state: open (in the current version); gone (not in a newer version of the agency-year's
# report: the agency corrected it); stale (a re-audit of the same version no longer raises it: a rule or
# the registry changed, the report did not)
STATES = ("open", "gone", "stale")
STATE_LABELS = {"gone": "已整改", "stale": "不再适用"}
STATE_NOTES = {"gone": "新版本中已不再出现（机关已整改）", "stale": "规则或名录变化后不再成立（报告本身未改动）"}
GONE_LABEL = STATE_LABELS["gone"]
MANUAL_CODE = "人工"
MANUAL_CATEGORY = "人工添加"           # the 问题类别 of a hand-added finding (整改清单)
SEVERITY_CODES = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_CHOICES = "、".join(f"{name}（{code}）" for code, name in SEVERITY_CODES.items())
# the registry's changes (store/registry.py writes them in the change's own transaction): which regions
# an event concerns is kept in hidden keys of `after` ("_region_ids": the changed regions and their
# ancestors, "_region_id": the one region changed), left out of what the trail shows
REGISTRY_ACTIONS = {"registry_import": "导入名录", "region_add": "新增地区", "region_remove": "删除地区",
                    "entry_add": "新增机关", "entry_edit": "修改机关", "entry_remove": "删除机关",
                    "deadline": "公开期限", "config": "辖区配置"}
INHERITED_ACTIONS = ("deadline", "config")     # set on a region, in force in every region below it
ACTIONS = {"upload": "上传", "delete": "删除", "restore": "恢复", "status": "状态", "decision": "决定",
           "add_finding": "人工添加问题", "assign": "分配", "new_version": "新版本", "notice": "整改通知",
           **REGISTRY_ACTIONS}


class ReviewError(Exception):
    """A review action that cannot be done (message in Chinese). kind: "notfound", "invalid", "conflict"."""

    def __init__(self, message: str, kind: str = "invalid"):
        super().__init__(message)
        self.message, self.kind = message, kind

    def __str__(self) -> str:
        return self.message


class ConflictError(ReviewError):
    """Someone changed the finding or case since it was read: `current` is what it is now."""

    def __init__(self, message: str, current: dict[str, Any]):
        super().__init__(message, "conflict")
        self.current = current


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, (date, datetime)) else v


def finding_keys(findings: list[tuple[str, str | None]]) -> list[str]:
    """The key of each (rule, cell) in order: "T001|tables.x.y.z|0"; the n-th finding of the same
    rule and cell gets n, so keys stay stable across versions that keep their findings' order."""
    seen: Counter = Counter()
    out = []
    for code, path in findings:
        out.append(f"{code}|{path or ''}|{seen[(code, path)]}")
        seen[(code, path)] += 1
    return out


def _case_dict(c: ReviewCase, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    return {"id": c.id, "agency_id": c.agency_id, "year": c.year, "report_id": c.report_id, "status": c.status,
            "assignee": c.assignee, "deadline": _iso(c.deadline), "comment": c.comment, "updated_by": c.updated_by,
            "updated_at": _iso(c.updated_at), "version": c.version,
            "overdue": bool(c.deadline and c.status == "退回整改" and c.deadline < today),
            "overdue_days": (today - c.deadline).days if c.deadline and c.status == "退回整改"
            and c.deadline < today else 0}


def _finding_dict(f: ReviewFinding) -> dict[str, Any]:
    return {"id": f.id, "case_id": f.case_id, "report_id": f.report_id, "key": f.key, "origin": f.origin,
            "code": f.code, "severity": f.severity, "message": f.message, "path": f.path, "evidence": f.evidence,
            "state": f.state, "decision": f.decision, "reason": f.reason, "note": f.note,
            "decided_by": f.decided_by, "decided_at": _iso(f.decided_at), "version": f.version,
            "shown": STATE_LABELS.get(f.state) or f.decision or "待定", "state_note": STATE_NOTES.get(f.state)}


def decision_name(decision: str | None) -> str | None:
    """A decision in any accepted spelling (DECISION_ALIASES) → 确认 / 误报 / 不适用, or None
    (待定, undecided, null); ReviewError naming the accepted spellings otherwise."""
    if decision is None:
        return None
    key = decision.strip().lower()
    if key not in DECISION_ALIASES:
        raise ReviewError(f"未知决定「{decision}」（可选：确认（confirm）、误报（fp）、不适用（na）、待定（undecided））")
    return DECISION_ALIASES[key]


def _shown(v: dict | None) -> dict | None:
    """A before/after as the trail shows it: without the hidden keys ("_region_ids" …)."""
    if not isinstance(v, dict):
        return v
    out = {k: x for k, x in v.items() if not k.startswith("_")}
    return out or None


def _event_dict(e: ReviewEvent) -> dict[str, Any]:
    out = {"id": e.id, "at": _iso(e.at), "user": e.user, "action": e.action,
           "action_name": ACTIONS.get(e.action, e.action), "case_id": e.case_id, "report_id": e.report_id,
           "agency_id": e.agency_id, "year": e.year, "finding_id": e.finding_id, "before": _shown(e.before),
           "after": _shown(e.after), "comment": e.comment}
    if e.action in REGISTRY_ACTIONS:
        out["region_ids"] = list((e.after or {}).get("_region_ids") or [])
    return out


def _concerns(e: ReviewEvent, region_id: int, chain: set[int]) -> bool:
    """Whether a registry event is one of region `region_id`'s: a change in it or below it, or a
    deadline or configuration set on one of its ancestors (`chain`), which it inherits."""
    hidden = e.after if isinstance(e.after, dict) else {}
    return region_id in (hidden.get("_region_ids") or ()) or \
        (e.action in INHERITED_ACTIONS and hidden.get("_region_id") in chain)


class Review:
    """The review tables of one store (nianbao.store.Store): its engine and its transactions."""

    def __init__(self, store):
        self.store = store

    # ------------------------------------------------------------ trail
    @staticmethod
    def _event(s: Session, action: str, user: str | None, *, case: ReviewCase | None = None,
               report_id: int | None = None, agency_id: int | None = None, year: int | None = None,
               finding_id: int | None = None, before: dict | None = None, after: dict | None = None,
               comment: str | None = None) -> None:
        s.execute(insert(ReviewEvent).values(
            at=_now(), user=user, action=action, case_id=case.id if case else None,
            report_id=report_id if report_id is not None else (case.report_id if case else None),
            agency_id=agency_id if agency_id is not None else (case.agency_id if case else None),
            year=year if year is not None else (case.year if case else None), finding_id=finding_id,
            before=before, after=after, comment=comment))

    def record(self, action: str, user: str | None, *, report_id: int | None = None, agency_id: int | None = None,
               year: int | None = None, before: dict | None = None, after: dict | None = None,
               comment: str | None = None) -> None:
        """Append one event to the trail (uploads and other actions the caller performs)."""
        with self.store._write() as s:
            case = self._find_case(s, agency_id, year, report_id) if agency_id is not None or report_id else None
            self._event(s, action, user, case=case, report_id=report_id, agency_id=agency_id, year=year,
                        before=before, after=after, comment=comment)

    def record_uploads(self, uploads: list[tuple[int, str | None]], user: str | None) -> list[int]:
        """Trail many stored reports as uploads in one transaction (a batch ingest); returns those
        whose agency-year is already under review (their case needs syncing: a new version)."""
        if not uploads:
            return []
        names = dict(uploads)
        reviewed = []
        with self.store._write() as s:
            rows = s.execute(select(ReportRow.id, ReportRow.agency_id, ReportRow.year, ReportRow.sha256,
                                    ReportRow.is_current).where(ReportRow.id.in_(list(names)))).all()
            for rid, agency_id, year, sha, current in rows:
                case = self._find_case(s, agency_id, year, rid)
                self._event(s, "upload", user, case=case, report_id=rid, agency_id=agency_id, year=year,
                            after={"report_id": rid, "file": names[rid], "sha256": sha, "is_current": current})
                if case is not None:
                    reviewed.append(rid)
        return reviewed

    def trail(self, *, report_id: int | None = None, case_id: int | None = None, agency_id: int | None = None,
              year: int | None = None, limit: int | None = 500, offset: int = 0,
              agencies: Any = None) -> list[dict[str, Any]]:
        """Events, oldest first: of a report's case (every version of its agency-year), a case, an agency,
        the agencies of a SELECT of ids (`agencies`); paged in SQL (count_trail counts the same selection)."""
        q = self._trail_query(select(ReviewEvent), report_id=report_id, case_id=case_id, agency_id=agency_id,
                              year=year).order_by(ReviewEvent.id).offset(offset)
        if agencies is not None:
            q = q.where(ReviewEvent.agency_id.in_(agencies), ReviewEvent.action.not_in(REGISTRY_ACTIONS))
        if limit is not None:
            q = q.limit(limit)
        with self.store._read() as s:
            return [_event_dict(e) for e in s.scalars(q)]

    def registry_trail(self, region_id: int | None = None, *, chain: Iterable[int] = (),
                       limit: int | None = None) -> list[dict[str, Any]]:
        """The registry's changes, oldest first: every one, or a region's (`region_id`, its ancestors'
        ids in `chain`): made in it or below it, and the deadlines and configurations set above it."""
        q = select(ReviewEvent).where(ReviewEvent.action.in_(REGISTRY_ACTIONS)).order_by(ReviewEvent.id)
        up = set(chain)
        with self.store._read() as s:
            out = [_event_dict(e) for e in s.scalars(q) if region_id is None or _concerns(e, region_id, up)]
        return out if limit is None else out[:limit]

    def count_trail(self, *, report_id: int | None = None, case_id: int | None = None,
                    agency_id: int | None = None, year: int | None = None) -> int:
        q = self._trail_query(select(func.count(ReviewEvent.id)), report_id=report_id, case_id=case_id,
                              agency_id=agency_id, year=year)
        with self.store._read() as s:
            return s.scalar(q) or 0

    def _trail_query(self, q, *, report_id: int | None, case_id: int | None, agency_id: int | None,
                     year: int | None):
        if report_id is not None:
            with self.store._read() as s:      # the columns needed, not the row (it carries the model)
                row = s.execute(select(ReportRow.agency_id, ReportRow.year, ReportRow.ingested_at)
                                .where(ReportRow.id == report_id)).first()
                case = self._find_case(s, row.agency_id, row.year, report_id) if row else None
            # SQLite may give a deleted report's id to the next one: events of that id from before this
            # report was stored belong to the report that had it then
            conds = [ReviewEvent.report_id == report_id] if row is None else \
                [(ReviewEvent.report_id == report_id) & (ReviewEvent.at >= row.ingested_at)]
            if case is not None:
                conds.append(ReviewEvent.case_id == case.id)
            if row is not None and row.agency_id is not None and row.year is not None:
                conds.append((ReviewEvent.agency_id == row.agency_id) & (ReviewEvent.year == row.year))
            q = q.where(or_(*conds))
        if case_id is not None:
            q = q.where(ReviewEvent.case_id == case_id)
        if agency_id is not None:
            q = q.where(ReviewEvent.agency_id == agency_id)
        if year is not None:
            q = q.where(ReviewEvent.year == year)
        return q

    # ------------------------------------------------------------ cases
    @staticmethod
    def _find_case(s: Session, agency_id: int | None, year: int | None, report_id: int | None) -> ReviewCase | None:
        if agency_id is not None and year is not None:
            return s.scalars(select(ReviewCase).where(ReviewCase.agency_id == agency_id,
                                                      ReviewCase.year == year)).first()
        if report_id is None:
            return None
        return s.scalars(select(ReviewCase).where(ReviewCase.report_id == report_id,
                                                  ReviewCase.agency_id.is_(None))).first()

    @staticmethod
    def _target(s: Session, row: ReportRow) -> ReportRow:
        """The report a case follows: the agency-year's current version."""
        if row.agency_id is None or row.year is None or row.is_current:
            return row
        cur = s.scalars(select(ReportRow).where(ReportRow.agency_id == row.agency_id, ReportRow.year == row.year,
                                                ReportRow.is_current)).first()
        return cur or row

    def case_for_report(self, report_id: int, user: str | None = None) -> dict[str, Any]:
        """The case of a report's agency-year (created 待审 on first use), synced with its current
        version: decisions carried over, gone findings marked, new ones open."""
        for attempt in range(3):
            with self.store._read() as s:
                row = s.get(ReportRow, report_id)
                if row is None:
                    raise ReviewError(f"报告 {report_id} 不存在", "notfound")
                target = self._target(s, row)
                case = self._find_case(s, row.agency_id, row.year, report_id)
                if case is not None and case.report_id == target.id and self._in_sync(s, case, target.id):
                    return _case_dict(case)
            try:
                with self.store._write() as s:
                    return self._sync(s, report_id, user)
            except IntegrityError:          # a concurrent request created the same case or rows first
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _audit_keys(s: Session, report_id: int) -> tuple[list[str], list[Finding]]:
        rows = list(s.scalars(select(Finding).where(Finding.report_id == report_id).order_by(Finding.id)))
        return finding_keys([(f.code, f.path) for f in rows]), rows

    def _in_sync(self, s: Session, case: ReviewCase, report_id: int) -> bool:
        """The case's open audit copies are the report's findings: same keys (rule, cell, rank) and
        same messages (an X005 that now names another sibling keeps its key)."""
        keys, rows = self._audit_keys(s, report_id)
        have = set(s.execute(select(ReviewFinding.key, ReviewFinding.message).where(
            ReviewFinding.case_id == case.id, ReviewFinding.origin == "audit", ReviewFinding.state == "open")))
        return have == set(zip(keys, (f.message for f in rows)))

    def _sync(self, s: Session, report_id: int, user: str | None) -> dict[str, Any]:
        row = s.get(ReportRow, report_id)
        if row is None:
            raise ReviewError(f"报告 {report_id} 不存在", "notfound")
        target = self._target(s, row)
        case = self._find_case(s, row.agency_id, row.year, report_id)
        now = _now()
        if case is None:
            case = ReviewCase(agency_id=target.agency_id if target.year is not None else None,
                              year=target.year if target.agency_id is not None else None, report_id=None,
                              status="待审", updated_at=now, version=1)
            s.add(case)
            s.flush()
        previous = case.report_id
        keys, found = self._audit_keys(s, target.id)
        existing = {f.key: f for f in s.scalars(select(ReviewFinding).where(ReviewFinding.case_id == case.id))}
        carried = new = gone = 0
        for key, f in zip(keys, found):
            ev = f.evidence
            old = existing.get(key)
            if old is None:
                s.add(ReviewFinding(case_id=case.id, report_id=target.id, key=key, origin="audit", code=f.code,
                                    severity=f.severity, message=f.message, path=f.path, evidence=ev, state="open",
                                    created_at=now, version=1))
                new += 1
            else:
                if old.decision is not None and old.report_id != target.id:
                    carried += 1
                old.report_id, old.message, old.severity, old.evidence = target.id, f.message, f.severity, ev
                if old.state != "open":
                    old.state = "open"
                    old.version += 1
        wanted = set(keys)
        for key, old in existing.items():
            if old.origin == "audit" and old.state == "open" and key not in wanted:
                # last seen in an older version: the new one corrected it; seen in this very version:
                # a re-audit (rule or registry changed) no longer raises it
                fixed = old.report_id != target.id
                old.state = "gone" if fixed else "stale"
                old.version += 1
                gone += fixed
            elif old.origin == "manual" and old.report_id != target.id:
                old.report_id = target.id
        case.report_id = target.id
        if previous is not None and previous != target.id:
            self._event(s, "new_version", user, case=case, before={"report_id": previous},
                        after={"report_id": target.id, "carried": carried, "rectified": gone, "new": new})
            if case.status == "退回整改":
                self._event(s, "status", user, case=case, before={"status": case.status},
                            after={"status": "已整改待复核"}, comment="收到整改后的新版本")
                case.status = "已整改待复核"
                case.updated_by, case.updated_at = user, now
            case.version += 1
        s.flush()
        return _case_dict(case)

    def case(self, case_id: int) -> dict[str, Any]:
        with self.store._read() as s:
            c = s.get(ReviewCase, case_id)
            if c is None:
                raise ReviewError(f"审核记录 {case_id} 不存在", "notfound")
            return _case_dict(c)

    def findings(self, case_id: int, *, state: str | None = None, decision: str | None = None,
                 rule: str | None = None) -> list[dict[str, Any]]:
        """The case's findings: open ones first (by severity, rule), then gone (已整改) and stale (不再适用)."""
        q = select(ReviewFinding).where(ReviewFinding.case_id == case_id)
        if state:
            q = q.where(ReviewFinding.state == state)
        if decision == "待定":
            q = q.where(ReviewFinding.decision.is_(None))
        elif decision:
            q = q.where(ReviewFinding.decision == decision)
        if rule:
            q = q.where(ReviewFinding.code.startswith(rule))
        rank = {"error": 0, "warning": 1, "info": 2}
        with self.store._read() as s:
            rows = [_finding_dict(f) for f in s.scalars(q)]
        return sorted(rows, key=lambda f: (f["state"] != "open", rank.get(f["severity"], 3), f["code"], f["id"]))

    def finding(self, finding_id: int) -> dict[str, Any]:
        with self.store._read() as s:
            f = s.get(ReviewFinding, finding_id)
            if f is None:
                raise ReviewError(f"审核问题 {finding_id} 不存在", "notfound")
            return _finding_dict(f)

    # ------------------------------------------------------------ status, assignment
    def set_status(self, report_id: int, status: str, user: str, *, comment: str | None = None,
                   deadline: date | None = None, expected_version: int | None = None) -> dict[str, Any]:
        """Move the report's case to `status` (the rules: the module docstring, TRANSITIONS; refused
        with a Chinese ReviewError). 退回整改 may carry the reply deadline of the 整改通知."""
        if status not in STATUSES:
            raise ReviewError(f"未知状态「{status}」（可选：{'、'.join(STATUSES)}）")
        comment = (comment or "").strip() or None
        self.case_for_report(report_id, user)
        with self.store._write() as s:
            row = s.get(ReportRow, report_id)
            case = self._find_case(s, row.agency_id, row.year, report_id)
            self._check_version(case, expected_version)
            if status == case.status and deadline is None and comment is None:
                return _case_dict(case)
            self._move(s, case, status, user, comment, deadline)
            return _case_dict(case)

    def _move(self, s: Session, case: ReviewCase, status: str, user: str, comment: str | None,
              deadline: date | None) -> None:
        """Check the rules (transition_error), move the case, trail the change."""
        why = transition_error(case.status, status, comment, self._confirmed_open(s, case.id))
        if why:
            raise ReviewError(why)
        before = {"status": case.status, "deadline": _iso(case.deadline), "comment": case.comment}
        values: dict[str, Any] = {"status": status, "comment": comment, "updated_by": user,
                                  "updated_at": _now(), "version": ReviewCase.version + 1}
        if deadline is not None:
            values["deadline"] = deadline
        self._guarded_update(s, ReviewCase, case.id, case.version, values, "审核状态")
        s.refresh(case)
        self._event(s, "status", user, case=case, before=before,
                    after={"status": case.status, "deadline": _iso(case.deadline)}, comment=comment)

    def record_notices(self, notices: list[dict[str, Any]], user: str | None, *, send: bool,
                       deadline: date | None) -> None:
        """Trail the 整改通知 of many cases in one transaction, after their file was produced: each
        `notices` item names its case (`case_id`, the `version` read when the notice was made) and
        the trail's `after`. `send`: each case is also returned (退回整改, with `deadline`). Any case
        changed meanwhile or no longer returnable → nothing at all is changed or trailed."""
        with self.store._write() as s:
            for n in notices:
                case = s.get(ReviewCase, n["case_id"])
                if case is None:
                    raise ReviewError(f"审核记录 {n['case_id']} 不存在", "notfound")
                self._check_version(case, n["version"])
                if send and (case.status != "退回整改" or deadline is not None):
                    self._move(s, case, "退回整改", user or "",
                               "发出整改通知" if case.status != "退回整改" else None, deadline)
                self._event(s, "notice", user, case=case, after=n["after"])

    @staticmethod
    def _confirmed_open(s: Session, case_id: int) -> int:
        return s.scalar(select(func.count(ReviewFinding.id)).where(
            ReviewFinding.case_id == case_id, ReviewFinding.state == "open", ReviewFinding.decision == "确认")) or 0

    def allowed(self, case_id: int) -> tuple[str, ...]:
        """The statuses the case may move to now (allowed_statuses with its confirmed open findings)."""
        with self.store._read() as s:
            c = s.get(ReviewCase, case_id)
            if c is None:
                raise ReviewError(f"审核记录 {case_id} 不存在", "notfound")
            return allowed_statuses(c.status, self._confirmed_open(s, case_id))

    def assign(self, report_ids: list[int], reviewer: str | None, user: str) -> list[dict[str, Any]]:
        """Assign the reports' cases to a reviewer (None: unassign)."""
        out = []
        for rid in report_ids:
            self.case_for_report(rid, user)
            with self.store._write() as s:
                row = s.get(ReportRow, rid)
                case = self._find_case(s, row.agency_id, row.year, rid)
                before = case.assignee
                if before != reviewer:
                    self._guarded_update(s, ReviewCase, case.id, case.version,
                                         {"assignee": reviewer, "version": ReviewCase.version + 1}, "分配")
                    s.refresh(case)
                    self._event(s, "assign", user, case=case, before={"assignee": before},
                                after={"assignee": reviewer})
                out.append(_case_dict(case))
        return out

    # ------------------------------------------------------------ decisions
    def decide(self, finding_id: int, decision: str | None, user: str, *, reason: str | None = None,
               note: str | None = None, expected_version: int | None = None) -> dict[str, Any]:
        """确认 / 误报 / 不适用 in any spelling of DECISION_ALIASES (None, 待定: back to undecided).
        Dismissing needs a reason. With `expected_version` (what the reviewer saw), a change by someone
        else meanwhile → ConflictError."""
        decision = decision_name(decision)
        if decision in DISMISSALS and not (reason or "").strip():
            raise ReviewError(f"判为「{decision}」需要说明理由")
        with self.store._write() as s:
            f = s.get(ReviewFinding, finding_id)
            if f is None:
                raise ReviewError(f"审核问题 {finding_id} 不存在", "notfound")
            self._check_version(f, expected_version)
            if expected_version is None and f.decision is not None and f.decided_by not in (None, user):
                # another reviewer's decision is changed only by someone who says which version they saw
                raise ConflictError(_conflict_message(f, None), _current(f))
            before = {k: v for k, v in _finding_dict(f).items() if k in ("decision", "reason", "note", "version")}
            self._guarded_update(s, ReviewFinding, f.id, f.version,
                                 {"decision": decision, "reason": reason, "note": note, "decided_by": user,
                                  "decided_at": _now(), "version": ReviewFinding.version + 1}, "审核问题")
            s.refresh(f)
            case = s.get(ReviewCase, f.case_id)
            self._event(s, "decision", user, case=case, finding_id=f.id, before=before,
                        after={"decision": f.decision, "reason": f.reason, "note": f.note, "version": f.version,
                               "code": f.code})
            self._start(s, case, user)          # the first decision starts the review
            return _finding_dict(f)

    def _start(self, s: Session, case: ReviewCase, user: str) -> None:
        """待审 → 审核中 on the first decision or hand-added finding."""
        if case.status == "待审":
            self._event(s, "status", user, case=case, before={"status": case.status},
                        after={"status": "审核中"}, comment="开始审核")
            s.execute(update(ReviewCase).where(ReviewCase.id == case.id).values(
                status="审核中", updated_by=user, updated_at=_now(), version=ReviewCase.version + 1))

    def add_finding(self, report_id: int, user: str, message: str, *, severity: str = "warning",
                    path: str | None = None, line: int | None = None, code: str = MANUAL_CODE,
                    note: str | None = None) -> dict[str, Any]:
        """A finding the audit missed, pinned to a cell (`path`, one of the report's form) or a line
        (≥ 1: the stored report does not know its line count), not both; confirmed by its author.
        The CLI, the API and the report page's panel all come here, so they refuse alike."""
        if not message.strip():
            raise ReviewError("问题描述不能为空")
        if severity not in SEVERITY_CODES:
            raise ReviewError(f"级别只能是{SEVERITY_CHOICES}")
        if line is not None and line < 1:
            raise ReviewError("行号须为正整数")
        if path is not None and not path.strip():
            path = None
        if path is not None and line is not None:
            raise ReviewError("位置请只选一种：单元格或行号")
        if path is None and line is None:
            raise ReviewError("请指明位置：单元格路径或原文行号")
        self.case_for_report(report_id, user)
        with self.store._write() as s:
            row = s.get(ReportRow, report_id)
            if path is not None:
                if form_for(row.format).cell(path.strip()) is None:
                    raise ReviewError(f"报告中没有单元格「{path}」，请从列表中选择")
                path = path.strip()
                path = path if path.startswith("tables.") else "tables." + path
            case = self._find_case(s, row.agency_id, row.year, report_id)
            n = s.scalar(select(func.count(ReviewFinding.id)).where(ReviewFinding.case_id == case.id,
                                                                     ReviewFinding.origin == "manual")) or 0
            now = _now()
            f = ReviewFinding(case_id=case.id, report_id=case.report_id, key=f"manual|{path or ''}|{line or ''}|{n}",
                              origin="manual", code=code[:10], severity=severity, message=message.strip(), path=path,
                              evidence={"line": line} if line is not None else None, state="open", decision="确认",
                              note=note, decided_by=user, decided_at=now, created_at=now, version=1)
            s.add(f)
            s.flush()
            after = {"code": f.code, "message": f.message, "path": path, "line": line, "severity": severity}
            if path is not None:
                after["cell"] = form_for(row.format).cell_name(path)     # the trail names it in Chinese
            self._event(s, "add_finding", user, case=case, finding_id=f.id, before=None, after=after)
            self._start(s, case, user)
            return _finding_dict(f)

    # ------------------------------------------------------------ locking
    @staticmethod
    def _check_version(obj, expected: int | None) -> None:
        if expected is not None and obj.version != expected:
            raise ConflictError(_conflict_message(obj, expected), _current(obj))

    @staticmethod
    def _guarded_update(s: Session, model, id: int, version: int, values: dict, what: str) -> None:
        """UPDATE … WHERE version = the one read: 0 rows means a concurrent change won (on PostgreSQL
        the second writer waits for the first and then sees the new version)."""
        res = s.execute(update(model).where(model.id == id, model.version == version).values(**values)
                        .execution_options(synchronize_session=False))
        if res.rowcount != 1:
            s.expire_all()
            obj = s.get(model, id)
            raise ConflictError(_conflict_message(obj, version), _current(obj))

    # ------------------------------------------------------------ lists and figures
    def _cases_query(self, cols, *, region: str | None, year: int | None, status: str | None = None,
                     assignee: str | None = None, rule: str | None = None, today: date | None = None,
                     where: Any = None):
        """Current reports outer-joined to their case (the agency-year's; a report naming neither has
        a case of its own), filtered in SQL."""
        rc = ReviewCase
        keyed = ReportRow.agency_id.is_not(None) & ReportRow.year.is_not(None)
        on = or_(keyed & (rc.agency_id == ReportRow.agency_id) & (rc.year == ReportRow.year),
                 ~keyed & rc.agency_id.is_(None) & (rc.report_id == ReportRow.id))
        q = (select(*cols).select_from(ReportRow).outerjoin(Agency, Agency.id == ReportRow.agency_id)
             .outerjoin(rc, on).where(ReportRow.is_current))
        if region:
            q = q.where(or_(Agency.region.contains(region), Agency.name.startswith(region)))
        if where is not None:       # a region's scope (nianbao.oversight.scope), prepared by the caller
            q = q.where(where)
        if year is not None:
            q = q.where(ReportRow.year == year)
        if rule:
            q = q.where(ReportRow.id.in_(select(Finding.report_id).where(Finding.code.startswith(rule))))
        if status == "逾期":
            q = q.where(rc.status == "退回整改", rc.deadline < (today or date.today()))
        elif status == "待审":
            q = q.where(or_(rc.id.is_(None), rc.status == "待审"))
        elif status:
            q = q.where(rc.status == status)
        if assignee:
            q = q.where(rc.assignee == assignee)
        return q

    def cases(self, *, region: str | None = None, year: int | None = None, status: str | None = None,
              assignee: str | None = None, rule: str | None = None, today: date | None = None,
              limit: int | None = None, offset: int = 0, where: Any = None) -> list[dict[str, Any]]:
        """Current reports with their review state (a report never reviewed shows 待审), filtered and
        paged in SQL (count_cases counts the same selection)."""
        cols = (ReportRow.id, ReportRow.agency_id, ReportRow.year, ReportRow.agency_name, ReportRow.errors,
                ReportRow.warnings, Agency.name, Agency.region, ReviewCase)
        q = self._cases_query(cols, region=region, year=year, status=status, assignee=assignee, rule=rule,
                              today=today, where=where).order_by(Agency.region, Agency.name, ReportRow.year, ReportRow.id)
        q = q.offset(offset).limit(limit)
        out = []
        with self.store._read() as s:
            for rid, aid, y, printed, errors, warnings, name, reg, case in s.execute(q):
                d = _case_dict(case, today) if case else {"id": None, "status": "待审", "assignee": None,
                                                          "deadline": None, "overdue": False, "overdue_days": 0,
                                                          "version": None}
                out.append(d | {"report_id": rid, "agency_id": aid, "agency": name, "region": reg, "year": y,
                                "agency_name": printed, "errors": errors, "warnings": warnings})
        return out

    def count_cases(self, *, region: str | None = None, year: int | None = None, status: str | None = None,
                    assignee: str | None = None, rule: str | None = None, today: date | None = None,
                    where: Any = None) -> int:
        q = self._cases_query((func.count(ReportRow.id),), region=region, year=year, status=status,
                              assignee=assignee, rule=rule, today=today, where=where)
        with self.store._read() as s:
            return s.scalar(q) or 0

    def progress(self, *, region: str | None = None, year: int | None = None,
                 today: date | None = None, where: Any = None,
                 groups: dict[int, str] | None = None) -> list[dict[str, Any]]:
        """Per region: reports, reviewed (beyond 待审), in review, returned (退回整改), resubmitted
        (已整改待复核), overdue (returned past the deadline), passed — counted in SQL (GROUP BY).
        `groups`: agency id → region name (the registry's), before the agency's own region string."""
        today = today or date.today()
        overdue = func.sum(sql_case(((ReviewCase.status == "退回整改") & (ReviewCase.deadline < today), 1), else_=0))
        keys_ = (Agency.region,) if groups is None else (Agency.region, ReportRow.agency_id)
        q = self._cases_query((*keys_, ReviewCase.status, func.count(ReportRow.id), overdue),
                              region=region, year=year, where=where).group_by(*keys_, ReviewCase.status)
        agg: dict[str, Counter] = defaultdict(Counter)
        with self.store._read() as s:
            for row in s.execute(q):
                reg, (st, n, late) = (row[0], row[1:]) if groups is None else (groups.get(row[1]) or row[0], row[2:])
                c = agg[reg or "（未识别地区）"]
                st = st or "待审"
                c["reports"] += n
                c["reviewed"] += n if st != "待审" else 0
                c["in_review"] += n if st == "审核中" else 0
                c["returned"] += n if st == "退回整改" else 0
                c["resubmitted"] += n if st == "已整改待复核" else 0
                c["passed"] += n if st == "通过" else 0
                c["overdue"] += int(late or 0)
        keys = ("reports", "reviewed", "in_review", "returned", "resubmitted", "overdue", "passed")
        return [{"region": r, **{k: c[k] for k in keys}} for r, c in sorted(agg.items())]

    def fp_rates(self, *, year: int | None = None, region: str | None = None,
                 where: Any = None) -> list[dict[str, Any]]:
        """Per rule, from the decisions on audit findings: confirmed, 误报, 不适用, and the
        false-positive rate 误报 ÷ (确认 + 误报) (None while nothing is decided)."""
        q = (select(ReviewFinding.code, ReviewFinding.decision, func.count(ReviewFinding.id))
             .join(ReviewCase, ReviewCase.id == ReviewFinding.case_id)
             .outerjoin(Agency, Agency.id == ReviewCase.agency_id)
             .where(ReviewFinding.origin == "audit", ReviewFinding.decision.is_not(None))
             .group_by(ReviewFinding.code, ReviewFinding.decision))
        if year is not None:
            q = q.where(ReviewCase.year == year)
        if region:
            q = q.where(or_(Agency.region.contains(region), Agency.name.startswith(region)))
        if where is not None:
            q = q.where(where)
        per: dict[str, Counter] = defaultdict(Counter)
        with self.store._read() as s:
            for code, decision, n in s.execute(q):
                per[code][decision] += n
        out = []
        for code, c in sorted(per.items()):
            judged = c["确认"] + c["误报"]
            decided = judged + c["不适用"]
            out.append({"code": code, "decided": decided, "confirmed": c["确认"], "false_positive": c["误报"],
                        "not_applicable": c["不适用"],
                        "fp_rate": round(c["误报"] / judged, 4) if judged else None,
                        "dismissal_rate": round((c["误报"] + c["不适用"]) / decided, 4) if decided else None})
        return out

    def confirmed(self, report_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        """The confirmed findings still open in these reports' cases ({report_id: findings})."""
        out: dict[int, list[dict[str, Any]]] = {}
        for rid in report_ids:
            case = self.case_for_report(rid)
            out[rid] = self.findings(case["id"], state="open", decision="确认")
        return out

    # ------------------------------------------------------------ soft delete
    @staticmethod
    def archive(s: Session, row: ReportRow, user: str | None, reason: str | None) -> int:
        """Keep a report about to be deleted (its model, hash, agency-year) for restoring; the id of
        the deletion record (what restore takes)."""
        d = DeletedReport(report_id=row.id, sha256=row.sha256, agency_id=row.agency_id, year=row.year,
                          source_mtime=row.source_mtime, model=row.model, deleted_by=user, deleted_at=_now(),
                          reason=reason)
        s.add(d)
        s.flush()
        return d.id

    def deleted_sha256(self, deleted_id: int) -> str | None:
        """The content hash a deletion record kept (None for an unknown record or one without)."""
        with self.store._read() as s:
            return s.scalar(select(DeletedReport.sha256).where(DeletedReport.id == deleted_id))

    def deletion_of(self, report_id: int) -> tuple[int, str | None] | None:
        """(id, sha256) of the newest deletion record of a report id, or None."""
        with self.store._read() as s:
            row = s.execute(select(DeletedReport.id, DeletedReport.sha256).where(DeletedReport.report_id == report_id)
                            .order_by(DeletedReport.id.desc()).limit(1)).first()
        return None if row is None else (row.id, row.sha256)

    def deleted(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.store._read() as s:
            rows = s.scalars(select(DeletedReport).order_by(DeletedReport.id.desc()).limit(limit))
            return [{"id": d.id, "report_id": d.report_id, "sha256": d.sha256, "agency_id": d.agency_id,
                     "year": d.year, "deleted_by": d.deleted_by, "deleted_at": _iso(d.deleted_at),
                     "reason": d.reason, "file": (d.model.get("source") or {}).get("file")} for d in rows]


def _current(obj) -> dict[str, Any]:
    return _finding_dict(obj) if isinstance(obj, ReviewFinding) else _case_dict(obj)


def _conflict_message(obj, expected: int | None) -> str:
    if obj is None:
        return "记录已被删除"
    if isinstance(obj, ReviewFinding):
        who = f"{obj.decided_by or '他人'}于 {obj.decided_at:%Y-%m-%d %H:%M}" if obj.decided_at else "他人"
        seen = f"你看到的是版本 {expected}" if expected is not None else "改变他人的决定须指明你看到的版本（--version）"
        return (f"冲突：审核问题 {obj.id} 已被{who}改为「{obj.decision or '待定'}」（当前版本 {obj.version}，"
                f"{seen}）。请刷新后再决定")
    return (f"冲突：审核状态已被{obj.updated_by or '他人'}改为「{obj.status}」（当前版本 {obj.version}，"
            f"你看到的是版本 {expected}）。请刷新后再操作")
