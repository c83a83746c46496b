"""Where a turn's time goes: py-spy samples the Rasa server and the action server while conversations run.

Starts a real server (bench/_server.py, as latency.py does), plays the latency conversations over REST with N at
a time for a fixed number of turns, and meanwhile runs ``py-spy record --format raw`` (sampling, no code
changes, from the load venv bench/.venv-load made from bench/load-requirements.txt) on both server processes.
Prints, for each process, the share of samples in each part of the work (a sample counts for the first part,
from the top of the stack, whose file it is in) and the busiest functions of our own code.

    .venv/bin/python bench/profile_turn.py [--turns 300] [--concurrency 20] [--rate 200]
"""
from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import PROJECT_ROOT, print_header, start_server  # noqa: E402
from load_venv import ensure_load_venv  # noqa: E402

sys.path.insert(0, str(PROJECT_ROOT))
from tests.production.traffic import SCRIPTS, play  # noqa: E402

#: Parts of a turn, by the file of the innermost stack frame that belongs to one (paths as py-spy prints them:
#: relative to site-packages or to the project). First match wins.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("TensorFlow (DIET/TED inference)", ("tensorflow/", "keras/")),
    ("spaCy / tokenising", ("spacy/", "thinc/", "bot/spacy_model")),
    ("NLU featurisers (count vectors, sklearn)", ("rasa/nlu/featurizers", "sklearn/", "scipy/")),
    ("JSON-schema validation (jsonschema)", ("jsonschema/", "pyrsistent/")),
    ("conversation store (SQLAlchemy, DB driver)", ("sqlalchemy/", "bot/tracker_store.py", "psycopg2/",
                                                    "sqlite3/")),
    ("lock store (Redis)", ("redis/", "bot/lock_store.py")),
    ("our NLU components (crisis rules, privacy)", ("safety/", "bot/components/")),
    ("our actions: directory search, opening hours, replies", ("actions/", "knowledge/", "replies/", "insight/")),
    ("policies and graph (Rasa core)", ("rasa/core/policies", "rasa/engine/", "rasa/core/featurizers",
                                        "rasa/utils/tensorflow", "rasa/shared/nlu/training_data/features")),
    ("tracker and events (de)serialisation", ("rasa/shared/core/trackers.py", "rasa/shared/core/events.py",
                                              "rasa/shared/core/domain.py", "json/", "rasa_sdk/interfaces.py")),
    ("HTTP (Sanic, aiohttp, httptools)", ("sanic/", "aiohttp/", "httptools", "multidict/", "yarl/", "ujson")),
    ("logging and redaction", ("logging/", "bot/logging_privacy.py", "structlog/")),
)
#: Innermost frames of a thread that is waiting, not working: left out of the shares.
IDLE = ("concurrent/futures/thread.py", "threading.py", "selectors.py", "sanic/server/runners.py",
        "asyncio/base_events.py", "queue.py", "tensorflow/python/eager/context.py")


def frame_path(frame: str) -> str:
    """``function (path:line)`` -> ``path``."""
    inside = frame[frame.rfind("(") + 1:]
    return inside.rsplit(":", 1)[0]


def part_of(stack: list[str]) -> str:
    for frame in reversed(stack):  # innermost first
        path = frame_path(frame)
        for name, prefixes in PARTS:
            if any(path.startswith(prefix) or f"/{prefix}" in path for prefix in prefixes):
                return name
    return "other (Rasa processor and agent, rasa-sdk, standard library)"


def summarise(raw: Path, label: str) -> None:
    counts: collections.Counter[str] = collections.Counter()
    ours: collections.Counter[str] = collections.Counter()
    busy = idle = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack_text, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        samples = int(number)
        stack = stack_text.split(";")
        if any(marker in frame_path(stack[-1]) for marker in IDLE):
            idle += samples
            continue
        busy += samples
        counts[part_of(stack)] += samples
        for frame in reversed(stack):
            path = frame_path(frame)
            if path.startswith(("bot/", "actions/", "knowledge/", "channels/", "safety/", "replies/")):
                ours[frame.split(" (")[0] + " (" + path + ")"] += samples
                break
    if not busy:
        print(f"   {label}: no busy samples")
        return
    print(f"\n   {label}: {busy} busy samples (and {idle} of threads waiting, left out)")
    print("   | part of the work | share of busy samples |")
    print("   |---|---|")
    for name, count in counts.most_common():
        print(f"   | {name} | {100 * count / busy:.1f} % |")
    if ours:
        print("   our code (innermost own frame):")
        for frame, count in ours.most_common(8):
            print(f"     {100 * count / busy:5.1f} %  {frame}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument("--summarise", nargs="+", metavar="RAW", help="only summarise saved py-spy raw files")
    args = parser.parse_args()
    if args.summarise:
        for raw in args.summarise:
            summarise(Path(raw), Path(raw).stem)
        return 0
    print_header("Where a turn's time goes (py-spy on both servers under load)", sys.argv)
    venv = ensure_load_venv()
    server = start_server()
    workdir = Path(tempfile.mkdtemp(prefix="signpost-profile-"))
    try:
        pids = server.server_pids()
        warm = play(server.base_url, SCRIPTS[0])
        assert all(t.replies for t in warm.turns), "the server answers"
        recorders = {
            name: subprocess.Popen(
                [str(venv / "bin" / "py-spy"), "record", "--pid", str(pid), "--rate", str(args.rate),
                 "--format", "raw", "--output", str(workdir / f"{name.replace(' ', '-')}.txt"), "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            for name, pid in pids.items()
        }
        time.sleep(1)
        done = 0
        lock = threading.Lock()
        started = time.monotonic()

        def worker(offset: int) -> None:
            nonlocal done
            index = offset
            while True:
                with lock:
                    if done >= args.turns:
                        return
                script = SCRIPTS[index % len(SCRIPTS)]
                index += args.concurrency
                played = play(server.base_url, script)
                with lock:
                    done += len(played.turns)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        for recorder in recorders.values():
            recorder.send_signal(2)  # SIGINT: py-spy writes its file and exits
            recorder.wait(timeout=60)
        print(f"   {done} turns in {seconds:.1f} s ({done / seconds:.1f} turns/s) at {args.concurrency} at a time")
        for name in recorders:
            summarise(workdir / f"{name.replace(' ', '-')}.txt", name)
        print(f"\n   raw profiles kept in {workdir} (flame graphs: py-spy's raw format)")
    finally:
        server.stop()
        server.remove_files()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
