"""HunyuanVideo's diffusion transformer (HV HYVideoDiffusionTransformer). Parameter names are the official
checkpoint keys (spec §3.12), so these modules load the released weights as well as the small model's.

Stages (spec §3.3-§3.10): patch embedding -> token refiner on the text states -> modulation vector
(timestep + pooled text + guidance) -> dual-stream blocks -> single-stream blocks -> final layer -> unpatchify."""
from __future__ import annotations

import torch
from torch import nn

from ..config import DiTConfig
from .layers import LayerNormNoAffine, RMSNorm, TimestepEmbedder, attention, gelu_tanh
from .rope import apply_rope


def modulate(x: torch.Tensor, shift: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


def split_heads(qkv: torch.Tensor, heads: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """[B, L, 3*H*D] with rows [q | k | v], each head-major -> three [B, L, H, D]."""
    b, l, _ = qkv.shape
    q, k, v = qkv.reshape(b, l, 3, heads, -1).unbind(2)
    return q, k, v


class MLP(nn.Module):
    def __init__(self, dim: int, hidden: int, act: str):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.act = gelu_tanh if act == "gelu_tanh" else nn.functional.silu

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class ModulateDiT(nn.Module):
    """SiLU -> Linear(hidden -> factor*hidden); key `linear`."""

    def __init__(self, hidden: int, factor: int):
        super().__init__()
        self.linear = nn.Linear(hidden, factor * hidden)

    def forward(self, vec: torch.Tensor) -> torch.Tensor:
        return self.linear(nn.functional.silu(vec))


class MLPEmbedder(nn.Module):
    """vector_in: Linear -> SiLU -> Linear; keys in_layer, out_layer."""

    def __init__(self, in_dim: int, hidden: int):
        super().__init__()
        self.in_layer = nn.Linear(in_dim, hidden)
        self.out_layer = nn.Linear(hidden, hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out_layer(nn.functional.silu(self.in_layer(x)))


class TextProjection(nn.Module):
    """c_embedder of the token refiner; keys linear_1, linear_2."""

    def __init__(self, in_dim: int, hidden: int):
        super().__init__()
        self.linear_1 = nn.Linear(in_dim, hidden)
        self.linear_2 = nn.Linear(hidden, hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear_2(nn.functional.silu(self.linear_1(x)))


class PatchEmbed(nn.Module):
    def __init__(self, patch: tuple[int, int, int], in_ch: int, hidden: int):
        super().__init__()
        self.proj = nn.Conv3d(in_ch, hidden, kernel_size=patch, stride=patch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Tokens in (t, h, w) row-major order (spec §3.5).
        return self.proj(x).flatten(2).transpose(1, 2)


class IndividualTokenRefinerBlock(nn.Module):
    """Bidirectional refinement of the causal LLM's states: gates only, SiLU MLP, no qk-norm (spec §3.4)."""

    def __init__(self, hidden: int, heads: int, mlp_ratio: float):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(hidden, eps=1e-6)
        self.self_attn_qkv = nn.Linear(hidden, 3 * hidden)
        self.self_attn_proj = nn.Linear(hidden, hidden)
        self.norm2 = nn.LayerNorm(hidden, eps=1e-6)
        self.mlp = MLP(hidden, int(hidden * mlp_ratio), act="silu")
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden, 2 * hidden))

    def forward(self, x: torch.Tensor, c: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        gate_msa, gate_mlp = self.adaLN_modulation(c).chunk(2, dim=-1)
        q, k, v = split_heads(self.self_attn_qkv(self.norm1(x)), self.heads)
        x = x + gate_msa.unsqueeze(1) * self.self_attn_proj(attention(q, k, v, mask))
        return x + gate_mlp.unsqueeze(1) * self.mlp(self.norm2(x))


class IndividualTokenRefiner(nn.Module):
    def __init__(self, hidden: int, heads: int, depth: int, mlp_ratio: float):
        super().__init__()
        self.blocks = nn.ModuleList([IndividualTokenRefinerBlock(hidden, heads, mlp_ratio) for _ in range(depth)])

    def forward(self, x: torch.Tensor, c: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        attn_mask = None
        if mask is not None:
            m = mask.bool()
            attn_mask = (m[:, None, :, None] & m[:, None, None, :]).clone()
            attn_mask[:, :, :, 0] = True  # every query may attend key 0: no all-masked rows (spec §3.4)
        for block in self.blocks:
            x = block(x, c, attn_mask)
        return x


class SingleTokenRefiner(nn.Module):
    def __init__(self, in_dim: int, hidden: int, heads: int, depth: int, mlp_ratio: float = 4.0):
        super().__init__()
        self.input_embedder = nn.Linear(in_dim, hidden)
        self.t_embedder = TimestepEmbedder(hidden)
        self.c_embedder = TextProjection(in_dim, hidden)
        self.individual_token_refiner = IndividualTokenRefiner(hidden, heads, depth, mlp_ratio)

    def forward(self, text: torch.Tensor, t: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        if mask is None:
            pooled = text.mean(dim=1)
        else:
            m = mask.float().unsqueeze(-1)
            pooled = (text * m).sum(dim=1) / m.sum(dim=1)
        c = self.t_embedder(t) + self.c_embedder(pooled)
        return self.individual_token_refiner(self.input_embedder(text), c, mask)


class MMDoubleStreamBlock(nn.Module):
    """Separate image/text weights, joint attention over [image; text] (spec §3.7)."""

    def __init__(self, hidden: int, heads: int, mlp_ratio: float, qkv_bias: bool = True):
        super().__init__()
        self.heads = heads
        head_dim = hidden // heads
        mlp_hidden = int(hidden * mlp_ratio)
        for s in ("img", "txt"):
            setattr(self, f"{s}_mod", ModulateDiT(hidden, 6))
            setattr(self, f"{s}_norm1", LayerNormNoAffine(hidden))
            setattr(self, f"{s}_attn_qkv", nn.Linear(hidden, 3 * hidden, bias=qkv_bias))
            setattr(self, f"{s}_attn_q_norm", RMSNorm(head_dim))
            setattr(self, f"{s}_attn_k_norm", RMSNorm(head_dim))
            setattr(self, f"{s}_attn_proj", nn.Linear(hidden, hidden))
            setattr(self, f"{s}_norm2", LayerNormNoAffine(hidden))
            setattr(self, f"{s}_mlp", MLP(hidden, mlp_hidden, act="gelu_tanh"))

    def _qkv(self, s: str, x: torch.Tensor, shift: torch.Tensor, scale: torch.Tensor):
        h = modulate(getattr(self, f"{s}_norm1")(x), shift, scale)
        q, k, v = split_heads(getattr(self, f"{s}_attn_qkv")(h), self.heads)
        return getattr(self, f"{s}_attn_q_norm")(q), getattr(self, f"{s}_attn_k_norm")(k), v

    def forward(self, img, txt, vec, cos, sin, mask):
        i_shift1, i_scale1, i_gate1, i_shift2, i_scale2, i_gate2 = self.img_mod(vec).chunk(6, dim=-1)
        t_shift1, t_scale1, t_gate1, t_shift2, t_scale2, t_gate2 = self.txt_mod(vec).chunk(6, dim=-1)
        iq, ik, iv = self._qkv("img", img, i_shift1, i_scale1)
        iq, ik = apply_rope(iq, cos, sin), apply_rope(ik, cos, sin)
        tq, tk, tv = self._qkv("txt", txt, t_shift1, t_scale1)
        out = attention(torch.cat([iq, tq], 1), torch.cat([ik, tk], 1), torch.cat([iv, tv], 1), mask)
        n_img = img.shape[1]
        img_attn, txt_attn = out[:, :n_img], out[:, n_img:]
        img = img + i_gate1.unsqueeze(1) * self.img_attn_proj(img_attn)
        img = img + i_gate2.unsqueeze(1) * self.img_mlp(modulate(self.img_norm2(img), i_shift2, i_scale2))
        txt = txt + t_gate1.unsqueeze(1) * self.txt_attn_proj(txt_attn)
        txt = txt + t_gate2.unsqueeze(1) * self.txt_mlp(modulate(self.txt_norm2(txt), t_shift2, t_scale2))
        return img, txt


class MMSingleStreamBlock(nn.Module):
    """One stream over [image; text]: parallel attention + MLP from linear1, merged by linear2 (spec §3.8)."""

    def __init__(self, hidden: int, heads: int, mlp_ratio: float):
        super().__init__()
        self.heads = heads
        self.hidden = hidden
        self.mlp_hidden = int(hidden * mlp_ratio)
        head_dim = hidden // heads
        self.linear1 = nn.Linear(hidden, 3 * hidden + self.mlp_hidden)
        self.linear2 = nn.Linear(hidden + self.mlp_hidden, hidden)
        self.q_norm = RMSNorm(head_dim)
        self.k_norm = RMSNorm(head_dim)
        self.pre_norm = LayerNormNoAffine(hidden)
        self.modulation = ModulateDiT(hidden, 3)

    def forward(self, x, n_img, vec, cos, sin, mask):
        shift, scale, gate = self.modulation(vec).chunk(3, dim=-1)
        qkv, mlp = torch.split(self.linear1(modulate(self.pre_norm(x), shift, scale)), [3 * self.hidden, self.mlp_hidden], dim=-1)
        q, k, v = split_heads(qkv, self.heads)
        q, k = self.q_norm(q), self.k_norm(k)
        q = torch.cat([apply_rope(q[:, :n_img], cos, sin), q[:, n_img:]], 1)
        k = torch.cat([apply_rope(k[:, :n_img], cos, sin), k[:, n_img:]], 1)
        out = self.linear2(torch.cat([attention(q, k, v, mask), gelu_tanh(mlp)], dim=-1))
        return x + gate.unsqueeze(1) * out


class FinalLayer(nn.Module):
    def __init__(self, hidden: int, patch: tuple[int, int, int], out_ch: int):
        super().__init__()
        self.norm_final = LayerNormNoAffine(hidden)
        self.linear = nn.Linear(hidden, patch[0] * patch[1] * patch[2] * out_ch)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden, 2 * hidden))

    def forward(self, x: torch.Tensor, vec: torch.Tensor) -> torch.Tensor:
        shift, scale = self.adaLN_modulation(vec).chunk(2, dim=-1)  # official order (shift, scale), spec §3.10
        return self.linear(modulate(self.norm_final(x), shift, scale))


class HYVideoDiffusionTransformer(nn.Module):
    def __init__(self, cfg: DiTConfig):
        super().__init__()
        self.cfg = cfg
        h = cfg.hidden_size
        assert sum(cfg.rope_dim_list) == cfg.head_dim, "RoPE axes must cover the head dim"
        self.img_in = PatchEmbed(cfg.patch_size, cfg.in_channels, h)
        self.txt_in = SingleTokenRefiner(cfg.text_states_dim, h, cfg.heads_num, cfg.refiner_depth, cfg.mlp_width_ratio)
        self.time_in = TimestepEmbedder(h)
        self.vector_in = MLPEmbedder(cfg.text_states_dim_2, h)
        self.guidance_in = TimestepEmbedder(h) if cfg.guidance_embed else None
        self.double_blocks = nn.ModuleList(
            [MMDoubleStreamBlock(h, cfg.heads_num, cfg.mlp_width_ratio, cfg.qkv_bias) for _ in range(cfg.mm_double_blocks_depth)])
        self.single_blocks = nn.ModuleList(
            [MMSingleStreamBlock(h, cfg.heads_num, cfg.mlp_width_ratio) for _ in range(cfg.mm_single_blocks_depth)])
        self.final_layer = FinalLayer(h, cfg.patch_size, cfg.out_channels)

    def forward(self, x: torch.Tensor, t: torch.Tensor, text_states: torch.Tensor, text_mask: torch.Tensor | None,
                text_states_2: torch.Tensor, freqs_cos: torch.Tensor, freqs_sin: torch.Tensor,
                guidance: torch.Tensor | None = None) -> torch.Tensor:
        """x [B,C,T,H,W]; t [B] = sigma*1000; text_states [B,L,D]; text_mask [B,L] (None = all valid, the exact
        batch-1 shortcut of spec §3.9); text_states_2 [B,D2]; freqs [N, head_dim]; guidance [B] = scale*1000."""
        b, _, ot, oh, ow = x.shape
        pt, ph, pw = self.cfg.patch_size
        tt, th, tw = ot // pt, oh // ph, ow // pw
        img = self.img_in(x)
        vec = self.time_in(t) + self.vector_in(text_states_2)
        if self.guidance_in is not None:
            if guidance is None:
                raise ValueError("this model embeds guidance: pass guidance = scale * 1000")
            vec = vec + self.guidance_in(guidance)
        txt = self.txt_in(text_states, t, text_mask)
        n_img = img.shape[1]
        mask = None
        if text_mask is not None:
            # Key mask over [image; text]: padded text keys are never attended (spec §3.9, diffusers' form).
            keys = torch.cat([torch.ones(b, n_img, dtype=torch.bool, device=x.device), text_mask.bool()], 1)
            mask = keys[:, None, None, :]
        for block in self.double_blocks:
            img, txt = block(img, txt, vec, freqs_cos, freqs_sin, mask)
        x_joint = torch.cat([img, txt], 1)
        for block in self.single_blocks:
            x_joint = block(x_joint, n_img, vec, freqs_cos, freqs_sin, mask)
        out = self.final_layer(x_joint[:, :n_img], vec)
        return self.unpatchify(out, tt, th, tw)

    def unpatchify(self, x: torch.Tensor, t: int, h: int, w: int) -> torch.Tensor:
        """[B, N, C*pt*ph*pw] -> [B, C, T, H, W]; the 64 features are (c, pt, ph, pw) channel-major (spec §3.10)."""
        c = self.cfg.out_channels
        pt, ph, pw = self.cfg.patch_size
        x = x.reshape(x.shape[0], t, h, w, c, pt, ph, pw)
        x = torch.einsum("nthwcopq->nctohpwq", x)
        return x.reshape(x.shape[0], c, t * pt, h * ph, w * pw)
