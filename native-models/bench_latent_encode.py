"""Cost of the recipe's latents stage per clip (the VAE encoder on 17-frame 64×64 world clips, batches of 16, as
train.py's stage_latents runs it) in fp32 and under bf16 autocast, side by side in one process, and what bf16 would
do to the latents: their relative error and the PSNR between the decodes of the two. The stage took 940–1146 s of
the ~2–3 h recipe, so this says whether bf16 would buy time there. With --batches it times fp32 at each listed
batch size instead (the same clips, one after another) and compares each one's latents with the first's: the
encoder's activations at batch 16 are ~140 MB a tensor, far outside the caches.

Usage: node build/scripts/python.mjs run native-models/bench_latent_encode.py [--model DIR] [--clips 32]
       [--batches 16,4,2,1]"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from hyvideo.pipeline import HunyuanVideoModel
from hyvideo.world.dataset import make_dataset
from train import to_video_tensor  # the recipe's own uint8 -> [-1, 1] conversion

HERE = Path(__file__).resolve().parent
BATCH = 16


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    """In dB for values in [-1, 1] (peak-to-peak 2)."""
    return float(10 * torch.log10(4 / ((a - b) ** 2).mean()))


@torch.no_grad()
def compare_batches(model: HunyuanVideoModel, x: torch.Tensor, batches: list[int]) -> None:
    first = None
    for batch in batches:
        model.vae.encode(x[:batch])  # warm-up at this shape
        start = time.perf_counter()
        latents = torch.cat([model.vae.encode(x[i : i + batch])[0] for i in range(0, len(x), batch)])
        seconds = time.perf_counter() - start
        first = latents if first is None else first
        print(f"batch {batch}: {len(x)} clips in {seconds:.2f} s ({seconds / len(x):.3f} s a clip); largest difference "
              f"from batch {batches[0]}'s latents {float((latents - first).abs().max()):.1e}", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=HERE / "weights" / "hyvideo-small")
    p.add_argument("--clips", type=int, default=32, help="a multiple of 16")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batches", default=None, help="comma-separated batch sizes to time in fp32, e.g. 16,4,2,1")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = HunyuanVideoModel.load(a.model).eval()
    videos, _ = make_dataset(a.clips, seed=7)
    x = to_video_tensor(np.asarray(videos))
    if a.batches:
        compare_batches(model, x, [int(b) for b in a.batches.split(",")])
        return

    def encode_all(bf16: bool) -> tuple[torch.Tensor, float]:
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            model.vae.encode(x[:BATCH])  # warm-up: first-call allocations and kernel choice
            start = time.perf_counter()
            latents = torch.cat([model.vae.encode(x[i : i + BATCH])[0] for i in range(0, len(x), BATCH)])
            return latents.float(), time.perf_counter() - start

    fp32, fp32_s = encode_all(False)
    bf16, bf16_s = encode_all(True)
    with torch.no_grad():
        decoded_fp32, decoded_bf16 = model.vae.decode(fp32[:8]), model.vae.decode(bf16[:8])
    print(f"{a.clips} clips: fp32 {fp32_s:.2f} s, bf16 autocast {bf16_s:.2f} s ({bf16_s / fp32_s:.2f}x); "
          f"latent relative error {float((fp32 - bf16).norm() / fp32.norm()):.1e}; decodes of the two "
          f"{psnr(decoded_fp32, decoded_bf16):.1f} dB apart; encode-decode vs the clips: fp32 "
          f"{psnr(decoded_fp32, x[:8]):.1f} dB, bf16 {psnr(decoded_bf16, x[:8]):.1f} dB")


if __name__ == "__main__":
    main()
