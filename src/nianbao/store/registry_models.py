"""The registry's tables (store/registry.py is their API; migration 0006_registry creates them).

- region: the region tree (province → city → county → township). `full_name` is the names of
  the node and its ancestors joined ("宁夏回族自治区中卫市沙坡头区"), unique; `deadlines` the
  deadlines this node sets for the reports of its agencies ({kind: "MM-DD"} of the following year,
  inherited down the tree); `config` the jurisdiction configuration YAML set on this node
  (oversight/config.py reads it; the nearest ancestor's applies).
- registry_entry: an agency expected to publish a report in a region, as the registry writes its
  name, with its kind (government / department / township / zone), what a government report
  covers (area = the whole area, office = its own office, null = unknown), an optional deadline
  for this agency alone, and the store agency it was matched to (null until a report arrives).
- registry_version: one row whose counter triggers raise on every write to the two tables above
  (migration 0008_registry_version): Registry.fingerprint.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, Json


class RegionRow(Base):
    __tablename__ = "region"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), nullable=True,
                                                  index=True)
    level: Mapped[str] = mapped_column(String(10))          # province / city / county / township
    name: Mapped[str] = mapped_column(String(100), index=True)
    full_name: Mapped[str] = mapped_column(String(400))
    deadlines: Mapped[dict | None] = mapped_column(Json, nullable=True)   # {kind: "MM-DD"}
    config: Mapped[str | None] = mapped_column(Text, nullable=True)       # jurisdiction YAML
    updated_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (UniqueConstraint("full_name", name="uq_region_full_name"),)


class EntryRow(Base):
    __tablename__ = "registry_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12), index=True)     # government / department / township / zone
    covers: Mapped[str | None] = mapped_column(String(10), nullable=True)   # area / office / null
    deadline: Mapped[str | None] = mapped_column(String(5), nullable=True)  # "MM-DD", this agency only
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"), nullable=True,
                                                  index=True)
    updated_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (UniqueConstraint("region_id", "name", name="uq_registry_entry_region_name"),)


class RegistryVersion(Base):
    __tablename__ = "registry_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
