"""`signpost kb sync URL`: bring the directory in line with a council's live ORUK / HSDS API.

Lives beside `kb.py` as a module of its own and adds itself to the `kb` group, so the sync options do not crowd
the file and directory commands.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date

from bot.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

#: Exit code when the feed could not be read whole (nothing was changed).
EXIT_FEED_FAILED = 3


def _kb_sync(args: argparse.Namespace) -> int:
    from knowledge.store.db import create_schema, make_engine
    from knowledge.sync.apply import EmptyFeedError
    from knowledge.sync.client import ClientSettings, FeedError
    from knowledge.sync.runner import sync_directory

    try:
        checked = date.fromisoformat(args.checked) if args.checked else None
    except ValueError:
        print(f"--checked must be a date like 2026-11-25, not {args.checked!r}", file=sys.stderr)
        return EXIT_USAGE
    if args.rate <= 0 or args.timeout <= 0 or args.retries < 0 or args.per_page < 1:
        print("--rate and --timeout must be more than 0, --retries 0 or more, --per-page 1 or more", file=sys.stderr)
        return EXIT_USAGE
    settings = ClientSettings(timeout=args.timeout, retries=args.retries, min_interval=1.0 / args.rate)
    engine = make_engine(create=True)  # a first sync may start a new directory
    create_schema(engine)
    with _ProgressBars(enabled=not args.no_progress) as bars:
        try:
            outcome = sync_directory(
                engine, args.url, source=args.source, checked=checked, settings=settings,
                per_page=args.per_page, details=args.details, progress=bars.update,
            )
        except (FeedError, EmptyFeedError) as error:
            bars.close()
            print(f"Sync failed, nothing was changed: {error}", file=sys.stderr)
            return EXIT_FEED_FAILED
    for line in outcome.lines():
        print(line)
    return EXIT_PROBLEMS if outcome.summary.rejected else EXIT_OK


class _ProgressBars:
    """One tqdm bar per stage (pages of the list, then services fetched in full), on stderr."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bars: dict = {}

    def update(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            label = "list pages" if stage == "pages" else "services in full"
            bar = self._bars[stage] = tqdm(total=total, desc=label, unit=stage[:-1], file=sys.stderr, leave=True)
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()

    def __enter__(self) -> "_ProgressBars":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _kb_group(commands: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The sub-commands of `signpost kb` (registered by bot/cli/kb.py, which comes first)."""
    kb_parser = commands.choices["kb"]
    return next(a for a in kb_parser._actions if isinstance(a, argparse._SubParsersAction))


def register(commands: argparse._SubParsersAction) -> None:
    sync = _kb_group(commands).add_parser(
        "sync", help="bring the directory in line with a live ORUK 1.0/3.0 or HSDS 3.0 API",
        description="Read every page of URL/services (and /services/{id} when the list is shallow), then write it "
                    "in one transaction: services gone from the feed become inactive. A failed read changes nothing.",
    )
    sync.add_argument("url", help="the API's base address (or its /services endpoint)")
    sync.add_argument("--source", help="name these records' source (default: the feed's address)")
    sync.add_argument("--checked", help="the date the records were checked (YYYY-MM-DD), for records that do not say")
    sync.add_argument("--per-page", type=int, default=100, help="services to ask for per page (default 100)")
    sync.add_argument("--details", choices=("auto", "always", "never"), default="auto",
                      help="fetch /services/{id}: for shallow list records (auto), always, or never")
    sync.add_argument("--rate", type=float, default=4.0, help="at most this many requests a second (default 4)")
    sync.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for each answer (default 20)")
    sync.add_argument("--retries", type=int, default=3, help="retries after a timeout or server error (default 3)")
    sync.add_argument("--no-progress", action="store_true", help="no progress bars")
    sync.set_defaults(handler=_kb_sync)
