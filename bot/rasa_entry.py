"""Run Rasa or the rasa-sdk action server with log redaction installed first.

    python -m bot.rasa_entry rasa run --model ...        # the Rasa server
    python -m bot.rasa_entry rasa_sdk --actions actions  # the action server

`signpost run` starts both this way. Neither `rasa run` nor rasa-sdk has a hook that runs our code before they
configure logging, and a `--logging-config-file` only sets handlers, levels and formats: it cannot redact. So
this module installs bot.logging_privacy's record factory, then hands over to the package's own `__main__` with
the remaining arguments, exactly as `python -m rasa ...` would.
"""
from __future__ import annotations

import os
import runpy
import sys
from typing import Sequence

from bot import logging_privacy

#: The only programs this entry point starts.
PROGRAMS = ("rasa", "rasa_sdk")


#: How long the Rasa server waits for one custom action before giving up (seconds).
ACTION_TIMEOUT_ENV = "SIGNPOST_ACTION_TIMEOUT_SECONDS"
DEFAULT_ACTION_TIMEOUT_SECONDS = 6.0


def action_timeout_seconds() -> float:
    raw = os.environ.get(ACTION_TIMEOUT_ENV, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_ACTION_TIMEOUT_SECONDS
    except ValueError:
        sys.exit(f"{ACTION_TIMEOUT_ENV} must be a number of seconds, not {raw!r}")
    if not value > 0:
        sys.exit(f"{ACTION_TIMEOUT_ENV} must be more than 0 seconds")
    return value


def shorten_action_timeout() -> None:
    """Rasa waits up to 5 minutes for the action server (``rasa.core.constants.DEFAULT_REQUEST_TIMEOUT``, passed
    as a fixed argument, with no setting). A hung action server would then hold a frightened person's turn for
    minutes. With a short timeout the action fails, Rasa ends the turn and the channel answers from safety/
    (channels/fallback.py) within seconds. ``RemoteAction.run`` reads the constant from its module at call time."""
    import rasa.core.actions.action as rasa_action

    rasa_action.DEFAULT_REQUEST_TIMEOUT = action_timeout_seconds()


def refuse_an_unsafe_pseudonym_key() -> None:
    """The Rasa server pseudonymises every sender. A deployment that starts it directly (Kubernetes, compose),
    not through `signpost run`, gets the same refusal: with a shared conversation store and no shared key, each
    server would make its own key and none would find the others' conversations (channels/identity.py)."""
    from channels.identity import check_key_settings

    try:
        check_key_settings()
    except ValueError as problem:
        sys.exit(str(problem))


def main(argv: Sequence[str]) -> None:
    if not argv or argv[0] not in PROGRAMS:
        sys.exit(f"usage: python -m bot.rasa_entry {{{'|'.join(PROGRAMS)}}} ARGS...")
    program, *arguments = argv
    logging_privacy.install()
    if program == "rasa":
        if arguments[:1] == ["run"]:
            refuse_an_unsafe_pseudonym_key()
        shorten_action_timeout()
        from bot import rasa_speedups

        rasa_speedups.install()  # action server responses validated with one prebuilt validator
    sys.argv = [program, *arguments]
    runpy.run_module(program, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
