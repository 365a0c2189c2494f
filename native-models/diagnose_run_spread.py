"""How much of a run's held-out motion figure is the run, and how much the prompt: per-prompt agreement across seeds
and across runs, from evaluate_model.py reports (each --out folder's report.json).

Each held-out prompt is generated with several seeds, and a prompt's seeds tend to be right or wrong together. So
the clips are not independent draws: with m seeds a prompt and an intra-prompt correlation rho (one-way ANOVA
estimate on the 0/1 "motion right"), the design effect is 1 + (m - 1)·rho and the clips count as
clips / (1 + (m - 1)·rho) independent ones. The standard error printed is sqrt(p(1 - p) / effective clips): how
far the figure would move on another list of prompts like these. Across runs of one recipe the list is the same,
so the table of per-prompt rate correlations between runs says whether the prompts a run misses are the list's
hard prompts (high correlation) or the run's own (low). --prompts lists the prompts that half the clips or more miss
over all the reports, with each report's count and the readings they got instead.

Usage: node build/scripts/python.mjs run native-models/diagnose_run_spread.py REPORT_DIR [REPORT_DIR ...] [--prompts]"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np


def load_clips(report_dir: Path) -> tuple[list[dict], int]:
    """A report's clips (stored prompt-major, seeds within) and its seeds per prompt."""
    report = json.loads((report_dir / "report.json").read_text())
    seeds = int(report["settings"]["seeds"])
    if len(report["clips"]) % seeds:
        raise SystemExit(f"{report_dir}: {len(report['clips'])} clips do not divide into {seeds} seeds")
    return report["clips"], seeds


def motion_right(clips: list[dict], seeds: int) -> np.ndarray:
    """(prompts, seeds) 0/1: the clip's motion read as asked."""
    right = [clip["expected"]["motion"] == clip["predicted"]["motion"] for clip in clips]
    return np.array(right, dtype=float).reshape(-1, seeds)


def intra_prompt_correlation(right: np.ndarray) -> float:
    """ICC(1) of a (prompts, seeds) 0/1 table: between-prompt against within-prompt mean squares."""
    prompts, seeds = right.shape
    if prompts < 2 or seeds < 2:
        return 0.0
    per_prompt = right.mean(1)
    between = seeds * ((per_prompt - right.mean()) ** 2).sum() / (prompts - 1)
    within = ((right - per_prompt[:, None]) ** 2).sum() / (prompts * (seeds - 1))
    denominator = between + (seeds - 1) * within
    return float((between - within) / denominator) if denominator > 0 else 0.0


def spread(right: np.ndarray) -> dict:
    """One report's motion rate, per-prompt agreement, effective clip count and standard error."""
    prompts, seeds = right.shape
    rate = float(right.mean())
    rho = intra_prompt_correlation(right)
    effective = right.size / max(1.0 + (seeds - 1) * rho, 1.0)
    per_prompt = right.sum(1)
    return {"motion": rate, "all_seeds_right": int((per_prompt == seeds).sum()), "no_seed_right": int((per_prompt == 0).sum()),
            "mixed": int(((per_prompt > 0) & (per_prompt < seeds)).sum()), "intra_prompt_correlation": rho,
            "effective_clips": effective, "standard_error": float(np.sqrt(rate * (1 - rate) / effective))}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("reports", type=Path, nargs="+", help="evaluate_model.py --out folders of one prompt list")
    p.add_argument("--prompts", action="store_true", help="list the prompts missed in half the clips or more")
    a = p.parse_args()
    loaded = [load_clips(r) for r in a.reports]
    tables = [motion_right(clips, seeds) for clips, seeds in loaded]
    if len({t.shape for t in tables}) > 1:
        raise SystemExit("the reports differ in prompts or seeds: " + ", ".join(f"{r}: {t.shape}" for r, t in zip(a.reports, tables)))
    print("| report | motion | prompts all seeds right / none / mixed | intra-prompt r | effective clips | standard error |")
    print("|---|---|---|---|---|---|")
    for report, table in zip(a.reports, tables):
        s = spread(table)
        print(f"| {report} | {100 * s['motion']:.1f}% | {s['all_seeds_right']} / {s['no_seed_right']} / {s['mixed']} | "
              f"{s['intra_prompt_correlation']:.2f} | {s['effective_clips']:.0f} of {table.size} | {100 * s['standard_error']:.1f} points |")
    if len(tables) > 1:
        rates = np.array([t.mean(1) for t in tables])
        print("\nper-prompt rate correlation between reports (rows and columns in the order given):")
        for row in np.corrcoef(rates):
            print("  " + "  ".join(f"{v:5.2f}" for v in row))
        print(f"prompts right in every report (≥ 3/4 of seeds): {int((rates >= 0.75).all(0).sum())} of {rates.shape[1]}; "
              f"wrong in every report (≤ 1/4): {int((rates <= 0.25).all(0).sum())}")
    if a.prompts:
        print_missed_prompts(loaded, tables)


def print_missed_prompts(loaded: list[tuple[list[dict], int]], tables: list[np.ndarray]) -> None:
    right = np.array([t.sum(1) for t in tables])  # reports x prompts
    clips, seeds = loaded[0]
    print("\n| prompt (list position) | asked (colour shape motion / camera) | right per report | read instead, all reports |")
    print("|---|---|---|---|")
    for prompt in np.argsort(right.sum(0), kind="stable"):
        if right[:, prompt].sum() * 2 > seeds * len(tables):
            continue
        asked = clips[prompt * seeds]["expected"]
        instead = Counter(c[prompt * s + k]["predicted"]["motion"] for c, s in loaded for k in range(s)
                          if c[prompt * s + k]["predicted"]["motion"] != asked["motion"])
        print(f"| {prompt + 1} | {asked['colour']} {asked['shape']} {asked['motion']} / {asked['camera']} | "
              f"{' '.join(f'{int(n)}/{seeds}' for n in right[:, prompt])} | "
              f"{', '.join(f'{m} {n}' for m, n in instead.most_common(3))} |")


if __name__ == "__main__":
    main()
