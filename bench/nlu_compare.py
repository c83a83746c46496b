"""NLU on held-out messages: our pipeline (bot/config.yml) against Rasa 3.6's default pipeline.

Both are trained in this run on the same data/nlu with `rasa train nlu` into a temporary folder, each with its
own empty Rasa cache (RASA_CACHE_DIRECTORY), so neither reuses anything trained before and the training times
compare. Then every message in tests/nlu_holdout/holdout.yml (never trained on) is parsed by each model through
Rasa's Python API (Agent.parse_message), and the script prints accuracy, macro-F1, weighted-F1, emergency recall,
false alarms and training seconds side by side.

The rows:
- "ours": bot/config.yml as deployed, ending with the crisis rule layer (bot.components.crisis.CrisisOverride).
- "ours without crisis override": the same config minus that last component. It is trained against our own cache,
  so every trained component is reused unchanged (the override is untrained and runs last): this row is exactly
  the classifier's own answer, and costs seconds, not minutes. Its training time is not a real figure.
- "Rasa default": the pipeline Rasa 3.6.21 fills in for a config without one, read from the installed
  rasa/engine/recipes/config_files/default_config.yml (WhitespaceTokenizer, RegexFeaturizer,
  LexicalSyntacticFeaturizer, CountVectorsFeaturizer, CountVectorsFeaturizer char_wb 1-4, DIETClassifier 100
  epochs, EntitySynonymMapper, ResponseSelector 100 epochs, FallbackClassifier 0.3/0.1). It has no random seed,
  so its figures move a little from run to run.

Scoring: a message counts as right only when the top intent equals its label; `nlu_fallback` ("sorry, I didn't
follow") counts as wrong. Macro- and weighted-F1 are over the held-out intents (sklearn, zero_division=0).

    .venv/bin/python bench/nlu_compare.py [--json results.json]
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Before anything imports TensorFlow (via rasa): keep its start-up chatter out of the figures.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["RASA_TELEMETRY_ENABLED"] = "false"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import PROJECT_ROOT, print_header, write_json  # noqa: E402

from bot import settings  # noqa: E402

HOLDOUT = PROJECT_ROOT / "tests" / "nlu_holdout" / "holdout.yml"
NLU_DATA = settings.DATA / "nlu"
CRISIS_COMPONENT = "bot.components.crisis.CrisisOverride"
EMERGENCY = "emergency"
FALLBACK = "nlu_fallback"


@dataclass
class Variant:
    label: str
    config: dict[str, Any]
    cache: Path
    fresh_cache: bool  # False: reuses another variant's cache, so its training time means nothing


@dataclass
class Trained:
    variant: Variant
    model: Path
    seconds: float
    peak_rss_mib: float


def rasa_default_config() -> dict[str, Any]:
    """The config Rasa itself uses when none is given, as shipped in the installed rasa package."""
    import rasa.engine.recipes  # noqa: PLC0415 (only for its file location)

    path = Path(rasa.engine.recipes.__file__).parent / "config_files" / "default_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["assistant_id"] = "signpost-bench-default"
    config.pop("policies", None)
    return config


def our_config(with_crisis_override: bool) -> dict[str, Any]:
    config = yaml.safe_load(settings.CONFIG.read_text(encoding="utf-8"))
    config.pop("policies", None)
    if not with_crisis_override:
        config["pipeline"] = [c for c in config["pipeline"] if c.get("name") != CRISIS_COMPONENT]
    return config


def train(variant: Variant, workdir: Path, name: str) -> Trained:
    config_path = workdir / f"{name}.yml"
    config_path.write_text(yaml.safe_dump(variant.config, sort_keys=False), encoding="utf-8")
    env = {**settings.rasa_environment(), "RASA_CACHE_DIRECTORY": str(variant.cache)}
    command = [
        sys.executable, "-m", "rasa", "train", "nlu",
        "--config", str(config_path), "--nlu", str(NLU_DATA),
        "--out", str(workdir), "--fixed-model-name", name,
    ]
    print(f"-- training {variant.label} ...", flush=True)
    started = time.monotonic()
    with open(workdir / f"{name}.log", "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    model = workdir / f"{name}.tar.gz"
    if process.returncode != 0 or not model.exists():
        raise RuntimeError(f"training {variant.label} failed; see {workdir / (name + '.log')}")
    print(f"   {seconds:.0f} s", flush=True)
    return Trained(variant, model, seconds, usage.ru_maxrss / 1024)


def quiet_rasa_logs() -> None:
    """Rasa's own debug logs (stdlib and structlog) would print every held-out message; keep warnings only."""
    import structlog  # noqa: PLC0415 (a Rasa dependency)

    logging.disable(logging.INFO)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def holdout_messages() -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data  # noqa: PLC0415

    data = load_data(str(HOLDOUT))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


async def predict(model: Path, texts: list[str]) -> list[str]:
    from rasa.core.agent import Agent  # noqa: PLC0415

    agent = Agent.load(str(model))
    predictions = []
    for text in texts:
        parsed = await agent.parse_message(text)
        predictions.append((parsed.get("intent") or {}).get("name") or FALLBACK)
    return predictions


def score(labels: list[str], predictions: list[str]) -> dict[str, Any]:
    from sklearn.metrics import f1_score  # noqa: PLC0415

    intents = sorted(set(labels))
    pairs = list(zip(labels, predictions))
    emergencies = [p for t, p in pairs if t == EMERGENCY]
    others = [p for t, p in pairs if t != EMERGENCY]
    return {
        "messages": len(pairs),
        "accuracy": sum(t == p for t, p in pairs) / len(pairs),
        "macro_f1": f1_score(labels, predictions, labels=intents, average="macro", zero_division=0),
        "weighted_f1": f1_score(labels, predictions, labels=intents, average="weighted", zero_division=0),
        "emergency_recall": sum(p == EMERGENCY for p in emergencies) / len(emergencies),
        "emergency_caught": f"{sum(p == EMERGENCY for p in emergencies)}/{len(emergencies)}",
        "false_emergency": f"{sum(p == EMERGENCY for p in others)}/{len(others)}",
        "fallback": sum(p == FALLBACK for p in predictions),
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    header = ["pipeline", "accuracy", "macro-F1", "weighted-F1", "emergency recall", "false emergency",
              "nlu_fallback", "train s", "train peak RSS MiB"]
    lines = [header]
    for row in rows:
        lines.append([
            row["pipeline"], f"{row['accuracy']:.3f}", f"{row['macro_f1']:.3f}", f"{row['weighted_f1']:.3f}",
            f"{row['emergency_recall']:.3f} ({row['emergency_caught']})", row["false_emergency"],
            str(row["fallback"]), row["train_seconds_text"], f"{row['train_peak_rss_mib']:.0f}",
        ])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for index, line in enumerate(lines):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the results to this file (for bench/run_all.py)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary models and training logs")
    args = parser.parse_args(argv)
    machine = print_header("NLU: our pipeline vs Rasa 3.6 default, on tests/nlu_holdout", [sys.argv[0], *(argv or sys.argv[1:])])

    from bot.cli.training import ensure_spacy_model  # noqa: PLC0415

    ensure_spacy_model()  # our pipeline loads it from build/
    workdir = Path(tempfile.mkdtemp(prefix="signpost-nlu-compare-"))
    our_cache, default_cache = workdir / "cache-ours", workdir / "cache-default"
    variants = {
        "ours": Variant("ours (bot/config.yml)", our_config(True), our_cache, True),
        "ours_no_override": Variant("ours without crisis override", our_config(False), our_cache, False),
        "default": Variant("Rasa 3.6 default", rasa_default_config(), default_cache, True),
    }
    try:
        trained = {name: train(variant, workdir, name) for name, variant in variants.items()}
        quiet_rasa_logs()
        messages = holdout_messages()
        texts, labels = [t for t, _ in messages], [label for _, label in messages]
        rows = []
        for name, result in trained.items():
            predictions = asyncio.run(predict(result.model, texts))
            row = {"name": name, "pipeline": result.variant.label, **score(labels, predictions),
                   "train_seconds": result.seconds if result.variant.fresh_cache else None,
                   "train_seconds_text": f"{result.seconds:.0f}" if result.variant.fresh_cache else "(cached)",
                   "train_peak_rss_mib": result.peak_rss_mib}
            rows.append(row)
        print()
        print(f"Held-out messages: {len(texts)} ({labels.count(EMERGENCY)} emergency), {len(set(labels))} intents")
        print_table(rows)
        print()
        print("Training: `rasa train nlu` from an empty cache, wall-clock seconds including Rasa's start-up;")
        print("the 'without override' row reuses our cache (same trained components), so it has no training time.")
        write_json(args.json, {"machine": machine, "rows": rows, "holdout_messages": len(texts)})
    finally:
        if args.keep:
            print(f"Models and training logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
