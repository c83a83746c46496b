"""signpost_event (insight/) and referral_outbox (referrals/): the other tables the app writes in this database.

Until this revision only the insight recorder and the outbox made them, with ``create_all`` when first used, so a
database brought forward with the migrations alone lacked them and a later revision could not alter them with
certainty. Each is created here only when it is missing: where the recorder or the outbox already made it, it was
made exactly as below, and it is kept with its rows. No data changes.

(The outbox may be given a database of its own, SIGNPOST_OUTBOX_URL; its table here then stays empty.)

Revision ID: 0005_event_and_outbox_tables
Revises: 0004_holiday_schedules
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_event_and_outbox_tables"
down_revision = "0004_holiday_schedules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "signpost_event" not in existing:
        _create_signpost_event()
    if "referral_outbox" not in existing:
        _create_referral_outbox()


def downgrade() -> None:
    # Kept: they may be older than this revision (made on first use) and hold a year of events or call-back
    # requests not yet delivered, which a downgrade must not lose. The app makes them again if they are missing.
    pass


def _create_signpost_event() -> None:
    op.create_table(
        "signpost_event",
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("need", sa.String(32), nullable=True),
        sa.Column("area_code", sa.String(16), nullable=True),
        sa.Column("for_whom", sa.String(16), nullable=True),
        sa.Column("age_band", sa.String(16), nullable=True),
        sa.Column("local_fitted", sa.SmallInteger(), nullable=True),
        sa.Column("local_open", sa.SmallInteger(), nullable=True),
        sa.Column("out_of_hours_only", sa.Boolean(), nullable=True),
        sa.Column("crisis_type", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("kind", "day", "id"),
        sqlite_with_rowid=False,  # a rowid would count insertions (insight/models.py)
    )


def _create_referral_outbox() -> None:
    op.create_table(
        "referral_outbox",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("conversation_tag", sa.String(64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index(op.f("ix_referral_outbox_conversation_tag"), "referral_outbox", ["conversation_tag"],
                    unique=False)
    op.create_index(op.f("ix_referral_outbox_next_attempt_at"), "referral_outbox", ["next_attempt_at"],
                    unique=False)
