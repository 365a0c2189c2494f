"""The PyTorch reference of the whole text-to-video pipeline (spec §1): prompt -> text encoders -> flow-matching
Euler with the DiT -> causal VAE decode -> uint8 frames. The TypeScript engine must agree with it (parity tests
use the tensors this module saves); it is also the baseline of `npm run bench`."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer

from .config import ModelConfig
from .flow import euler_step, sigma_schedule
from .modules.dit import HYVideoDiffusionTransformer
from .modules.rope import rope_3d
from .modules.text import TextCLIP, TextLLM
from .modules.vae import AutoencoderKLCausal3D
from .prompt import PromptTokenizer


VAE_WEIGHTS = "vae.safetensors"


class HunyuanVideoModel(torch.nn.Module):
    """All four networks plus the tokenizers; one object to train, save, export and sample."""

    def __init__(self, cfg: ModelConfig, tokenizer: PromptTokenizer):
        super().__init__()
        self.cfg = cfg
        self.tokenizer = tokenizer
        self.llm = TextLLM(cfg.llm)
        self.clip = TextCLIP(cfg.clip, eos_id=tokenizer.clip_eos_id)
        self.dit = HYVideoDiffusionTransformer(cfg.dit)
        self.vae = AutoencoderKLCausal3D(cfg.vae)

    def encode_text(self, prompts: list[str], image: bool = False):
        """-> text_states [B, L, D] (cropped), text_mask [B, L], pooled [B, D2]."""
        ids, mask, crop, clip_ids = self.tokenizer.batch(prompts, image)
        hidden = self.llm(ids, mask)
        return hidden[:, crop:], mask[:, crop:], self.clip(clip_ids)

    def rope(self, latent_shape: tuple[int, int, int]) -> tuple[torch.Tensor, torch.Tensor]:
        t, h, w = latent_shape
        pt, ph, pw = self.cfg.dit.patch_size
        return rope_3d((t // pt, h // ph, w // pw), self.cfg.dit.rope_dim_list, self.cfg.dit.rope_theta)

    def save(self, directory: str | Path) -> None:
        """config.json + model.safetensors (text encoders and DiT) + vae.safetensors + the two tokenizer.json files:
        the trained weights in PyTorch form. The VAE gets its own file so that no committed file passes 50 MB."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "config.json").write_text(json.dumps(self.cfg.to_dict(), indent=1) + "\n")
        state = {k: v.contiguous() for k, v in self.state_dict().items()}
        save_file({k: v for k, v in state.items() if not k.startswith("vae.")}, str(directory / "model.safetensors"))
        save_file({k: v for k, v in state.items() if k.startswith("vae.")}, str(directory / VAE_WEIGHTS))
        self.tokenizer.llm.save(str(directory / "tokenizer_llm.json"))
        self.tokenizer.clip.save(str(directory / "tokenizer_clip.json"))

    @staticmethod
    def load(directory: str | Path) -> "HunyuanVideoModel":
        directory = Path(directory)
        tok = PromptTokenizer(Tokenizer.from_file(str(directory / "tokenizer_llm.json")),
                              Tokenizer.from_file(str(directory / "tokenizer_clip.json")))
        model = HunyuanVideoModel(ModelConfig.from_dict(json.loads((directory / "config.json").read_text())), tok)
        state = load_file(str(directory / "model.safetensors"))
        if (directory / VAE_WEIGHTS).exists():  # weights written before the split hold the VAE in model.safetensors
            state.update(load_file(str(directory / VAE_WEIGHTS)))
        model.load_state_dict(state)
        return model.eval()


@dataclass
class GenerationTrace:
    """Intermediates kept for parity tests."""
    text_states: torch.Tensor | None = None
    pooled: torch.Tensor | None = None
    noise: torch.Tensor | None = None
    velocities: list[torch.Tensor] = field(default_factory=list)
    latents: torch.Tensor | None = None


def latent_shape(cfg: ModelConfig, frames: int, height: int, width: int) -> tuple[int, int, int, int]:
    if (frames - 1) % cfg.vae.time_compression_ratio:
        raise ValueError(f"frames must be 4k+1, got {frames}")
    s = cfg.vae.spatial_compression_ratio
    return cfg.vae.latent_channels, (frames - 1) // cfg.vae.time_compression_ratio + 1, height // s, width // s


def seeded_noise(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    return torch.randn((1, *shape), generator=torch.Generator().manual_seed(seed), dtype=torch.float32)


@torch.no_grad()
def generate(model: HunyuanVideoModel, prompt: str, *, frames: int, height: int, width: int, steps: int, shift: float,
             guidance: float, cfg_scale: float = 1.0, negative_prompt: str = "", noise: torch.Tensor | None = None,
             seed: int = 0, trace: GenerationTrace | None = None) -> torch.Tensor:
    """-> uint8 video [T, H, W, 3]. Batch 1 on the exact unpadded text (spec §3.9), as the exported graphs run."""
    image = frames == 1
    shape = latent_shape(model.cfg, frames, height, width)
    cond = model.encode_text([prompt], image)
    uncond = model.encode_text([negative_prompt], image) if cfg_scale > 1 else None
    x = noise.clone() if noise is not None else seeded_noise(shape, seed)
    cos, sin = model.rope(shape[1:])
    g = torch.tensor([guidance * 1000.0]) if model.cfg.dit.guidance_embed else None
    sigmas = sigma_schedule(steps, shift)
    if trace is not None:
        trace.text_states, trace.pooled, trace.noise = cond[0], cond[2], x.clone()
    for i in range(steps):
        t = sigmas[i : i + 1] * 1000.0
        v = model.dit(x, t, cond[0], None, cond[2], cos, sin, g)
        if uncond is not None:
            v_u = model.dit(x, t, uncond[0], None, uncond[2], cos, sin, g)
            v = v_u + cfg_scale * (v - v_u)
        if trace is not None:
            trace.velocities.append(v.clone())
        x = euler_step(x, v, float(sigmas[i]), float(sigmas[i + 1]))
    if trace is not None:
        trace.latents = x.clone()
    video = model.vae.decode(x / model.cfg.vae.scaling_factor)
    return to_uint8(video[0])


def to_video_tensor(batch_uint8: np.ndarray) -> torch.Tensor:
    """[B, T, H, W, 3] uint8 -> [B, 3, T, H, W] in [-1, 1]: what the VAE encodes (to_uint8's inverse, up to rounding)."""
    return torch.from_numpy(batch_uint8).permute(0, 4, 1, 2, 3).float() / 127.5 - 1.0


def to_uint8(video: torch.Tensor) -> torch.Tensor:
    """[3, T, H, W] in [-1, 1] -> [T, H, W, 3] uint8, truncating like HV's save (spec §1 step 8)."""
    return ((video / 2 + 0.5).clamp(0, 1) * 255).to(torch.uint8).permute(1, 2, 3, 0).contiguous()
