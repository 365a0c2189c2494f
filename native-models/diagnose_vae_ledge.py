"""Continue a trained VAE for a few hundred phase-B steps (train.py's clips of every other frame, stills every 5th
step) with or without an emphasis on the near ledge, and write a copy of the weights with that VAE: a trial of a VAE
loss in minutes, where a recipe run takes hours. Score the copy with

    evaluate_model.py --vae-roundtrip --model OUT --seeds 4

whose report's camera_gain holds the ledge's travel per camera move (the VAE lost most of its vertical travel:
docs/MODEL_CARD.md, "Diagnoses and trials"). The same steps with --ledge-weight 1 --ledge-crops 0 are the control:
what more plain steps alone do.

    node build/scripts/python.mjs run native-models/diagnose_vae_ledge.py --model W --data WORK/data.npz --out OUT \\
        --steps 300 --ledge-weight 16 --ledge-crops 0.5
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hyvideo.pipeline import HunyuanVideoModel, latent_shape  # noqa: E402
from train import (VAE_MICRO_BATCH, LedgeEmphasis, ema_update, lr_at, parse_loss_weight, parse_share,  # noqa: E402
                   vae_clip_batch, vae_gradients, vae_still_batch)


def ledge_gradient_loss(vae: torch.nn.Module, x: torch.Tensor, noise: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """L1 between the vertical finite differences of the reconstruction and of the target on the weighted (ledge)
    rows: the planks' edges, which a blurred plank that stays put still half-matches in plain L1."""
    mean, logvar = vae.encode(x)
    recon = vae.decode(mean + noise * (0.5 * logvar).exp())
    on_ledge = (rows[..., 1:, :] > 1).float()
    diff = ((recon[..., 1:, :] - recon[..., :-1, :]) - (x[..., 1:, :] - x[..., :-1, :])).abs() * on_ledge
    b, c, t, _, w = x.shape
    return diff.sum() / (on_ledge.sum() * b * c * t * w)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, required=True, help="weights directory whose VAE to continue")
    p.add_argument("--data", type=Path, required=True, help="a training work folder's data.npz (the same world)")
    p.add_argument("--out", type=Path, required=True, help="where the weights copy goes")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--ledge-weight", type=parse_loss_weight, default=1.0, help="as train.py --vae-ledge-weight")
    p.add_argument("--ledge-crops", type=parse_share, default=0.0, help="as train.py --vae-ledge-crops")
    p.add_argument("--ledge-grad", type=float, default=0.0,
                   help="weight of ledge_gradient_loss on crops that reach the ledge (about doubles a step's time)")
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--ema", type=float, default=0.99, help="decay of the EMA of the VAE weights written out")
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    if a.out.resolve() == a.model.resolve():
        raise SystemExit("--out must not be --model: the copy would overwrite the weights it continues")
    torch.set_num_threads(2)
    torch.manual_seed(a.seed)
    model = HunyuanVideoModel.load(a.model)
    vae = model.vae.train()
    data = np.load(a.data)
    videos, images = data["videos"], data["images"]
    ledge = LedgeEmphasis(a.ledge_weight, a.ledge_crops)
    rng = np.random.default_rng(a.seed)
    opt = torch.optim.AdamW(vae.parameters(), lr=a.lr, weight_decay=0.0)
    ema = copy.deepcopy(vae).eval()
    t0 = time.time()
    for step in range(a.steps):
        x, rows = vae_still_batch(images, rng) if step % 5 == 4 else vae_clip_batch(videos, rng, 2, ledge)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, a.steps, a.lr, warmup=20)
        noise = torch.randn(len(x), *latent_shape(model.cfg, x.shape[2], x.shape[3], x.shape[4]))
        opt.zero_grad(set_to_none=True)
        loss, l1, _ = vae_gradients(vae, x, noise, VAE_MICRO_BATCH, False, rows)
        # A second encode/decode of the batch (1.55x a step's time): it keeps this trial's term out of train.py's
        # vae_gradients until a recipe adopts it.
        if a.ledge_grad > 0 and rows is not None:
            (a.ledge_grad * ledge_gradient_loss(vae, x, noise, rows)).backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        ema_update(ema, vae, a.ema)
        if (step + 1) % 50 == 0:
            print(f"step {step + 1}/{a.steps} loss {loss:.4f} l1 {l1:.4f} ({time.time() - t0:.0f}s)", flush=True)
    model.vae = ema
    model.eval().save(a.out)
    print(f"[vae] {a.steps} steps in {time.time() - t0:.0f}s -> {a.out}", flush=True)


if __name__ == "__main__":
    main()
