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
from quizengine.models.judging import (
    Attachment,
    JudgeAssignment,
    JudgeScore,
    Requirement,
    RequirementGroup,
    Review,
    ReviewJudge,
    Rubric,
    Submission,
)
from quizengine.models.learning import Mistake, PracticeAnswer
from quizengine.models.roster import Center, Group, Staff
from quizengine.models.selections import Selection, SelectionAppeal

__all__ = [
    "Answer",
    "Attachment",
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
    "JudgeAssignment",
    "JudgeScore",
    "Mistake",
    "OfflineScore",
    "Player",
    "PracticeAnswer",
    "Press",
    "Question",
    "Requirement",
    "RequirementGroup",
    "Review",
    "ReviewJudge",
    "Round",
    "RoundQuestion",
    "Rubric",
    "Score",
    "Selection",
    "SelectionAppeal",
    "Staff",
    "Stake",
    "Submission",
    "User",
    "UserGroup",
    "UserSession",
]
