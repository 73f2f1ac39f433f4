"""Roster identity: who a staff id and name stand for, for live joins and the staff pages' sign-in (DESIGN §4.6)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from quizengine.core.identity import fold_name, fold_staff_no
from quizengine.extensions import db
from quizengine.models import Staff
from quizengine.services.errors import Refused


def same_name(a: str, b: str) -> bool:
    """Whether two names are the same person's (core.identity.fold_name)."""
    return fold_name(a) == fold_name(b)


def staff_by_number(staff_no: str) -> Staff | None:
    """The roster member with this staff id (工号), compared folded (core.identity.fold_staff_no)."""
    folded = fold_staff_no(staff_no)
    if not folded:
        return None
    staff = db.session.scalar(select(Staff).where(Staff.staff_no == folded))
    if staff is None:  # a row stored before ids were folded on import
        staff = db.session.scalar(select(Staff).where(func.upper(Staff.staff_no) == folded))
    return staff


def staff_by_numbers(staff_nos) -> dict[str, Staff]:
    """The roster members with these staff ids, by folded id, with their centers: one query for a batch."""
    folded = {fold_staff_no(no) for no in staff_nos if isinstance(no, str)} - {""}
    if not folded:
        return {}
    query = select(Staff).options(joinedload(Staff.center)).where(Staff.staff_no.in_(folded))
    found = {staff.staff_no: staff for staff in db.session.scalars(query)}
    missing = folded - found.keys()
    if missing:  # rows stored before ids were folded on import
        query = select(Staff).options(joinedload(Staff.center)).where(func.upper(Staff.staff_no).in_(missing))
        for staff in db.session.scalars(query):
            found.setdefault(staff.staff_no.upper(), staff)
    return found


def identify(staff_no: str, name: str, groups=None) -> Staff:
    """The roster member with this staff id and name; refuses an unknown id or a name that does not match.

    With `groups`, someone of another group is as unknown as an id not on the
    roster: a phone learns nothing about the other groups' staff.
    """
    return identified(staff_by_number(staff_no), name, groups)


def identified(staff: Staff | None, name: str, groups=None) -> Staff:
    """`identify` of a roster member already looked up (`staff_by_numbers`)."""
    if staff is None or (groups is not None and staff.center.group not in groups):
        raise Refused("unknown_staff")
    if not same_name(staff.name, name):
        raise Refused("wrong_name")
    return staff


def staff_by_id(staff_id: int) -> Staff | None:
    """A roster member by row id (a phone's session)."""
    return db.session.get(Staff, staff_id)
