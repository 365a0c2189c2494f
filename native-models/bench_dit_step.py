"""Cost of one DiT training step (text encoders, DiT forward and backward, AdamW) at several DiT widths, side by
side in one process (alternating, so the machine's noise hits every width alike): what a wider DiT would cost the
recipe before anyone trains one. Random latents at the recipe's shape; the text is the held-out prompts.

With --frozen-text each width is also timed with the text encoders frozen (train.py --freeze-text: no backward
through them, the optimizer on the DiT alone), side by side in the same alternation. With --micro-batches 32,16,8
each width is timed with the batch computed in passes of those sizes, the gradients accumulated (train.py
--micro-batch): the same step, smaller activations. With --attention default,math each is also timed with
PyTorch's scaled-dot-product attention left to choose its kernel (on CPU the flash kernel) and forced to the math
one (matrix products and a softmax). With --batches 32,16 each is also timed at those batch sizes (a whole step each:
passes, optimizer), reported per clip too: train.py's --dit-batch. With --optimizers adamw,muon each is also timed
with Muon on the blocks' matrices (train.py --dit-optimizer muon). A width may name its block counts too,
HIDDEN:HEADS/DUAL:SINGLE (train.py's --dit-depth; 2:4 when not named): `--widths 192:6,128:4/4:8`.

Usage: node build/scripts/python.mjs run native-models/bench_dit_step.py [--widths 128:4,192:6] [--reps 4]
       [--frozen-text] [--micro-batches 32,16,8] [--attention default,math] [--batches 32,16]
       [--optimizers adamw,muon] [--bf16]"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import itertools
import json
import time
from pathlib import Path

import torch
from torch.nn.attention import SDPBackend, sdpa_kernel

from hyvideo.flow import noisy_input
from hyvideo.optimizers import dit_optimizer
from hyvideo.pipeline import HunyuanVideoModel

HERE = Path(__file__).resolve().parent


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--widths", default="128:4,192:6",
                   help="hidden:heads pairs (head dim 32 keeps the RoPE split), each optionally /dual:single blocks")
    p.add_argument("--reps", type=int, default=4, help="timed steps per width after one warm-up step")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--frozen-text", action="store_true", help="also time each width with the text encoders frozen")
    p.add_argument("--micro-batches", default=None, help="comma-separated pass sizes to time each width with")
    p.add_argument("--attention", default="default", help="comma-separated: default (PyTorch picks), math")
    p.add_argument("--batches", default=None, help="comma-separated batch sizes to time each width at (default --batch)")
    p.add_argument("--optimizers", default="adamw",
                   help="comma-separated: adamw, muon (train.py's --dit-optimizer) to time each width with")
    p.add_argument("--bf16", action="store_true", help="under bf16 autocast, as train.py runs where it is faster")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    base = HunyuanVideoModel.load(HERE / "weights" / "hyvideo-small")
    items = json.loads((HERE / "hyvideo" / "world" / "heldout.json").read_text())["prompts"]
    batches = [int(b) for b in a.batches.split(",")] if a.batches else [a.batch]
    prompts = [items[i % len(items)]["prompt"] for i in range(max(batches))]
    runs = {}
    for pair in a.widths.split(","):
        width, _, depth = pair.partition("/")
        hidden, heads = (int(v) for v in width.split(":"))
        dual, single = (int(v) for v in (depth or "2:4").split(":"))
        cfg = dataclasses.replace(base.cfg, dit=dataclasses.replace(
            base.cfg.dit, hidden_size=hidden, heads_num=heads, mm_double_blocks_depth=dual, mm_single_blocks_depth=single))
        micros = [int(m) for m in a.micro_batches.split(",")] if a.micro_batches else [a.batch]
        variants = itertools.product((False, True) if a.frozen_text else (False,), micros, a.attention.split(","),
                                     batches, a.optimizers.split(","))
        for frozen, micro, attention, batch, optimizer in variants:
            model = HunyuanVideoModel(cfg, base.tokenizer).train()
            others = [] if frozen else [p for n, p in model.named_parameters() if not n.startswith("dit.")]
            label = (f"DiT hidden {hidden}" + (f", blocks {dual}+{single}" if depth else "")
                     + (", text frozen" if frozen else "")
                     + (f", passes of {micro}" if a.micro_batches else "")
                     + (f", {attention} attention" if "," in a.attention else "")
                     + (f", {optimizer}" if "," in a.optimizers else ""))
            runs[label + f", batch {batch}"] = (model, frozen, micro, attention,
                                                dit_optimizer(optimizer, model.dit, others, 1e-4, 0.01), [], batch)
    latents = torch.randn(max(batches), 16, 5, 8, 8)
    noise, sigma = torch.randn_like(latents), torch.rand(max(batches))
    for rep in range(a.reps + 1):
        for model, frozen, micro, attention, opt, times, batch in runs.values():
            kernel = sdpa_kernel(SDPBackend.MATH) if attention == "math" else contextlib.nullcontext()
            with kernel:
                t0 = time.perf_counter()
                opt.zero_grad()
                for start in range(0, batch, micro):
                    part = slice(start, min(start + micro, batch))
                    share = (part.stop - part.start) / batch
                    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.bf16):
                        with torch.set_grad_enabled(not frozen):
                            text, mask, pooled = model.encode_text(prompts[part], False)
                        x, target = noisy_input(latents[part], noise[part], sigma[part])
                        cos, sin = model.rope((5, 8, 8))
                        pred = model.dit(x, sigma[part] * 1000.0, text, mask, pooled, cos, sin,
                                         torch.full((part.stop - part.start,), 1000.0))
                    ((pred.float() - target).pow(2).mean() * share).backward()
                opt.step()
                if rep:
                    times.append(time.perf_counter() - t0)
    first = None
    for label, (model, _, _, _, _, times, batch) in runs.items():
        mean = sum(times) / len(times)
        per_clip = mean / batch
        first = first or per_clip
        params = sum(p.numel() for p in model.dit.parameters()) / 1e6
        print(f"{label}: {params:.2f} M parameters, {mean:.2f} s per step, {1e3 * per_clip:.1f} ms per clip "
              f"({per_clip / first:.2f}x), {a.threads} threads{', bf16 autocast' if a.bf16 else ''}, mean of {a.reps}")


if __name__ == "__main__":
    main()
