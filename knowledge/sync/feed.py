"""Read a whole directory feed from a live API: every page of ``/services``, and each service in full.

Works with the page shapes real feeds use:

- ORUK 3.0 / HSDS 3.0: ``{total_items, total_pages, page_number, first_page, last_page, contents: [...]}``
- ORUK 1.0 and Outpost (Spring style): ``{totalElements, totalPages, number, first, last, content: [...]}``
- a bare JSON array (the whole list at once).

List endpoints often give only a service's own fields (HSDS 3.0 says so; Bristol's ORUK 1.0 list has no phones,
schedules or locations): such a *shallow* record is fetched again from ``/services/{id}``, which holds the rest.
Nothing is written here; a feed that cannot be read completely raises :class:`FeedError` and the caller keeps
the directory as it was.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional
from urllib.parse import quote, urlsplit, urlunsplit

from knowledge.sync.client import FeedClient, FeedError

#: Where a page keeps its services (HSDS 3.0 / ORUK 3.0, then Spring-style ORUK 1.0 and Outpost).
PAGE_LIST_KEYS = ("contents", "content")

#: Child arrays that only a full service record carries. A list record with none of them is shallow.
NESTED_KEYS = frozenset({
    "phones", "contacts", "schedules", "regular_schedules", "holiday_schedules", "service_at_locations",
    "locations", "service_areas", "attributes", "taxonomies", "service_taxonomys", "service_taxonomies",
    "eligibilitys", "eligibilities", "languages", "cost_options",
})

#: A feed with more pages than this is not a council directory; stop rather than loop for ever.
MAX_PAGES = 5000

#: "auto": fetch ``/services/{id}`` for shallow records; "always"; "never".
DETAIL_MODES = ("auto", "always", "never")

#: progress(stage, done, total): stage is "pages" or "services"; total may be unknown (None).
Progress = Callable[[str, int, Optional[int]], None]


@dataclass
class Page:
    records: list
    total_pages: int | None = None
    total_items: int | None = None
    is_first: bool | None = None
    is_last: bool | None = None


@dataclass
class FeedRead:
    """Everything one sync read, before anything is written."""

    url: str
    records: list = field(default_factory=list)
    pages: int = 0
    details_fetched: int = 0
    declared_total: int | None = None
    notes: list = field(default_factory=list)


def services_url(url: str) -> str:
    """The ``/services`` endpoint of an API given either its base URL or the endpoint itself."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FeedError(f"{url!r} is not an http(s) address of a directory API")
    path = parts.path.rstrip("/")
    if not path.endswith("/services"):
        path = f"{path}/services"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def read_page(data: Any, what: str) -> Page:
    """One page of ``/services`` in any of the shapes above."""
    if isinstance(data, list):
        return Page(records=data, total_pages=1, is_first=True, is_last=True)
    if not isinstance(data, dict):
        raise FeedError(f"{what}: expected a page of services, got {type(data).__name__}")
    key = next((k for k in PAGE_LIST_KEYS if k in data), None)
    if key is None:
        raise FeedError(f"{what}: no list of services in it (expected 'contents' or 'content')")
    if not isinstance(data[key], list):
        raise FeedError(f"{what}: its {key!r} is not a list of services")
    return Page(
        records=data[key],
        total_pages=_int(data, "total_pages", "totalPages"),
        total_items=_int(data, "total_items", "totalElements"),
        is_first=_bool(data, "first_page", "first"),
        is_last=_bool(data, "last_page", "last"),
    )


def is_shallow(record: Any) -> bool:
    return isinstance(record, dict) and not (NESTED_KEYS & record.keys())


def read_feed(
    client: FeedClient,
    url: str,
    *,
    per_page: int = 100,
    details: str = "auto",
    progress: Progress | None = None,
) -> FeedRead:
    """Read every service the API at ``url`` lists; raise :class:`FeedError` if any part cannot be read."""
    if details not in DETAIL_MODES:
        raise ValueError(f"details must be one of {DETAIL_MODES}")
    list_url = services_url(url)
    result = FeedRead(url=list_url)
    _read_pages(client, list_url, per_page, result, progress or _quiet)
    _read_details(client, list_url, details, result, progress or _quiet)
    return result


def _read_pages(client: FeedClient, list_url: str, per_page: int, result: FeedRead, progress: Progress) -> None:
    number = 1
    first_page: Page | None = None
    while True:
        what = f"page {number} of the service list"
        try:
            page = read_page(client.get_json(list_url, params={"page": number, "per_page": per_page}, what=what), what)
        except FeedError as error:
            raise _changed_while_reading(error, first_page, result) from None
        if first_page is None:
            if page.is_first is False and number == 1:
                number = 0  # a Spring feed counting pages from 0: page 1 was the second page
                continue
            first_page = page
            result.declared_total = page.total_items
        result.pages += 1
        if not page.records and result.records and _promised_more(first_page, result):
            raise FeedError(
                f"{what} came back empty although the feed said it had {_promise(first_page)}: "
                "the feed changed while it was being read"
            )
        result.records.extend(page.records)
        progress("pages", result.pages, first_page.total_pages)
        if _is_last(page, first_page, result, number):
            break
        if result.pages >= MAX_PAGES:
            raise FeedError(f"the feed has more than {MAX_PAGES} pages; that is not a council directory")
        number += 1
    if first_page.total_items is not None and len(result.records) < first_page.total_items:
        raise FeedError(
            f"the feed said it had {first_page.total_items} services but gave {len(result.records)}: "
            "it changed while it was being read"
        )
    if first_page.total_items is not None and len(result.records) > first_page.total_items:
        result.notes.append(
            f"the feed said it had {first_page.total_items} services but listed {len(result.records)} records"
        )


def _read_details(client: FeedClient, list_url: str, details: str, result: FeedRead, progress: Progress) -> None:
    if details == "never":
        return
    wanted = [
        i for i, record in enumerate(result.records)
        if isinstance(record, dict) and _record_id(record) and (details == "always" or is_shallow(record))
    ]
    for done, index in enumerate(wanted, start=1):
        record_id = _record_id(result.records[index])
        what = f"service {record_id}"
        try:
            full = client.get_json(f"{list_url}/{quote(record_id, safe='')}", what=what)
        except FeedError as error:
            if done == 1 and "HTTP 404" in str(error):
                raise FeedError(f"{error}; if this API has no /services/{{id}}, sync with --details never") from None
            raise
        if not isinstance(full, dict):
            raise FeedError(f"{what}: expected one service object, got {type(full).__name__}")
        result.records[index] = full
        result.details_fetched += 1
        progress("services", done, len(wanted))


def _is_last(page: Page, first_page: Page, result: FeedRead, number: int) -> bool:
    if not page.records or page.is_last:
        return True
    if page.is_last is False:
        return False
    if first_page.total_pages is not None:
        return result.pages >= first_page.total_pages
    if first_page.total_items is not None:
        return len(result.records) >= first_page.total_items
    return False  # no page information: read on until an empty page


def _promised_more(first_page: Page, result: FeedRead) -> bool:
    if first_page.total_pages is not None and result.pages <= first_page.total_pages:
        return True
    return first_page.total_items is not None and len(result.records) < first_page.total_items


def _promise(first_page: Page) -> str:
    if first_page.total_pages is not None:
        return f"{first_page.total_pages} pages"
    return f"{first_page.total_items} services"


def _changed_while_reading(error: FeedError, first_page: Page | None, result: FeedRead) -> FeedError:
    """A later page that is suddenly missing means the feed changed under us: say so."""
    if first_page is None or "HTTP 404" not in str(error):
        return error
    return FeedError(
        f"{error}; the feed said it had {_promise(first_page)}, so it changed while it was being read"
    )


def _record_id(record: dict) -> str:
    value = record.get("id")
    return str(value).strip() if isinstance(value, (str, int)) and str(value).strip() else ""


def _int(data: dict, *keys: str) -> int | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return None


def _bool(data: dict, *keys: str) -> bool | None:
    for key in keys:
        if isinstance(data.get(key), bool):
            return data[key]
    return None


def _quiet(_stage: str, _done: int, _total: int | None) -> None:
    return None
