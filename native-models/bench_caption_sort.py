"""What sorting a DiT batch by caption length saves (train.py's dit_gradients: each micro-batch pads its captions
to its longest, so grouping captions of like length pads less; the step's gradient is the same). Batches are drawn
as the DiT stage draws them (world specs, training captions, 10% empty), and each is timed both ways, alternating,
so the machine's noise hits both alike.

Usage: node build/scripts/python.mjs run native-models/bench_caption_sort.py [--batches 12] [--dit-width 160:5]
       [--frozen-text] [--micro-batch 16]"""
from __future__ import annotations

import argparse
import dataclasses
import random
import time
from pathlib import Path

import numpy as np
import torch

from hyvideo.pipeline import HunyuanVideoModel
from hyvideo.text_supervision import AttributeHeads
from hyvideo.world.captions import caption_fields
from hyvideo.world.scene import sample_spec
from train import IMAGE_EVERY, caption_batch, caption_length_order, caption_lengths, dit_gradients, micro_batches

HERE = Path(__file__).resolve().parent


def padded_length(model: HunyuanVideoModel, prompts: list[str], micro: int) -> float:
    """Mean LLM length (template included) each caption is padded to in its micro-batch."""
    lengths = caption_lengths(model, prompts)
    parts = micro_batches(len(prompts), micro)
    return sum(max(lengths[part]) * (part.stop - part.start) for part in parts) / len(prompts)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batches", type=int, default=12, help="drawn batches, each timed sorted and unsorted")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--micro-batch", type=int, default=16)
    p.add_argument("--dit-width", default=None, metavar="HIDDEN:HEADS", help="the DiT's width (default: the shipped one)")
    p.add_argument("--frozen-text", action="store_true", help="text encoders frozen (train.py --freeze-text)")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    base = HunyuanVideoModel.load(HERE / "weights" / "hyvideo-small")
    cfg = base.cfg
    if a.dit_width:
        hidden, heads_num = (int(v) for v in a.dit_width.split(":"))
        cfg = dataclasses.replace(cfg, dit=dataclasses.replace(cfg.dit, hidden_size=hidden, heads_num=heads_num))
    model = HunyuanVideoModel(cfg, base.tokenizer).train()
    model.load_state_dict({k: v for k, v in base.state_dict().items() if not k.startswith("dit.")}, strict=False)
    heads = AttributeHeads(cfg.llm.hidden_size, cfg.clip.hidden_size)
    world, rng = np.random.default_rng(5), random.Random(6)
    times: dict[bool, list[float]] = {False: [], True: []}
    pads: dict[bool, list[float]] = {False: [], True: []}
    for n in range(a.batches + 1):  # the first batch warms up
        fields = [caption_fields(sample_spec(world)) for _ in range(a.batch)]
        prompts, labels = caption_batch(fields, rng, image=False, drop=0.1)
        latents, noise = torch.randn(a.batch, 16, 5, 8, 8), torch.randn(a.batch, 16, 5, 8, 8)
        sigma, guidance = torch.rand(a.batch), torch.full((a.batch,), 1000.0)
        for sort in (n % 2 == 0, n % 2 == 1):
            model.zero_grad(set_to_none=True)
            heads.zero_grad(set_to_none=True)
            t0 = time.perf_counter()
            dit_gradients(model, heads, latents, prompts, labels, False, sigma, noise, guidance, None, a.micro_batch,
                          a.frozen_text, 0.0, sort_captions=sort)
            if n:
                times[sort].append(time.perf_counter() - t0)
                order = caption_length_order(model, prompts).tolist() if sort else list(range(a.batch))
                pads[sort].append(padded_length(model, [prompts[i] for i in order], a.micro_batch))
    plain, sorted_ = float(np.mean(times[False])), float(np.mean(times[True]))
    crop = model.tokenizer.crop_start_video  # the template's tokens, cropped before the DiT
    print(f"DiT hidden {cfg.dit.hidden_size}{', text frozen' if a.frozen_text else ''}, batch {a.batch} in passes of "
          f"{a.micro_batch}, {a.batches} drawn video batches, {a.threads} threads (stills, 1 batch in {IMAGE_EVERY}, not drawn)")
    for label, sort, t in (("as drawn", False, plain), ("sorted by caption length", True, sorted_)):
        print(f"  {label}: padded to {np.mean(pads[sort]):.1f} LLM tokens ({np.mean(pads[sort]) - crop:.1f} text tokens in "
              f"the DiT), {t:.3f} s a step ({t / plain:.3f}x; gradients, no optimizer)")


if __name__ == "__main__":
    main()
