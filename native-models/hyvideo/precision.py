"""Whether bf16 autocast pays on this CPU: measured, not read off the CPU flags.

On the project's AMD EPYC (AVX512-BF16) autocast nearly halves a VAE training step (0.48 s against 0.81). On the
Intel Xeon KVM guests (AMX advertised but crashing, oneDNN capped at AVX512-BF16 by cpu_isa.py) the same flags are
present and autocast makes the recipe slower: a DiT step 0.95 s against 0.56 in fp32, a VAE step 1.46 against 1.06
(train.py itself, side by side, 2026-12-03; docs/BENCHMARKS.md). So "auto" times one small VAE step and one small
DiT step each way and keeps the faster, and the run's work folder records the choice, so that a resumed run trains
on in the precision it started with."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from .config import small_config
from .modules.dit import HYVideoDiffusionTransformer
from .modules.rope import rope_3d
from .modules.vae import AutoencoderKLCausal3D

CHOICE_FILE = "precision.json"
# bf16 must beat fp32 by this much: near a tie the exactness of fp32 is worth more than a few percent.
MIN_GAIN = 1.1


def cpu_has_bf16_flags() -> bool:
    """AVX512-BF16 or AMX: without either, oneDNN emulates bf16 (minutes a step), so there is nothing to time."""
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")  # private but long-standing torch.cpu probes
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in probes)


@dataclass(frozen=True)
class StepTimes:
    """Seconds for one VAE training step plus one DiT training step (forward, backward), mean over the reps."""
    fp32: float
    bf16: float

    @property
    def bf16_pays(self) -> bool:
        return self.fp32 > MIN_GAIN * self.bf16


def _training_step(vae: AutoencoderKLCausal3D, dit: HYVideoDiffusionTransformer, bf16: bool) -> None:
    cfg = dit.cfg
    clips = torch.randn(2, 3, 9, 64, 64)  # the recipe's VAE crops, at a quarter of its batch
    latents = torch.randn(8, cfg.in_channels, 5, 8, 8)  # the recipe's DiT latents, at a quarter of its batch
    text = torch.randn(8, 24, cfg.text_states_dim)
    pooled = torch.randn(8, cfg.text_states_dim_2)
    cos, sin = rope_3d((5, 4, 4), cfg.rope_dim_list, cfg.rope_theta)
    t = torch.full((8,), 700.0)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        mean, _ = vae.encode(clips)
        recon = vae.decode(mean.float()).float()
        pred = dit(latents, t, text, torch.ones(8, 24, dtype=torch.int64), pooled, cos, sin, t).float()
    ((recon - clips).abs().mean() + pred.pow(2).mean()).backward()


def time_training_steps(reps: int = 3) -> StepTimes:
    """Both precisions, alternating after one warm-up step each, so that the machine's noise hits both alike. The
    global random state is left as it was: the recipe seeds it before this runs and initialises its models after."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        cfg = small_config()
        vae, dit = AutoencoderKLCausal3D(cfg.vae), HYVideoDiffusionTransformer(cfg.dit)
        totals = {False: 0.0, True: 0.0}
        for rep in range(reps + 1):
            for bf16 in (False, True):
                start = time.perf_counter()
                _training_step(vae, dit, bf16)
                if rep:
                    totals[bf16] += time.perf_counter() - start
                vae.zero_grad(set_to_none=True)
                dit.zero_grad(set_to_none=True)
    return StepTimes(fp32=totals[False] / reps, bf16=totals[True] / reps)


def choose_bf16(work: Path, measure=time_training_steps) -> bool:
    """The precision recorded in `work`, or measured now (and recorded) when there is none or it cannot be read (a
    record cut short, say by a full disk, costs one more measurement, not the run)."""
    path = work / CHOICE_FILE
    try:
        return bool(json.loads(path.read_text())["bf16"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    times = measure()
    chosen = times.bf16_pays
    path.write_text(json.dumps({"bf16": chosen, "seconds_fp32": round(times.fp32, 4),
                                "seconds_bf16": round(times.bf16, 4)}) + "\n")
    print(f"[cpu] one VAE + one DiT training step: fp32 {times.fp32:.2f} s, bf16 autocast {times.bf16:.2f} s; "
          f"training in {'bf16 autocast' if chosen else 'fp32'} (recorded in {path})", flush=True)
    return chosen
