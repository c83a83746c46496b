"""The `signpost` command: load the directory, train the assistant and run it.

    signpost kb init [--reset]            create the schema and load the bundled directory
    signpost kb import FILE [--source S] [--checked YYYY-MM-DD]
    signpost kb export FILE               write the directory as HSDS 3.0 JSON
    signpost kb check [--max-age-days N]  fail when a record is unsourced, unreadable or out of date
    signpost kb sync URL                  bring the directory in line with a council's live ORUK/HSDS API
    signpost train [--force]              train when the data changed, otherwise reuse the model
    signpost run [--port N] [--actions-port M] [--debug]
    signpost purge                        delete conversations older than the retention period
    signpost report --period P --out F    what people asked for, for commissioners (whole periods only)
    signpost telegram set-webhook URL
    signpost referrals deliver [--once]   send call-back requests from the outbox

Rasa is imported only by the commands that need it (it takes seconds to import), and is run as child
processes for `train` and `run`. Each command group lives in a module of its own in this package and adds itself
to the parser with ``register``; a new command is a new module listed in ``COMMAND_MODULES``.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from bot.cli import kb, privacy, referrals, report, serve, sync, telegram, training

#: Each module adds its sub-commands to the parser, in the order `signpost --help` lists them.
COMMAND_MODULES = (kb, sync, training, serve, privacy, report, telegram, referrals)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="signpost", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from knowledge.store.db import DirectoryMissing

    try:
        return args.handler(args)
    except DirectoryMissing as missing:  # a moved or deleted directory file: say what to do, no traceback
        print(missing, file=sys.stderr)
        return 1
