"""offline_scores: results of contests held off the system, imported from a sheet

Revision ID: c52d8e3f0a21
Revises: b41c7d2e9f10
Create Date: 2026-12-03 14:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

import quizengine.models.types

# revision identifiers, used by Alembic.
revision = "c52d8e3f0a21"
down_revision = "b41c7d2e9f10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "offline_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Double(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=True),
        sa.Column("time_ms", sa.Integer(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("imported_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contest_id"], ["contests.id"], name=op.f("fk_offline_scores_contest_id_contests")),
        sa.ForeignKeyConstraint(["player_id"], ["players.id"], name=op.f("fk_offline_scores_player_id_players")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_scores")),
        sa.UniqueConstraint("contest_id", "player_id", name=op.f("uq_offline_scores_contest_id_player_id")),
    )
    with op.batch_alter_table("offline_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offline_scores_contest_id"), ["contest_id"], unique=False)


def downgrade():
    with op.batch_alter_table("offline_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offline_scores_contest_id"))
    op.drop_table("offline_scores")
