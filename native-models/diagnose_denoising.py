"""At which noise level does a generation lose the camera move (or the object's motion)?

Renders each held-out prompt's clip, encodes it with the VAE, noises it to a point sigma_i of the sampler's own
schedule and lets the model finish the remaining steps from there with the prompt's caption (SDEdit-style). Starting
at sigma 1 is plain generation; starting low keeps what the render already shows. Where the scores fall between two
starting points is where the model fails to carry the motion through its denoising, which says which noise levels
the training should spend its steps on. The same noise and prompts for every starting point, so the rows compare
within one run.

With --one-step the model is called once at the starting point and its clean estimate x0 = x - sigma * v is decoded
and scored instead: whether a single prediction keeps the motion its input shows.

With --sizes each row also gives the subject's drawn size over the render's at the first and last frame (the median
over clips asking neither a zoom nor a size motion, as diagnose_motion.py --sizes) and how many clips asking no size
change read as shrinking: from which noise level a subject is drawn large and then smaller.

Usage: node build/scripts/python.mjs run native-models/diagnose_denoising.py [--weights DIR] [--starts 0.3,0.5,0.7,0.85,1]
       [--seeds 1] [--steps N --shift S --guidance G] [--one-step] [--sizes]"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from diagnose_motion import SIZE_MOTIONS, size_comparable, size_ratio_by_frame
from evaluate_model import sampler_settings
from hyvideo.flow import euler_step, sigma_schedule
from hyvideo.pipeline import HunyuanVideoModel, seeded_noise, to_uint8
from hyvideo.world.evaluate import analyse_clip, evaluate_videos
from hyvideo.world.heldout import HELDOUT, heldout_records, heldout_spec
from hyvideo.world.render import render_clip

HERE = Path(__file__).resolve().parent


def first_step_at_or_below(sigmas: torch.Tensor, start: float) -> int:
    """Index of the first schedule point whose sigma is <= start (the schedule runs from 1 down to 0)."""
    return int(torch.nonzero(sigmas <= start + 1e-6)[0])


@torch.no_grad()
def finish_from(model: HunyuanVideoModel, z0: torch.Tensor, noise: torch.Tensor, cond: tuple, sigmas: torch.Tensor,
                first: int, guidance: float, one_step: bool = False) -> np.ndarray:
    """Noise the clean latents to sigmas[first] and run the Euler steps from there (or, one_step, take the clean
    estimate of a single call); -> uint8 video [T, H, W, 3]."""
    s0 = float(sigmas[first])
    x = (1 - s0) * z0 + s0 * noise
    cos, sin = model.rope(tuple(z0.shape[2:]))
    g = torch.tensor([guidance * 1000.0]) if model.cfg.dit.guidance_embed else None
    for i in range(first, len(sigmas) - 1):
        v = model.dit(x, sigmas[i : i + 1] * 1000.0, cond[0], None, cond[2], cos, sin, g)
        if one_step:
            x = x - float(sigmas[i]) * v
            break
        x = euler_step(x, v, float(sigmas[i]), float(sigmas[i + 1]))
    return to_uint8(model.vae.decode(x / model.cfg.vae.scaling_factor)[0]).numpy()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", type=Path, default=HERE / "weights" / "hyvideo-small")
    p.add_argument("--pack", type=Path, default=HERE / "packs" / "hyvideo-small", help="where the sampler defaults come from")
    p.add_argument("--starts", default="0.3,0.5,0.7,0.85,1", help="starting sigmas (each rounded down to a schedule point)")
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--shift", type=float, default=None)
    p.add_argument("--guidance", type=float, default=None)
    p.add_argument("--one-step", action="store_true", help="score the clean estimate of one call at each start")
    p.add_argument("--sizes", action="store_true", help="also the subject's drawn size against the render's, per start")
    a = p.parse_args()
    torch.set_num_threads(2)
    defaults, steps, shift, guidance = sampler_settings(a)
    model = HunyuanVideoModel.load(a.weights)
    sigmas = sigma_schedule(steps, shift)
    firsts = sorted({first_step_at_or_below(sigmas, float(s)) for s in a.starts.split(",")}, reverse=True)
    records = {r["id"]: r for r in heldout_records()}
    videos: dict[int, list[np.ndarray]] = {f: [] for f in firsts}
    expected = []
    rendered: list[dict] = []  # per clip the render's analysis, for --sizes
    t0 = time.time()
    for prompt in HELDOUT:
        record = records[prompt.id]
        clip = render_clip(heldout_spec(prompt), defaults["frames"], defaults["height"], defaults["width"])
        video = torch.from_numpy(clip).permute(3, 0, 1, 2)[None].float() / 127.5 - 1.0
        with torch.no_grad():
            z0 = model.vae.encode(video)[0] * model.cfg.vae.scaling_factor
            cond = model.encode_text([record["prompt"]])
        render_analysis = analyse_clip(clip) if a.sizes else {}
        for seed in range(a.seeds):
            expected.append(record)
            rendered.append(render_analysis)
            noise = seeded_noise(tuple(z0.shape[1:]), seed)
            for first in firsts:
                videos[first].append(finish_from(model, z0, noise, cond, sigmas, first, guidance, a.one_step))
    print(f"{len(HELDOUT)} held-out prompts x {a.seeds} seeds, {steps} steps, shift {shift}, guidance {guidance}, "
          f"{a.weights}{', one step' if a.one_step else ''} ({time.time() - t0:.0f} s)\n")
    unsized = [i for i, r in enumerate(expected) if r["motion"] not in SIZE_MOTIONS]
    sized = [i for i, r in enumerate(expected) if size_comparable(r["motion"], r["camera"])]
    extra = (f" size drawn / rendered, first → last frame ({len(sized)} clips) | read shrinks (of {len(unsized)}) |"
             if a.sizes else "")
    print("| start sigma | steps run | colour | shape | motion | camera |" + extra
          + "\n|---|---|---|---|---|---|" + ("---|---|" if a.sizes else ""))
    for first in firsts:
        report = evaluate_videos(videos[first], expected)
        acc = report["accuracy"]
        row = (f"| {float(sigmas[first]):.3f} | {1 if a.one_step else steps - first} | "
               + " | ".join(f"{100 * acc[k]:.1f}%" for k in ("colour", "shape", "motion", "camera")) + " |")
        if a.sizes:
            ratio = size_ratio_by_frame([analyse_clip(videos[first][i]) for i in sized], [rendered[i] for i in sized])
            shrinks = sum(report["clips"][i]["predicted"]["motion"] == "shrinks" for i in unsized)
            row += f" {ratio[0]:.2f} → {ratio[-1]:.2f} | {shrinks} |"
        print(row, flush=True)


if __name__ == "__main__":
    main()
