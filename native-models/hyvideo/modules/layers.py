"""Small building blocks shared by the DiT and the text encoders."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class LayerNormNoAffine(nn.Module):
    """LayerNorm without parameters (HunyuanVideo's img_norm1/2, pre_norm, norm_final have none, spec §3.12).
    The ones/zeros are non-persistent buffers: the state dict keeps the official keys, and the ONNX export gets
    real weight/bias inputs (an affine-free LayerNormalization at opset 17 makes an invalid model)."""

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.dim = dim
        self.register_buffer("ones", torch.ones(dim), persistent=False)
        self.register_buffer("zeros", torch.zeros(dim), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x, (self.dim,), self.ones, self.zeros, self.eps)


class RMSNorm(nn.Module):
    """RMSNorm computed in fp32, then scaled (HV norm_layers.py); weight key `weight`."""

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.float()
        out = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return out.type_as(x) * self.weight


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    return F.gelu(x, approximate="tanh")


def timestep_embedding(t: torch.Tensor, dim: int = 256, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoid with cos first (spec §3.3), computed in fp32."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class TimestepEmbedder(nn.Module):
    """sinusoid(256) -> Linear -> SiLU -> Linear; keys mlp.0, mlp.2 (HV embed_layers.py)."""

    def __init__(self, hidden: int, freq_dim: int = 256):
        super().__init__()
        self.freq_dim = freq_dim
        self.mlp = nn.Sequential(nn.Linear(freq_dim, hidden), nn.SiLU(), nn.Linear(hidden, hidden))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return self.mlp(timestep_embedding(t, self.freq_dim).to(self.mlp[0].weight.dtype))


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """q, k, v: [B, L, H, D] -> [B, L, H*D]. mask: bool [B, 1, Lq|1, Lk], True = may attend."""
    q, k, v = (x.transpose(1, 2) for x in (q, k, v))
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    b, h, l, d = out.shape
    return out.transpose(1, 2).reshape(b, l, h * d)
