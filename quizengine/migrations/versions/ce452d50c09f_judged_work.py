"""judged work: requirements, submissions, attachments, rubrics, reviews, judges' scores

Revision ID: ce452d50c09f
Revises: e3b8f0a4c615
Create Date: 2026-12-07 04:15:23.739513

"""

import sqlalchemy as sa
from alembic import op

import quizengine.models.types

# revision identifiers, used by Alembic.
revision = "ce452d50c09f"
down_revision = "e3b8f0a4c615"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rubrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("created_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubrics")),
    )
    op.create_table(
        "requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_requirements_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirements")),
    )
    op.create_table(
        "requirement_groups",
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name=op.f("fk_requirement_groups_group_id_groups")),
        sa.ForeignKeyConstraint(
            ["requirement_id"], ["requirements.id"], name=op.f("fk_requirement_groups_requirement_id_requirements")
        ),
        sa.PrimaryKeyConstraint("requirement_id", "group_id", name=op.f("pk_requirement_groups")),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("rubric_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=True),
        sa.Column("contest_id", sa.Integer(), nullable=True),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("combine", sa.String(length=16), nullable=False),
        sa.Column("normalise_judges", sa.Boolean(), nullable=False),
        sa.Column("min_judges", sa.Integer(), nullable=False),
        sa.Column("opened_at", quizengine.models.types.UTCDateTime(), nullable=True),
        sa.Column("closed_at", quizengine.models.types.UTCDateTime(), nullable=True),
        sa.Column("released_at", quizengine.models.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contest_id"], ["contests.id"], name=op.f("fk_reviews_contest_id_contests")),
        sa.ForeignKeyConstraint(
            ["requirement_id"], ["requirements.id"], name=op.f("fk_reviews_requirement_id_requirements")
        ),
        sa.ForeignKeyConstraint(["rubric_id"], ["rubrics.id"], name=op.f("fk_reviews_rubric_id_rubrics")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_contest_id"), ["contest_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_requirement_id"), ["requirement_id"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", quizengine.models.types.UTCDateTime(), nullable=True),
        sa.Column("redacted_text", sa.Text(), nullable=True),
        sa.Column("redaction_checked_at", quizengine.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_submissions_staff_id_staff")),
        sa.ForeignKeyConstraint(["center_id"], ["centers.id"], name=op.f("fk_submissions_center_id_centers")),
        sa.ForeignKeyConstraint(
            ["requirement_id"], ["requirements.id"], name=op.f("fk_submissions_requirement_id_requirements")
        ),
        sa.ForeignKeyConstraint(["submitted_by"], ["users.id"], name=op.f("fk_submissions_submitted_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_requirement_id"), ["requirement_id"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("redacted_text", sa.Text(), nullable=True),
        sa.Column("created_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_attachments_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "judge_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["judge_id"], ["users.id"], name=op.f("fk_judge_assignments_judge_id_users")),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name=op.f("fk_judge_assignments_review_id_reviews")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_judge_assignments_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judge_assignments")),
        sa.UniqueConstraint(
            "review_id", "judge_id", "submission_id", name=op.f("uq_judge_assignments_review_id_judge_id_submission_id")
        ),
    )
    with op.batch_alter_table("judge_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_judge_assignments_judge_id"), ["judge_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_judge_assignments_review_id"), ["review_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_judge_assignments_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "judge_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("player_id", sa.Integer(), nullable=True),
        sa.Column("center_id", sa.Integer(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("total", sa.Double(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("submitted_at", quizengine.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["center_id"], ["centers.id"], name=op.f("fk_judge_scores_center_id_centers")),
        sa.ForeignKeyConstraint(["judge_id"], ["users.id"], name=op.f("fk_judge_scores_judge_id_users")),
        sa.ForeignKeyConstraint(["player_id"], ["players.id"], name=op.f("fk_judge_scores_player_id_players")),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name=op.f("fk_judge_scores_review_id_reviews")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_judge_scores_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judge_scores")),
        sa.UniqueConstraint(
            "review_id", "judge_id", "center_id", name=op.f("uq_judge_scores_review_id_judge_id_center_id")
        ),
        sa.UniqueConstraint(
            "review_id", "judge_id", "player_id", name=op.f("uq_judge_scores_review_id_judge_id_player_id")
        ),
        sa.UniqueConstraint(
            "review_id", "judge_id", "submission_id", name=op.f("uq_judge_scores_review_id_judge_id_submission_id")
        ),
    )
    with op.batch_alter_table("judge_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_judge_scores_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_judge_scores_judge_id"), ["judge_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_judge_scores_player_id"), ["player_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_judge_scores_review_id"), ["review_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_judge_scores_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "review_judges",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name=op.f("fk_review_judges_review_id_reviews")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_review_judges_user_id_users")),
        sa.PrimaryKeyConstraint("review_id", "user_id", name=op.f("pk_review_judges")),
    )
    with op.batch_alter_table("centers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bureau", sa.String(length=100), nullable=False, server_default=""))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("center_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("bureau", sa.String(length=100), nullable=False, server_default=""))
        batch_op.create_foreign_key(batch_op.f("fk_users_center_id_centers"), "centers", ["center_id"], ["id"])


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_center_id_centers"), type_="foreignkey")
        batch_op.drop_column("bureau")
        batch_op.drop_column("center_id")

    with op.batch_alter_table("centers", schema=None) as batch_op:
        batch_op.drop_column("bureau")

    op.drop_table("review_judges")
    with op.batch_alter_table("judge_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judge_scores_submission_id"))
        batch_op.drop_index(batch_op.f("ix_judge_scores_review_id"))
        batch_op.drop_index(batch_op.f("ix_judge_scores_player_id"))
        batch_op.drop_index(batch_op.f("ix_judge_scores_judge_id"))
        batch_op.drop_index(batch_op.f("ix_judge_scores_center_id"))

    op.drop_table("judge_scores")
    with op.batch_alter_table("judge_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judge_assignments_submission_id"))
        batch_op.drop_index(batch_op.f("ix_judge_assignments_review_id"))
        batch_op.drop_index(batch_op.f("ix_judge_assignments_judge_id"))

    op.drop_table("judge_assignments")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_submission_id"))

    op.drop_table("attachments")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_requirement_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_center_id"))

    op.drop_table("submissions")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_requirement_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_contest_id"))

    op.drop_table("reviews")
    op.drop_table("requirement_groups")
    op.drop_table("requirements")
    op.drop_table("rubrics")
