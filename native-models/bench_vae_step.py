"""Cost of one VAE training step's forward and backward (train.py's vae_gradients: encode, sample, decode,
object-weighted loss, backward) on the recipe's two kinds of batch, 8 clip crops (9 frames, 32×32) and 16 whole
stills (64×64), computed in passes of several sizes, alternating in one process so the machine's noise hits every
size alike: what train.py's VAE_MICRO_BATCH is chosen from.

Usage: node build/scripts/python.mjs run native-models/bench_vae_step.py [--passes 16,8,4] [--reps 3] [--bf16]"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from hyvideo.pipeline import HunyuanVideoModel, latent_shape
from hyvideo.world.dataset import make_dataset
from train import to_video_tensor, vae_gradients

HERE = Path(__file__).resolve().parent


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--passes", default="16,8,4", help="pass sizes (a size above a batch's length is one pass)")
    p.add_argument("--reps", type=int, default=3, help="timed steps per size after one warm-up step")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--bf16", action="store_true", help="under bf16 autocast, as train.py runs where it is faster")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = HunyuanVideoModel.load(HERE / "weights" / "hyvideo-small")
    vae = model.vae.train()
    videos, _ = make_dataset(16, seed=7)
    videos = np.asarray(videos)
    batches = {"8 clip crops": to_video_tensor(np.ascontiguousarray(videos[:8, :9, 16:48, 16:48])),
               "16 stills": to_video_tensor(np.ascontiguousarray(videos[:, :1]))}
    sizes = [int(s) for s in a.passes.split(",")]
    times: dict[tuple[str, int], list[float]] = {(kind, size): [] for kind in batches for size in sizes}
    for rep in range(a.reps + 1):
        for kind, x in batches.items():
            noise = torch.randn(len(x), *latent_shape(model.cfg, x.shape[2], x.shape[3], x.shape[4]))
            for size in sizes:
                vae.zero_grad(set_to_none=True)
                start = time.perf_counter()
                vae_gradients(vae, x, noise, size, a.bf16)
                if rep:
                    times[(kind, size)].append(time.perf_counter() - start)
    for kind in batches:
        first = None
        for size in sizes:
            mean = float(np.mean(times[(kind, size)]))
            first = first or mean
            print(f"{kind}, passes of {size}: {mean:.2f} s ({mean / first:.2f}x), {a.threads} threads"
                  f"{', bf16 autocast' if a.bf16 else ''}, mean of {a.reps}")


if __name__ == "__main__":
    main()
