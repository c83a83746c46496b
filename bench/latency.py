"""Per-turn latency, throughput and memory of a real signpost server under 1 and 20 concurrent conversations.

Starts the server as the end-to-end tests do (bench/_server.py: `signpost kb init` into a temporary SQLite file,
`python -m bot.cli run` on free 127.0.0.1 ports, SIGNPOST_CLOCK_OVERRIDE=1) with the trained model
models/signpost.tar.gz, which this script never trains. Then holds multi-turn conversations over the REST
channel (/webhooks/rest/webhook, with metadata `now` and sometimes `area`), taken from what people write: a
drinker at 2am, a worried parent, someone out of prison, an emergency in the middle of the area question.

For each concurrency level a fixed number of turns is sent (default 200): N threads each hold one conversation
at a time, a new sender each time, until the turns are used up. A turn is one POST and its full reply (the Rasa
server runs the NLU, the policies and every custom action on the action server before it answers). Memory is
VmRSS of the Rasa server process and the action server process (the CLI's children), after warm-up and after
each level.

    .venv/bin/python bench/latency.py [--turns 200] [--levels 1 20] [--json results.json]
"""
from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import RunningServer, print_header, start_server, write_json  # noqa: E402

from bot import settings  # noqa: E402
from tests.production.traffic import SCRIPTS  # noqa: E402

#: The same conversations the production fault test plays (one list, in tests/production/traffic.py).
CONVERSATIONS = SCRIPTS


@dataclass
class LevelResult:
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall_seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {
            "concurrency": self.concurrency,
            "turns": len(ordered),
            "errors": self.errors,
            "p50_ms": 1000 * statistics.median(ordered),
            "p95_ms": 1000 * ordered[max(0, round(0.95 * len(ordered)) - 1)],
            "max_ms": 1000 * ordered[-1],
            "turns_per_second": len(ordered) / self.wall_seconds,
            "wall_seconds": self.wall_seconds,
        }


def say(server: RunningServer, sender: str, text: str, metadata: dict[str, str]) -> bool:
    """One turn; True when the server answered 200 with at least one reply."""
    body = json.dumps({"sender": sender, "message": text, "metadata": metadata}).encode("utf-8")
    request = urllib.request.Request(server.base_url + "/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            replies = json.loads(response.read() or b"null")
            return response.status == 200 and isinstance(replies, list) and bool(replies)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def run_level(server: RunningServer, concurrency: int, total_turns: int) -> LevelResult:
    result = LevelResult(concurrency)
    lock = threading.Lock()
    budget = iter(range(total_turns))  # each turn takes one ticket; shared across threads under the lock
    scripts = itertools.cycle(CONVERSATIONS)

    def take_ticket() -> bool:
        with lock:
            return next(budget, None) is not None

    def person() -> None:
        while True:
            with lock:
                script = next(scripts)
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            for text in script.turns:
                if not take_ticket():
                    return
                started = time.perf_counter()
                ok = say(server, sender, text, script.metadata)
                elapsed = time.perf_counter() - started
                with lock:
                    result.latencies.append(elapsed)
                    result.errors += not ok

    threads = [threading.Thread(target=person, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall_seconds = time.perf_counter() - started
    return result


def warm_up(server: RunningServer) -> None:
    """Every script once, unmeasured: the first turns load TensorFlow graphs and fill the action server's caches."""
    for script in CONVERSATIONS:
        sender = f"bench-warm-{uuid.uuid4().hex[:8]}"
        for text in script.turns:
            say(server, sender, text, script.metadata)


def format_memory(memory: dict[str, float | None]) -> str:
    return ", ".join(f"{name} {value:.0f} MiB" if value is not None else f"{name} gone"
                     for name, value in memory.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200, help="turns per concurrency level")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 20], help="concurrent conversations")
    parser.add_argument("--json", help="also write the results to this file (for bench/run_all.py)")
    args = parser.parse_args(argv)
    machine = print_header("Latency and memory of a running server (REST channel)",
                           [sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    if not settings.MODEL_FILE.exists():
        print(f"No trained model at {settings.MODEL_FILE}. Train it first:\n"
              f"    .venv/bin/signpost train        (or: make model)", file=sys.stderr)
        return 2

    print("Starting the server (kb init into a temporary SQLite file, then signpost run) ...", flush=True)
    started = time.monotonic()
    server = start_server()
    try:
        print(f"   up in {time.monotonic() - started:.0f} s; processes: {server.server_pids()}")
        print(f"   memory at start: {format_memory(server.memory())}", flush=True)
        warm_up(server)
        memory = {"after warm-up": server.memory()}
        print(f"   memory after warm-up: {format_memory(memory['after warm-up'])}", flush=True)
        levels = []
        for concurrency in args.levels:
            print(f"-- {concurrency} concurrent conversation(s), {args.turns} turns ...", flush=True)
            summary = run_level(server, concurrency, args.turns).summary()
            levels.append(summary)
            memory[f"after {concurrency} concurrent"] = server.memory()
            print(f"   p50 {summary['p50_ms']:.0f} ms, p95 {summary['p95_ms']:.0f} ms, max {summary['max_ms']:.0f} ms, "
                  f"{summary['turns_per_second']:.1f} turns/s, {summary['errors']} error(s)", flush=True)
            print(f"   memory: {format_memory(memory[f'after {concurrency} concurrent'])}", flush=True)
    finally:
        server.stop()
        server.remove_files()

    print()
    print("concurrent  turns  errors  p50 ms  p95 ms  max ms  turns/s")
    for level in levels:
        print(f"{level['concurrency']:>10}  {level['turns']:>5}  {level['errors']:>6}  {level['p50_ms']:>6.0f}  "
              f"{level['p95_ms']:>6.0f}  {level['max_ms']:>6.0f}  {level['turns_per_second']:>7.1f}")
    print()
    print("RSS (MiB)            " + "  ".join(f"{name:>14}" for name in next(iter(memory.values()))))
    for moment, values in memory.items():
        print(f"{moment:<20} " + "  ".join(f"{(v or 0):>14.0f}" for v in values.values()))
    write_json(args.json, {"machine": machine, "levels": levels, "memory_mib": memory})
    failed = sum(level["errors"] for level in levels)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
