"""`signpost referrals`: deliver call-back requests from the outbox, make a key, show what waits.

    signpost referrals deliver [--once] [--poll SECONDS]   send due requests (for ever, or one pass)
    signpost referrals new-key                            print a new SIGNPOST_OUTBOX_KEY
    signpost referrals status                             how many requests wait, and the routes file's check

`signpost run` starts `deliver` alongside the assistant when SIGNPOST_OUTBOX_KEY is set.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from bot.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


def _deliver(args: argparse.Namespace) -> int:
    from referrals.routes import RoutesError
    from referrals.settings import NotConfigured
    from referrals.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        worker = Worker.from_environment()
    except (NotConfigured, RoutesError) as error:
        print(f"Cannot deliver call-back requests: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.once:
        summary = worker.deliver_due()
        print(f"Call-back requests: {summary}.")
        return EXIT_OK
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print("Delivering call-back requests; Ctrl+C stops.", flush=True)
    worker.run(stop, poll_seconds=args.poll)
    return EXIT_OK


def _new_key(_: argparse.Namespace) -> int:
    from referrals.sealing import new_key

    print(new_key())
    return EXIT_OK


def _status(_: argparse.Namespace) -> int:
    from referrals.routes import Routes, RoutesError
    from referrals.settings import NotConfigured
    from referrals.store import Outbox

    try:
        routes = Routes.load()
        outbox = Outbox.from_environment()
    except (NotConfigured, RoutesError) as error:
        print(f"Call-backs are not ready: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    counts = outbox.counts()
    print(f"Services taking call-back requests: {len(routes.by_service)}"
          + (" (and any whose directory record says it takes referrals)" if routes.directory_referral_emails else ""))
    print(f"Waiting to be delivered: {counts.get('pending', 0)}; waiting to reach the admin: "
          f"{counts.get('tell_admin', 0)}")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("referrals", help="deliver call-back requests (see `signpost referrals -h`)")
    actions = group.add_subparsers(dest="referrals_command", required=True)
    deliver = actions.add_parser("deliver", help="send due call-back requests by email or webhook")
    deliver.add_argument("--once", action="store_true", help="one pass, then exit (for cron or tests)")
    deliver.add_argument("--poll", type=float, default=5.0, help="seconds between passes (default 5)")
    deliver.set_defaults(handler=_deliver)
    actions.add_parser("new-key", help="print a new SIGNPOST_OUTBOX_KEY").set_defaults(handler=_new_key)
    actions.add_parser("status", help="how many requests wait; checks the routes file").set_defaults(handler=_status)
