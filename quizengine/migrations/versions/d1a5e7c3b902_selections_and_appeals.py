"""selections: selections kept in the web admin, frozen results, the 公示 and its appeals

Revision ID: d1a5e7c3b902
Revises: c52d8e3f0a21
Create Date: 2026-12-07 03:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

import quizengine.models.types

# revision identifiers, used by Alembic.
revision = "d1a5e7c3b902"
down_revision = "c52d8e3f0a21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "selections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("tie_mode", sa.String(length=16), nullable=True),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.Column("frozen_at", quizengine.models.types.UTCDateTime(), nullable=True),
        sa.Column("frozen_by", sa.Integer(), nullable=True),
        sa.Column("document", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("snapshot", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("published_at", quizengine.models.types.UTCDateTime(), nullable=True),
        sa.Column("appeal_until", quizengine.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_selections_created_by_users")),
        sa.ForeignKeyConstraint(["frozen_by"], ["users.id"], name=op.f("fk_selections_frozen_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selections")),
    )
    op.create_table(
        "selection_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("selection_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.Column("handled_at", quizengine.models.types.UTCDateTime(), nullable=True),
        sa.Column("handled_by", sa.Integer(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["handled_by"], ["users.id"], name=op.f("fk_selection_appeals_handled_by_users")),
        sa.ForeignKeyConstraint(
            ["selection_id"], ["selections.id"], name=op.f("fk_selection_appeals_selection_id_selections")
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_selection_appeals_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_appeals")),
    )
    with op.batch_alter_table("selection_appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_selection_appeals_selection_id"), ["selection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_selection_appeals_staff_id"), ["staff_id"], unique=False)


def downgrade():
    with op.batch_alter_table("selection_appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_appeals_staff_id"))
        batch_op.drop_index(batch_op.f("ix_selection_appeals_selection_id"))
    op.drop_table("selection_appeals")
    op.drop_table("selections")
