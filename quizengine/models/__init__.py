"""SQLAlchemy models: persistence only, no domain rules."""

from quizengine.models.accounts import AuditEvent, User, UserGroup
from quizengine.models.banks import Bank, BankRevision, Question
from quizengine.models.contests import (
    Answer,
    Contest,
    ContestGroup,
    Player,
    Press,
    Round,
    RoundQuestion,
    Score,
    Stake,
)
from quizengine.models.roster import Center, Group, Staff

__all__ = [
    "Answer",
    "AuditEvent",
    "Bank",
    "BankRevision",
    "Center",
    "Contest",
    "ContestGroup",
    "Group",
    "Player",
    "Press",
    "Question",
    "Round",
    "RoundQuestion",
    "Score",
    "Staff",
    "Stake",
    "User",
    "UserGroup",
]
