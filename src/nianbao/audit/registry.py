"""The rule catalog: every audit rule registered with its code, severity, family and message.

A rule is a small function decorated with `@rule(...)`. It takes the Report (and, for
history rules, the previous year's Report) and yields `Hit`s: where the problem is and the
numbers involved. The engine turns hits into `Finding`s: it formats the Chinese message
from the registered template with the hit's data, and looks the evidence (line, page/bbox
or table cell) up in `report.provenance` when the rule did not give one.

The function's docstring is its catalog entry (ruff style: "What it does / Why it matters /
Example"); `nianbao rules` and docs/rules.md print it.
"""
from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..model import SEVERITY_RANK, Finding, Position, Report
from .context import AuditContext

FAMILIES = {
    "T": "表内勾稽关系",
    "C": "完整性与格式",
    "D": "日期与统计期间",
    "N": "正文与表格一致",
    "X": "跨年度与同级比对",      # X001–X004 against last year, X005 against sibling agencies
    "P": "合理性",
    "R": "区域汇总",
    "A": "文档质量",
}


@dataclass(slots=True)
class Hit:
    """One problem a rule found. `data` fills the message template and is kept in the finding."""
    path: str | None
    data: dict[str, Any] = field(default_factory=dict)
    variant: str = "default"            # which message template of the rule
    evidence: Position | None = None    # default: report.provenance[path] (or the nearest)
    severity: str | None = None         # overrides the rule's (an N rule warns when the fact is uncertain)


RuleFunc = Callable[..., Iterable[Hit]]


@dataclass(slots=True)
class Rule:
    code: str
    severity: str
    family: str
    messages: dict[str, str]
    func: RuleFunc
    history: bool = False               # needs the previous year's report
    needs: tuple[str, ...] = ()         # AuditContext fields it needs: skipped while any is None
    uses: tuple[str, ...] = ()          # AuditContext fields it reads when set (runs without them)

    @property
    def takes_context(self) -> bool:
        return bool(self.needs or self.uses)

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def title(self) -> str:
        """The rule's short Chinese name for lists and charts (audit/titles.py; its family's name
        when it has none)."""
        from .titles import rule_title

        return rule_title(self.code)

    @property
    def summary(self) -> str:
        """The first sentence of the docstring's "What it does" part."""
        lines: list[str] = []
        for line in self.doc.splitlines():
            line = line.strip()
            if line == "What it does:":
                continue
            if not line or line.endswith(":"):
                if lines:
                    break
                continue
            lines.append(line)
        text = " ".join(lines)
        m = re.search(r"\.(\s|$)", text)
        return text[:m.start() + 1] if m else text

    @property
    def title(self) -> str:
        """The short Chinese name lists and charts show beside the code (audit/titles.py)."""
        from .titles import rule_title

        return rule_title(self.code)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "severity": self.severity, "family": self.family,
                "family_name": FAMILIES.get(self.code[0], ""), "history": self.history,
                "needs": list(self.needs), "uses": list(self.uses),
                "messages": dict(self.messages), "doc": self.doc}


REGISTRY: dict[str, Rule] = {}


def _names(v: str | Iterable[str] | None) -> tuple[str, ...]:
    return (v,) if isinstance(v, str) else tuple(v or ())


def rule(code: str, severity: str, family: str, message: str | dict[str, str], *,
         history: bool = False, needs: str | Iterable[str] | None = None,
         uses: str | Iterable[str] | None = None) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule. `message` is a template (or {variant: template}) formatted with the hit's data.

    `needs` / `uses` name AuditContext fields (audit/context.py): the rule is called with
    `context=` (an AuditContext, never None); with `needs` it is skipped while a field is None."""
    if severity not in SEVERITY_RANK:
        raise ValueError(f"unknown severity {severity!r}")

    def deco(func: RuleFunc) -> RuleFunc:
        if code in REGISTRY:
            raise ValueError(f"rule {code} registered twice")
        messages = {"default": message} if isinstance(message, str) else dict(message)
        REGISTRY[code] = Rule(code, severity, family, messages, func, history, _names(needs), _names(uses))
        return func

    return deco


def rules() -> list[Rule]:
    """Every registered rule, in code order (T, C, D, N, X, P, A families keep their catalog order)."""
    _load()
    order = {f: i for i, f in enumerate(FAMILIES)}
    return sorted(REGISTRY.values(), key=lambda r: (order.get(r.code[0], 99), r.code))


def _load() -> None:
    # Importing the family modules registers their rules.
    from . import completeness, dates, narrative, plausibility, quality, tables  # noqa: F401
    try:
        from . import history  # noqa: F401  (cross-year rules, written with the store)
        from . import region  # noqa: F401  (regional rules: X005, R001, R002)
    except ImportError:
        pass


def evidence_for(report: Report, path: str | None) -> Position | None:
    """The source position of a model path: exact, else the first provenance entry under it."""
    if not path:
        return None
    prov = report.provenance
    if path in prov:
        return prov[path]
    prefix = path + "."
    for key, pos in prov.items():
        if key.startswith(prefix):
            return pos
    return None


def _finding(r: Rule, report: Report, hit: Hit) -> Finding:
    template = r.messages.get(hit.variant) or r.messages["default"]
    try:
        message = template.format(**hit.data)
    except (KeyError, IndexError, ValueError):  # a template bug must not lose the finding
        message = f"{template} {hit.data}"
    evidence = hit.evidence if hit.evidence is not None else evidence_for(report, hit.path)
    data = {k: v for k, v in hit.data.items() if not k.startswith("_")}
    return Finding(code=r.code, severity=hit.severity or r.severity, message=message, path=hit.path,
                   evidence=evidence, data=data)


def run_rules(report: Report, previous: Report | None = None, context: AuditContext | None = None,
              select: Iterable[str] | None = None) -> list[Finding]:
    """Run the catalog on a report; history rules run only when the previous year's report is given,
    rules that need a context field only when `context` has it (audit/context.py).

    `select`: codes or code prefixes ("T", "N00") to run; all when None.
    """
    if context is not None and not isinstance(context, AuditContext):
        # run_rules(report, previous, ["T"]) was the call before the context came in: say so
        raise TypeError("run_rules: the third argument is the AuditContext; pass codes as select=…")
    ctx = context if context is not None else AuditContext()
    wanted = tuple(select) if select is not None else None
    out: list[Finding] = []
    for r in rules():
        if wanted is not None and not r.code.startswith(wanted):
            continue
        if r.history and previous is None:
            continue
        if any(ctx.get(name) is None for name in r.needs):
            continue
        args: tuple[Any, ...] = (report, previous) if r.history else (report,)
        if r.takes_context:
            hits: Iterator[Hit] | Iterable[Hit] = r.func(*args, context=ctx)
        else:
            hits = r.func(*args)
        out.extend(_finding(r, report, h) for h in hits)
    return out


SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def catalog_markdown() -> str:
    """docs/rules.md: the catalog generated from the registry (`nianbao rules --markdown`)."""
    out = ["# Audit rules", "",
           "Generated from the rule registry by `nianbao rules --markdown > docs/rules.md`; do not edit by hand.",
           "Severities: `error` (wrong by the format's own arithmetic or rules), `warning` (very likely wrong;",
           "a person should look), `info` (quality/cosmetic). Rules marked *history* need the previous",
           "year's report of the same agency (from the store).", "",
           "| code | severity | family | summary |", "|---|---|---|---|"]
    all_rules = rules()
    for r in all_rules:
        fam = FAMILIES.get(r.code[0], r.family)
        out.append(f"| [{r.code}](#{r.code.lower()}) | {r.severity} | {fam}{' · history' if r.history else ''} | "
                   f"{r.summary.replace('|', '/')} |")
    for r in all_rules:
        out += ["", f"## {r.code}", "",
                f"Severity `{r.severity}` · family {r.code[0]} {FAMILIES.get(r.code[0], '')}"
                + (" · history (needs the previous year's report)" if r.history else ""), ""]
        for variant, template in r.messages.items():
            label = "Message" if variant == "default" else f"Message ({variant})"
            out.append(f"{label}: `{template}`  ")
        out.append("")
        for line in r.doc.splitlines():
            if line.strip() in ("What it does:", "Why it matters:", "Example:"):
                out += ["", f"**{line.strip()[:-1]}**", ""]
            else:
                out.append(line)
    from ..extract.narrative.vetoes import vetoes_markdown   # what the N rules never see, and why
    return "\n".join(out).replace("\n\n\n", "\n\n").rstrip() + "\n\n" + vetoes_markdown()
