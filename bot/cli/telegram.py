"""`signpost telegram set-webhook URL`: register the Telegram webhook, with its secret."""
from __future__ import annotations

import argparse
import sys

from bot.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


def _telegram_set_webhook(args: argparse.Namespace) -> int:
    from channels.telegram import set_webhook_from_environment

    try:
        ok = set_webhook_from_environment(args.url)
    except ValueError as error:
        print(f"{error} (set TELEGRAM_TOKEN and TELEGRAM_WEBHOOK_SECRET first)", file=sys.stderr)
        return EXIT_USAGE
    print("Webhook registered." if ok else "Telegram did not accept the webhook.")
    return EXIT_OK if ok else EXIT_PROBLEMS


def register(commands: argparse._SubParsersAction) -> None:
    tg = commands.add_parser("telegram", help="Telegram set-up").add_subparsers(dest="tg_command", required=True)
    hook = tg.add_parser("set-webhook", help="register this server's webhook with Telegram, with the secret")
    hook.add_argument("url")
    hook.set_defaults(handler=_telegram_set_webhook)
