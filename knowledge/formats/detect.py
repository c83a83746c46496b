"""Recognise what a directory file is, and hand each record to its format's reader.

Shapes recognised (see ``shared/directory-samples/README.md`` for real examples of each):

* a JSON array of service objects;
* an HSDS 3.0 / ORUK 3.0 API page ``{"total_items", "total_pages", "page_number", "contents": [...]}``;
* an ORUK 1.0 or Outpost (Spring-style) page ``{"totalPages", "number", "last", "content": [...]}``;
* one service object (``service_full``);
* an HSDS 3.0 ``organization_full``: an organisation with its ``services`` nested in it (see
  :mod:`knowledge.formats.organisation`).

The records' format is decided from the keys they carry: Outpost's (``organisation``, ``taxonomies``,
``min_age``…), else ORUK 1.0's (``regular_schedules``, ``eligibilitys``, ``attending_type``…), else HSDS 3.0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from knowledge.formats import hsds3, organisation, oruk1, outpost

HSDS3 = "HSDS 3.0 / ORUK 3.0"
ORUK1 = "ORUK 1.0"
OUTPOST = "Outpost"

#: How many records are looked at to decide the format (a feed does not change format half way).
_SAMPLE = 50


class FeedShapeError(ValueError):
    """The file is not any shape of directory feed we know."""


@dataclass
class Feed:
    """A file's records and what we know about the file itself."""

    format: str
    records: List[Any]
    #: Plain-English notes about the whole file (e.g. "this is page 1 of 141").
    notes: List[str] = field(default_factory=list)

    @property
    def to_hsds3(self) -> Callable[[Any], Any]:
        return _TRANSLATORS[self.format]

    @property
    def read_fields(self) -> frozenset:
        return _READ_FIELDS[self.format]


_TRANSLATORS: Dict[str, Callable[[Any], Any]] = {
    HSDS3: lambda record: record,
    ORUK1: oruk1.to_hsds3,
    OUTPOST: outpost.to_hsds3,
}
_READ_FIELDS = {HSDS3: hsds3.READ_FIELDS, ORUK1: oruk1.READ_FIELDS, OUTPOST: outpost.READ_FIELDS}


def recognise(data: Any) -> Feed:
    """The feed in ``data`` (parsed JSON); raises :class:`FeedShapeError` with a reason for anything else."""
    notes: List[str] = []
    if isinstance(data, list):
        records = data
    elif isinstance(data, dict):
        records = _records_of_object(data, notes)
    else:
        raise FeedShapeError(f"expected a list of services, got {type(data).__name__}")
    return Feed(format=_format_of(records), records=records, notes=notes)


def _records_of_object(data: Dict[str, Any], notes: List[str]) -> List[Any]:
    for key in ("contents", "content"):
        if key in data:
            if not isinstance(data[key], list):
                raise FeedShapeError(f"the page's {key!r} is not a list of services")
            page_note = _page_note(data, len(data[key]))
            if page_note:
                notes.append(page_note)
            return data[key]
    if isinstance(data.get("services"), list) and "id" in data and "name" in data:
        services, organisation_notes = organisation.nested_services(data)
        notes.extend(organisation_notes)
        return services
    if "id" in data and "name" in data:
        return [data]
    raise FeedShapeError("expected a list of services, a page with 'contents', or one service object")


def _page_note(page: Dict[str, Any], size: int) -> Optional[str]:
    """"Page 1 of 141" when the file is one page of a longer feed, else ``None``."""
    total_pages = _first_int(page, "total_pages", "totalPages")
    number = _first_int(page, "page_number", "number")
    total_items = _first_int(page, "total_items", "totalElements")
    last = page.get("last_page", page.get("last"))
    if (total_pages is None or total_pages <= 1) and total_items is not None and total_items != size:
        return f"The page says it holds {total_items} services but it has {size}; all {size} were read."
    if total_pages is None or total_pages <= 1 or last is True:
        return None
    of_items = f" ({total_items} services in all)" if total_items is not None else ""
    return (f"This file is page {number if number is not None else '?'} of {total_pages}{of_items}: only its "
            f"{size} services were loaded. Use 'signpost kb sync URL' to read every page of the live feed.")


def _first_int(page: Dict[str, Any], *keys: str) -> Optional[int]:
    for key in keys:
        value = page.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _format_of(records: List[Any]) -> str:
    keys = set()
    for record in records[:_SAMPLE]:
        if isinstance(record, dict):
            keys |= set(record)
    if keys & outpost.MARKERS:
        return OUTPOST
    if keys & oruk1.MARKERS:
        return ORUK1
    return HSDS3
