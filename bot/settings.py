"""Where signpost's files are and what its environment variables say. No Rasa import: the CLI reads this fast."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BOT_DIR = PROJECT_ROOT / "bot"
CONFIG = BOT_DIR / "config.yml"
DOMAIN = BOT_DIR / "domain"
ENDPOINTS = BOT_DIR / "endpoints.yml"
CREDENTIALS = BOT_DIR / "credentials.yml"
DATA = PROJECT_ROOT / "data"
MODELS_DIR = Path(os.environ.get("SIGNPOST_MODELS_DIR", PROJECT_ROOT / "models"))
MODEL_NAME = "signpost"
MODEL_FILE = MODELS_DIR / f"{MODEL_NAME}.tar.gz"
#: Records what the model in MODEL_FILE was trained from, so `signpost train` can reuse it.
MODEL_FINGERPRINT = MODELS_DIR / f"{MODEL_NAME}.fingerprint"
SPACY_MODEL_DIR = PROJECT_ROOT / "build" / "spacy-en-signpost"
VAR_DIR = PROJECT_ROOT / "var"

DEFAULT_PORT = 5005
DEFAULT_ACTIONS_PORT = 5055

#: Where conversations are kept: an SQLAlchemy URL (SQLite or postgresql://). Read by bot/tracker_store.py.
TRACKER_URL_ENV = "SIGNPOST_TRACKER_URL"
DEFAULT_TRACKER_DB = VAR_DIR / "conversations.db"
#: How long a conversation is kept after its last message, in hours (README "Privacy" says why 24).
RETENTION_HOURS_ENV = "SIGNPOST_RETENTION_HOURS"
DEFAULT_RETENTION_HOURS = 24.0
#: Shared Redis for conversation locks (bot/lock_store.py) and channel state (channels/dedup.py). Set it, and the
#: same SIGNPOST_TRACKER_URL, on every server: servers given the same two values are one service.
REDIS_URL_ENV = "SIGNPOST_REDIS_URL"


def tracker_url() -> str:
    """The conversation store's URL: SIGNPOST_TRACKER_URL, or SQLite in var/conversations.db."""
    configured = os.environ.get(TRACKER_URL_ENV, "").strip()
    return configured or f"sqlite:///{DEFAULT_TRACKER_DB}"


def redis_url() -> str:
    """SIGNPOST_REDIS_URL, or "" when this is a single server with no shared Redis."""
    return os.environ.get(REDIS_URL_ENV, "").strip()


def retention_hours() -> float:
    """SIGNPOST_RETENTION_HOURS as a positive number of hours (default 24); anything else is an error."""
    raw = os.environ.get(RETENTION_HOURS_ENV, "").strip()
    if not raw:
        return DEFAULT_RETENTION_HOURS
    try:
        hours = float(raw)
    except ValueError:
        raise ValueError(f"{RETENTION_HOURS_ENV} must be a number of hours, not {raw!r}") from None
    if not hours > 0:
        raise ValueError(f"{RETENTION_HOURS_ENV} must be more than 0 hours")
    return hours


#: How long anonymous signpost events (insight/) are kept, in days: two years, so a financial year can be set
#: beside the one before. They hold no text or ids; README "For commissioners".
INSIGHT_RETENTION_DAYS_ENV = "SIGNPOST_INSIGHT_RETENTION_DAYS"
DEFAULT_INSIGHT_RETENTION_DAYS = 731


def insight_retention_days() -> int:
    """SIGNPOST_INSIGHT_RETENTION_DAYS as a whole number of days, at least 1 (default 731)."""
    raw = os.environ.get(INSIGHT_RETENTION_DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_INSIGHT_RETENTION_DAYS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{INSIGHT_RETENTION_DAYS_ENV} must be a whole number of days (1 or more), not {raw!r}")
    return int(raw)


#: A council's live directory API (ORUK 1.0/3.0 or HSDS 3.0) that `signpost run` syncs from; unset: no sync.
SYNC_URL_ENV = "SIGNPOST_SYNC_URL"
#: Minutes between syncs (the first runs when the server starts).
SYNC_INTERVAL_ENV = "SIGNPOST_SYNC_INTERVAL_MINUTES"
DEFAULT_SYNC_INTERVAL_MINUTES = 360.0
#: Never sync more often than this: a council's API is shared with its own website.
MIN_SYNC_INTERVAL_MINUTES = 5.0
#: The name recorded as the synced records' source (default: the feed's address).
SYNC_SOURCE_ENV = "SIGNPOST_SYNC_SOURCE"


def sync_url() -> str | None:
    """SIGNPOST_SYNC_URL, or None when the directory is not synced on a schedule."""
    return os.environ.get(SYNC_URL_ENV, "").strip() or None


def sync_source() -> str | None:
    return os.environ.get(SYNC_SOURCE_ENV, "").strip() or None


def sync_interval_minutes() -> float:
    """SIGNPOST_SYNC_INTERVAL_MINUTES (default 360, at least 5); anything else is an error."""
    raw = os.environ.get(SYNC_INTERVAL_ENV, "").strip()
    if not raw:
        return DEFAULT_SYNC_INTERVAL_MINUTES
    try:
        minutes = float(raw)
    except ValueError:
        raise ValueError(f"{SYNC_INTERVAL_ENV} must be a number of minutes, not {raw!r}") from None
    if not minutes >= MIN_SYNC_INTERVAL_MINUTES:
        raise ValueError(f"{SYNC_INTERVAL_ENV} must be at least {MIN_SYNC_INTERVAL_MINUTES:g} minutes")
    return minutes


def rasa_environment() -> dict[str, str]:
    """The environment Rasa runs in: no telemetry (no network), our packages importable."""
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env
