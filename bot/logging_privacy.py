"""Keep what people write, and who they are, out of the logs of the Rasa and action servers.

Rasa 3.6 logs message text and conversation ids, mostly at DEBUG: "Received user message '…'", "Acquired lock for
conversation '…'", "Recreating tracker from sender id '…'", rasa-sdk's form validation dumps the latest message,
and an SQL error can quote the row it failed to write. PII anonymisation of logs is Rasa Pro only (anchors §4).

How: ``install()`` replaces the logging *record factory*, so every record made anywhere in the process is
redacted as it is created, before any handler or formatter sees it. That does not depend on how Rasa, rasa-sdk,
Sanic or a ``--logging-config-file`` set up handlers afterwards (a filter on a logger would miss records of its
children; a filter on a handler would miss handlers added later). ``bot.rasa_entry`` calls it before Rasa loads.

What is redacted: every record from a logger outside our own packages (``TRUSTED_PACKAGES``, which follow the
project rule of logging no text or ids and are reviewed for it). For those records:

* a %-style template keeps its words, every argument becomes ``[redacted]``;
* a ready-made message (Rasa mostly logs f-strings) keeps only its leading words, up to the first quote,
  bracket, colon, digit or line break, where interpolated values start: "Received user message [redacted]";
* a structlog JSON message keeps only its event name (a fixed identifier such as ``forms.slot.extracted``);
* an exception keeps its type and stack frames, never its message (which can quote data).

We lose detail in third-party debug logs; that is the price of a rule that holds at every level.
"""
from __future__ import annotations

import json
import logging
import re
import traceback
from types import TracebackType
from typing import Any, Callable, Optional, Type

REDACTED = "[redacted]"

#: Loggers under these names are our own code: they log counts, kinds and reasons, never text or ids.
TRUSTED_PACKAGES = ("bot", "channels", "actions", "knowledge", "safety")

# Where an interpolated value may begin in a ready-made message.
_VALUE_START = re.compile(r"['\"`\[\{\(<:=\d\n\r]|https?")
# printf-style conversion specifiers, e.g. %s, %(name)s, %5.2f; "%%" is a literal percent sign.
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")

_installed_factory: Optional[Callable[..., logging.LogRecord]] = None


def is_trusted(logger_name: str) -> bool:
    return any(logger_name == p or logger_name.startswith(p + ".") for p in TRUSTED_PACKAGES)


def redact_template(template: str) -> str:
    """A %-style template with every conversion replaced by [redacted] (the template itself is code, not data)."""
    return _CONVERSION.sub(lambda m: "%" if m.group(0) == "%%" else REDACTED, template)


def redact_message(message: str) -> str:
    """The leading words of a ready-made message, or the event name of a structlog JSON message."""
    stripped = message.strip()
    if stripped.startswith("{"):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("event"), str):
            event = parsed["event"]
            # Event names are dotted identifiers; anything else may be data.
            return f"event={event}" if re.fullmatch(r"[A-Za-z0-9_.\-]{1,80}", event) else f"event={REDACTED}"
    found = _VALUE_START.search(stripped)
    if found is None:
        return stripped[:200] + (f" {REDACTED}" if len(stripped) > 200 else "")
    prefix = stripped[: min(found.start(), 200)].rstrip()
    return f"{prefix} {REDACTED}" if prefix else REDACTED


def redact_exception(
    exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
) -> str:
    """A traceback with frames and exception types but no exception messages (they can quote data)."""
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_tb(tb)
    lines.append(f"{exc_type.__name__ if exc_type else 'Exception'}: {REDACTED}")
    cause = exc.__cause__ or exc.__context__ if exc is not None else None
    if cause is not None:
        lines.append(f" (caused by {type(cause).__name__}: {REDACTED})")
    return "".join(lines)


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redacts ``record`` in place (unless its logger is ours) and returns it."""
    if is_trusted(record.name) or getattr(record, "_signpost_redacted", False):
        return record
    if record.args:
        template = record.msg if isinstance(record.msg, str) else str(record.msg)
        record.msg = redact_template(template)
    else:
        record.msg = redact_message(str(record.msg))
    record.args = ()
    if record.exc_info and record.exc_info != (None, None, None):
        # The formatter prints exc_text when it is set and does not format exc_info again.
        record.exc_text = redact_exception(*record.exc_info)
    elif record.exc_text:
        record.exc_text = f"[exception text {REDACTED}]"
    if record.stack_info:
        record.stack_info = None
    record._signpost_redacted = True  # type: ignore[attr-defined]
    return record


def install() -> None:
    """Redacts every log record made in this process from now on. Safe to call more than once."""
    global _installed_factory
    current = logging.getLogRecordFactory()
    if _installed_factory is not None and current is _installed_factory:
        return
    base = current

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(base(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed_factory = factory
