"""Trains the embedded model on this machine's CPU, resumably, in the order of the paper's recipe:

  0. data      render the synthetic world (videos + still images), train the two tokenizers
  1. vae       causal 3D VAE from an inflated init (every causal conv starts per-frame), L1 + MSE with the objects
               weighted 3x + small KL: A on 9-frame clip crops and stills, B on clips of every other frame; an EMA
               of its weights is scored by a gate (encode→decode of the held-out renders through the evaluator)
               and is the VAE the later stages use
  2. latents   encode the dataset once
  3. text      warm the from-scratch text encoders up on linear read-outs of the world's attributes (colour, shape,
               motion, camera; --text-readouts adds the background's texture and palette; hyvideo/text_supervision.py),
               a stand-in for the pretraining HunyuanVideo's encoders had
  4. dit       flow matching (x = (1-s)·data + s·noise, target noise - data, shifted logit-normal s), images and
               videos jointly, structured captions with random field dropout/permutation, 10% empty captions,
               the text encoders frozen as the warm-up left them (as HV keeps its own; --no-freeze-text trains
               them with the DiT, the attribute read-outs then kept as a small auxiliary loss), the objects'
               latent pixels weighted 2.5x in the flow loss, Muon on the blocks' hidden matrices, EMA weights
  5. distill   guidance distillation: a guidance-embedded student learns the CFG teacher v_u + w(v_c - v_u),
               w ~ U[1, 6], fed as guidance = w·1000 (spec §5.5)
  6. final     writes weights/hyvideo-small/ (config, safetensors, tokenizers) for export.py, and the loss PNG

Every stage checkpoints to native-models/work/ (atomically) every few minutes; rerunning the same command
resumes where it stopped. Usage: node build/scripts/python.mjs run native-models/train.py [--quick]

--init-from DIR continues from trained weights instead (stages 1 and 3 skipped, the DiT trains on from DIR's), in a
fresh --work folder; with --fresh-dit only the DiT, with --fresh-text the text stage too, start fresh.
docs/MODEL_CARD.md has the trials run that way."""
from __future__ import annotations

import argparse
import copy
import dataclasses
import functools
import json
import math
import os
import random
import shutil
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

from hyvideo.config import ModelConfig, small_config
from hyvideo.cpu_isa import ensure_usable_bf16_isa
from hyvideo.flow import noisy_input, training_sigmas
from hyvideo.optimizers import OPTIMIZERS, dit_optimizer
from hyvideo.pipeline import HunyuanVideoModel, latent_shape, to_uint8, to_video_tensor
from hyvideo.precision import choose_bf16, cpu_has_bf16_flags
from hyvideo.prompt import PromptTokenizer
from hyvideo.text_supervision import (ALL_ATTRIBUTES, ATTRIBUTES, AttributeHeads, attribute_labels, label_batch,
                                     labelled_counts)
from hyvideo.templates import IMAGE_TEMPLATE, NEGATIVE_PROMPT, VIDEO_TEMPLATE
from hyvideo.tokenizer_build import train_clip_tokenizer, train_llm_tokenizer
from hyvideo.world.captions import caption_fields, render_caption, training_caption
from hyvideo.world.dataset import make_dataset
from hyvideo.world.evaluate import camera_gain, evaluate_videos, object_pixels
from hyvideo.world.heldout import HELDOUT, heldout_spec, is_heldout
from hyvideo.world.render import render_clip
from hyvideo.world.scene import motion_probabilities

HERE = Path(__file__).resolve().parent
FRAMES, SIZE = 17, 64


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", type=Path, default=HERE / "work")
    p.add_argument("--weights", type=Path, default=HERE / "weights" / "hyvideo-small", help="where the final weights go")
    p.add_argument("--plot", type=Path, default=HERE / "training" / "loss_curves.png")
    p.add_argument("--seed", type=int, default=1234)
    # 7000 since pack 0.8.0: twice 0.7.0's clips raised held-out motion 73 -> 77% and cost no DiT time (MODEL_CARD).
    p.add_argument("--videos", type=int, default=7000)
    p.add_argument("--images", type=int, default=2500)
    p.add_argument("--motion-weights", type=parse_motion_weights, default=None, metavar="MOTION=W[,MOTION=W]",
                   help="draw the training videos' subject motions with these relative weights (1 where not named), "
                        "e.g. still=2; default: every motion as likely")
    p.add_argument("--vae-steps", type=int, default=1000)
    p.add_argument("--vae-motion-steps", type=int, default=1000)
    p.add_argument("--vae-ledge-weight", type=parse_loss_weight, default=1.0,
                   help="phase B (motion) of the VAE: loss weight of the near ledge's rows (LEDGE_FIRST_ROW down); 1 = "
                        "the plain object-weighted loss")
    p.add_argument("--vae-ledge-crops", type=parse_share, default=0.0,
                   help="phase B of the VAE: share of its clip crops taken at the frame's bottom, on the ledge, rather "
                        "than anywhere")
    p.add_argument("--text-steps", type=int, default=1000)
    p.add_argument("--text-readouts", type=parse_readouts, default=tuple(ATTRIBUTES), metavar="NAME[,NAME]",
                   help="what the text encoders' linear read-outs learn in the warm-up (and keep under the DiT stage's "
                        f"auxiliary loss), of {','.join(ALL_ATTRIBUTES)}; default {','.join(ATTRIBUTES)}. background "
                        "and palette add the scene's texture and its named palette (hyvideo/text_supervision.py)")
    p.add_argument("--dit-steps", type=int, default=3500)
    p.add_argument("--distill-steps", type=int, default=400)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--dit-batch", type=int, default=None,
                   help="clips per DiT step (default --batch); the text warm-up and distillation keep --batch. With "
                        "--dit-steps scaled inversely, the same compute in more, noisier steps")
    p.add_argument("--micro-batch", type=int, default=MICRO_BATCH,
                   help="clips per pass within a DiT or distillation step (the step's gradient is the whole batch's)")
    # 3, below the sampler's 5: training at 5 lost the camera (84 -> 64%) and won no motion (2026-12-05, MODEL_CARD).
    p.add_argument("--train-shift", type=float, default=3.0,
                   help="shift of the logit-normal sigma draws of the DiT and distillation stages toward noise")
    p.add_argument("--ledge-weight", type=float, default=1.0,
                   help="weight of the bottom latent rows (the near ledge, which shows a pan's parallax) in the DiT's "
                        "flow loss; 1 = the plain loss")
    # 2.5 since 2026-12-07 (1.5 from 2026-12-03, when it moved the subject in 55% of the held-out clips where the
    # plain loss did in 36%): on one upstream, 2.5 against 1.5 read 77.4 against 72.6% motion held-out and 85.1
    # against 78.0% on the validation twins, the camera kept; 3 had lost the camera (docs/MODEL_CARD.md, "Diagnoses").
    p.add_argument("--object-weight", type=float, default=2.5,
                   help="weight of the latent pixels that hold an object (colour, shape, size, motion) in the DiT's flow "
                        "loss; 1 = the plain loss")
    p.add_argument("--path-weight", type=float, default=1.0,
                   help="weight of the latent pixels on the subject's path (an object there in another latent frame of "
                        "the clip) but empty in this one, in the DiT's flow loss; 1 = no extra weight")
    p.add_argument("--freeze-text", action=argparse.BooleanOptionalAction, default=True,
                   help="keep the text encoders as the warm-up left them during the DiT stage (as HunyuanVideo keeps "
                        "its LLM and CLIP frozen): no backward through them, 20-28%% less time per DiT step "
                        "(bench_dit_step.py); --no-freeze-text trains them with the DiT, as packs up to 0.8.0 did")
    p.add_argument("--motion-loss", type=float, default=0.0,
                   help="weight of the frame-to-frame velocity-error term in the DiT loss (see temporal_loss)")
    p.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto",
                   help="bf16 autocast (weights and optimizer stay fp32): ~2x faster on some CPUs with AVX512-BF16 or "
                        "AMX, slower on others; auto times one step each way where the CPU has them and keeps the "
                        "faster (recorded in the work folder)")
    p.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1), help="torch CPU threads")
    p.add_argument("--init-from", type=Path, default=None,
                   help="a weights directory to continue from: its tokenizers, VAE, text encoders and DiT are adopted "
                        "and the VAE and text stages skipped, so the DiT stage (then distillation) trains on from it")
    p.add_argument("--fresh-dit", action="store_true",
                   help="with --init-from: adopt only its VAE and text encoders and train a freshly initialised DiT "
                        "(a DiT-only trial on another world, side by side with the same VAE)")
    p.add_argument("--fresh-text", action="store_true",
                   help="with --init-from: adopt only its VAE; the text warm-up and the DiT start from a fresh "
                        "initialisation, so the run is the recipe from scratch from its latents on (an A/B of the "
                        "later stages without training the VAE again)")
    p.add_argument("--dit-lr", type=float, default=None,
                   help="peak DiT learning rate (default DIT_LR, the chosen optimizer's)")
    p.add_argument("--dit-optimizer", choices=OPTIMIZERS, default="muon",
                   help="the DiT stage's optimizer: AdamW, or Muon on the blocks' hidden matrices with AdamW on the "
                        "rest (hyvideo/optimizers.py)")
    p.add_argument("--distill-lr", type=float, default=DISTILL_LR, help="peak guidance-distillation learning rate")
    p.add_argument("--dit-width", type=parse_width, default=None, metavar="HIDDEN:HEADS",
                   help="DiT hidden size and heads (default 192:6, or the --init-from weights'; keep the head dim at "
                        "32, the RoPE split's sum). With --init-from, a width other than the weights' trains a "
                        "fresh DiT on their VAE and text encoders")
    p.add_argument("--dit-depth", type=parse_depth, default=None, metavar="DUAL:SINGLE",
                   help="DiT dual- and single-stream block counts (default 2:4, or the --init-from weights'); like "
                        "--dit-width, a depth other than the weights' trains a fresh DiT, and a work folder keeps its own")
    p.add_argument("--quick", action="store_true", help="tiny sizes: checks the whole recipe end to end in minutes")
    p.add_argument("--stop-after", choices=["data", "vae", "latents", "dit", "distill"], default=None)
    p.add_argument("--resume-file", type=Path, default=HERE / "training" / "resume.pt")
    p.add_argument("--save-resume", action="store_true",
                   help="only write training/resume.pt, a slim copy of the latest checkpoint small enough to commit, so a "
                        "run stopped with the session resumes on another machine (the data are re-rendered from seeds), "
                        "then exit without training; run the command again without it to train on")
    p.add_argument("--snapshot", action="store_true",
                   help="write weights/hyvideo-small from the latest checkpoint (the VAE's EMA, and the text encoders' and "
                        "DiT's EMA while in the DiT stage) without training further: a partially trained model to "
                        "export and evaluate")
    return p.parse_args()


def parse_motion_weights(text: str) -> dict[str, float]:
    try:
        weights = {k.strip(): float(v) for k, v in (item.split("=") for item in text.split(","))}
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: expected MOTION=WEIGHT[,MOTION=WEIGHT...]") from None
    try:
        motion_probabilities(weights)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return weights


def parse_loss_weight(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text}: a loss weight must be above 0 (1 = no extra weight)")
    return value


def parse_share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text}: a share must lie between 0 and 1")
    return value


def parse_readouts(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in ALL_ATTRIBUTES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"{text}: read-outs are among {','.join(ALL_ATTRIBUTES)}")
    return names


def parse_width(text: str) -> tuple[int, int]:
    hidden, heads = (int(v) for v in text.split(":"))
    if hidden % heads or hidden // heads != 32:
        raise argparse.ArgumentTypeError(f"{text}: hidden / heads must be 32 (the RoPE split 8+12+12)")
    return hidden, heads


def parse_depth(text: str) -> tuple[int, int]:
    try:
        dual, single = (int(v) for v in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: give DUAL:SINGLE block counts, e.g. 2:4") from None
    if dual < 1 or single < 0:
        raise argparse.ArgumentTypeError(f"{text}: at least one dual-stream block, and no negative count")
    return dual, single


def map_tensors(value, fn):
    if isinstance(value, torch.Tensor):
        return fn(value)
    if isinstance(value, dict):
        return {k: map_tensors(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [map_tensors(v, fn) for v in value]
    return value


def slim(value):
    """Optimizer moments in fp16 (they only steer the next steps); weights and EMA stay fp32."""
    return map_tensors(value, lambda t: t.half() if t.is_floating_point() and t.dim() > 0 else t)


def save_resume(run: "Run", state: dict) -> None:
    keep = {k: v for k, v in state.items() if not k.endswith("_opt")}
    if state.get("vae_motion_step", 0) >= run.args.vae_motion_steps:
        keep.pop("vae_ema", None)  # the finished VAE's EMA is already the model's VAE (stage_latents)
    for k in ("dit_opt", "distill_opt"):
        if k in state and not (k == "dit_opt" and "distill_step" in state):
            keep[k] = slim(state[k])
    for phase, total in (("vae", run.args.vae_steps), ("vae_motion", run.args.vae_motion_steps)):
        if state.get(f"{phase}_step", 0) < total and f"{phase}_opt" in state:
            keep[f"{phase}_opt"] = slim(state[f"{phase}_opt"])
    keep["tokenizers"] = {n: (run.work / n).read_text() for n in ("tokenizer_llm.json", "tokenizer_clip.json")}
    keep["losses"] = run.losses_path.read_text() if run.losses_path.exists() else ""
    path = run.args.resume_file
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(keep, path)
    print(f"[resume] {path} ({path.stat().st_size / 1e6:.1f} MB) at {describe(state)}", flush=True)


def restore_resume(run: "Run") -> None:
    """First run on a fresh machine: start from the committed resume point instead of from scratch."""
    path = run.args.resume_file
    if run.ckpt.exists() or not path.exists():
        return
    state = torch.load(path, map_location="cpu", weights_only=False)
    for name, text in state.pop("tokenizers").items():
        (run.work / name).write_text(text)
    run.losses_path.write_text(state.pop("losses"))

    run.save(map_tensors(state, lambda t: t.float() if t.dtype == torch.float16 else t))
    print(f"[resume] continuing from {path} at {describe(state)}", flush=True)


class Run:
    """Checkpointed state of the whole recipe: stage, step, models, optimizers, loss log."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.work: Path = args.work
        self.work.mkdir(parents=True, exist_ok=True)
        self.ckpt = self.work / "checkpoint.pt"
        self.losses_path = self.work / "losses.jsonl"
        self.last_save = time.time()
        self.bf16 = use_bf16(args.precision, self.work)

    def log_loss(self, stage: str, step: int, loss: float, **extra: float) -> None:
        with self.losses_path.open("a") as f:
            f.write(json.dumps({"stage": stage, "step": step, "loss": loss, "time": time.time(), **extra}) + "\n")

    def save(self, state: dict) -> None:
        tmp = self.ckpt.with_suffix(".tmp")
        torch.save(state, tmp)
        os.replace(tmp, self.ckpt)
        self.last_save = time.time()

    def due(self) -> bool:
        return time.time() - self.last_save > 240

    def load(self) -> dict | None:
        return torch.load(self.ckpt, map_location="cpu", weights_only=False) if self.ckpt.exists() else None


def optimizer_step(opt: torch.optim.Optimizer, loss: torch.Tensor, params) -> None:
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()


def use_bf16(precision: str, work: Path) -> bool:
    if precision == "fp32":
        return False
    if precision == "auto" and not cpu_has_bf16_flags():
        return False
    ensure_usable_bf16_isa()  # before the first bf16 kernel: some VMs advertise AMX that crashes
    # With the flags present, "auto" still measures: on some of those CPUs autocast is the slower (hyvideo/precision.py).
    return precision == "bf16" or choose_bf16(work)


def autocast(run: "Run"):
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=run.bf16)


def lr_at(step: int, total: int, peak: float, warmup: int = 100) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup))))


# ---------------------------------------------------------------- stage 0: data and tokenizers
def stage_data(run: Run) -> None:
    a = run.args
    data_path = run.work / "data.npz"
    if data_path.exists():
        return
    tokenizers_given = (run.work / "tokenizer_llm.json").exists()  # restored from a resume point: keep them
    t0 = time.time()
    videos, vspecs = make_dataset(a.videos, a.seed, FRAMES, SIZE, SIZE, image_fraction=0.0, exclude=is_heldout,
                                  motion_weights=a.motion_weights)
    images, ispecs = make_dataset(a.images, a.seed + 1, 1, SIZE, SIZE, image_fraction=1.0, exclude=is_heldout)
    rng = random.Random(a.seed)
    corpus = [VIDEO_TEMPLATE.format(""), IMAGE_TEMPLATE.format(""), NEGATIVE_PROMPT] * 50
    for spec in vspecs + ispecs:
        fields, camera = caption_fields(spec)
        corpus.append(render_caption(fields, camera))
        corpus.append(training_caption(fields, camera, rng))
    if not tokenizers_given:
        train_llm_tokenizer(corpus, 1024).save(str(run.work / "tokenizer_llm.json"))
        train_clip_tokenizer(corpus, 1024).save(str(run.work / "tokenizer_clip.json"))
    meta = [caption_fields(s) for s in vspecs], [caption_fields(s) for s in ispecs]
    (run.work / "captions.json").write_text(json.dumps({"videos": meta[0], "images": meta[1]}))
    np.savez(data_path, videos=videos, images=images)
    made = "rendered, tokenizers kept" if tokenizers_given else "rendered, tokenizers trained"
    print(f"[data] {len(vspecs)} videos + {len(ispecs)} images {made} in {time.time() - t0:.0f}s", flush=True)


def adopt_tokenizers(run: Run, weights: Path) -> None:
    """Token ids must mean what the adopted text encoders learned, so the weights' own tokenizers replace any
    trained here (the captions and renders do not depend on them)."""
    run.work.mkdir(parents=True, exist_ok=True)
    for name in ("tokenizer_llm.json", "tokenizer_clip.json"):
        shutil.copyfile(weights / name, run.work / name)


def adopted_state(a: argparse.Namespace, model: HunyuanVideoModel) -> dict:
    """A checkpoint state that starts from a weights directory: VAE and text stages marked done. Its DiT is adopted
    too when `model`'s DiT has the same sizes and --fresh-dit is not given; otherwise `model`'s freshly initialised
    DiT stays. With --fresh-text only the VAE is adopted and the text stage is left to run."""
    trained = HunyuanVideoModel.load(a.init_from)
    same_dit = trained.cfg.dit == model.cfg.dit and not a.fresh_dit and not a.fresh_text
    adopted = {k: v for k, v in trained.state_dict().items()
               if k.startswith("vae.") or (not a.fresh_text and (same_dit or not k.startswith("dit.")))}
    what = ("its VAE; fresh text encoders and DiT" if a.fresh_text else
            "" if same_dit else "its VAE and text encoders; a fresh DiT")
    print(f"[init] continuing from {a.init_from}" + (f" ({what})" if what else ""), flush=True)
    state = {"model": {**model.state_dict(), **adopted}, "scaling_factor": trained.cfg.vae.scaling_factor,
             "init_from": str(a.init_from), "vae_step": a.vae_steps, "vae_motion_step": a.vae_motion_steps}
    if not a.fresh_text:
        state["text_step"] = a.text_steps
    return state


def load_tokenizer(run: Run) -> PromptTokenizer:
    from tokenizers import Tokenizer
    return PromptTokenizer(Tokenizer.from_file(str(run.work / "tokenizer_llm.json")),
                           Tokenizer.from_file(str(run.work / "tokenizer_clip.json")))


def model_config(tok: PromptTokenizer, dit_width: tuple[int, int] | list[int] | None = None,
                 dit_depth: tuple[int, int] | list[int] | None = None) -> ModelConfig:
    """The recipe's sizes; `dit_width` (hidden, heads) and `dit_depth` (dual, single blocks) override the DiT's (a
    checkpoint records both)."""
    cfg = small_config(vocab_llm=tok.llm.get_vocab_size(), vocab_clip=tok.clip.get_vocab_size())
    dit = cfg.dit
    if dit_width is not None:
        dit = dataclasses.replace(dit, hidden_size=dit_width[0], heads_num=dit_width[1])
    if dit_depth is not None:
        dit = dataclasses.replace(dit, mm_double_blocks_depth=dit_depth[0], mm_single_blocks_depth=dit_depth[1])
    return dataclasses.replace(cfg, dit=dit)


# ---------------------------------------------------------------- stage 1: VAE
VAE_GATE_EVERY = 1000
# Clips per VAE call outside training (the latents stage, the gate). The encoder's activations at batch 16 are
# ~140 MB a tensor and its element-wise ops (padding, GroupNorm, SiLU) ran from memory at ~60% of its time; at
# batch 2 they stay in cache and the same latents come out ~5x faster (bench_latent_encode.py --batches,
# docs/BENCHMARKS.md).
ENCODE_BATCH = 2
VAE_GATE_TARGET = 0.9


@functools.cache
def heldout_renders(quick: bool) -> tuple[list, np.ndarray]:
    """The held-out prompts' specs and their rendered clips [N, T, H, W, 3], rendered once per run."""
    specs = [heldout_spec(p) for p in (HELDOUT[:6] if quick else HELDOUT)]
    return specs, np.stack([render_clip(s, FRAMES, SIZE, SIZE) for s in specs])


@functools.cache
def heldout_render_travel(quick: bool) -> list:
    """The evaluator's analyses of the held-out renders themselves: the reference of camera_gain."""
    specs, clips = heldout_renders(quick)
    return evaluate_videos(list(clips), specs)["clips"]


# The moves whose ledge travel the VAE lost (docs/MODEL_CARD.md, "Diagnoses"): the gate prints the ledge's gain on
# each, which its average accuracies hide.
VERTICAL_MOVES = ("pan-up", "pan-down", "tilt-up", "tilt-down")


@torch.no_grad()
def vae_gate(run: Run, vae: torch.nn.Module, phase: str, step: int) -> dict:
    """Encode→decode the held-out renders (fp32, posterior mean, as the engine decodes) and score them with the
    evaluator: whatever the latents lose here, no DiT trained on them can generate. Also the near ledge's gain
    (travel against the renders') on the vertical moves."""
    was_training = vae.training
    vae.eval()
    specs, clips = heldout_renders(run.args.quick)
    recon = []
    for i in range(0, len(clips), ENCODE_BATCH):
        x = to_video_tensor(clips[i : i + ENCODE_BATCH])
        recon.extend(to_uint8(v).numpy() for v in vae.decode(vae.encode(x)[0]))
    vae.train(was_training)
    scored = evaluate_videos(recon, specs)
    acc = scored["accuracy"]
    gains = camera_gain(scored["clips"], heldout_render_travel(run.args.quick))
    ledge = {cam: gains[cam]["near"] for cam in VERTICAL_MOVES if gains.get(cam, {}).get("near") is not None}
    err = np.stack(recon).astype(np.float64) - clips
    psnr = float(10 * np.log10(255.0**2 / np.mean(err**2)))
    run.log_loss("vae_gate", step, psnr, phase=phase, **{k: float(v) for k, v in acc.items() if v is not None},
                 **{f"ledge_gain_{cam}": v for cam, v in ledge.items()})
    verdict = "ok" if min(acc["motion"], acc["camera"]) >= VAE_GATE_TARGET else f"below the {VAE_GATE_TARGET:.0%} target"
    print(f"[vae gate] {phase} step {step}: encode→decode of {len(specs)} held-out renders: PSNR {psnr:.1f} dB, "
          + ", ".join(f"{k} {v:.0%}" for k, v in acc.items()) + f" (motion/camera {verdict}); ledge gain "
          + (" / ".join(f"{cam} {v:.2f}" for cam, v in ledge.items()) or "not measured"), flush=True)
    return acc


# A VAE batch: clips [B, 3, T, H, W] in -1..1, and row weights for the loss (None: every row alike).
VaeBatch = tuple[torch.Tensor, torch.Tensor | None]
VAE_CROP, VAE_CLIP_FRAMES, VAE_BATCH = 32, 9, 8  # phase crops: 8 clips of 9 frames, 32 x 32 px; stills twice as many
# The near ledge's rows: at or below row 48 of 64 (its edge sits at ~80% of the frame, and the evaluator reads its
# travel below 87.5%). Once its edge has left those rows, its planks (3-px light lines across the dark gaps between
# the posts) are all that shows a vertical move there, and the VAE drew them as soft blobs that hardly move
# (docs/MODEL_CARD.md, "Diagnoses").
LEDGE_FIRST_ROW = 48


@dataclasses.dataclass(frozen=True)
class LedgeEmphasis:
    """Phase B's emphasis on the near ledge: the loss weight of its rows and the share of crops taken on it."""
    weight: float = 1.0
    crops: float = 0.0


def vae_clip_batch(videos: np.ndarray, rng: np.random.Generator, stride: int,
                   ledge: LedgeEmphasis | None = None) -> VaeBatch:
    """VAE_BATCH random crops of VAE_CLIP_FRAMES frames `stride` apart, all at one position; with `ledge`, a share
    of them at the frame's bottom and the ledge's rows weighted."""
    idx = rng.integers(0, len(videos), VAE_BATCH)
    span = (VAE_CLIP_FRAMES - 1) * stride + 1
    t0 = rng.integers(0, FRAMES - span + 1)
    y0, x0 = (int(v) for v in rng.integers(0, SIZE - VAE_CROP + 1, 2))
    if ledge is not None and ledge.crops > 0 and rng.random() < ledge.crops:
        y0 = SIZE - VAE_CROP
    x = to_video_tensor(np.ascontiguousarray(
        videos[idx, t0 : t0 + span : stride, y0 : y0 + VAE_CROP, x0 : x0 + VAE_CROP]))
    return x, ledge_row_weights(y0, VAE_CROP, ledge.weight) if ledge is not None else None


def vae_still_batch(images: np.ndarray, rng: np.random.Generator) -> VaeBatch:
    """Whole stills: the first-frame path (an image is a 1-frame video) and full-frame context."""
    return to_video_tensor(images[rng.integers(0, len(images), 2 * VAE_BATCH)]), None


def ledge_row_weights(y0: int, crop: int, weight: float) -> torch.Tensor | None:
    """[1, 1, 1, crop, 1] loss weights of a crop starting at frame row y0: `weight` on the ledge's rows, 1 above."""
    if weight == 1.0 or y0 + crop <= LEDGE_FIRST_ROW:
        return None
    rows = torch.ones(crop)
    rows[max(0, LEDGE_FIRST_ROW - y0):] = weight
    return rows.view(1, 1, 1, crop, 1)


def stage_vae(run: Run, model: HunyuanVideoModel, state: dict) -> None:
    """Two phases. A: reconstruction, clip crops of 9 consecutive frames and whole stills. B: motion, clips of every
    other frame (9 of 17). After A the VAE encodes the first frame well and copies it forward (measured: the decoder
    leaned on latent 0 for frame 4 eight times more than on latent 1; encode→decode of held-out renders scored colour
    98% but motion 14%, camera 7%): at ~1.5 px per frame, copying costs little. Twice the motion between frames makes
    copying expensive, as HunyuanVideo samples its VAE clips at random frame intervals."""
    a = run.args
    data = np.load(run.work / "data.npz")
    videos, images = data["videos"], data["images"]
    vae = model.vae
    if "vae_step" not in state:
        # Start the posterior nearly deterministic (std e^-3): with logvar ~ 0 the sampling noise drowns the small
        # initial means and the decoder learns nothing for hundreds of steps; the KL term still shapes it later.
        with torch.no_grad():
            vae.quant_conv.bias[vae.cfg.latent_channels:] = -6.0
        inflate_causal_init(vae)
    ledge = LedgeEmphasis(a.vae_ledge_weight, a.vae_ledge_crops)
    # 1e-4: measured on this VAE, 5e-4 and above stall near the mean colour (see docs/MODEL_CARD.md, training notes).
    vae_phase(run, model, state, "vae", a.vae_steps, 1e-4,
              lambda rng, step: vae_still_batch(images, rng) if step % 3 == 2 else vae_clip_batch(videos, rng, 1))
    vae_phase(run, model, state, "vae_motion", a.vae_motion_steps, 1e-4,
              lambda rng, step: vae_still_batch(images, rng) if step % 5 == 4 else vae_clip_batch(videos, rng, 2, ledge))


def inflate_causal_init(vae: torch.nn.Module) -> None:
    """Start every causal 3D convolution as a per-frame 2D one: only the temporal tap on the current frame is
    non-zero (scaled by sqrt(kt) to keep the output's variance). The VAE then begins as an image autoencoder applied
    to frames 0, 4, 8, ... (the temporal strides pick every other frame twice), each latent frame holding its own
    frame, and learns the in-between frames from the earlier taps; from a random 3D init it settled on encoding the
    first frame and copying it forward (docs/MODEL_CARD.md). The usual inflation of 2D weights into video VAEs."""
    from hyvideo.modules.vae import CausalConv3d
    with torch.no_grad():
        for module in vae.modules():
            if isinstance(module, CausalConv3d) and module.conv.kernel_size[0] > 1:
                w = module.conv.weight
                kt = w.shape[2]
                w[:, :, -1] *= math.sqrt(kt)
                w[:, :, :-1] = 0.0


# Reconstruction loss weight on the objects' pixels (and a 1-px rim), relative to 1 elsewhere: the evaluator reads
# colour, shape and motion from them, and they are a few percent of the frame. In separate 300-step continuations
# of the 0.2.0 VAE, 5x raised motion the most but lost colour, and an EMA of the weights kept colour; 3x under the
# EMA is this recipe's choice, not measured on its own.
VAE_OBJECT_WEIGHT = 3.0
VAE_EMA_DECAY = 0.998
# Clips per pass of a VAE step: the 8 clip crops go in one, the 16 whole stills in two of 8 (the same step; the
# gradients accumulate). bench_vae_step.py --bf16: stills 1.30 s in one pass, 0.82 s in two of 8, 0.93 s in four of
# 4; the crops 0.55 s in one, 0.63 s in two of 4 (docs/BENCHMARKS.md).
VAE_MICRO_BATCH = 8


def object_weight(x: torch.Tensor) -> torch.Tensor:
    """[B, 1, T, H, W] loss weights: VAE_OBJECT_WEIGHT where the target is saturated or white (the world's objects;
    its backgrounds are muted, the thresholds are the evaluator's), 1 elsewhere."""
    rgb = (x + 1) / 2
    mx, mn = rgb.amax(1, keepdim=True), rgb.amin(1, keepdim=True)
    sat = (mx - mn) / mx.clamp_min(1e-6)
    objects = ((sat > 0.45) & (mx > 0.42)) | ((sat < 0.22) & (mx > 0.76))
    rim = F.max_pool3d(objects.float(), (1, 3, 3), stride=1, padding=(0, 1, 1))
    return 1.0 + (VAE_OBJECT_WEIGHT - 1.0) * rim


def vae_ema_module(model: HunyuanVideoModel, state: dict) -> torch.nn.Module:
    ema = copy.deepcopy(model.vae)
    if "vae_ema" in state:
        ema.load_state_dict(state["vae_ema"])
    return ema.eval()


def vae_gradients(vae: torch.nn.Module, x: torch.Tensor, noise: torch.Tensor, micro_batch: int,
                  bf16: bool = False, row_weights: torch.Tensor | None = None) -> tuple[float, float, float]:
    """Accumulates one VAE step's gradients into .grad: object-weighted L1 + MSE of the reconstruction from a sampled
    latent (mean + noise * std, `noise` drawn for the whole batch) + 1e-4 KL, in passes of `micro_batch` clips (each
    scaled by its share; the object weights, times `row_weights` where given, normalised over the whole batch).
    Returns the batch's loss, L1 and KL."""
    w = object_weight(x)
    if row_weights is not None:
        w = w * row_weights
    w_mean = w.mean()
    loss_sum = l1_sum = kl_sum = 0.0
    for part in micro_batches(len(x), micro_batch):
        share = (part.stop - part.start) / len(x)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            mean, logvar = vae.encode(x[part])
            mean, logvar = mean.float(), logvar.float()
            recon = vae.decode(mean + noise[part] * (0.5 * logvar).exp()).float()
        err = recon - x[part]
        l1 = (err.abs() * w[part]).mean() / w_mean * share
        mse = (err.pow(2) * w[part]).mean() / w_mean * share
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).mean() * share
        loss = l1 + mse + 1e-4 * kl
        loss.backward()
        loss_sum, l1_sum, kl_sum = loss_sum + loss.item(), l1_sum + l1.item(), kl_sum + kl.item()
    return loss_sum, l1_sum, kl_sum


def vae_phase(run: Run, model: HunyuanVideoModel, state: dict, name: str, total: int, peak_lr: float,
              batch_at: Callable[[np.random.Generator, int], VaeBatch]) -> None:
    """Object-weighted L1 + MSE + 1e-4 KL on the batches batch_at(rng, step) gives, checkpointed as
    state[name + "_step"], with an EMA of the weights (state["vae_ema"]) that the gate scores and that the later
    stages use: every VAE continuation at a constant LR lost colour, the EMA kept it (docs/MODEL_CARD.md)."""
    vae = model.vae
    step = state.get(f"{name}_step", 0)
    if step >= total:
        return
    opt = torch.optim.AdamW(vae.parameters(), lr=peak_lr, weight_decay=0.0)
    if f"{name}_opt" in state:
        opt.load_state_dict(state[f"{name}_opt"])
    ema = vae_ema_module(model, state)
    rng = np.random.default_rng(run.args.seed + step + (0 if name == "vae" else 100_003))
    recent: list[tuple[float, float, float]] = []
    while step < total:
        x, row_weights = batch_at(rng, step)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, total, peak_lr)
        noise = torch.randn(len(x), *latent_shape(model.cfg, x.shape[2], x.shape[3], x.shape[4]))
        opt.zero_grad(set_to_none=True)
        loss, l1, kl = vae_gradients(vae, x, noise, VAE_MICRO_BATCH, run.bf16, row_weights)
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        overall = step + (state.get("vae_step", 0) if name == "vae_motion" else 0)
        ema_update(ema, vae, min(VAE_EMA_DECAY, (1 + overall) / (10 + overall)))  # short memory while it starts
        step += 1
        recent.append((loss, l1, kl))
        if step % 20 == 0 or step == total:
            # Means over the last 20 steps: clips and stills alternate, and a single step would show one kind only.
            m_loss, m_l1, m_kl = np.mean(recent, axis=0).tolist()
            recent.clear()
            run.log_loss(name, step, m_loss, l1=m_l1, kl=m_kl)
            print(f"[{name}] step {step}/{total} loss {m_loss:.4f} l1 {m_l1:.4f} kl {m_kl:.3f}", flush=True)
        if step % VAE_GATE_EVERY == 0 or step == total:
            vae_gate(run, ema, name, step + (state.get("vae_step", 0) if name == "vae_motion" else 0))
        if run.due() or step == total:
            state.update({f"{name}_step": step, f"{name}_opt": opt.state_dict(), "model": model.state_dict(),
                          "vae_ema": ema.state_dict()})
            run.save(state)


def adopt_vae_ema(model: HunyuanVideoModel, state: dict) -> None:
    """The run's VAE is the EMA its gate scored, not the last step's weights: the latents, the later stages and any
    snapshot use it."""
    if "vae_ema" in state:
        model.vae.load_state_dict(state["vae_ema"])


@torch.no_grad()
def stage_latents(run: Run, model: HunyuanVideoModel, state: dict) -> None:
    path = run.work / "latents.pt"
    if path.exists():
        return
    data = np.load(run.work / "data.npz")
    adopt_vae_ema(model, state)
    model.eval()

    def encode_all(arr: np.ndarray) -> torch.Tensor:
        out = []
        for i in range(0, len(arr), ENCODE_BATCH):
            out.append(model.vae.encode(to_video_tensor(arr[i : i + ENCODE_BATCH]))[0])
        return torch.cat(out)

    t0 = time.time()
    videos = encode_all(data["videos"])
    images = encode_all(data["images"])
    # Unit-variance latents for the DiT, like the official 0.476986 (spec §4.6): scaling = 1 / std.
    # An adopted VAE (--init-from) keeps the scaling its DiT was trained with.
    scaling = state.get("scaling_factor") or float(1.0 / torch.cat([videos.flatten(), images.flatten()]).std())
    model.cfg.vae.scaling_factor = scaling
    torch.save({"videos": videos * scaling, "images": images * scaling, "scaling_factor": scaling}, path)
    state["scaling_factor"] = scaling
    state["model"] = model.state_dict()
    run.save(state)
    print(f"[latents] encoded in {time.time() - t0:.0f}s, scaling factor {scaling:.4f}", flush=True)
    model.train()


# ---------------------------------------------------------------- stage 3: DiT
def caption_batch(fields_list: list, rng: random.Random, image: bool, drop: float) -> tuple[list[str], dict[str, torch.Tensor]]:
    """Training captions (a fraction `drop` empty, for the unconditional branch) and the attribute labels of what
    each one states."""
    prompts, labels = [], []
    for fields, camera in fields_list:
        cam = None if image else camera
        caption = "" if rng.random() < drop else training_caption(fields, cam, rng)
        prompts.append(caption)
        labels.append(attribute_labels(fields, cam, caption))
    return prompts, label_batch(labels)


def dit_forward(model: HunyuanVideoModel, dit, latents: torch.Tensor, prompts: list[str], image: bool,
                sigma: torch.Tensor, noise: torch.Tensor, guidance: torch.Tensor | None, frozen_text: bool = False):
    with torch.set_grad_enabled(torch.is_grad_enabled() and not frozen_text):
        text, mask, pooled = model.encode_text(prompts, image)
    x, target = noisy_input(latents, noise, sigma)
    cos, sin = model.rope(tuple(latents.shape[2:]))
    return dit(x, sigma * 1000.0, text, mask, pooled, cos, sin, guidance), target, (text, mask, pooled)


LEDGE_ROWS = 0.25  # bottom share of the latent's rows that holds the near ledge (it sits below ~80% of the height)


def flow_weights(shape: tuple[int, ...], ledge_weight: float = 1.0, object_mask: torch.Tensor | None = None,
                 object_weight: float = 1.0, path_weight: float = 1.0) -> torch.Tensor | None:
    """Per-latent-pixel weights [B, 1, T, H, W] of the flow loss for latents of `shape` [B, C, T, H, W], normalised
    to average 1 over the batch, or None for the plain MSE. With ledge_weight != 1 the ledge's rows count that much
    more; with object_weight != 1 the latent pixels that object_mask ([B, 1, T, H, W], 1 = holds an object) marks do;
    with path_weight != 1 those on the subject's path (marked in some latent frame of the clip) but empty in this one
    do: where a subject drawn standing still or late wrongly is."""
    plain_objects = object_mask is None or (object_weight == 1.0 and path_weight == 1.0)
    if ledge_weight == 1.0 and plain_objects:
        return None
    h = shape[-2]
    w = torch.ones(h)
    w[h - max(1, round(LEDGE_ROWS * h)):] = ledge_weight
    w = w.view(h, 1).expand(shape[-2:])
    if object_mask is not None:
        held = object_mask.float()
        passed = held.amax(dim=2, keepdim=True) - held  # on the path, not here now (0 for a still's single frame)
        w = w * (1.0 + (object_weight - 1.0) * held + (path_weight - 1.0) * passed)
    w = w.expand(shape[:1] + (1,) + shape[2:])
    return w / w.mean()


def weighted_mse(pred: torch.Tensor, target: torch.Tensor, weights: torch.Tensor | None) -> torch.Tensor:
    return F.mse_loss(pred, target) if weights is None else ((pred - target).pow(2) * weights).mean()


def flow_loss(pred: torch.Tensor, target: torch.Tensor, ledge_weight: float = 1.0,
              object_mask: torch.Tensor | None = None, object_weight: float = 1.0,
              path_weight: float = 1.0) -> torch.Tensor:
    """Flow-matching MSE with the weights of flow_weights (normalised over the batch, so the loss stays comparable
    across settings)."""
    return weighted_mse(pred, target,
                        flow_weights(tuple(pred.shape), ledge_weight, object_mask, object_weight, path_weight))


def micro_batches(batch: int, size: int) -> list[slice]:
    """The slices a batch is computed in: one optimizer step accumulates their gradients, each loss scaled by its
    share of the batch, so the step is the whole batch's (up to float rounding)."""
    return [slice(start, min(start + size, batch)) for start in range(0, batch, max(1, size))]


def latent_grid_mask(mask: np.ndarray, spatial: int = 8, temporal: int = 4) -> torch.Tensor:
    """Pixel mask [B, T, H, W] -> latent-pixel mask [B, 1, T', H/8, W/8]: a latent pixel is marked when any pixel it
    encodes is (its 8x8 block over its frames: the causal VAE gives frame 0 a latent frame of its own, then one per
    4 frames)."""
    b, t, h, w = mask.shape
    frames = [mask[:, :1]]
    if t > 1:
        frames.append(mask[:, 1:].reshape(b, (t - 1) // temporal, temporal, h, w).any(axis=2))
    m = np.concatenate(frames, axis=1)
    m = m.reshape(b, m.shape[1], h // spatial, spatial, w // spatial, spatial).any(axis=(3, 5))
    return torch.from_numpy(m[:, None].astype(np.float32))


def object_latent_masks(run: "Run") -> dict[str, torch.Tensor]:
    """Which latent pixels of each training clip and still hold an object (cached in the work folder)."""
    path = run.work / "object_masks.pt"
    if path.exists():
        return torch.load(path)
    data = np.load(run.work / "data.npz")
    masks = {}
    for key in ("videos", "images"):
        clips = data[key]  # an npz member is read from disk on every access: once
        masks[key] = torch.cat([latent_grid_mask(object_pixels(clips[i : i + 64])) for i in range(0, len(clips), 64)])
    torch.save(masks, path)
    return masks


def temporal_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared change of the velocity error from one latent frame to the next.

    Camera moves and object motion live in what changes between frames; in the plain loss they are a small part of
    the error next to each frame's texture and colour. This term leaves the optimum unchanged (both terms are
    minimised by the conditional mean) but weights the errors that differ across frames more."""
    if pred.shape[2] < 2:  # a still image: nothing changes between frames (and the mean of nothing is NaN)
        return pred.new_zeros(())
    err = pred - target
    return (err[:, :, 1:] - err[:, :, :-1]).pow(2).mean()


def ema_update(ema: torch.nn.Module, live: torch.nn.Module, decay: float) -> None:
    with torch.no_grad():
        for pe, pl in zip(ema.parameters(), live.parameters()):
            pe.lerp_(pl, 1 - decay)


# Work folders from before the width was recorded hold the reference config's (128:4); a fresh run trains the
# recipe's, wider since 2026-12-07: 192 read ~77% motion where 128 and 160 read ~63 and ~71% (docs/MODEL_CARD.md).
DEFAULT_DIT_WIDTH = (small_config().dit.hidden_size, small_config().dit.heads_num)
RECIPE_DIT_WIDTH = (192, 6)
DEFAULT_DIT_DEPTH = (small_config().dit.mm_double_blocks_depth, small_config().dit.mm_single_blocks_depth)
# A DiT size the command line sets: (its argparse dest and checkpoint key, what an unrecorded work folder holds, what
# a fresh run trains, the config.json "dit" keys).
DIT_SIZES = {
    "width": ("dit_width", DEFAULT_DIT_WIDTH, RECIPE_DIT_WIDTH, ("hidden_size", "heads_num")),
    "depth": ("dit_depth", DEFAULT_DIT_DEPTH, DEFAULT_DIT_DEPTH, ("mm_double_blocks_depth", "mm_single_blocks_depth")),
}


def run_dit_size(a: argparse.Namespace, state: dict, which: str) -> tuple[int, int]:
    """The DiT width or depth this invocation trains: a resumed run's own (a flag that differs is refused; work
    folders from before the size was recorded hold the reference config's), else the flag's, else the --init-from weights'
    (continuing a wider or deeper pack keeps its DiT rather than starting a fresh default one), else the recipe's."""
    key, legacy, recipe, config_keys = DIT_SIZES[which]
    asked = getattr(a, key)
    if "model" in state:
        recorded = tuple(state.get(key) or legacy)
        if asked is not None and asked != recorded:
            raise SystemExit(f"--dit-{which}: {a.work} holds a run with DiT {which} {list(recorded)}; use a fresh --work")
        return recorded
    if asked is not None:
        return asked
    if a.init_from is not None:
        dit = json.loads((a.init_from / "config.json").read_text())["dit"]
        return tuple(dit[k] for k in config_keys)
    return recipe


IMAGE_EVERY = 6  # every 6th DiT batch is stills (image-video joint training); the rest teach motion and camera
AUX_WEIGHT = 0.1  # attribute heads' cross-entropy next to the flow-matching loss (text_supervision.py)
# Peak DiT learning rate by optimizer. AdamW, measured on the 0.2.0 latents, 400 steps from scratch at batch 32: 1e-3
# reached a held-out flow loss of 0.230 where 3e-4 was at 0.274 (and 0.249 after 600), and the captions mattered
# more. Muon (hyvideo/optimizers.py), 600-step trials of the 192 DiT on pack 0.8.0's upstream: 4e-3 fit lower than
# 2e-3 and 1e-3 at every noise level and listened most to the camera sentence (docs/MODEL_CARD.md, the Muon item).
DIT_LR = {"adamw": 1e-3, "muon": 4e-3}
# Clips per forward/backward pass of the DiT and distillation steps (the step itself stays at --batch, its gradients
# accumulated), and the attention kernel of the text and DiT stages (TRAIN_ATTENTION_KERNEL): PyTorch's default on
# CPU is a flash kernel whose backward took a third of a step in a profile. bench_dit_step.py --micro-batches 32,16
# --attention default,math --bf16 (docs/BENCHMARKS.md): one pass 1.07 s a step, two of 16 1.14 s, two of 16 with the
# math kernel 0.72 s (0.67x); two of 16 alone read 0.79-1.07x on the same host that afternoon (its speed drifts).
MICRO_BATCH = 16
# Only how the same attention is computed (matrix products and a softmax), so only float rounding changes.
TRAIN_ATTENTION_KERNEL = SDPBackend.MATH
# Peak guidance-distillation learning rate. Measured 2026-12-01 on the legible-world trial (docs/MODEL_CARD.md), 400
# steps from the same teacher: 3e-4 ended at a loss of 0.138 where 1e-4 (the recipe up to pack 0.4.0; that run stopped
# at 150 steps and resumed to 400) was at 0.167, and its student kept the teacher's camera (31.5% held-out; the teacher
# with true CFG 31.0%) where 1e-4's lost a sixth of it (26.8%).
DISTILL_LR = 3e-4
TEXT_LR = 1e-3  # text warm-up: encoders and read-outs only
LOGGED_READOUTS = ("motion", "camera", "palette")  # the warm-up's read-out accuracies printed (all go to losses.jsonl)


def attribute_heads(model: HunyuanVideoModel, state: dict, names: tuple[str, ...]) -> AttributeHeads:
    heads = AttributeHeads(model.cfg.llm.hidden_size, model.cfg.clip.hidden_size, names)
    if "heads" in state:
        heads.load_state_dict(state["heads"])
    return heads


def stage_text(run: Run, model: HunyuanVideoModel, state: dict) -> None:
    """Warm the from-scratch text encoders up on the attribute heads alone (no DiT; ~0.3 s a step), so that the DiT
    starts from text states and a pooled vector that already tell the camera moves and motions apart."""
    a = run.args
    step = state.get("text_step", 0)
    if step >= a.text_steps:
        return
    caps = json.loads((run.work / "captions.json").read_text())
    heads = attribute_heads(model, state, a.text_readouts)
    params = list(model.llm.parameters()) + list(model.clip.parameters()) + list(heads.parameters())
    opt = torch.optim.AdamW(params, lr=TEXT_LR, weight_decay=0.01)
    if "text_opt" in state:
        opt.load_state_dict(state["text_opt"])
    rng = random.Random(a.seed * 5 + step)
    recent: list[tuple[float, dict[str, float]]] = []
    while step < a.text_steps:
        image = step % IMAGE_EVERY == IMAGE_EVERY - 1
        pool = caps["images"] if image else caps["videos"]
        prompts, labels = caption_batch([pool[rng.randrange(len(pool))] for _ in range(2 * a.batch)], rng, image, drop=0.0)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, a.text_steps, TEXT_LR, warmup=50)
        with autocast(run):
            text, mask, pooled = model.encode_text(prompts, image)
        loss, acc = heads.loss(text.float(), mask, pooled.float(), labels)
        optimizer_step(opt, loss, params)
        step += 1
        recent.append((loss.item(), acc))
        if step % 20 == 0 or step == a.text_steps:
            keys = sorted(set().union(*(r[1] for r in recent)))  # stills carry no motion or camera labels
            accs = {k: float(np.mean([r[1][k] for r in recent if k in r[1]])) for k in keys}
            run.log_loss("text", step, float(np.mean([r[0] for r in recent])), **accs)
            print(f"[text] step {step}/{a.text_steps} loss {np.mean([r[0] for r in recent]):.4f} "
                  + " ".join(f"{k} {v:.2f}" for k, v in accs.items() if k.split("_", 1)[1] in LOGGED_READOUTS),
                  flush=True)
            recent = []
        if run.due() or step == a.text_steps:
            state.update(text_step=step, text_opt=opt.state_dict(), heads=heads.state_dict(),
                         text_readouts=list(heads.names), model=model.state_dict())
            run.save(state)


def caption_lengths(model: HunyuanVideoModel, prompts: list[str]) -> list[int]:
    """Each caption's length in LLM tokens, the video template included (what a micro-batch pads to its longest)."""
    return [len(model.tokenizer.llm_ids(p)[0]) for p in prompts]


def caption_length_order(model: HunyuanVideoModel, prompts: list[str]) -> torch.Tensor:
    """Indices that sort the batch by caption length in LLM tokens (stable, so ties keep the draw's order)."""
    lengths = caption_lengths(model, prompts)
    return torch.tensor(sorted(range(len(prompts)), key=lengths.__getitem__), dtype=torch.long)


def dit_gradients(model: HunyuanVideoModel, heads: AttributeHeads, latents: torch.Tensor, prompts: list[str],
                  labels: dict[str, torch.Tensor], image: bool, sigma: torch.Tensor, noise: torch.Tensor,
                  guidance: torch.Tensor, weights: torch.Tensor | None, micro_batch: int, freeze_text: bool,
                  motion_loss: float, bf16: bool = False, sort_captions: bool = True) -> tuple[float, float]:
    """Accumulates one DiT step's gradients (flow loss + AUX_WEIGHT x the read-outs' loss, + the temporal term where
    motion_loss > 0) into .grad, micro-batch by micro-batch; returns the batch's flow and read-out losses."""
    counts = labelled_counts(labels)
    if sort_captions and micro_batch < len(prompts):
        # Each micro-batch pads its captions to its longest: grouping captions of like length pads ~74 -> ~61 tokens
        # on average (0.91-0.95x the gradient time, bench_caption_sort.py). A permutation: the same step.
        order = caption_length_order(model, prompts)
        latents, sigma, noise, guidance = latents[order], sigma[order], noise[order], guidance[order]
        weights = None if weights is None else weights[order]
        prompts = [prompts[i] for i in order.tolist()]
        labels = {k: y[order] for k, y in labels.items()}
    flow_sum = aux_sum = 0.0
    for part in micro_batches(len(prompts), micro_batch):
        share = (part.stop - part.start) / len(prompts)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            pred, target, (text, mask, pooled) = dit_forward(model, model.dit, latents[part], prompts[part], image,
                                                             sigma[part], noise[part], guidance[part], frozen_text=freeze_text)
        flow = weighted_mse(pred.float(), target, None if weights is None else weights[part]) * share
        with torch.set_grad_enabled(not freeze_text):  # frozen encoders: the read-outs are only logged
            aux, _ = heads.loss(text.float(), mask, pooled.float(), {k: y[part] for k, y in labels.items()}, counts)
        loss = flow if freeze_text else flow + AUX_WEIGHT * aux
        if motion_loss:
            loss = loss + motion_loss * share * temporal_loss(pred.float(), target)
        loss.backward()
        flow_sum, aux_sum = flow_sum + flow.item(), aux_sum + aux.item()
    return flow_sum, aux_sum


def stage_dit(run: Run, model: HunyuanVideoModel, state: dict) -> None:
    a = run.args
    lat = torch.load(run.work / "latents.pt")
    caps = json.loads((run.work / "captions.json").read_text())
    trainable = [model.dit, model.llm, model.clip]  # the EMA keeps all three, so distillation loads it either way
    heads = attribute_heads(model, state, a.text_readouts)
    others = [] if a.freeze_text else [p for m in (model.llm, model.clip, heads) for p in m.parameters()]
    params = list(model.dit.parameters()) + others  # what the gradient clip sees: every trained parameter
    peak_lr = a.dit_lr or DIT_LR[a.dit_optimizer]
    opt = dit_optimizer(a.dit_optimizer, model.dit, others, peak_lr, weight_decay=0.01)
    if "dit_opt" in state:
        opt.load_state_dict(state["dit_opt"])
    ema = state.get("ema")
    ema_model = copy.deepcopy(torch.nn.ModuleList(trainable))
    if ema is not None:
        ema_model.load_state_dict(ema)
    step = state.get("dit_step", 0)
    batch = a.dit_batch or a.batch
    rng = random.Random(a.seed * 7 + step)
    gen = torch.Generator().manual_seed(a.seed * 11 + step)
    g1000 = torch.full((batch,), 1000.0)  # the teacher sees guidance 1 (= plain conditional), spec §5.5
    masks = object_latent_masks(run) if a.object_weight != 1.0 or a.path_weight != 1.0 else None
    recent: dict[str, list[float]] = {"video": [], "image": [], "aux": []}
    while step < a.dit_steps:
        image = step % IMAGE_EVERY == IMAGE_EVERY - 1
        pool, lat_pool = (caps["images"], lat["images"]) if image else (caps["videos"], lat["videos"])
        idx = [rng.randrange(len(pool)) for _ in range(batch)]
        latents = lat_pool[idx]
        prompts, labels = caption_batch([pool[i] for i in idx], rng, image, drop=0.1)
        sigma = training_sigmas(batch, a.train_shift, gen)
        noise = torch.randn(latents.shape, generator=gen)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, a.dit_steps, peak_lr, warmup=200)
        object_mask = None if masks is None else masks["images" if image else "videos"][idx]
        weights = flow_weights(tuple(latents.shape), a.ledge_weight, object_mask, a.object_weight, a.path_weight)
        opt.zero_grad(set_to_none=True)
        flow_sum, aux_sum = dit_gradients(model, heads, latents, prompts, labels, image, sigma, noise, g1000, weights,
                                          a.micro_batch, a.freeze_text, 0.0 if image else a.motion_loss, run.bf16)
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        ema_update(ema_model, torch.nn.ModuleList(trainable), 0.999 if step > 500 else 0.99)
        step += 1
        recent["image" if image else "video"].append(flow_sum)
        recent["aux"].append(aux_sum)
        if step % 20 == 0 or step == a.dit_steps:
            # Means over the last 20 steps, videos and images apart.
            means = {k: float(np.mean(v)) for k, v in recent.items() if v}
            run.log_loss("dit", step, means.get("video", means.get("image", 0.0)), **{f"{k}_loss": v for k, v in means.items()})
            print(f"[dit] step {step}/{a.dit_steps} " + " ".join(f"{k} {v:.4f}" for k, v in means.items()), flush=True)
            recent = {"video": [], "image": [], "aux": []}
        if run.due() or step == a.dit_steps:
            state.update(dit_step=step, dit_opt=opt.state_dict(), ema=ema_model.state_dict(), model=model.state_dict(),
                         heads=heads.state_dict(), text_readouts=list(heads.names), dit_frozen_text=a.freeze_text,
                         dit_batch=batch)
            run.save(state)


# ---------------------------------------------------------------- stage 4: guidance distillation
def stage_distill(run: Run, model: HunyuanVideoModel, state: dict) -> None:
    a = run.args
    lat = torch.load(run.work / "latents.pt")
    caps = json.loads((run.work / "captions.json").read_text())
    if "teacher" not in state:
        # Teacher and text encoders = the EMA weights of stage 3; the student starts from the teacher.
        ema = torch.nn.ModuleList([model.dit, model.llm, model.clip])
        ema.load_state_dict(state["ema"])
        state["teacher"] = copy.deepcopy(model.dit.state_dict())
    teacher = copy.deepcopy(model.dit).eval()
    teacher.load_state_dict(state["teacher"])
    for p in list(teacher.parameters()) + list(model.llm.parameters()) + list(model.clip.parameters()):
        p.requires_grad_(False)
    student = model.dit
    opt = torch.optim.AdamW(student.parameters(), lr=a.distill_lr, weight_decay=0.0)
    if "distill_opt" in state:
        opt.load_state_dict(state["distill_opt"])
    step = state.get("distill_step", 0)
    rng = random.Random(a.seed * 13 + step)
    gen = torch.Generator().manual_seed(a.seed * 17 + step)
    g1000 = torch.full((a.batch,), 1000.0)
    recent: list[float] = []
    # The text encoders are frozen here, so the empty caption's states are the same every step: encode them once.
    empty_states: dict[tuple[bool, int], tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = {}
    while step < a.distill_steps:
        image = step % IMAGE_EVERY == IMAGE_EVERY - 1
        pool, lat_pool = (caps["images"], lat["images"]) if image else (caps["videos"], lat["videos"])
        idx = [rng.randrange(len(pool)) for _ in range(a.batch)]
        latents = lat_pool[idx]
        prompts, _ = caption_batch([pool[i] for i in idx], rng, image, drop=0.0)
        w = torch.empty(a.batch).uniform_(1.0, 6.0, generator=gen)
        sigma = training_sigmas(a.batch, a.train_shift, gen)
        noise = torch.randn(latents.shape, generator=gen)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, a.distill_steps, a.distill_lr, warmup=50)
        cos, sin = model.rope(tuple(latents.shape[2:]))
        opt.zero_grad(set_to_none=True)
        mse_sum = 0.0
        for part in micro_batches(a.batch, a.micro_batch):
            share, n = (part.stop - part.start) / a.batch, part.stop - part.start
            with torch.no_grad(), autocast(run):
                text, mask, pooled = model.encode_text(prompts[part], image)
                if (image, n) not in empty_states:
                    empty_states[(image, n)] = model.encode_text([""] * n, image)
                empty_text, empty_mask, empty_pooled = empty_states[(image, n)]
                x, _ = noisy_input(latents[part], noise[part], sigma[part])
                t = sigma[part] * 1000.0
                v_c = teacher(x, t, text, mask, pooled, cos, sin, g1000[part])
                v_u = teacher(x, t, empty_text, empty_mask, empty_pooled, cos, sin, g1000[part])
                target = (v_u + w[part].view(-1, 1, 1, 1, 1) * (v_c - v_u)).float()
            with autocast(run):
                pred = student(x, t, text, mask, pooled, cos, sin, w[part] * 1000.0)
            mse = F.mse_loss(pred.float(), target) * share
            loss = mse + a.motion_loss * share * temporal_loss(pred.float(), target) if a.motion_loss and not image else mse
            loss.backward()
            mse_sum += mse.item()
        torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
        opt.step()
        step += 1
        recent.append(mse_sum)
        if step % 20 == 0 or step == a.distill_steps:
            run.log_loss("distill", step, float(np.mean(recent)))
            print(f"[distill] step {step}/{a.distill_steps} loss {np.mean(recent):.4f}", flush=True)
            recent = []
        if run.due() or step == a.distill_steps:
            state.update(distill_step=step, distill_opt=opt.state_dict(), model=model.state_dict())
            run.save(state)


def write_final(run: Run, model: HunyuanVideoModel) -> Path:
    """The trained weights (committed: the PyTorch reference, the benchmark baseline and export.py read them)."""
    final = run.args.weights
    model.save(final)
    plot_losses(run.losses_path, run.args.plot)
    return final


def plot_losses(log: Path, out: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()] if log.exists() else []
    stages = [s for s in ("vae", "vae_motion", "text", "dit", "distill") if any(r["stage"] == s for r in rows)]
    if not stages:
        return
    gates = [r for r in rows if r["stage"] == "vae_gate"]
    fig, axes = plt.subplots(1, len(stages) + bool(gates), figsize=(5 * (len(stages) + bool(gates)), 3.5), squeeze=False)
    if gates:
        ax = axes[0][len(stages)]
        for key in ("colour", "shape", "motion", "camera"):
            ax.plot([r["step"] for r in gates], [100 * r.get(key, 0.0) for r in gates], marker="o", label=key)
        ax.set_title("VAE gate: held-out renders after encode→decode")
        ax.set_xlabel("VAE step (both phases)")
        ax.set_ylabel("% right")
        ax.set_ylim(0, 105)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    for ax, stage in zip(axes[0], stages):
        pts = [(r["step"], r["loss"]) for r in rows if r["stage"] == stage]
        steps, losses = zip(*pts)
        smooth = np.convolve(losses, np.ones(10) / 10, mode="valid") if len(losses) > 10 else losses
        ax.plot(steps, losses, alpha=0.3, color="tab:blue")
        ax.plot(steps[len(steps) - len(smooth):], smooth, color="tab:blue")
        ax.set_title(f"{stage} loss")
        ax.set_xlabel("step")
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


def describe(state: dict) -> str:
    return ", ".join(f"{k} {state[k]}" for k in ("vae_step", "vae_motion_step", "text_step", "dit_step", "distill_step") if k in state) or "no training"


def main() -> None:
    a = parse_args()
    if a.quick:
        a.videos, a.images, a.vae_steps, a.vae_motion_steps, a.text_steps, a.dit_steps, a.distill_steps, a.batch = (
            12, 8, 4, 3, 3, 4, 3, 4)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.fresh_dit and a.init_from is None:
        raise SystemExit("--fresh-dit: give --init-from, the weights whose VAE and text encoders to adopt")
    if a.fresh_text and a.init_from is None:
        raise SystemExit("--fresh-text: give --init-from, the weights whose VAE to adopt")
    run = Run(a)
    t_start = time.time()
    restore_resume(run)
    state = run.load() or {}
    frozen = state.get("dit_frozen_text")
    if frozen is not None and frozen != a.freeze_text:
        # Its optimizer holds the DiT's parameters alone, or those of the text encoders too: it cannot switch midway.
        raise SystemExit(f"--freeze-text: {run.work} holds a DiT stage trained with{'' if frozen else 'out'} it; give "
                         f"{'--freeze-text (the default)' if frozen else '--no-freeze-text'} or use a fresh --work")
    if "dit_step" in state and state.get("dit_batch", a.batch) != (a.dit_batch or a.batch):
        # A resume must not change the DiT step's size midway (its LR schedule and EMA count steps).
        raise SystemExit(f"--dit-batch: {run.work} holds a DiT stage of batch {state.get('dit_batch', a.batch)}; "
                         "give the same or use a fresh --work")
    # Work folders from before the choice was recorded hold the four default read-outs.
    readouts = tuple(state.get("text_readouts") or ATTRIBUTES)
    if "heads" in state and readouts != a.text_readouts:
        raise SystemExit(f"--text-readouts: {run.work} holds read-outs {','.join(readouts)}; give the same or use a "
                         "fresh --work")
    if a.init_from is not None:
        if state and "init_from" not in state:
            # Resuming a from-scratch run here would quietly ignore --init-from (and overwrite its tokenizers).
            raise SystemExit(f"--init-from: {run.work} holds a run that did not start from weights; use a fresh --work")
        adopt_tokenizers(run, a.init_from)
    stage_data(run)
    if a.stop_after == "data":
        return
    tok = load_tokenizer(run)
    width, depth = run_dit_size(a, state, "width"), run_dit_size(a, state, "depth")
    model = HunyuanVideoModel(model_config(tok, width, depth), tok)
    if a.init_from is not None and "model" not in state:
        state = adopted_state(a, model)
    state["dit_width"], state["dit_depth"] = list(width), list(depth)
    if "model" in state:
        if "scaling_factor" in state:
            model.cfg.vae.scaling_factor = state["scaling_factor"]
        model.load_state_dict(state["model"])
    if a.save_resume:
        save_resume(run, state)
        # Said aloud: the same command with this flag added does not train, which is easy to miss in a background log.
        print("[resume] --save-resume only writes the slim copy; not training (rerun without it to train on)", flush=True)
        return
    if a.snapshot:
        adopt_vae_ema(model, state)
        if "ema" in state and "distill_step" not in state and "teacher" not in state:
            torch.nn.ModuleList([model.dit, model.llm, model.clip]).load_state_dict(state["ema"])
        print(f"[snapshot] {write_final(run, model.eval())} at {describe(state)}", flush=True)
        return
    model.train()
    stage_vae(run, model, state)
    if a.stop_after == "vae":
        return
    stage_latents(run, model, state)
    if a.stop_after == "latents":
        return
    with sdpa_kernel(TRAIN_ATTENTION_KERNEL):
        stage_text(run, model, state)
        stage_dit(run, model, state)
        if a.stop_after == "dit":
            return
        stage_distill(run, model, state)
    if a.stop_after == "distill":
        return
    final = write_final(run, model.eval())
    print(f"[final] {final} (this invocation ran {time.time() - t_start:.0f}s)", flush=True)


if __name__ == "__main__":
    main()
