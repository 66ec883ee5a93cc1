"""The audit: rules by family, each a small registered function (registry.py).

`run_rules(report, previous=None, context=None)` runs the catalog and returns the findings;
history rules (X…, history.py) run only when the previous year's report is given, rules that
need regional facts (context.py: the deadline, sibling reports, the roll-up) when the context has them.
"""
from .context import AuditContext, Deadline
from .registry import REGISTRY, Hit, Rule, rule, rules, run_rules

__all__ = ["run_rules", "rules", "rule", "Rule", "Hit", "REGISTRY", "AuditContext", "Deadline"]
