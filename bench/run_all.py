"""Every benchmark in sequence, then one summary. `make bench` runs this (after `kb` and `model`).

One at a time on purpose: they share the machine's cores, and any two at once would slow each other down.
Each script prints its own machine line, date and repro command; the summary repeats the headline figures.

    .venv/bin/python bench/run_all.py [--only nlu_compare latency ...]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import PROJECT_ROOT, print_header  # noqa: E402

from bot import settings  # noqa: E402

BENCH = Path(__file__).resolve().parent

#: name -> (script, arguments, writes --json results that the summary reads)
BENCHMARKS: dict[str, tuple[str, list[str], bool]] = {
    "crisis_eval": ("crisis_eval.py", ["--split", "test"], False),
    "bench_hours": ("bench_hours.py", [], False),
    "bench_search": ("bench_search.py", [], False),
    "relevance": ("relevance.py", [], False),
    "bench_scale": ("bench_scale.py", [], False),
    "bench_report": ("bench_report.py", [], False),
    "nlu_compare": ("nlu_compare.py", [], True),
    "train_time": ("train_time.py", [], True),
    "latency": ("latency.py", [], True),
}


def summarise(name: str, results: dict) -> list[str]:
    if name == "nlu_compare":
        return [
            f"{row['pipeline']}: accuracy {row['accuracy']:.3f}, macro-F1 {row['macro_f1']:.3f}, "
            f"weighted-F1 {row['weighted_f1']:.3f}, emergency recall {row['emergency_recall']:.3f} "
            f"({row['emergency_caught']}), train {row['train_seconds_text']} s"
            for row in results["rows"]
        ]
    if name == "train_time":
        return [f"signpost train --force (cold cache): {results['seconds']:.0f} s, "
                f"peak RSS {results['peak_rss_mib']:.0f} MiB"]
    if name == "latency":
        lines = [
            f"{level['concurrency']} concurrent: p50 {level['p50_ms']:.0f} ms, p95 {level['p95_ms']:.0f} ms, "
            f"max {level['max_ms']:.0f} ms, {level['turns_per_second']:.1f} turns/s, {level['errors']} error(s)"
            for level in results["levels"]
        ]
        for moment, values in results["memory_mib"].items():
            lines.append(f"RSS {moment}: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in values.items() if v))
        return lines
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), help="run only these")
    args = parser.parse_args(argv)
    print_header("signpost benchmarks (all)", [sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    chosen = args.only or list(BENCHMARKS)
    outcomes: list[tuple[str, int, float, list[str]]] = []
    with tempfile.TemporaryDirectory(prefix="signpost-bench-all-") as scratch:
        for name in chosen:
            script, extra, has_json = BENCHMARKS[name]
            command = [sys.executable, str(BENCH / script), *extra]
            json_path = Path(scratch) / f"{name}.json"
            if has_json:
                command += ["--json", str(json_path)]
            print(f"\n######## {name}\n", flush=True)
            started = time.monotonic()
            code = subprocess.run(command, cwd=PROJECT_ROOT, env=settings.rasa_environment()).returncode
            seconds = time.monotonic() - started
            lines = summarise(name, json.loads(json_path.read_text())) if has_json and json_path.exists() else []
            outcomes.append((name, code, seconds, lines))

    print("\n######## summary\n")
    for name, code, seconds, lines in outcomes:
        status = "ok" if code == 0 else f"exit {code}"
        print(f"{name} ({status}, {seconds:.0f} s)" + ("" if lines else ": figures in its output above"))
        for line in lines:
            print(f"    {line}")
    return 0 if all(code == 0 for _, code, _, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
