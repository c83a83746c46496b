"""Feed-scoped ids (up to 255 characters, service.id_scope), schedule.bymonthday, language and cost_option.

Made for the importer that reads every council's feed as it is (commit b7c4577): ids are stored as
``<scope>:<feed id>``, so id columns widen from 64 to 255 characters. SQLite does not enforce VARCHAR lengths,
so the widening is a PostgreSQL-only change and SQLite tables are left as they are.

Revision ID: 0002_feed_scoped_ids
Revises: 0001_baseline
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_feed_scoped_ids"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

#: Every id and foreign-key id column, widened from 64 to 255 characters.
ID_COLUMNS = {
    "organization": ("id",),
    "service": ("id", "organization_id"),
    "location": ("id", "organization_id"),
    "address": ("id", "location_id"),
    "service_at_location": ("id", "service_id", "location_id"),
    "phone": ("id", "service_id", "location_id"),
    "schedule": ("id", "service_id", "location_id", "service_at_location_id"),
    "service_area": ("id", "service_id"),
    "taxonomy": ("id",),
    "taxonomy_term": ("id", "parent_id", "taxonomy_id"),
    "attribute": ("id", "link_id", "taxonomy_term_id"),
}


def _widen(length: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, columns in ID_COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.String(length=length))


def upgrade() -> None:
    _widen(255)
    op.add_column("service", sa.Column("id_scope", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_service_id_scope"), "service", ["id_scope"], unique=False)
    op.add_column("schedule", sa.Column("bymonthday", sa.String(length=64), nullable=True))
    op.create_table(
        "cost_option",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("service_id", sa.String(length=255), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("option", sa.Text(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("amount_description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_cost_option_service_id"), "cost_option", ["service_id"], unique=False)
    op.create_table(
        "language",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("service_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=True),
        sa.Column("code", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_language_service_id"), "language", ["service_id"], unique=False)


def downgrade() -> None:
    """Back to the baseline. On SQLite the two added columns stay (unused): dropping a column there means copying
    the table, which with foreign keys on would cascade-delete the rows that refer to it."""
    op.drop_index(op.f("ix_language_service_id"), table_name="language")
    op.drop_table("language")
    op.drop_index(op.f("ix_cost_option_service_id"), table_name="cost_option")
    op.drop_table("cost_option")
    op.drop_index(op.f("ix_service_id_scope"), table_name="service")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("schedule", "bymonthday")
        op.drop_column("service", "id_scope")
    _widen(64)
