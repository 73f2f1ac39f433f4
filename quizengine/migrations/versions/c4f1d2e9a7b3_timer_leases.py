"""timer leases: which process watches an open question's deadline, and until when

Revision ID: c4f1d2e9a7b3
Revises: 8a652c9aca21
Create Date: 2026-12-03 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import quizengine.models.types

# revision identifiers, used by Alembic.
revision = "c4f1d2e9a7b3"
down_revision = "8a652c9aca21"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("round_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timer_owner", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("timer_lease_until", quizengine.models.types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("round_questions", schema=None) as batch_op:
        batch_op.drop_column("timer_lease_until")
        batch_op.drop_column("timer_owner")
