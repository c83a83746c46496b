"""holiday_schedule: ORUK 1.0 holiday closures and changed hours, kept as the feed gave them.

The importer already applies them to the schedule rows (which is all the hours engine reads); this table keeps
them so that ``kb export`` writes them back. A new, empty table: no data changes.

Revision ID: 0004_holiday_schedules
Revises: 0003_fingerprint_indexes
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_holiday_schedules"
down_revision = "0003_fingerprint_indexes"
branch_labels = None
depends_on = None

ID_LENGTH = 255


def upgrade() -> None:
    op.create_table(
        "holiday_schedule",
        sa.Column("id", sa.String(ID_LENGTH), nullable=False),
        sa.Column("service_id", sa.String(ID_LENGTH), nullable=True),
        sa.Column("service_at_location_id", sa.String(ID_LENGTH), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=True),
        sa.Column("closes_at", sa.Time(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_at_location_id"], ["service_at_location.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_holiday_schedule_service_id"), "holiday_schedule", ["service_id"], unique=False)
    op.create_index(op.f("ix_holiday_schedule_service_at_location_id"), "holiday_schedule",
                    ["service_at_location_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_holiday_schedule_service_at_location_id"), table_name="holiday_schedule")
    op.drop_index(op.f("ix_holiday_schedule_service_id"), table_name="holiday_schedule")
    op.drop_table("holiday_schedule")
