"""Load test with Locust (headless), side by side in one run: Rasa's starter assistant, the previous revision,
this tree, and this tree as two servers behind nginx.

For each target and each level (default 1, 20 and 100 concurrent conversations) Locust runs for a fixed time
(default 30 s) with that many users, each holding one conversation at a time over the REST channel and saying
the next line as soon as the reply is in (bench/locustfile.py). Prints p50/p95 per turn, turns per second and
failures per target and level, then the ratios to the starter.

Targets, one after the other on the same machine (traffic only to 127.0.0.1):

* **starter**: `rasa init --no-prompt` in a temporary folder (Rasa's moodbot: no custom actions, no database;
  trained in the run), `rasa run` with its own REST channel: the floor of any Rasa assistant here.
* **previous**: `git worktree` of ``--previous`` (default HEAD~1), its own model trained there (a few minutes),
  `signpost run` from there.
* **current**: `signpost run` from this tree (bench/_server.py).
* **2 servers**: this tree as tests/production/cluster.py runs it: two Rasa servers and two action servers
  behind the shipped nginx config, PostgreSQL conversations (a schema of the run's own) and the Redis lock.

Locust and py-spy live in bench/.venv-load (bench/load_venv.py), apart from Rasa's pins.

    .venv/bin/python bench/load.py [--levels 1 20 100] [--seconds 30] [--previous REV]
                                   [--targets starter previous current cluster]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import PROJECT_ROOT, free_port, print_header, start_server, write_json  # noqa: E402
from load_venv import ensure_load_venv  # noqa: E402

sys.path.insert(0, str(PROJECT_ROOT))
from bot import settings  # noqa: E402
from tests.production.traffic import SCRIPTS  # noqa: E402

#: What people say to Rasa's moodbot (its own training examples' kind), five turns like ours.
STARTER_SCRIPTS = [
    {"metadata": {}, "turns": ["hello", "I am feeling very sad", "no", "goodbye"]},
    {"metadata": {}, "turns": ["hi there", "great", "are you a bot?", "bye"]},
    {"metadata": {}, "turns": ["good morning", "unhappy", "yes", "see you around"]},
]
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


def wait_for(url: str, timeout: float, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"server for {url} exited")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")


# --------------------------------------------------------------------------- targets: each yields its base URL


def starter_target(workdir: Path) -> Iterator[str]:
    project = workdir / "starter"
    project.mkdir()
    env = settings.rasa_environment()
    rasa = [sys.executable, "-m", "rasa"]
    subprocess.run(rasa + ["init", "--no-prompt"], cwd=project, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    with open(workdir / "starter.log", "wb") as log:
        process = subprocess.Popen(rasa + ["run", "--port", str(port)], cwd=project, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/", 300, lambda: process.poll() is None)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def previous_target(workdir: Path, revision: str) -> Iterator[str]:
    tree = workdir / "previous"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], cwd=PROJECT_ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {key: value for key, value in settings.rasa_environment().items() if key != "PYTHONPATH"}
    env.update({
        "PYTHONPATH": str(tree),
        "SIGNPOST_DATABASE_URL": f"sqlite:///{workdir / 'previous-directory.db'}",
        "SIGNPOST_TRACKER_URL": f"sqlite:///{workdir / 'previous-conversations.db'}",
        # Its own model, trained from its own data and components (a newer model names components it lacks).
        "SIGNPOST_MODELS_DIR": str(workdir / "previous-models"),
        "RASA_CACHE_DIRECTORY": str(workdir / "previous-rasa-cache"),
        "SIGNPOST_CLOCK_OVERRIDE": "1",
        "SIGNPOST_PSEUDONYM_KEY": "signpost-bench-pseudonym-key-0123456789abcdef",
        "SIGNPOST_LIMIT_PER_ADDRESS": "off",
        "SIGNPOST_LIMIT_PER_SENDER": "off",
    })
    cli = [sys.executable, "-m", "bot.cli"]
    port, actions_port = free_port(), free_port()
    try:
        subprocess.run(cli + ["kb", "init"], cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(cli + ["train"], cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        with open(workdir / "previous.log", "wb") as log:
            process = subprocess.Popen(cli + ["run", "--port", str(port), "--actions-port", str(actions_port)],
                                       cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(f"http://127.0.0.1:{port}/", 420, lambda: process.poll() is None)
            wait_for(f"http://127.0.0.1:{actions_port}/health", 60, lambda: process.poll() is None)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=60)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=PROJECT_ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def current_target(workdir: Path) -> Iterator[str]:
    os.environ.setdefault("SIGNPOST_LIMIT_PER_ADDRESS", "off")
    os.environ.setdefault("SIGNPOST_LIMIT_PER_SENDER", "off")
    server = start_server(timeout=420)
    try:
        yield server.base_url
    finally:
        server.stop()
        server.remove_files()


def cluster_target(workdir: Path) -> Iterator[str]:
    import sqlalchemy as sa

    from tests.production.cluster import Cluster

    schema = f"signpost_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, future=True)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    prefix = f"signpost-bench-{uuid.uuid4().hex[:12]}:"
    cluster = Cluster(workdir / "cluster", f"{PG_URL}?options=-csearch_path%3D{schema}", REDIS_URL, prefix)
    try:
        cluster.start(timeout=600)
        yield cluster.url
    finally:
        cluster.stop()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=prefix + "*", count=500):
            client.delete(key)
        client.close()


# --------------------------------------------------------------------------- Locust


def run_locust(venv: Path, url: str, scripts: list[dict], users: int, seconds: int, workdir: Path) -> dict:
    scripts_file = workdir / f"scripts-{uuid.uuid4().hex[:6]}.json"
    scripts_file.write_text(json.dumps(scripts), encoding="utf-8")
    prefix = workdir / f"locust-{uuid.uuid4().hex[:6]}"
    env = {**os.environ, "SIGNPOST_LOAD_SCRIPTS": str(scripts_file)}
    subprocess.run(
        [str(venv / "bin" / "locust"), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
         "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "30", "--host", url,
         "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
        env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 180,
    )
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "turn")
    return {
        "users": users,
        "turns": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "turns_per_s": float(row["Requests/s"]),
    }


def warm_up(url: str, scripts: list[dict]) -> None:
    """One conversation first, so lazy loading is not timed; a server that cannot answer stops the run."""
    sender = f"warm-{uuid.uuid4().hex[:8]}"
    answered = 0
    for text in scripts[0]["turns"]:
        body = json.dumps({"sender": sender, "message": text, "metadata": scripts[0]["metadata"]}).encode()
        request = urllib.request.Request(url + "/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            answered += bool(json.loads(response.read() or b"[]"))
    if not answered:
        raise RuntimeError(f"{url} answers nothing (no model loaded?)")


def require_model_loaded(url: str) -> None:
    """signpost is never silent: with no model loaded its channels still answer every turn with the fallback, at
    a speed no real turn has. So a signpost target must say on its health page that Rasa is up before it is timed."""
    with urllib.request.urlopen(url + "/webhooks/health/", timeout=30) as response:
        health = json.loads(response.read() or b"{}")
    if health.get("parts", {}).get("rasa") != "up":
        raise RuntimeError(f"{url} has no model loaded (health: {health}); its replies would all be the fallback")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 20, 100])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--previous", default="HEAD~1", help="revision to compare with (git worktree)")
    parser.add_argument("--targets", nargs="+", default=["starter", "previous", "current", "cluster"],
                        choices=["starter", "previous", "current", "cluster"])
    parser.add_argument("--json")
    args = parser.parse_args()
    machine = print_header("Load test (Locust): starter vs previous vs current vs two servers behind nginx",
                           sys.argv)
    if not settings.MODEL_FILE.exists():
        print(f"No trained model at {settings.MODEL_FILE}: run `make model` first.", file=sys.stderr)
        return 2
    venv = ensure_load_venv()
    previous = subprocess.run(["git", "rev-parse", "--short", args.previous], cwd=PROJECT_ROOT,
                              capture_output=True, text=True).stdout.strip()
    ours = [{"metadata": s.metadata, "turns": list(s.turns)} for s in SCRIPTS]
    workdir = Path(tempfile.mkdtemp(prefix="signpost-load-"))
    targets: dict[str, tuple[Callable[[], Iterator[str]], list[dict]]] = {
        "starter": (lambda: starter_target(workdir), STARTER_SCRIPTS),
        "previous": (lambda: previous_target(workdir, args.previous), ours),
        "current": (lambda: current_target(workdir), ours),
        "cluster": (lambda: cluster_target(workdir), ours),
    }
    labels = {"starter": "Rasa starter (rasa init)", "previous": f"signpost {previous} (previous)",
              "current": "signpost (this tree)", "cluster": "signpost, 2 servers + nginx"}
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        for name in args.targets:
            start, scripts = targets[name]
            print(f"-- {labels[name]}: starting", flush=True)
            generator = start()
            url = next(generator)
            try:
                warm_up(url, scripts)
                if name != "starter":
                    require_model_loaded(url)
                results[name] = []
                for users in args.levels:
                    result = run_locust(venv, url, scripts, users, args.seconds, workdir)
                    results[name].append(result)
                    print(f"   {users:>3} at a time: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
                          f"{result['turns_per_s']:.1f} turns/s, {result['turns']} turns, "
                          f"{result['failures']} failed", flush=True)
            finally:
                generator.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(results, labels, args.levels)
    write_json(args.json, {"machine": machine, "results": results})
    return 0


def print_table(results: dict[str, list[dict]], labels: dict[str, str], levels: list[int]) -> None:
    print("\n| target | conversations at once | p50 | p95 | turns/s | failed | p95 vs starter | turns/s vs starter |")
    print("|---|---|---|---|---|---|---|---|")
    floor = {r["users"]: r for r in results.get("starter", [])}
    for name, rows in results.items():
        for row in rows:
            base = floor.get(row["users"])
            ratio_p95 = f"{row['p95_ms'] / base['p95_ms']:.1f}x" if base and base["p95_ms"] else "-"
            ratio_tps = f"{row['turns_per_s'] / base['turns_per_s']:.2f}x" if base and base["turns_per_s"] else "-"
            print(f"| {labels[name]} | {row['users']} | {row['p50_ms']:.0f} ms | {row['p95_ms']:.0f} ms | "
                  f"{row['turns_per_s']:.1f} | {row['failures']} | {ratio_p95} | {ratio_tps} |")


if __name__ == "__main__":
    raise SystemExit(main())
