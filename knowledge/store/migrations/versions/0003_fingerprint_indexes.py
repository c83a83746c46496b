"""Indexes for the directory fingerprint: service.last_modified, address.city, address.postal_code,
service_area.name.

The action server checks ``knowledge.places.areas.directory_fingerprint`` (counts and maxima of these columns) at
most once a second; with these indexes each maximum is one index look-up and each count an index-only scan,
instead of reading every row at 10,000 services (bench/bench_scale.py). No data changes.

Revision ID: 0003_fingerprint_indexes
Revises: 0002_feed_scoped_ids
Create Date: 2026-12-01
"""
from alembic import op

revision = "0003_fingerprint_indexes"
down_revision = "0002_feed_scoped_ids"
branch_labels = None
depends_on = None

#: (table, column) pairs indexed here, each as ``ix_<table>_<column>`` like the models' ``index=True``.
INDEXED = (
    ("service", "last_modified"),
    ("address", "city"),
    ("address", "postal_code"),
    ("service_area", "name"),
)


def upgrade() -> None:
    for table, column in INDEXED:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table, column in reversed(INDEXED):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
