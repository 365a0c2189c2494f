"""Does the DiT generalise, or has it learnt its training clips? The flow-matching loss, at fixed noise levels and with
the canonical caption, on three sets of clips encoded by the same VAE:

  - training: the last N clips of the run's own latents (what the DiT has seen ~50 times each);
  - fresh:    N new renders of the world from another seed (combinations the training set has, clips it has not);
  - held-out: the 42 held-out prompts' renders, seeds 0..S-1 (combinations it has never seen).

Fresh far above training means the DiT memorises clips, and more rendered clips (cheap: the data and latents
stages) would help; held-out far above fresh means it does not compose what it has learnt. Noise and timesteps
are drawn the same way for every set. Reads a work folder as diagnose_conditioning.py does (the checkpoint's EMA
while the DiT stage runs, the teacher once distillation started) or a weights directory.

Usage: node build/scripts/python.mjs run native-models/diagnose_generalisation.py [--work DIR] [--weights DIR]
       [--clips 256] [--heldout-seeds 3]"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from diagnose_conditioning import load_model
from hyvideo.flow import noisy_input
from hyvideo.pipeline import HunyuanVideoModel
from hyvideo.world.captions import caption_fields, composer_fields, render_caption
from hyvideo.world.dataset import make_dataset
from hyvideo.world.heldout import HELDOUT, heldout_spec, is_heldout
from hyvideo.world.render import render_clip
from train import ENCODE_BATCH, to_video_tensor  # the recipe's own conversion and batch, so latents match its stage

HERE = Path(__file__).resolve().parent
FRAMES, SIZE = 17, 64


def canonical(fields: dict, camera: str) -> str:
    return render_caption(composer_fields(fields, camera), camera)


def encode(model: HunyuanVideoModel, videos: np.ndarray) -> torch.Tensor:
    """uint8 [N, T, H, W, 3] -> scaled latent means, as train.py's latents stage makes them."""
    out = [model.vae.encode(to_video_tensor(videos[i : i + ENCODE_BATCH]))[0]
           for i in range(0, len(videos), ENCODE_BATCH)]
    return torch.cat(out) * model.cfg.vae.scaling_factor


def flow_loss(model: HunyuanVideoModel, latents: torch.Tensor, prompts: list[str], sigma_value: float,
              seed: int) -> float:
    gen = torch.Generator().manual_seed(seed)
    noise = torch.randn(latents.shape, generator=gen)
    cos, sin = model.rope(tuple(latents.shape[2:]))
    total = 0.0
    for s in range(0, len(prompts), 32):
        z, n = latents[s : s + 32], noise[s : s + 32]
        text, mask, pooled = model.encode_text(prompts[s : s + 32], False)
        sigma = torch.full((len(z),), sigma_value)
        x, target = noisy_input(z, n, sigma)
        pred = model.dit(x, sigma * 1000.0, text, mask, pooled, cos, sin, torch.full((len(z),), 1000.0))
        total += F.mse_loss(pred, target, reduction="sum").item()
    return total / noise.numel()


@torch.no_grad()
def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", type=Path, default=HERE / "work")
    p.add_argument("--weights", type=Path, default=None, help="a weights directory instead of the work checkpoint")
    p.add_argument("--clips", type=int, default=256)
    p.add_argument("--heldout-seeds", type=int, default=3)
    p.add_argument("--training-start", type=int, default=None,
                   help="first training clip of the training set (default: the last --clips clips)")
    p.add_argument("--fresh-seed", type=int, default=777, help="the world seed of the fresh renders (training uses 1234)")
    p.add_argument("--sigmas", default="0.5,0.8,0.95")
    a = p.parse_args()
    torch.set_num_threads(2)
    model = load_model(a.work, a.weights)
    latents = torch.load(a.work / "latents.pt")
    model.cfg.vae.scaling_factor = float(latents["scaling_factor"])
    all_caps = json.loads((a.work / "captions.json").read_text())["videos"]
    start = len(all_caps) - a.clips if a.training_start is None else a.training_start
    caps = all_caps[start : start + a.clips]
    sets: dict[str, tuple[torch.Tensor, list[str]]] = {
        "training": (latents["videos"][start : start + a.clips], [canonical(f, c) for f, c in caps])}
    fresh, specs = make_dataset(a.clips, a.fresh_seed, FRAMES, SIZE, SIZE, image_fraction=0.0, exclude=is_heldout)
    sets["fresh"] = (encode(model, fresh), [canonical(*caption_fields(s)) for s in specs])
    held = [heldout_spec(p, seed) for p in HELDOUT for seed in range(a.heldout_seeds)]
    held_videos = np.stack([render_clip(s, FRAMES, SIZE, SIZE) for s in held])
    sets["held-out"] = (encode(model, held_videos), [canonical(*caption_fields(s)) for s in held])
    results: dict[str, dict[str, float]] = {}
    for sigma_value in (float(s) for s in a.sigmas.split(",")):
        row = {name: flow_loss(model, z, prompts, sigma_value, seed=5) for name, (z, prompts) in sets.items()}
        results[f"{sigma_value:g}"] = row
        base = row["training"]
        print(f"sigma {sigma_value:g}: training {base:.4f} | " + " | ".join(
            f"{k} {v:.4f} ({100 * (v / base - 1):+.1f}%)" for k, v in row.items() if k != "training"), flush=True)
    print(json.dumps({"clips": {k: len(v[1]) for k, v in sets.items()}, "loss": results}))


if __name__ == "__main__":
    main()
