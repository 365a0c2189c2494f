"""Scores the model on the held-out prompts (colour, shape, motion, camera combinations never seen in training):
generates each prompt with several seeds, runs the world's evaluator on the frames, and writes the figures, the
14x14 camera confusion matrix and a contact sheet (8 prompts x 4 seeds) for docs/MODEL_CARD.md.

Usage: node build/scripts/python.mjs run native-models/evaluate_model.py [--seeds 4] [--steps N --shift S --guidance G]
  --frames-dir DIR  score frames produced elsewhere (the TypeScript engine writes <id>_s<seed>.npy uint8 [T,H,W,3])"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from hyvideo.pipeline import HunyuanVideoModel, generate, to_uint8, to_video_tensor
from hyvideo.world.captions import background_scene
from hyvideo.world.evaluate import (background_palette, camera_gain, contact_sheet, degrade, evaluate_videos,
                                    far_gain_by_background, motion_breakdown, subject_gain)
from hyvideo.world.heldout import HELDOUT_JSON, heldout_spec, load_prompt_records, prompt_of
from hyvideo.world.render import render_clip

HERE = Path(__file__).resolve().parent


def prompt_text(item: dict) -> str:
    return item["prompt"]


def recorded_settings(frames_dir: Path) -> dict:
    """What heldout-frames.ts recorded beside its frames (settings.json): the pack and the sampler settings the engine
    used, maybe another pack's defaults than --pack's; {} for a folder written before it recorded them."""
    path = frames_dir / "settings.json"
    return json.loads(path.read_text()) if path.exists() else {}


def sampler_settings(a: argparse.Namespace) -> tuple[dict, int, float, float]:
    """The pack manifest's defaults, and the steps, shift and guidance to sample with (flags override defaults)."""
    defaults = json.loads((a.pack / "manifest.json").read_text())["defaults"]
    steps = a.steps or defaults["steps"]
    shift = a.shift if a.shift is not None else defaults["shift"]
    guidance = a.guidance if a.guidance is not None else defaults["guidance"]
    return defaults, steps, shift, guidance


@torch.no_grad()
def vae_roundtrip(model: HunyuanVideoModel, clip: np.ndarray) -> np.ndarray:
    """A rendered clip [T, H, W, 3] uint8 through the VAE: encoded, decoded from the posterior mean (fp32)."""
    return to_uint8(model.vae.decode(model.vae.encode(to_video_tensor(clip[None]))[0])[0]).numpy()


def reference_clips(items: list[dict], seeds: int) -> list[dict]:
    """The world's own renders of the same prompts (a seed per generation seed), analysed the same way: what the
    camera gain compares the generated motion with."""
    specs = [heldout_spec(prompt_of(item), seed) for item in items for seed in range(seeds)]
    return evaluate_videos((render_clip(s) for s in specs), specs)["clips"]


def markdown(report: dict) -> str:
    """Figures and the camera confusion matrix as Markdown, pasted into docs/MODEL_CARD.md."""
    acc, cnt, st = report["accuracy"], report["counts"], report["settings"]
    lines = [f"Settings: {st['prompts']} held-out prompts x {st['seeds']} seeds, {st['steps']} steps, shift {st['shift']}, "
             f"guidance {st['guidance']}, CFG {st.get('cfg_scale', 1.0)}, backend {st['backend']}.", "",
             "| measure | right | clips |", "|---|---|---|"]
    for key in ("colour", "shape", "motion", "camera", "palette"):
        if acc.get(key) is not None:
            name = "background palette" if key == "palette" else key
            lines.append(f"| {name} | {100 * acc[key]:.1f}% | {cnt[key]} |")
    stab = report.get("stability") or {}
    if stab:
        lines += ["", "Temporal stability (0-255 units, lower is steadier): " + ", ".join(f"{k} {v:.2f}" for k, v in stab.items())]
    ids = report["camera_ids"]
    short = [i.replace("around-", "ar-").replace("handheld", "hand") for i in ids]
    lines += ["", "Camera confusion (rows: asked for, columns: measured):", "", "| asked \\ measured | " + " | ".join(short) + " |",
              "|---" * (len(ids) + 1) + "|"]
    for name, row in zip(ids, report["camera_confusion"]):
        lines.append(f"| {name} | " + " | ".join(str(v) if v else "." for v in row) + " |")
    gain = report.get("camera_gain") or {}
    subject = report.get("subject_gain") or {}
    if gain:
        lines += ["", "Camera gain (median share of the world's layer travel along its direction; 1 = as rendered, "
                  "0 = none, < 0 = the wrong way; subject: the share of the render's on-screen subject travel, clip by "
                  "clip, camera not removed):", "", "| asked | far layer | near ledge | zoom | subject |",
                  "|---|---|---|---|---|"]
        for name, g in gain.items():
            cells = ["." if g.get(k) is None else f"{g[k]:.2f}" for k in ("far", "near", "zoom")]
            cells.append("." if subject.get(name) is None else f"{subject[name]:.2f}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    motion = report.get("motion_breakdown") or {}
    if motion:
        def cell(table: dict) -> str:
            return ", ".join(f"{k} {right}/{n}" for k, (right, n) in table.items())

        lines += ["", "Object motion right per asked camera move: " + cell(motion["by_camera"]),
                  "", "Per asked motion: " + cell(motion["by_motion"]),
                  "", "Most frequent misses (asked -> read): "
                  + ", ".join(f"{k} {n}" for k, n in list(motion["misses"].items())[:8])]
    by_bg = report.get("far_gain_by_background") or {}
    if by_bg:
        lines += ["", "Far-layer gain by background (median share of the render's far-layer travel, clip by clip): "
                  + ", ".join(f"{bg} {g:.2f}" for bg, g in by_bg.items())]
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=HERE / "weights" / "hyvideo-small")
    p.add_argument("--pack", type=Path, default=HERE / "packs" / "hyvideo-small")
    p.add_argument("--frames-dir", type=Path, default=None)
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--shift", type=float, default=None)
    p.add_argument("--guidance", type=float, default=None)
    p.add_argument("--cfg-scale", type=float, default=1.0,
                   help="true classifier-free guidance against the empty prompt (PyTorch reference only): scores an "
                        "undistilled DiT, e.g. a --snapshot taken during the DiT stage, with --guidance 1 --cfg-scale 4")
    p.add_argument("--teacher-from", type=Path, default=None,
                   help="a training checkpoint.pt that has reached the distillation: score its undistilled teacher (the "
                        "DiT's EMA) in place of --model's DiT, with --guidance 1 --cfg-scale 4; the text encoders and VAE "
                        "stay --model's, which are the teacher's own")
    p.add_argument("--vae-roundtrip", action="store_true",
                   help="score --model's VAE alone: each prompt's render (per seed) encoded, decoded from the posterior "
                        "mean as the gate does, in place of a generation; what no DiT on its latents can get back")
    p.add_argument("--blurred-renders", type=float, default=None, metavar="SIGMA",
                   help="the control for --vae-roundtrip: each render blurred (Gaussian, SIGMA px) and noised as the "
                        "evaluator's robustness tests do, in place of a generation; what the evaluator reads through blur")
    p.add_argument("--limit", type=int, default=None, help="only the first N prompts (quick checks)")
    p.add_argument("--prompts", type=Path, default=HELDOUT_JSON,
                   help="a prompts file of heldout.json's form (default: the held-out prompts), e.g. seen_twins.py's")
    p.add_argument("--out", type=Path, default=HERE / "eval")
    p.add_argument("--save-frames", type=Path, default=None,
                   help="also write each generated clip as <id>_s<seed>.npy there, as heldout-frames.ts does (for "
                        "diagnose_motion.py --frames-dir)")
    a = p.parse_args()
    if a.frames_dir and (a.cfg_scale != 1.0 or a.teacher_from or a.save_frames or a.steps or a.shift is not None
                         or a.guidance is not None):
        raise SystemExit("--cfg-scale, --teacher-from, --save-frames, --steps, --shift and --guidance apply to the "
                         "PyTorch reference; frames from elsewhere were sampled already (their settings.json says how)")
    renders = "--vae-roundtrip" if a.vae_roundtrip else "--blurred-renders" if a.blurred_renders is not None else None
    if renders and (a.frames_dir or a.teacher_from or a.cfg_scale != 1.0 or a.steps or a.shift is not None
                    or a.guidance is not None or (a.vae_roundtrip and a.blurred_renders is not None)):
        raise SystemExit(f"{renders} scores altered renders, nothing is sampled: no --frames-dir, --teacher-from or "
                         "sampler flags, nor the other of --vae-roundtrip / --blurred-renders")
    if a.save_frames:
        a.save_frames.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(2)
    defaults, steps, shift, guidance = sampler_settings(a)
    recorded: dict = {}
    if a.frames_dir:  # the settings the frames were sampled with, not --pack's defaults (None where unrecorded)
        recorded = recorded_settings(a.frames_dir)
        steps, shift, guidance = recorded.get("steps"), recorded.get("shift"), recorded.get("guidance")
    if renders:  # nothing is sampled
        steps = shift = guidance = None
    items = load_prompt_records(a.prompts)[: a.limit]
    model = None if a.frames_dir or a.blurred_renders is not None else HunyuanVideoModel.load(a.model)
    if model is not None and a.teacher_from:
        state = torch.load(a.teacher_from, map_location="cpu", weights_only=False)
        if "teacher" not in state:
            raise SystemExit(f"{a.teacher_from} has no teacher: its run has not reached the distillation")
        model.dit.load_state_dict(state["teacher"])
    videos, expected, labels = [], [], []
    t0 = time.time()
    for item in items:
        for seed in range(a.seeds):
            if a.frames_dir:
                video = np.load(a.frames_dir / f"{item['id']}_s{seed}.npy")
            elif a.vae_roundtrip:
                video = vae_roundtrip(model, render_clip(heldout_spec(prompt_of(item), seed)))
            elif a.blurred_renders is not None:
                video = degrade(render_clip(heldout_spec(prompt_of(item), seed)), sigma=a.blurred_renders, seed=seed)
            else:
                video = generate(model, prompt_text(item), frames=defaults["frames"], height=defaults["height"],
                                 width=defaults["width"], steps=steps, shift=shift, guidance=guidance,
                                 cfg_scale=a.cfg_scale, seed=seed).numpy()
            if a.save_frames:
                np.save(a.save_frames / f"{item['id']}_s{seed}.npy", video)
            videos.append(video)
            expected.append(item)
            labels.append(f"{item['colour']} {item['shape']} {item['motion']} / {item['camera']} s{seed}")
    report = evaluate_videos(videos, expected)
    if not renders:
        # Whether a generation draws the background in the palette its caption names (the evaluator's four measures
        # are the subject's and the camera's). Not for renders: a seed's render draws its own palette.
        asked = [background_scene(item["fields"]["background"])[1] for item in expected]
        right = sum(background_palette(v) == want for v, want in zip(videos, asked))
        report["accuracy"]["palette"], report["counts"]["palette"] = right / max(len(videos), 1), len(videos)
    reference = reference_clips(items, a.seeds)
    report["camera_gain"] = camera_gain(report["clips"], reference)
    report["subject_gain"] = subject_gain(report["clips"], reference)
    report["motion_breakdown"] = motion_breakdown(report["clips"])
    report["far_gain_by_background"] = far_gain_by_background(
        report["clips"], reference, [item["background"] for item in items for _ in range(a.seeds)])
    backend = ("frames-dir" if a.frames_dir else "vae-roundtrip" if a.vae_roundtrip
               else f"blurred-renders {a.blurred_renders}" if a.blurred_renders is not None else "pytorch-reference")
    report["settings"] = {"steps": steps, "shift": shift, "guidance": guidance,
                          "cfg_scale": recorded.get("cfgScale") if a.frames_dir else a.cfg_scale,
                          **({"pack": recorded.get("pack")} if a.frames_dir else {}),
                          "dit": None if renders else f"teacher of {a.teacher_from}" if a.teacher_from else "model",
                          "seeds": a.seeds, "prompts": len(items),
                          "backend": backend, "seconds": round(time.time() - t0, 1)}
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "report.json").write_text(json.dumps(report, indent=1, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)))
    sheet_idx = [i for i in range(len(videos)) if i // a.seeds < 8][: 8 * a.seeds]
    (a.out / "report.md").write_text(markdown(report))
    contact_sheet([videos[i] for i in sheet_idx], [labels[i] for i in sheet_idx], str(a.out / "contact_sheet.png"), columns=a.seeds)
    print(json.dumps({"accuracy": report["accuracy"], "stability": report.get("stability"), "settings": report["settings"]}, indent=1,
                     default=str))


if __name__ == "__main__":
    main()
