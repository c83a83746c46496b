"""Baseline: the directory schema of the release before migrations (git show 1bbf79f:knowledge/models.py).

A database made by that release has these tables and no ``alembic_version``; ``create_schema`` stamps it at
this revision and upgrades it from here.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "schedule",
    "service_at_location",
    "service_area",
    "phone",
    "attribute",
    "address",
    "taxonomy_term",
    "service",
    "location",
    "taxonomy",
    "organization",
)


def upgrade() -> None:
    op.create_table(
        "organization",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("alternate_name", sa.String(length=255), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "taxonomy",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("uri", sa.String(length=500), nullable=True),
        sa.Column("version", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "location",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=True),
        sa.Column("location_type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_location_organization_id"), "location", ["organization_id"], unique=False)
    op.create_table(
        "service",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("alternate_name", sa.String(length=255), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("application_process", sa.Text(), nullable=True),
        sa.Column("eligibility_description", sa.Text(), nullable=True),
        sa.Column("fees_description", sa.Text(), nullable=True),
        sa.Column("minimum_age", sa.Integer(), nullable=True),
        sa.Column("maximum_age", sa.Integer(), nullable=True),
        sa.Column("alert", sa.Text(), nullable=True),
        sa.Column("assured_date", sa.Date(), nullable=True),
        sa.Column("last_modified", sa.DateTime(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=True),
        sa.Column("is_national", sa.Boolean(), nullable=False),
        sa.Column("is_crisis_line", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_service_organization_id"), "service", ["organization_id"], unique=False)
    op.create_table(
        "taxonomy_term",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=128), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("taxonomy", sa.String(length=255), nullable=True),
        sa.Column("taxonomy_id", sa.String(length=64), nullable=True),
        sa.Column("term_uri", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["taxonomy_term.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["taxonomy_id"], ["taxonomy.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "address",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("attention", sa.String(length=255), nullable=True),
        sa.Column("address_1", sa.String(length=255), nullable=False),
        sa.Column("address_2", sa.String(length=255), nullable=True),
        sa.Column("city", sa.String(length=128), nullable=False),
        sa.Column("region", sa.String(length=128), nullable=True),
        sa.Column("state_province", sa.String(length=128), nullable=True),
        sa.Column("postal_code", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("address_type", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_address_location_id"), "address", ["location_id"], unique=False)
    op.create_table(
        "attribute",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("link_type", sa.String(length=64), nullable=True),
        sa.Column("link_entity", sa.String(length=64), nullable=False),
        sa.Column("taxonomy_term_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["link_id"], ["service.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["taxonomy_term_id"], ["taxonomy_term.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_attribute_link_id"), "attribute", ["link_id"], unique=False)
    op.create_table(
        "phone",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("extension", sa.String(length=16), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_phone_service_id"), "phone", ["service_id"], unique=False)
    op.create_table(
        "service_area",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("extent", sa.Text(), nullable=True),
        sa.Column("extent_type", sa.String(length=32), nullable=True),
        sa.Column("uri", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_service_area_service_id"), "service_area", ["service_id"], unique=False)
    op.create_table(
        "service_at_location",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "location_id"),
    )
    op.create_index(op.f("ix_service_at_location_location_id"), "service_at_location", ["location_id"], unique=False)
    op.create_index(op.f("ix_service_at_location_service_id"), "service_at_location", ["service_id"], unique=False)
    op.create_table(
        "schedule",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=True),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("service_at_location_id", sa.String(length=64), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("dtstart", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("freq", sa.String(length=8), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("byday", sa.String(length=64), nullable=True),
        sa.Column("opens_at", sa.Time(), nullable=True),
        sa.Column("closes_at", sa.Time(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("closes_on_bank_holidays", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_at_location_id"], ["service_at_location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_schedule_service_at_location_id"), "schedule", ["service_at_location_id"], unique=False)
    op.create_index(op.f("ix_schedule_service_id"), "schedule", ["service_id"], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
