"""HunyuanVideo's causal 3D VAE ("884-16c-hy", spec §4): 4x temporal and 8x spatial compression, the first frame
encoded on its own (T = 4k+1 frames -> k+1 latent frames), causal convolutions with replicate padding (spatial
too), GroupNorm pooling over all frames, and a mid-block attention with a frame-causal mask. Key names follow
the official / diffusers checkpoint (spec §4.9)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..config import VAEConfig


class CausalConv3d(nn.Module):
    """Pads (k//2 left/right in W and H, k-1 in front of T) by replication, so no frame sees a later one."""

    def __init__(self, cin: int, cout: int, kernel: int = 3, stride: int | tuple[int, int, int] = 1):
        super().__init__()
        self.pad = (kernel // 2, kernel // 2, kernel // 2, kernel // 2, kernel - 1, 0)
        self.conv = nn.Conv3d(cin, cout, kernel, stride=stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if any(self.pad):
            x = F.pad(x, self.pad, mode="replicate")
        return self.conv(x)


class ResnetBlockCausal3D(nn.Module):
    def __init__(self, cin: int, cout: int, groups: int, eps: float = 1e-6):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=eps)
        self.conv1 = CausalConv3d(cin, cout, 3)
        self.norm2 = nn.GroupNorm(groups, cout, eps=eps)
        self.conv2 = CausalConv3d(cout, cout, 3)
        self.conv_shortcut = CausalConv3d(cin, cout, 1) if cin != cout else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        if self.conv_shortcut is not None:
            x = self.conv_shortcut(x)
        return x + h


def frame_causal_mask(frames: int, tokens_per_frame: int, device) -> torch.Tensor:
    """Bool [N, N]: a token of frame i attends every token of frames <= i (spec §4.5)."""
    frame_of = torch.arange(frames, device=device).repeat_interleave(tokens_per_frame)
    return frame_of[None, :] <= frame_of[:, None]


class Attention(nn.Module):
    """diffusers' Attention(heads=1, dim_head=C, norm_num_groups, residual_connection): keys group_norm, to_q,
    to_k, to_v, to_out.0."""

    def __init__(self, channels: int, groups: int, eps: float = 1e-6):
        super().__init__()
        self.group_norm = nn.GroupNorm(groups, channels, eps=eps, affine=True)
        self.to_q = nn.Linear(channels, channels)
        self.to_k = nn.Linear(channels, channels)
        self.to_v = nn.Linear(channels, channels)
        self.to_out = nn.ModuleList([nn.Linear(channels, channels)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, t, h, w = x.shape
        tokens = self.group_norm(x).flatten(2).transpose(1, 2)  # [B, (t h w), C]
        q, k, v = self.to_q(tokens), self.to_k(tokens), self.to_v(tokens)
        mask = frame_causal_mask(t, h * w, x.device)
        out = F.scaled_dot_product_attention(q[:, None], k[:, None], v[:, None], attn_mask=mask)[:, 0]
        out = self.to_out[0](out).transpose(1, 2).reshape(b, c, t, h, w)
        return x + out


class UNetMidBlockCausal3D(nn.Module):
    def __init__(self, channels: int, groups: int, add_attention: bool):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlockCausal3D(channels, channels, groups) for _ in range(2)])
        self.attentions = nn.ModuleList([Attention(channels, groups)]) if add_attention else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.resnets[0](x)
        if self.attentions is not None:
            x = self.attentions[0](x)
        return self.resnets[1](x)


class DownsampleCausal3D(nn.Module):
    def __init__(self, channels: int, stride: tuple[int, int, int]):
        super().__init__()
        self.conv = CausalConv3d(channels, channels, 3, stride=stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class UpsampleCausal3D(nn.Module):
    """Frame 0 is upsampled in space only; later frames in time too, so T -> 1 + 2(T-1) (spec §4.4)."""

    def __init__(self, channels: int, factor: tuple[int, int, int]):
        super().__init__()
        self.factor = factor
        self.conv = CausalConv3d(channels, channels, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(nearest_upsample(x, self.factor))


def nearest_upsample(x: torch.Tensor, factor: tuple[int, int, int]) -> torch.Tensor:
    """Nearest-neighbour upsampling, frame 0 in space only: exactly F.interpolate(mode="nearest") per part, written
    as broadcast + reshape because onnxruntime's CPU Resize is ~2.5x slower than the Expand this exports to
    (measured on the decoder's shapes)."""
    ft, fh, fw = factor
    b, c, t, h, w = x.shape
    x = x[:, :, :, :, None, :, None].expand(b, c, t, h, fh, w, fw).reshape(b, c, t, h * fh, w * fw)
    if ft == 1 or t == 1:
        return x
    rest = x[:, :, 1:, None].expand(b, c, t - 1, ft, h * fh, w * fw).reshape(b, c, (t - 1) * ft, h * fh, w * fw)
    return torch.cat([x[:, :, :1], rest], dim=2)


class DownEncoderBlockCausal3D(nn.Module):
    def __init__(self, cin: int, cout: int, layers: int, groups: int, stride: tuple[int, int, int] | None):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlockCausal3D(cin if i == 0 else cout, cout, groups) for i in range(layers)])
        self.downsamplers = nn.ModuleList([DownsampleCausal3D(cout, stride)]) if stride else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for r in self.resnets:
            x = r(x)
        if self.downsamplers is not None:
            x = self.downsamplers[0](x)
        return x


class UpDecoderBlockCausal3D(nn.Module):
    def __init__(self, cin: int, cout: int, layers: int, groups: int, factor: tuple[int, int, int] | None):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlockCausal3D(cin if i == 0 else cout, cout, groups) for i in range(layers)])
        self.upsamplers = nn.ModuleList([UpsampleCausal3D(cout, factor)]) if factor else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for r in self.resnets:
            x = r(x)
        if self.upsamplers is not None:
            x = self.upsamplers[0](x)
        return x


def _stage_counts(cfg: VAEConfig) -> tuple[int, int]:
    spatial = cfg.spatial_compression_ratio.bit_length() - 1
    temporal = cfg.time_compression_ratio.bit_length() - 1
    return spatial, temporal


class EncoderCausal3D(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        ch = cfg.block_out_channels
        n_spatial, n_temporal = _stage_counts(cfg)
        self.conv_in = CausalConv3d(cfg.in_channels, ch[0], 3)
        blocks = []
        for i, cout in enumerate(ch):
            cin = ch[i - 1] if i > 0 else ch[0]
            # Official rule: spatial downsampling in the first log2(8) blocks, temporal in the last log2(4) of those.
            down_s = i < n_spatial
            down_t = n_spatial - n_temporal <= i < n_spatial
            stride = (2 if down_t else 1, 2, 2) if down_s else None
            blocks.append(DownEncoderBlockCausal3D(cin, cout, cfg.layers_per_block, cfg.norm_num_groups, stride))
        self.down_blocks = nn.ModuleList(blocks)
        self.mid_block = UNetMidBlockCausal3D(ch[-1], cfg.norm_num_groups, cfg.mid_block_add_attention)
        self.conv_norm_out = nn.GroupNorm(cfg.norm_num_groups, ch[-1], eps=1e-6)
        self.conv_out = CausalConv3d(ch[-1], 2 * cfg.latent_channels, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv_in(x)
        for block in self.down_blocks:
            x = block(x)
        x = self.mid_block(x)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


class DecoderCausal3D(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        ch = list(reversed(cfg.block_out_channels))
        n_spatial, n_temporal = _stage_counts(cfg)
        self.conv_in = CausalConv3d(cfg.latent_channels, ch[0], 3)
        self.mid_block = UNetMidBlockCausal3D(ch[0], cfg.norm_num_groups, cfg.mid_block_add_attention)
        blocks = []
        for i, cout in enumerate(ch):
            cin = ch[i - 1] if i > 0 else ch[0]
            up_s = i < n_spatial
            up_t = n_spatial - n_temporal <= i < n_spatial
            factor = (2 if up_t else 1, 2, 2) if up_s else None
            blocks.append(UpDecoderBlockCausal3D(cin, cout, cfg.layers_per_block + 1, cfg.norm_num_groups, factor))
        self.up_blocks = nn.ModuleList(blocks)
        self.conv_norm_out = nn.GroupNorm(cfg.norm_num_groups, ch[-1], eps=1e-6)
        self.conv_out = CausalConv3d(ch[-1], cfg.out_channels, 3)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.mid_block(self.conv_in(z))
        for block in self.up_blocks:
            x = block(x)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


class AutoencoderKLCausal3D(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = EncoderCausal3D(cfg)
        self.decoder = DecoderCausal3D(cfg)
        self.quant_conv = nn.Conv3d(2 * cfg.latent_channels, 2 * cfg.latent_channels, 1)
        self.post_quant_conv = nn.Conv3d(cfg.latent_channels, cfg.latent_channels, 1)

    def encode(self, video: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """video [B,3,T,H,W] in [-1,1] -> (mean, logvar), unscaled."""
        moments = self.quant_conv(self.encoder(video))
        mean, logvar = moments.chunk(2, dim=1)
        return mean, logvar.clamp(-30.0, 20.0)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z [B,C,t,h,w] (already divided by the scaling factor) -> video [B,3,4(t-1)+1,8h,8w]."""
        return self.decoder(self.post_quant_conv(z))
