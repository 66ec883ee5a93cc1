"""A jurisdiction's configuration: deadlines, similarity thresholds, indicator thresholds and the
scorecard scheme, as one YAML document per region.

The bundled `default.yaml` holds the statute's deadlines and nianbao's defaults. A region's own
document replaces the top-level sections it names (a city that only sets `scorecard:` keeps the
default deadlines); inside `deadlines`, `similarity` and `indicators` it replaces the keys it names.
The nearest region up the tree that has a document applies (`config_for`).

    cfg = load_config(Path("中卫市.yaml").read_text())      # ConfigError with a Chinese message
    cfg.deadline_md("department")                          # (1, 28)
    cfg.indicators["denial_rate"].mark(0.45)                # "red"
"""
from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .registry import KINDS, parse_md



class ConfigError(ValueError):
    """A configuration that cannot be used; `str()` is a Chinese message naming the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Threshold(_Strict):
    """Marks of one indicator: "high" marks values at or above the threshold (a rate that should be
    low), "low" at or below (a rate that should be high)."""
    yellow: float | None = None
    red: float | None = None
    direction: Literal["high", "low"] = "high"

    @model_validator(mode="after")
    def _ordered(self) -> Threshold:
        if self.yellow is not None and self.red is not None:
            if (self.direction == "high" and self.red < self.yellow) or (self.direction == "low" and self.red > self.yellow):
                raise ValueError("red 阈值应比 yellow 更严重（direction 为 high 时 red ≥ yellow，为 low 时 red ≤ yellow）")
        return self

    def mark(self, value: float | None) -> Literal["red", "yellow"] | None:
        if value is None:
            return None
        hit = (lambda t: value >= t) if self.direction == "high" else (lambda t: value <= t)
        if self.red is not None and hit(self.red):
            return "red"
        if self.yellow is not None and hit(self.yellow):
            return "yellow"
        return None


class Similarity(_Strict):
    X002: float = Field(0.5, gt=0, le=1)
    X005: float = Field(0.5, gt=0, le=1)
    min_chars: int = Field(200, ge=0)


class ScoreItem(BaseModel):
    """One line of a scorecard scheme. `per` says what is counted; the other keys are the
    scorecard's business (oversight/scorecard.py validates them)."""
    model_config = ConfigDict(extra="allow", frozen=True)
    id: str
    name: str
    per: str
    points: float | None = None
    cap: float | None = None


class Scorecard(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    base: float = 100
    floor: float | None = 0
    items: tuple[ScoreItem, ...] = ()

    @field_validator("items")
    @classmethod
    def _unique_ids(cls, items: tuple[ScoreItem, ...]) -> tuple[ScoreItem, ...]:
        seen: set[str] = set()
        for it in items:
            if it.id in seen:
                raise ValueError(f"扣分项 id 重复：{it.id}")
            seen.add(it.id)
        return items

    @field_validator("items")
    @classmethod
    def _scheme_keys(cls, items: tuple[ScoreItem, ...]) -> tuple[ScoreItem, ...]:
        # the keys each `per` takes, cell paths, indicator names: oversight/scorecard.py's semantics
        from .scorecard import SchemeError, parse_item

        for i, it in enumerate(items):
            try:
                parse_item(it.model_dump(exclude_unset=True), i)
            except SchemeError as e:
                raise ValueError(e.within_items()) from None
        return items


class JurisdictionConfig(_Strict):
    deadlines: dict[str, str] = Field(default_factory=dict)     # kind → "MM-DD" of the next year
    similarity: Similarity = Similarity()
    indicators: dict[str, Threshold] = Field(default_factory=dict)
    scorecard: Scorecard = Scorecard()

    @field_validator("deadlines")
    @classmethod
    def _deadlines(cls, v: dict[str, str]) -> dict[str, str]:
        for kind in v:
            if kind not in KINDS:
                raise ValueError(f"未知的机关类型 {kind}（可用：{'、'.join(KINDS)}）")
        return {k: parse_md(md) for k, md in v.items()}

    def deadline_md(self, kind: str) -> tuple[int, int] | None:
        md = self.deadlines.get(kind)
        return (int(md[:2]), int(md[3:])) if md else None


def _where(loc: tuple[Any, ...]) -> str:
    """("scorecard", "items", 0, "name") → "scorecard.items[1].name" (items counted from 1)."""
    out = ""
    for p in loc:
        out += f"[{p + 1}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "（顶层）"


def parse_document(text: str) -> dict[str, Any]:
    """YAML text → its mapping, or ConfigError."""
    try:
        data = yaml.safe_load(text) if text and text.strip() else {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"（第 {mark.line + 1} 行）" if mark is not None else ""
        raise ConfigError(f"配置文件不是有效的 YAML{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("配置文件的顶层应是键值对（deadlines、similarity、indicators、scorecard）")
    unknown = set(data) - set(JurisdictionConfig.model_fields)
    if unknown:
        raise ConfigError(f"未知的配置项：{'、'.join(sorted(map(str, unknown)))}")
    return data


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` replaces the top-level sections it names; the mapping sections (deadlines,
    similarity, indicators) are merged key by key, and an indicator's threshold field by field (a
    region that sets only `yellow` keeps the default's direction)."""
    out = dict(base)
    for key, value in override.items():
        if key in ("deadlines", "similarity", "indicators") and isinstance(value, dict) and isinstance(out.get(key), dict):
            merged = {**out[key], **value}
            if key == "indicators":
                merged.update({name: {**out[key][name], **t} for name, t in value.items()
                               if isinstance(t, dict) and isinstance(out[key].get(name), dict)})
            out[key] = merged
        else:
            out[key] = value
    return out


# pydantic's error types in the words a user of the YAML file understands
_ERRORS = {
    "float_parsing": "应为数字", "float_type": "应为数字", "int_parsing": "应为整数", "int_type": "应为整数",
    "int_from_float": "应为整数", "string_type": "应为文字", "bool_parsing": "应为 true 或 false",
    "dict_type": "应为键值对", "list_type": "应为列表", "tuple_type": "应为列表", "missing": "缺少此项",
    "extra_forbidden": "是未知的配置项", "less_than_equal": "应不大于 {le}", "less_than": "应小于 {lt}",
    "greater_than": "应大于 {gt}", "greater_than_equal": "应不小于 {ge}", "literal_error": "应为 {expected} 之一",
}


def _message(err: dict[str, Any]) -> str:
    if err["type"] == "value_error":
        return str(err["ctx"]["error"])
    template = _ERRORS.get(err["type"])
    if template is None:
        return "取值无效"
    return template.format(**{k: str(v).replace(" or ", "、") for k, v in (err.get("ctx") or {}).items()})


def validate(data: dict[str, Any]) -> JurisdictionConfig:
    try:
        return JurisdictionConfig.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        raise ConfigError(f"配置项 {_where(err['loc'])} 有误：{_message(err)}") from None


@cache
def default_document() -> dict[str, Any]:
    return parse_document(files(__package__).joinpath("default.yaml").read_text(encoding="utf-8"))


def load_config(*documents: str | None) -> JurisdictionConfig:
    """The default configuration with each YAML document applied in turn (outermost region first)."""
    data = default_document()
    for text in documents:
        if text:
            data = merge(data, parse_document(text))
    return validate(data)


def default_config() -> JurisdictionConfig:
    return load_config()


def config_for(registry, region_id: int | None) -> JurisdictionConfig:
    """The configuration of a region: the documents set on its chain in the registry, outermost
    first (the nearest region's settings win); the bundled default without a region."""
    if region_id is None:
        return default_config()
    return load_config(*(text for _, text in registry.config_chain(region_id)))
