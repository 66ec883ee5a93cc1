"""A jurisdiction's configuration: deadlines, similarity thresholds, indicator thresholds and the
scorecard scheme, as one YAML document per region.

The bundled `default.yaml` holds the statute's deadlines and nianbao's defaults. A region's own
document replaces the top-level sections it names (a city that only sets `scorecard:` keeps the
default deadlines); inside `deadlines`, `similarity` and `indicators` it replaces the keys it names.
The nearest region up the tree that has a document applies (`Library.config_for`).

    cfg = load_config(Path("中卫市.yaml").read_text())      # ConfigError with a Chinese message
    cfg.deadline_md("department")                          # (1, 28)
    cfg.indicators["denial_rate"].mark(0.45)                # "red"
"""
from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

KINDS = ("government", "department", "township", "zone")
KIND_NAMES = {"government": "人民政府", "department": "政府部门", "township": "乡镇（街道）", "zone": "开发区"}


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


_MD = re.compile(r"^(\d{2})-(\d{2})$")


class JurisdictionConfig(_Strict):
    deadlines: dict[str, str] = Field(default_factory=dict)     # kind → "MM-DD" of the next year
    similarity: Similarity = Similarity()
    indicators: dict[str, Threshold] = Field(default_factory=dict)
    scorecard: Scorecard = Scorecard()

    @field_validator("deadlines")
    @classmethod
    def _deadlines(cls, v: dict[str, str]) -> dict[str, str]:
        for kind, md in v.items():
            if kind not in KINDS:
                raise ValueError(f"未知的机关类型 {kind}（可用：{'、'.join(KINDS)}）")
            _parse_md(str(md))
        return {k: str(md) for k, md in v.items()}

    def deadline_md(self, kind: str) -> tuple[int, int] | None:
        md = self.deadlines.get(kind)
        return _parse_md(md) if md else None


def _parse_md(md: str) -> tuple[int, int]:
    m = _MD.match(md.strip())
    if not m or not (1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31):
        raise ValueError(f"期限 {md!r} 应写作 月-日，如 \"01-31\"")
    return int(m.group(1)), int(m.group(2))


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "（顶层）"


def parse_document(text: str) -> dict[str, Any]:
    """YAML text → its mapping, or ConfigError."""
    try:
        data = yaml.safe_load(text) if text and text.strip() else {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
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
    similarity, indicators) are merged key by key."""
    out = dict(base)
    for key, value in override.items():
        if key in ("deadlines", "similarity", "indicators") and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def validate(data: dict[str, Any]) -> JurisdictionConfig:
    try:
        return JurisdictionConfig.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"配置项 {_where(err['loc'])} 有误：{msg}") from None


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
