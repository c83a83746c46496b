"""A TCP relay in front of the machine's PostgreSQL, to make a database outage real without stopping it.

``cut()`` drops every connection through it and refuses new ones, as a PostgreSQL restart or a network cut does;
``start()`` again restores it on the same port; ``hang()`` accepts and never answers, as a hung server or a
half-open network does. Used by tests/resilience/test_faults.py and tests/production/ (outages.py, the fault test).
"""
from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

from tests.support.server import free_port


class Relay:
    """Forwards 127.0.0.1:port to PostgreSQL; ``cut()`` drops every connection and refuses new ones."""

    def __init__(self, target_port: int = 5432) -> None:
        self.port = free_port()
        self._target = target_port
        self._loop = asyncio.new_event_loop()
        self._server: Any = None
        self._writers: set = set()
        self._hanging = False
        threading.Thread(target=self._loop.run_forever, daemon=True).start()

    def url(self, database_url: str) -> str:
        """``database_url`` (on 127.0.0.1:5432) through this relay."""
        return database_url.replace(f"127.0.0.1:{self._target}/", f"127.0.0.1:{self.port}/", 1)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self._hanging:  # accept, read and never answer
            self._writers.add(client_writer)
            with contextlib.suppress(ConnectionError, OSError):
                while await client_reader.read(65536):
                    pass
            return
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self._target)
        except OSError:
            client_writer.close()
            return
        self._writers |= {client_writer, server_writer}
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))

    def start(self) -> "Relay":
        async def serve() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

        asyncio.run_coroutine_threadsafe(serve(), self._loop).result(5)
        return self

    def cut(self) -> None:
        async def close() -> None:
            self._server.close()
            await self._server.wait_closed()
            for writer in list(self._writers):
                writer.close()
            self._writers.clear()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)

    def hang(self) -> None:
        """Drop every connection, then accept new ones and never answer: a hung server or a half-open network."""

        async def hang() -> None:
            self._hanging = True
            for writer in list(self._writers):
                writer.close()
            self._writers.clear()

        asyncio.run_coroutine_threadsafe(hang(), self._loop).result(5)

    def unhang(self) -> None:
        """Forward again; the connections left hanging are closed."""

        async def unhang() -> None:
            self._hanging = False
            for writer in list(self._writers):
                writer.close()
            self._writers.clear()

        asyncio.run_coroutine_threadsafe(unhang(), self._loop).result(5)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
