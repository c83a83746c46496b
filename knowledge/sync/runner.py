"""One whole sync: read the feed completely, then write it in one transaction.

Reading comes first and touches nothing; only a feed read to the end is written, and the write is a single
transaction, so a server that fails half way (500s, timeouts, a body cut short, a page that vanishes) leaves the
directory exactly as it was. The assistant sees the new directory at its next turn: the action server's area
index is keyed on the directory's fingerprint (actions/directory.py), so no restart or retraining is needed.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from knowledge.store.db import session_scope
from knowledge.sync.apply import SyncSummary, apply_feed
from knowledge.sync.client import ClientSettings, FeedClient
from knowledge.sync.feed import FeedRead, Progress, read_feed, services_url


@dataclass
class SyncOutcome:
    read: FeedRead
    summary: SyncSummary
    requests: int
    seconds: float

    def lines(self) -> list:
        """The summary a council officer reads: counts, then each rejected record and warning."""
        out = [
            f"Synced {self.read.url}: {self.summary.headline()}.",
            f"Read {len(self.read.records)} records on {self.read.pages} page(s) and {self.read.details_fetched} "
            f"service page(s) in {self.requests} requests, {self.seconds:.1f} s.",
        ]
        out += [f"  note: {note}" for note in self.read.notes]
        out += [f"  withdrawn (no longer in the feed, now inactive): {sid}" for sid in self.summary.withdrawn]
        out += [f"  kept the last good copy of {sid}: the feed sent it broken" for sid in self.summary.kept_rejected]
        out += [f"  rejected {label}: {reason}" for label, reason in self.summary.rejected]
        out += [f"  warning {label}: {message}" for label, message in self.summary.warnings]
        return out


def default_source(url: str) -> str:
    return f"Live directory feed at {services_url(url)}"


def sync_directory(
    engine: Engine,
    url: str,
    *,
    source: str | None = None,
    checked: dt.date | None = None,
    settings: ClientSettings | None = None,
    per_page: int = 100,
    details: str = "auto",
    progress: Progress | None = None,
) -> SyncOutcome:
    """Read the API at ``url`` and bring the directory in line with it; raises FeedError or EmptyFeedError,
    having changed nothing, when the feed cannot be read whole or holds nothing usable."""
    started = time.monotonic()
    with FeedClient(settings) as client:
        read = read_feed(client, url, per_page=per_page, details=details, progress=progress)
        requests_made = client.requests_made
    with session_scope(engine) as session:
        summary = apply_feed(session, read.records, source=source or default_source(url), checked=checked)
    return SyncOutcome(read=read, summary=summary, requests=requests_made, seconds=time.monotonic() - started)
