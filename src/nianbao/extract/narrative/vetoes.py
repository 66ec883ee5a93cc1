"""Vetoes: the named reasons a figure in the text is not read as a fact.

Precision comes first (a false error costs a reviewer more than a miss), so the fact families
reject many figures. Each rejection is a small predicate registered here with `@veto(name,
family=…, example=…)`, the way audit rules are registered: its docstring says what it rejects
and why, its example is a sentence on which it fires (tests/test_narrative_vetoes.py runs every
example), and `nianbao vetoes` lists them. Nothing else in the package may drop a figure silently.

    @veto("other_year", family="counts", example="2022年收到政府信息公开申请3件。")
    def other_year(text, year) -> bool: ...

`trace()` records which vetoes fired while a block runs (for tests and `nianbao vetoes --why`).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any

FAMILIES = {
    "counts": "数字本身",
    "applications": "政府信息公开申请（表三）",
    "review_litigation": "行政复议、行政诉讼（表四）",
    "documents": "规章、规范性文件（表二）",
    "enumerations": "列举（其中…）",
    "completion": "均已办结",
    "fees": "信息处理费",
    "years": "年份",
}


@dataclass(slots=True)
class Veto:
    name: str
    family: str
    example: str
    func: Callable[..., bool]
    year: int = 2023            # the report year the example is read in

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first paragraph of "What it does"."""
        lines = []
        for line in self.doc.splitlines():
            line = line.strip()
            if line == "What it does:":
                continue
            if not line:
                if lines:
                    break
                continue
            if line.endswith(":"):
                break
            lines.append(line)
        return " ".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "family": self.family, "family_name": FAMILIES.get(self.family, ""),
                "example": self.example, "summary": self.summary, "doc": self.doc}


REGISTRY: dict[str, Veto] = {}
_trace: list[str] | None = None


def veto(name: str, *, family: str, example: str, year: int = 2023) -> Callable[[Callable[..., bool]], Callable[..., bool]]:
    """Register a veto predicate (True: the figure is not read)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown veto family {family!r}")

    def deco(func: Callable[..., bool]) -> Callable[..., bool]:
        if name in REGISTRY:
            raise ValueError(f"veto {name} registered twice")

        @wraps(func)
        def checked(*args, **kwargs) -> bool:
            fired = func(*args, **kwargs)
            if fired and _trace is not None:
                _trace.append(name)
            return fired

        REGISTRY[name] = Veto(name, family, example, func, year)
        return checked

    return deco


@contextmanager
def trace() -> Iterator[list[str]]:
    """The names of the vetoes that fire inside the block, in order (repeats kept)."""
    global _trace
    saved, _trace = _trace, []
    try:
        yield _trace
    finally:
        _trace = saved


def vetoes() -> list[Veto]:
    """Every registered veto, by family (catalog order) then name."""
    import importlib
    importlib.import_module(__package__)   # importing the package imports every family, registering its vetoes
    order = {f: i for i, f in enumerate(FAMILIES)}
    return sorted(REGISTRY.values(), key=lambda v: (order[v.family], v.name))


def vetoes_markdown() -> str:
    """The veto catalog for docs/rules.md (`nianbao vetoes --markdown`)."""
    out = ["# Narrative vetoes", "",
           "Generated from the veto registry (extract/narrative/vetoes.py); do not edit by hand. A veto is a",
           "named reason a figure in the text is *not* read as a fact the N rules compare with the tables;",
           "each example sentence is run by the tests to prove its veto fires. `nianbao vetoes --why TEXT`",
           "shows which vetoes fire on a sentence.", "",
           "| veto | family | what it rejects | example |", "|---|---|---|---|"]
    for v in vetoes():
        out.append(f"| `{v.name}` | {FAMILIES[v.family]} | {v.summary.replace('|', '/')} | {v.example} |")
    return "\n".join(out) + "\n"
