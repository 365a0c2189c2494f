"""Does the text side carry the camera move and the object motion? A linear probe on a pack's text encoders.

The DiT is conditioned twice on the caption: through the token states of the LLM-style encoder (attention) and
through CLIP's pooled vector (the modulation of every block). This script captions clips sampled from the world,
encodes the captions with the pack's encoders, fits a linear classifier (softmax regression) of the camera move and
of the main object's motion on two thirds of them and reports its accuracy on the rest, with the most frequent
confusions. Near 100% means the information reaches the DiT and a wrong move in the video is the DiT's; near chance
means the conditioning loses it. Captions are canonical (all fields, composer order, as the studio sends them) or
training-style (fields dropped and shuffled, the camera sentence always kept).

Usage: node build/scripts/python.mjs run native-models/diagnose_text_probe.py [--weights DIR] [--captions N]
       [--style canonical|training]"""
from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from hyvideo.pipeline import HunyuanVideoModel
from hyvideo.world.captions import caption_fields, render_caption, training_caption
from hyvideo.world.scene import sample_spec

HERE = Path(__file__).resolve().parent


def probe(features: torch.Tensor, labels: list[str], train: int, steps: int = 800) -> tuple[float, Counter]:
    """Held-out accuracy of a softmax regression fitted on the first `train` rows, and its (true, predicted) misses."""
    names = sorted(set(labels))
    y = torch.tensor([names.index(v) for v in labels])
    mean, std = features[:train].mean(0), features[:train].std(0) + 1e-6
    x = (features - mean) / std
    weight = torch.zeros(x.shape[1], len(names), requires_grad=True)
    bias = torch.zeros(len(names), requires_grad=True)
    opt = torch.optim.Adam([weight, bias], lr=1e-2)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(x[:train] @ weight + bias, y[:train]) + 1e-4 * weight.pow(2).sum()
        loss.backward()
        opt.step()
    with torch.no_grad():
        pred = (x[train:] @ weight + bias).argmax(1)
    misses = Counter((names[t], names[p]) for t, p in zip(y[train:].tolist(), pred.tolist()) if t != p)
    return float((pred == y[train:]).float().mean()), misses


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--weights", type=Path, default=HERE / "weights" / "hyvideo-small")
    ap.add_argument("--captions", type=int, default=3000)
    ap.add_argument("--style", choices=["canonical", "training"], default="canonical")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    model = HunyuanVideoModel.load(a.weights).eval()
    rng, text_rng = np.random.default_rng(a.seed), random.Random(a.seed)
    texts, cameras, motions = [], [], []
    while len(texts) < a.captions:
        spec = sample_spec(rng)
        fields, camera = caption_fields(spec)
        if camera is None:
            continue
        texts.append(render_caption(fields, camera) if a.style == "canonical"
                     else training_caption(fields, camera, text_rng, p_camera=1.0))
        cameras.append(camera)
        motions.append(spec.objects[0].motion)

    pooled, llm_mean = [], []
    with torch.no_grad():
        for i in range(0, len(texts), 100):
            states, mask, pool = model.encode_text(texts[i:i + 100])
            m = mask.unsqueeze(-1).to(states.dtype)
            pooled.append(pool)
            llm_mean.append((states * m).sum(1) / m.sum(1))
    train = 2 * len(texts) // 3
    print(f"{a.weights}: {len(texts)} {a.style} captions, probe fitted on {train}, scored on {len(texts) - train}")
    for feature_name, feats in (("CLIP pooled", torch.cat(pooled)), ("LLM states, mean", torch.cat(llm_mean))):
        for label_name, labels in (("camera", cameras), ("motion", motions)):
            acc, misses = probe(feats, labels, train)
            top = ", ".join(f"{t}->{p} {n}" for (t, p), n in misses.most_common(4))
            print(f"  {feature_name:17s} {label_name:7s} {acc:6.1%}" + (f"   misses: {top}" if top else ""))


if __name__ == "__main__":
    main()
