"""Compute time of each stage of a training run, from the timestamps of its losses.jsonl, with the stops and pauses
left out: what docs/BENCHMARKS.md quotes for every run.

Every stage logs one line per 20 steps; an interval between two lines of the same stage counts when it is at most
--slack times the stage's median interval (a `kill -STOP` pause, a stopped process and its restart, or a benchmark
beside it make a longer one), and an uncounted interval is charged at the median instead, so a paused stretch costs
what the stage's steps cost elsewhere. The stages that log no steps (the data render, the latents) are the gaps
between the others, printed as such; `train.py` prints their own durations too.

Usage: node build/scripts/python.mjs run native-models/stage_times.py [--work native-models/work] [--slack 3]"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
STAGES = ("vae", "vae_motion", "text", "dit", "distill")


def stage_rows(records: list[dict], slack: float) -> list[dict]:
    rows = []
    for stage in STAGES:
        points = [(r["step"], r["time"]) for r in records if r["stage"] == stage]
        if len(points) < 2:
            continue
        steps = np.array([p[0] for p in points], dtype=float)
        times = np.array([p[1] for p in points])
        per_step = np.diff(times) / np.maximum(np.diff(steps), 1)
        typical = float(np.median(per_step))
        counted = per_step <= slack * typical
        seconds = float((np.where(counted, per_step, typical) * np.diff(steps)).sum())
        # The first logged line comes after its first 20 steps: charge those at the typical rate too.
        seconds += typical * steps[0]
        rows.append({"stage": stage, "steps": int(steps[-1]), "seconds": seconds, "per_step": typical,
                     "left_out": int((~counted).sum()), "first": float(times[0]), "last": float(times[-1])})
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", type=Path, default=HERE / "work")
    p.add_argument("--slack", type=float, default=3.0)
    a = p.parse_args()
    records = [json.loads(line) for line in (a.work / "losses.jsonl").read_text().splitlines() if line.strip()]
    rows = stage_rows(records, a.slack)
    print("| stage | steps | compute time | per step | intervals left out |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['stage']} | {row['steps']} | {row['seconds'] / 60:.1f} min | {row['per_step']:.2f} s | "
              f"{row['left_out']} |")
    print(f"| **stages with steps** | | **{sum(r['seconds'] for r in rows) / 60:.1f} min** | | |")
    for before, after in zip(rows, rows[1:]):
        gap = after["first"] - after["per_step"] * 20 - before["last"]
        print(f"between {before['stage']} and {after['stage']} (gates, latents, stage start-up, or a stop): {gap:.0f} s")


if __name__ == "__main__":
    main()
