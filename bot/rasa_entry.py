"""Run Rasa or the rasa-sdk action server with log redaction installed first.

    python -m bot.rasa_entry rasa run --model ...        # the Rasa server
    python -m bot.rasa_entry rasa_sdk --actions actions  # the action server

`signpost run` starts both this way. Neither `rasa run` nor rasa-sdk has a hook that runs our code before they
configure logging, and a `--logging-config-file` only sets handlers, levels and formats: it cannot redact. So
this module installs bot.logging_privacy's record factory, then hands over to the package's own `__main__` with
the remaining arguments, exactly as `python -m rasa ...` would.
"""
from __future__ import annotations

import runpy
import sys
from typing import Sequence

from bot import logging_privacy

#: The only programs this entry point starts.
PROGRAMS = ("rasa", "rasa_sdk")


def main(argv: Sequence[str]) -> None:
    if not argv or argv[0] not in PROGRAMS:
        sys.exit(f"usage: python -m bot.rasa_entry {{{'|'.join(PROGRAMS)}}} ARGS...")
    program, *arguments = argv
    logging_privacy.install()
    sys.argv = [program, *arguments]
    runpy.run_module(program, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
