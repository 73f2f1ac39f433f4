"""SQLAlchemy models: persistence only, no domain rules."""

from quizengine.models.accounts import AuditEvent, User, UserGroup
from quizengine.models.banks import Bank, BankRevision, Question
from quizengine.models.contests import Answer, Contest, ContestGroup, Player, Round, RoundQuestion, Score
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
    "Question",
    "Round",
    "RoundQuestion",
    "Score",
    "Staff",
    "User",
    "UserGroup",
]
