"""How long `signpost train --force` takes (NLU + dialogue policies) from a cold Rasa cache, and its peak memory.

Rasa 3.6 caches trained components under .rasa/cache (rasa/engine/caching.py); a warm cache would make this
a measure of copying files. So the run points RASA_CACHE_DIRECTORY at an empty temporary folder, and writes the
model to a temporary SIGNPOST_MODELS_DIR so the project's models/signpost.tar.gz (which the running assistant
and the tests use) is left alone. The spaCy model in build/ is reused when it is already built (it takes well
under a second either way).

Peak RSS is ru_maxrss of the children (resource.getrusage RUSAGE_CHILDREN) once the command has finished: the
largest resident size of any single process in the tree, which is the `rasa train` process.

    .venv/bin/python bench/train_time.py [--json results.json]
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import PROJECT_ROOT, print_header, write_json  # noqa: E402

from bot import settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the results to this file (for bench/run_all.py)")
    args = parser.parse_args(argv)
    machine = print_header("Training time: signpost train --force, cold Rasa cache",
                           [sys.argv[0], *(argv if argv is not None else sys.argv[1:])])

    workdir = Path(tempfile.mkdtemp(prefix="signpost-train-time-"))
    env = {
        **settings.rasa_environment(),
        "RASA_CACHE_DIRECTORY": str(workdir / "rasa-cache"),
        "SIGNPOST_MODELS_DIR": str(workdir / "models"),
    }
    command = [sys.executable, "-m", "bot.cli", "train", "--force"]
    log_path = workdir / "train.log"
    try:
        print("Training (output in a log; this takes minutes) ...", flush=True)
        started = time.monotonic()
        with open(log_path, "wb") as log:
            result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        seconds = time.monotonic() - started
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        model = workdir / "models" / f"{settings.MODEL_NAME}.tar.gz"
        if result.returncode != 0 or not model.exists():
            print(f"Training failed (exit {result.returncode}); last lines of the log:", file=sys.stderr)
            print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
            return 1
        size_mib = model.stat().st_size / 2**20
        print(f"signpost train --force: {seconds:.0f} s wall clock, peak RSS {peak_mib:.0f} MiB, "
              f"model {size_mib:.1f} MiB")
        write_json(args.json, {"machine": machine, "seconds": seconds, "peak_rss_mib": peak_mib,
                               "model_mib": size_mib})
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
