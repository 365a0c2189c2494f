"""How much the DiT listens to each part of the caption: the flow-matching loss on training clips with the right
caption, and with one attribute changed (camera sentence, object motion, object colour) or the caption emptied.

A model that follows an attribute loses noticeably more when that attribute is wrong; one that ignores it loses the
same. Measured at several noise levels, on the same clips, noise and timesteps for every variant, so the figures
compare within one run (the machine's speed does not enter). Reads native-models/work/ (latents.pt,
captions.json and the checkpoint: its EMA weights while the DiT stage runs, the teacher once distillation started) or
a weights directory (the distilled student, run at guidance 1).

Usage: node build/scripts/python.mjs run native-models/diagnose_conditioning.py [--clips 256] [--weights DIR | --live]"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import torch
import torch.nn.functional as F

from hyvideo.flow import noisy_input
from hyvideo.pipeline import HunyuanVideoModel
from hyvideo.world.captions import MOTION_DENSE, MOTION_SHORT, article, composer_fields, render_caption
from hyvideo.world.scene import COLOURS
from hyvideo.world.schema import camera_ids

HERE = Path(__file__).resolve().parent


def load_model(work: Path, weights: Path | None, live: bool = False) -> HunyuanVideoModel:
    if weights is not None:
        return HunyuanVideoModel.load(weights)
    import train  # the recipe's own tokenizer and config helpers, so the checkpoint loads exactly as it trains

    tok = train.load_tokenizer(argparse.Namespace(work=work))  # type: ignore[arg-type]
    state = torch.load(work / "checkpoint.pt", map_location="cpu", weights_only=False)
    model = HunyuanVideoModel(train.model_config(tok, state.get("dit_width"), state.get("dit_depth")), tok)
    model.load_state_dict(state["model"])
    if "teacher" in state:  # distillation started: the model's text encoders are the EMA ones; score the teacher
        model.dit.load_state_dict(state["teacher"])
    elif "ema" in state and not live:
        torch.nn.ModuleList([model.dit, model.llm, model.clip]).load_state_dict(state["ema"])
    print(f"[diagnose] checkpoint at {train.describe(state)}", flush=True)
    return model.eval()


def swap_motion(fields: dict, rng: random.Random) -> dict:
    short = fields["short"]
    current = next(m for m, phrase in MOTION_SHORT.items() if short.endswith(" " + phrase))
    other = rng.choice([m for m in MOTION_SHORT if m != current])
    out = dict(fields)
    out["short"] = short[: -len(MOTION_SHORT[current])] + MOTION_SHORT[other]
    out["dense"] = fields["dense"].replace(MOTION_DENSE[current], MOTION_DENSE[other], 1)
    return out


def swap_colour(fields: dict, rng: random.Random) -> dict:
    current = fields["short"].split()[1]
    other = rng.choice([c for c in COLOURS if c != current])
    out = dict(fields)
    for key in ("short", "dense"):
        words = out[key].split(" ", 2)
        out[key] = " ".join([article(other), other, words[2]])
    return out


@torch.no_grad()
def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", type=Path, default=HERE / "work")
    p.add_argument("--weights", type=Path, default=None, help="a weights directory instead of the work checkpoint")
    p.add_argument("--live", action="store_true",
                   help="score the DiT stage's live weights, not their EMA (short trials, where the EMA still lags)")
    p.add_argument("--clips", type=int, default=256)
    p.add_argument("--sigmas", default="0.5,0.8,0.95")
    a = p.parse_args()
    torch.set_num_threads(2)
    model = load_model(a.work, a.weights, a.live)
    lat = torch.load(a.work / "latents.pt")["videos"]
    caps = json.loads((a.work / "captions.json").read_text())["videos"]
    idx = list(range(len(caps)))[-a.clips:]
    rng = random.Random(0)
    cams = camera_ids()
    variants: dict[str, list[str]] = {"right": [], "camera": [], "motion": [], "colour": [], "empty": []}
    for i in idx:
        fields, camera = caps[i]
        other_cam = rng.choice([c for c in cams if c != camera])
        variants["right"].append(render_caption(composer_fields(fields, camera), camera))
        variants["camera"].append(render_caption(composer_fields(fields, camera), other_cam))
        variants["motion"].append(render_caption(composer_fields(swap_motion(fields, rng), camera), camera))
        variants["colour"].append(render_caption(composer_fields(swap_colour(fields, rng), camera), camera))
        variants["empty"].append("")
    gen = torch.Generator().manual_seed(5)
    latents = lat[idx]
    noise = torch.randn(latents.shape, generator=gen)
    cos, sin = model.rope(tuple(latents.shape[2:]))
    # Text is encoded once per variant and batch; only the noise level changes below.
    encoded = {name: [model.encode_text(prompts[s : s + 32], False) for s in range(0, len(idx), 32)]
               for name, prompts in variants.items()}
    results: dict[str, dict[str, float]] = {}
    for sigma_value in (float(s) for s in a.sigmas.split(",")):
        row = {}
        for name in variants:
            total = 0.0
            for b, s in enumerate(range(0, len(idx), 32)):
                z, n = latents[s : s + 32], noise[s : s + 32]
                sigma = torch.full((len(z),), sigma_value)
                text, mask, pooled = encoded[name][b]
                x, target = noisy_input(z, n, sigma)
                pred = model.dit(x, sigma * 1000.0, text, mask, pooled, cos, sin, torch.full((len(z),), 1000.0))
                total += F.mse_loss(pred, target, reduction="sum").item()
            row[name] = total / noise.numel()
        results[f"{sigma_value:g}"] = row
        base = row["right"]
        print(f"sigma {sigma_value:g}: right {base:.4f} | " + " | ".join(
            f"wrong {k} {v:.4f} (+{100 * (v / base - 1):.1f}%)" for k, v in row.items() if k != "right"), flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
