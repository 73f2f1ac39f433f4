"""staff.window_until: the last day of a person's window work

Revision ID: b41c7d2e9f10
Revises: c4f1d2e9a7b3
Create Date: 2026-12-03 14:35:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b41c7d2e9f10"
down_revision = "c4f1d2e9a7b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("window_until", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("window_until")
