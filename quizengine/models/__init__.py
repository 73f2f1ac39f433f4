"""SQLAlchemy models: persistence only, no domain rules."""

from quizengine.models.accounts import AuditEvent, User, UserGroup, UserSession
from quizengine.models.banks import Bank, BankRevision, Question
from quizengine.models.contests import (
    Answer,
    Attempt,
    AttemptItem,
    Contest,
    ContestGroup,
    OfflineScore,
    Player,
    Press,
    Round,
    RoundQuestion,
    Score,
    Stake,
)
from quizengine.models.corrections import ContestCorrection
from quizengine.models.learning import Mistake, PracticeAnswer
from quizengine.models.roster import Center, Group, Staff
from quizengine.models.selections import Selection, SelectionAppeal

__all__ = [
    "Answer",
    "Attempt",
    "AttemptItem",
    "AuditEvent",
    "Bank",
    "BankRevision",
    "Center",
    "Contest",
    "ContestCorrection",
    "ContestGroup",
    "Group",
    "Mistake",
    "OfflineScore",
    "Player",
    "PracticeAnswer",
    "Press",
    "Question",
    "Round",
    "RoundQuestion",
    "Score",
    "Selection",
    "SelectionAppeal",
    "Staff",
    "Stake",
    "User",
    "UserGroup",
    "UserSession",
]
