"""Groups (组), centers (中心) and staff (工作人员)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizengine.extensions import db
from quizengine.models.types import UTCDateTime, utcnow


class Group(db.Model):
    """One of the contest groups, led by a lead unit (牵头单位)."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    lead_unit: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    centers: Mapped[list[Center]] = relationship(back_populates="group", order_by="Center.name")


class Center(db.Model):
    """A service center (窗口单位); belongs to exactly one group."""

    __tablename__ = "centers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    # The bureau the center belongs to (主管单位), for judges' conflicts of interest (回避).
    bureau: Mapped[str] = mapped_column(String(100), default="")

    group: Mapped[Group] = relationship(back_populates="centers")
    staff: Mapped[list[Staff]] = relationship(back_populates="center", order_by="Staff.staff_no")


class Staff(db.Model):
    """A person on the roster, identified by staff id (工号)."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    window_since: Mapped[date | None]
    # The last day of window work; None while still at a window (or when the roster does not say).
    window_until: Mapped[date | None]
    at_window: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    center: Mapped[Center] = relationship(back_populates="staff")
