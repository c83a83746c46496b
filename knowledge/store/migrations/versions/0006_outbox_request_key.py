"""referral_outbox.request_key: one call-back request per "yes", however often it is run.

A keyed hash of the conversation and the random token its call-back form was given (referrals/sealing.py), unique,
so the same request written a second time (a retried message, an expired lock) finds the first one and its
reference instead of queuing another. Rows already in the outbox keep everything and have no key (NULL, which a
unique index allows many times). The column and index are added only when missing: the outbox brings a table of its
own database forward the same way (referrals/store.py, Outbox.create_schema), and may have done so here first.

Revision ID: 0006_outbox_request_key
Revises: 0005_event_and_outbox_tables
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_outbox_request_key"
down_revision = "0005_event_and_outbox_tables"
branch_labels = None
depends_on = None

TABLE = "referral_outbox"
INDEX = "ix_referral_outbox_request_key"


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())  # 0005 made the table, or kept the one made on first use
    if "request_key" not in {column["name"] for column in inspector.get_columns(TABLE)}:
        op.add_column(TABLE, sa.Column("request_key", sa.String(64), nullable=True))
    if INDEX not in {index["name"] for index in inspector.get_indexes(TABLE)}:
        op.create_index(INDEX, TABLE, ["request_key"], unique=True)


def downgrade() -> None:
    # What only this revision's code writes goes: the kept keys of sent requests ("sent", nothing sealed) and
    # requests forgotten while being sent ("forgotten"). The code before it would try to send both.
    op.execute(sa.text(f"DELETE FROM {TABLE} WHERE state IN ('sent', 'forgotten')"))
    op.drop_index(INDEX, table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column("request_key")
