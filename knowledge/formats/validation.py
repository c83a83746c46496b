"""Check a feed's records against the official schemas, and say what is wrong in plain English.

Schemas are the official ones (``shared/directory-samples/schema/``; set ``SIGNPOST_SCHEMA_DIR`` to use another
copy): Open Referral UK 3.0 for 3.0-shaped feeds (the UK profile a council publishes to; ``hsds-3.0`` can be
chosen instead), ORUK 1.0's ``service`` object for 1.0 feeds. Outpost has no published schema, so its records are
checked only by the importer's own rules.

Schema findings are advice, not gates: the importer decides what it can load, and the report
(:mod:`knowledge.formats.report`) says both what is wrong and what signpost does about it. Only ``jsonschema``
(pinned at 4.17.3, which Rasa 3.6 allows) does the checking; this module only words its answers.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from jsonschema import Draft7Validator, FormatChecker, RefResolver
from jsonschema.exceptions import ValidationError

from knowledge.formats import detect

#: Where the official schemas are: the shared samples folder beside the repository, unless told otherwise.
DEFAULT_SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "directory-samples" / "schema"
SCHEMAS = ("oruk-3.0", "hsds-3.0", "oruk-1.0")

#: At most this many findings are kept per record (a record that is wrong everywhere is one line to fix).
MAX_FINDINGS_PER_RECORD = 10


@dataclass(frozen=True)
class Finding:
    """One thing a schema says is wrong with one record."""

    record: str          # the record's id, or "#index"
    path: str            # e.g. "service_at_locations[0].location.latitude"
    problem: str         # plain English
    pattern: str         # the same problem with record-specific details taken out, for grouping


def schema_dir() -> Path:
    return Path(os.environ.get("SIGNPOST_SCHEMA_DIR") or DEFAULT_SCHEMA_DIR)


def schema_for(feed_format: str, preferred: Optional[str] = None) -> Optional[str]:
    """Which schema a feed of this format is checked against (``None``: no official schema)."""
    if feed_format == detect.ORUK1:
        return "oruk-1.0"
    if feed_format == detect.HSDS3:
        return preferred if preferred in ("oruk-3.0", "hsds-3.0") else "oruk-3.0"
    return None


def validate_records(records: List[Any], schema: str) -> List[Finding]:
    """Findings for every record, in record order. Raises FileNotFoundError if the schemas are not there."""
    validator = _validator(str(schema_dir()), schema)
    findings: List[Finding] = []
    for index, record in enumerate(records):
        label = _label(record, index)
        errors = sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        meaningful = [error for error in _leaves(errors) if not _blank_optional(error)]
        for error in meaningful[:MAX_FINDINGS_PER_RECORD]:
            findings.append(_finding(label, error))
    return findings


@lru_cache(maxsize=8)
def _validator(directory: str, schema: str) -> Draft7Validator:
    folder = Path(directory) / schema
    if schema == "oruk-1.0":
        document = json.loads((folder / "openapi.json").read_text(encoding="utf-8"))
        service = document["components"]["schemas"]["service"]
        return Draft7Validator(service, resolver=RefResolver.from_schema(document), format_checker=FormatChecker())
    service = json.loads((folder / "service.json").read_text(encoding="utf-8"))
    resolver = RefResolver(base_uri=folder.resolve().as_uri() + "/", referrer=service)
    return Draft7Validator(service, resolver=resolver, format_checker=FormatChecker())


def _leaves(errors: List[ValidationError]) -> Iterator[ValidationError]:
    """The most specific errors: an ``anyOf`` failure is explained by its own sub-errors' best match."""
    for error in errors:
        if error.context:
            yield from _leaves(sorted(error.context, key=lambda e: len(list(e.absolute_path)))[:1])
        else:
            yield error


def _blank_optional(error: ValidationError) -> bool:
    """An empty string where the standard wants a value from a list, a format or a pattern: real feeds write ""
    for "not given", and the importer reads it so; reporting it 800 times helps nobody."""
    return error.validator in ("enum", "format", "pattern") and error.instance == ""


def _label(record: Any, index: int) -> str:
    if isinstance(record, dict) and isinstance(record.get("id"), (str, int)) and str(record["id"]).strip():
        return str(record["id"]).strip()
    return f"#{index}"


def _path(error: ValidationError, *, generic: bool) -> str:
    text = ""
    for part in error.absolute_path:
        if isinstance(part, int):
            text += "[]" if generic else f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "the record"


_JSON_TYPES = {str: "text", int: "a whole number", float: "a number", bool: "true/false", list: "a list",
               dict: "an object", type(None): "empty (null)"}


def _finding(label: str, error: ValidationError) -> Finding:
    path, generic = _path(error, generic=False), _path(error, generic=True)
    kind = error.validator
    value = error.instance
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        where = "" if path == "the record" else f" in {path}"
        general = "" if generic == "the record" else f" in {generic}"
        return Finding(label, path, f"{missing} is missing{where} (the standard requires it)",
                       f"{missing} is missing{general}")
    if kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        got = _JSON_TYPES.get(type(value), type(value).__name__)
        return Finding(label, path, f"{path} should be {expected} but is {got}", f"{generic} should be {expected}")
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return Finding(label, path, f"{path} is {_short(value)}; the standard allows only: {allowed}",
                       f"{generic} is not one of: {allowed}")
    if kind == "format":
        return Finding(label, path, f"{path} is not a valid {error.validator_value}: {_short(value)}",
                       f"{generic} is not a valid {error.validator_value}")
    if kind == "pattern":
        return Finding(label, path, f"{path} is not in the expected form: {_short(value)}",
                       f"{generic} is not in the expected form")
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return Finding(label, path, f"{path} is out of range ({_short(value)}; {kind} {error.validator_value})",
                       f"{generic} is out of range")
    if kind in ("minLength", "minItems"):
        return Finding(label, path, f"{path} is empty", f"{generic} is empty")
    return Finding(label, path, f"{path}: {error.message[:120]}", f"{generic}: {kind}")


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


def describe_schema(schema: Optional[str]) -> str:
    return {
        "oruk-3.0": "Open Referral UK 3.0", "hsds-3.0": "HSDS 3.0", "oruk-1.0": "Open Referral UK 1.0",
    }.get(schema or "", "no official schema")


def findings_by_record(findings: List[Finding]) -> Dict[str, List[Finding]]:
    grouped: Dict[str, List[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.record, []).append(finding)
    return grouped
