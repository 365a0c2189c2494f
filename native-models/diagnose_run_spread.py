"""How much of a run's held-out motion figure is the run, and how much the prompt: per-prompt agreement across seeds
and across runs, from evaluate_model.py reports (each --out folder's report.json).

Each held-out prompt is generated with several seeds, and a prompt's seeds tend to be right or wrong together. So
the clips are not independent draws: with m seeds a prompt and an intra-prompt correlation rho (one-way ANOVA
estimate on the 0/1 "motion right"), the design effect is 1 + (m - 1)·rho and the clips count as
clips / (1 + (m - 1)·rho) independent ones. The standard error printed is sqrt(p(1 - p) / effective clips): how
far the figure would move on another list of prompts like these. Across runs of one recipe the list is the same,
so the table of per-prompt rate correlations between runs says whether the prompts a run misses are the list's
hard prompts (high correlation) or the run's own (low).

Usage: node build/scripts/python.mjs run native-models/diagnose_run_spread.py REPORT_DIR [REPORT_DIR ...]"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def motion_right(report_dir: Path) -> np.ndarray:
    """(prompts, seeds) booleans: the clip's motion read as asked. Clips are stored prompt-major, seeds within."""
    report = json.loads((report_dir / "report.json").read_text())
    seeds = int(report["settings"]["seeds"])
    right = [clip["expected"]["motion"] == clip["predicted"]["motion"] for clip in report["clips"]]
    if len(right) % seeds:
        raise SystemExit(f"{report_dir}: {len(right)} clips do not divide into {seeds} seeds")
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
    a = p.parse_args()
    tables = [motion_right(r) for r in a.reports]
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


if __name__ == "__main__":
    main()
