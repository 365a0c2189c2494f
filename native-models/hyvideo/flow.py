"""Flow matching as HunyuanVideo samples it with --flow-reverse (spec §5): x_s = (1-s)*data + s*noise, the model
predicts v = noise - data, sigma runs 1 -> 0, shifted by s*sigma / (1 + (s-1)*sigma), t = sigma * 1000."""
from __future__ import annotations

import torch


def shift_sigma(sigma: torch.Tensor, shift: float) -> torch.Tensor:
    return shift * sigma / (1 + (shift - 1) * sigma)


def sigma_schedule(steps: int, shift: float) -> torch.Tensor:
    """steps+1 values from 1 to 0 (float32); the model is called at the first `steps` of them."""
    return shift_sigma(torch.linspace(1.0, 0.0, steps + 1, dtype=torch.float64), shift).float()


def euler_step(x: torch.Tensor, v: torch.Tensor, sigma: float, sigma_next: float) -> torch.Tensor:
    return x + v * (sigma_next - sigma)


def training_sigmas(batch: int, shift: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Logit-normal draws pushed toward noise by a shift ("shifted timestep sampling"; train.py: 3, the sampler: 5)."""
    u = torch.sigmoid(torch.randn(batch, generator=generator))
    return shift_sigma(u, shift)


def noisy_input(data: torch.Tensor, noise: torch.Tensor, sigma: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """-> (x_sigma, velocity target)."""
    s = sigma.view(-1, *([1] * (data.dim() - 1)))
    return (1 - s) * data + s * noise, noise - data
