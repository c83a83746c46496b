"""Shared by the bench scripts: what machine the figures come from, and a real signpost server to measure.

The server is started the way tests/e2e/conftest.py starts it (`signpost kb init` into a temporary SQLite file,
then `python -m bot.cli run` on free ports with SIGNPOST_CLOCK_OVERRIDE=1), so the figures are for the same
processes a deployment runs: the CLI, its Rasa server child and its action server child.
"""
from __future__ import annotations

import json
import os
import platform
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bot import settings  # noqa: E402

# --------------------------------------------------------------------------- the machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


#: What the model is trained and scored from: a change here between two runs explains a change in NLU figures.
TRAINING_INPUTS = ("data", "bot", "safety", "tests/nlu_holdout")


def source_revision() -> str:
    """The commit, and whether the training inputs differ from it (others may be editing the tree)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD") or "unknown"
        changed = git("status", "--porcelain", "--", *TRAINING_INPUTS)
    except OSError:
        return "unknown (no git)"
    return commit + (" + uncommitted changes in " + ", ".join(TRAINING_INPUTS) if changed else "")


def machine_description() -> dict[str, Any]:
    return {
        "revision": source_revision(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "loadavg": os.getloadavg()[0],
        "python": platform.python_version(),
    }


def print_header(title: str, argv: list[str]) -> dict[str, Any]:
    """Print what is measured, where, when, and how to do it again; return the machine facts."""
    machine = machine_description()
    command = " ".join(shlex.quote(part) for part in [".venv/bin/python", *_relative(argv)])
    print(f"== {title}")
    print(f"   machine: {machine['nproc']} CPU(s), {machine['cpu']}; load average {machine['loadavg']:.2f} "
          f"(shared machine: other work may be running)")
    print(f"   date:    {machine['date']}; Python {machine['python']}; revision {machine['revision']}")
    print(f"   repro:   {command}")
    print(flush=True)
    machine["command"] = command
    return machine


def _relative(argv: list[str]) -> list[str]:
    """The script relative to the project root, without `--json PATH` (a scratch file of run_all.py's)."""
    rest: list[str] = []
    skip = False
    for part in argv[1:]:
        if skip:
            skip = False
        elif part == "--json":
            skip = True
        elif not part.startswith("--json="):
            rest.append(part)
    first = Path(argv[0]).resolve()
    try:
        return [str(first.relative_to(PROJECT_ROOT)), *rest]
    except ValueError:
        return [argv[0], *rest]


def write_json(path: str | None, payload: dict[str, Any]) -> None:
    """Results for bench/run_all.py's summary (when it asked for them)."""
    if path:
        Path(path).write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")


# --------------------------------------------------------------------------- processes


def children_of(pid: int) -> list[int]:
    """Direct children of a process, read from /proc (psutil is not a dependency)."""
    children: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def rss_mib(pid: int) -> float | None:
    """Resident set size (VmRSS) of one process in MiB, or None when it is gone."""
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status


@dataclass
class RunningServer:
    base_url: str
    actions_url: str
    process: subprocess.Popen
    workdir: Path

    @property
    def log_path(self) -> Path:
        return self.workdir / "server.log"

    def server_pids(self) -> dict[str, int]:
        """The Rasa server and the action server, found among the CLI process's children."""
        found: dict[str, int] = {}
        for pid in children_of(self.process.pid):
            line = command_line(pid)
            if "rasa_sdk" in line:
                found["action server"] = pid
            elif " rasa run" in line or "-m rasa run" in line:
                found["rasa server"] = pid
        return found

    def memory(self) -> dict[str, float | None]:
        return {name: rss_mib(pid) for name, pid in sorted(self.server_pids().items())}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def remove_files(self) -> None:
        """Delete the temporary directory: SQLite file and server log (left in place when start-up fails, to read)."""
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_server(timeout: float = 300) -> RunningServer:
    """`signpost kb init` into a fresh SQLite file, then `signpost run` on free ports; wait until both answer."""
    workdir = Path(tempfile.mkdtemp(prefix="signpost-bench-"))
    env = {
        **settings.rasa_environment(),
        "SIGNPOST_DATABASE_URL": f"sqlite:///{workdir / 'directory.db'}",
        "SIGNPOST_CLOCK_OVERRIDE": "1",
        # All the load comes from this machine: request limits (channels/limits.py) would measure themselves.
        "SIGNPOST_LIMIT_PER_ADDRESS": "off",
        "SIGNPOST_LIMIT_PER_SENDER": "off",
    }
    signpost = [sys.executable, "-m", "bot.cli"]
    subprocess.run(signpost + ["kb", "init"], cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    port, actions_port = free_port(), free_port()
    with open(workdir / "server.log", "wb") as log:
        process = subprocess.Popen(
            signpost + ["run", "--port", str(port), "--actions-port", str(actions_port)],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    server = RunningServer(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{actions_port}", process, workdir)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"signpost run exited early; log: {server.log_path}")
        try:
            if _status(server.base_url + "/") == 200 and _status(server.actions_url + "/health") == 200:
                return server
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"signpost run did not start in {timeout:.0f} s; log: {server.log_path}")
        time.sleep(1)
