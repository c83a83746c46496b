"""A directory of a test's own for running actions: a SQLite file with the bundled data (and any feed the test
adds), named in ``SIGNPOST_DATABASE_URL`` so the actions open it as they would in production, with the action
server's cached snapshot cleared before and after so no test sees another's directory."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from actions import directory
from knowledge.bundled.loader import load_bundled
from knowledge.formats.importer import import_hsds
from knowledge.store.db import create_schema, make_engine, session_scope


@contextmanager
def actions_directory(
    folder: Path, monkeypatch: Any, *, feed: Any = None, clock_override: bool = False, **import_options: Any
) -> Iterator[str]:
    """Yields the URL of a fresh directory: the bundled data plus ``feed`` (imported with ``import_options``)."""
    url = f"sqlite:///{folder / 'directory.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with session_scope(engine) as session:
        load_bundled(session)
        if feed is not None:
            report = import_hsds(session, feed, **import_options)
            assert not report.rejected, report.rejected
    engine.dispose()
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", url)
    if clock_override:
        monkeypatch.setenv("SIGNPOST_CLOCK_OVERRIDE", "1")
    directory.reset()
    try:
        yield url
    finally:
        directory.reset()
