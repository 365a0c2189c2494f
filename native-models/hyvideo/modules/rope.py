"""3D rotary position embedding of the video tokens (spec §3.6): integer positions per axis (t, h, w) on the
patch grid, freq_i = 1/theta^(2i/d_axis), cos/sin repeated interleaved, axes concatenated T|H|W, applied to
interleaved pairs (x_2k, x_2k+1) after QK-norm, in fp32."""
from __future__ import annotations

import torch


def rope_1d(dim: int, positions: torch.Tensor, theta: float) -> tuple[torch.Tensor, torch.Tensor]:
    freqs = 1.0 / theta ** (torch.arange(0, dim, 2, dtype=torch.float64)[: dim // 2] / dim)
    angles = positions.to(torch.float64)[:, None] * freqs[None]
    return angles.cos().repeat_interleave(2, dim=1).float(), angles.sin().repeat_interleave(2, dim=1).float()


def rope_3d(grid: tuple[int, int, int], axes_dim: tuple[int, int, int], theta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Tables [N, sum(axes_dim)] for N = t*h*w tokens in (t, h, w) row-major order."""
    t, h, w = grid
    coords = torch.stack(torch.meshgrid(torch.arange(t), torch.arange(h), torch.arange(w), indexing="ij"), dim=-1).reshape(-1, 3)
    cos_parts, sin_parts = [], []
    for axis, dim in enumerate(axes_dim):
        c, s = rope_1d(dim, coords[:, axis], theta)
        cos_parts.append(c)
        sin_parts.append(s)
    return torch.cat(cos_parts, dim=1), torch.cat(sin_parts, dim=1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x: [B, N, H, D]; cos/sin: [N, D]. rot(x) pairs (x_2k, x_2k+1) -> (-x_2k+1, x_2k)."""
    xf = x.float()
    pairs = xf.reshape(*xf.shape[:-1], -1, 2)
    rotated = torch.stack([-pairs[..., 1], pairs[..., 0]], dim=-1).reshape(xf.shape)
    out = xf * cos[None, :, None, :] + rotated * sin[None, :, None, :]
    return out.type_as(x)
