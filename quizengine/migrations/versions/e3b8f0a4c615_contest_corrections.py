"""contest_corrections: a question voided or its key corrected after a dispute (复核)

Revision ID: e3b8f0a4c615
Revises: d1a5e7c3b902
Create Date: 2026-12-07 03:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

import quizengine.models.types

# revision identifiers, used by Alembic.
revision = "e3b8f0a4c615"
down_revision = "d1a5e7c3b902"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contest_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("round_question_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("answer", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.id"], name=op.f("fk_contest_corrections_contest_id_contests")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_contest_corrections_question_id_questions")
        ),
        sa.ForeignKeyConstraint(
            ["round_question_id"],
            ["round_questions.id"],
            name=op.f("fk_contest_corrections_round_question_id_round_questions"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_contest_corrections_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_corrections")),
    )
    with op.batch_alter_table("contest_corrections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contest_corrections_contest_id"), ["contest_id"], unique=False)


def downgrade():
    with op.batch_alter_table("contest_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_corrections_contest_id"))
    op.drop_table("contest_corrections")
