"""Crisis detector benchmark on the labelled set (tests/safety/crisis_labelled.tsv).

Prints, per split (dev = tuning, test = reporting, all): recall overall and by crisis type
(a crisis row counts as caught when `detect` returns any crisis), how often the detected type
equals the label, the false-alarm rate on the `none` rows, and the row numbers (file line
numbers, header = line 1) of misses and false alarms.

The labelled set is our own test data and must never be used as training data for the model.

How the splits were made (column `round`): the set was written in six rounds. Each new round was
scored once, before any rule change it prompted, then folded into `dev` for tuning. Those
first-sight scores are the honest estimate of how the rules do on phrasing they have not seen:

    round  rows  recall (first sight)   false alarms (first sight)
    1      172   0.881 (74/84)          0.034 (3/88)     (the held-out half of round 1)
    2      200   0.881 (96/109)         0.022 (2/91)
    3      228   0.892 (99/111)         0.034 (4/117)
    4      223   0.963 (103/107)        0.034 (4/116)
    5      227   0.925 (99/107)         0.067 (8/120)
    6      234   0.981 (105/107)        0.039 (5/127)    <- `test` split
    7       66   0.333 (11/33)          0.182 (6/33)     <- `test` split

Round 6's two misses were fixed because a miss is a safety gap; its five false alarms were left.
Round 7 (issue 8) was written on purpose around what the rules did not yet know: alcohol and
benzodiazepine withdrawal danger in ordinary words ("stopped drinking 3 days ago, now confused,
sweating, seeing things"), a wish for a safe or women-only space (not an emergency), durations, and
distress without danger to life (label `distress`, counted as a negative: "i cant cope anymore" gets
the normal answer plus a Samaritans/Shout line, no longer emergency guidance; round 6's one
"i cant cope anymore" row was relabelled `distress` for the same reason). Its first-sight score above
is low by design; the rules were then tuned on it, so it is no longer blind either.

The `test` split is rounds 6 and 7 together (so it keeps at least 100 crisis and 100 other rows).
Label `distress` counts as "no emergency"; the report also says how many distress rows are offered
the support line (safety/distress.py).

Run: .venv/bin/python bench/crisis_eval.py [--split dev|test|all] [--show-text]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from safety.crisis import CrisisType, detect  # noqa: E402
from safety.distress import is_distress  # noqa: E402

LABELLED_SET = REPO_ROOT / "tests" / "safety" / "crisis_labelled.tsv"
NONE_LABEL = "none"
#: Distress without danger to life ("i cant cope anymore"): not an emergency (a negative here), but it should get
#: the normal answer plus one line offering Samaritans and Shout (safety/distress.py).
DISTRESS_LABEL = "distress"
NEGATIVE_LABELS = {NONE_LABEL, DISTRESS_LABEL}


@dataclass(frozen=True)
class LabelledRow:
    line: int
    text: str
    label: str
    split: str
    round: int


@dataclass
class Evaluation:
    caught_by_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total_by_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    type_agreements: int = 0
    negatives: int = 0
    misses: list[tuple[LabelledRow, str]] = field(default_factory=list)
    false_alarms: list[tuple[LabelledRow, str]] = field(default_factory=list)
    type_mismatches: list[tuple[LabelledRow, str]] = field(default_factory=list)
    distress_rows: int = 0
    distress_lines_offered: int = 0

    @property
    def positives(self) -> int:
        return sum(self.total_by_type.values())

    @property
    def recall(self) -> float:
        return sum(self.caught_by_type.values()) / self.positives if self.positives else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.negatives if self.negatives else 0.0

    @property
    def type_accuracy(self) -> float:
        caught = sum(self.caught_by_type.values())
        return self.type_agreements / caught if caught else 1.0


def load_rows(path: Path = LABELLED_SET) -> list[LabelledRow]:
    """Rows of the labelled set, with their line numbers in the file (header is line 1)."""
    valid_labels = {t.value for t in CrisisType} | NEGATIVE_LABELS
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        for line, record in enumerate(reader, start=2):
            if record["label"] not in valid_labels:
                raise ValueError(f"line {line}: unknown label {record['label']!r}")
            rows.append(
                LabelledRow(
                    line, record["text"], record["label"], record["split"], int(record["round"])
                )
            )
    return rows


def evaluate(rows: list[LabelledRow]) -> Evaluation:
    result = Evaluation()
    for row in rows:
        signal = detect(row.text)
        if row.label in NEGATIVE_LABELS:
            result.negatives += 1
            if row.label == DISTRESS_LABEL:
                result.distress_rows += 1
                result.distress_lines_offered += int(is_distress(row.text))
            if signal is not None:
                result.false_alarms.append((row, signal.matched))
            continue
        result.total_by_type[row.label] += 1
        if signal is None:
            result.misses.append((row, "-"))
            continue
        result.caught_by_type[row.label] += 1
        if signal.crisis_type.value == row.label:
            result.type_agreements += 1
        else:
            result.type_mismatches.append((row, signal.crisis_type.value))
    return result


def _describe(row: LabelledRow, detail: str, show_text: bool) -> str:
    suffix = f"  {row.text!r}" if show_text else ""
    return f"    line {row.line:>4} [{row.label}] -> {detail}{suffix}"


def report(name: str, result: Evaluation, show_text: bool) -> None:
    print(f"== {name}: {result.positives} crisis rows, {result.negatives} negative rows")
    caught = sum(result.caught_by_type.values())
    print(f"  recall (any crisis detected): {result.recall:.3f} ({caught}/{result.positives})")
    for crisis_type in CrisisType:
        total = result.total_by_type.get(crisis_type.value, 0)
        if total:
            got = result.caught_by_type.get(crisis_type.value, 0)
            print(f"    {crisis_type.value:<14} {got / total:.3f} ({got}/{total})")
    print(f"  type agreement on caught rows: {result.type_accuracy:.3f}")
    print(
        f"  false-alarm rate: {result.false_alarm_rate:.3f} "
        f"({len(result.false_alarms)}/{result.negatives})"
    )
    if result.distress_rows:
        print(
            f"  distress rows (not emergencies) offered the Samaritans/Shout line: "
            f"{result.distress_lines_offered}/{result.distress_rows}"
        )
    for title, items in (
        ("misses", result.misses),
        ("false alarms (rule)", result.false_alarms),
        ("type mismatches (detected type)", result.type_mismatches),
    ):
        if items:
            print(f"  {title}:")
            for row, detail in items:
                print(_describe(row, detail, show_text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default=None)
    parser.add_argument("--show-text", action="store_true", help="print row texts too")
    args = parser.parse_args(argv)
    rows = load_rows()
    splits = [args.split] if args.split else ["dev", "test", "all"]
    for split in splits:
        chosen = rows if split == "all" else [r for r in rows if r.split == split]
        report(split, evaluate(chosen), args.show_text)
    if args.split in (None, "all"):
        print("== by round (current rules; every round but the last has been tuned on)")
        for number in sorted({r.round for r in rows}):
            result = evaluate([r for r in rows if r.round == number])
            print(
                f"  round {number}: recall {result.recall:.3f}, "
                f"false alarms {result.false_alarm_rate:.3f} ({len(result.false_alarms)}/"
                f"{result.negatives})"
            )
    report_speed()
    return 0


def report_speed() -> None:
    """Time per message for the labelled rows and for long pasted or repeated text (regex backtracking guard)."""
    import time

    texts = [r.text for r in load_rows()]
    started = time.perf_counter()
    for text in texts:
        detect(text)
    per_row = (time.perf_counter() - started) / len(texts)
    print(f"== speed: {per_row * 1e6:.0f} µs per labelled message ({len(texts)} messages)")
    for label, text in (
        ("'took ' x 3000", "took " * 3000),
        ("'a ' x 5000", "a " * 5000),
        ("15,000 chars then 'my son isnt breathing'", "blah " * 3000 + "my son isnt breathing"),
    ):
        started = time.perf_counter()
        detect(text)
        print(f"  {label}: {(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
