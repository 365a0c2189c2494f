"""Sizes of every module, in one place. The same classes describe the official 13B model (spec §3.1, §4.1,
§2.1, §2.5) and the small embedded model trained here; a config object is all that differs."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class DiTConfig:
    hidden_size: int = 3072
    heads_num: int = 24
    mm_double_blocks_depth: int = 20
    mm_single_blocks_depth: int = 40
    mlp_width_ratio: float = 4.0
    patch_size: tuple[int, int, int] = (1, 2, 2)
    in_channels: int = 16
    out_channels: int = 16
    rope_dim_list: tuple[int, int, int] = (16, 56, 56)
    rope_theta: float = 256.0
    qkv_bias: bool = True
    guidance_embed: bool = True
    text_states_dim: int = 4096
    text_states_dim_2: int = 768
    refiner_depth: int = 2

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.heads_num


@dataclass
class VAEConfig:
    in_channels: int = 3
    out_channels: int = 3
    latent_channels: int = 16
    block_out_channels: tuple[int, ...] = (128, 256, 512, 512)
    layers_per_block: int = 2
    norm_num_groups: int = 32
    time_compression_ratio: int = 4
    spatial_compression_ratio: int = 8
    mid_block_add_attention: bool = True
    scaling_factor: float = 0.476986


@dataclass
class LLMConfig:
    """LLaMA-style decoder; only the layers before `skip_layers` are ever used (spec §2.3)."""
    vocab_size: int = 128320
    hidden_size: int = 4096
    num_layers: int = 32
    num_heads: int = 32
    num_kv_heads: int = 8
    intermediate_size: int = 14336
    rms_norm_eps: float = 1e-5
    rope_theta: float = 500000.0
    skip_layers: int = 2
    max_positions: int = 8192

    @property
    def layers_used(self) -> int:
        # hidden_states[-(skip+1)] of HF's LlamaModel = the residual stream after num_layers - skip layers.
        assert self.skip_layers >= 1, "skip 0 would be the final-normed output, which HunyuanVideo never uses"
        return self.num_layers - self.skip_layers


@dataclass
class CLIPConfig:
    vocab_size: int = 49408
    hidden_size: int = 768
    num_layers: int = 12
    num_heads: int = 12
    intermediate_size: int = 3072
    max_positions: int = 77
    layer_norm_eps: float = 1e-5


@dataclass
class ModelConfig:
    dit: DiTConfig = field(default_factory=DiTConfig)
    vae: VAEConfig = field(default_factory=VAEConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    clip: CLIPConfig = field(default_factory=CLIPConfig)

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict) -> "ModelConfig":
        def tup(cfg: dict) -> dict:
            return {k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items()}
        return ModelConfig(DiTConfig(**tup(d["dit"])), VAEConfig(**tup(d["vae"])), LLMConfig(**d["llm"]), CLIPConfig(**d["clip"]))


def official_config() -> ModelConfig:
    """HYVideo-T/2-cfgdistill + 884-16c-hy VAE + LLaVA-Llama-3-8B + CLIP-L (spec §3.1, §4.1, §2.1, §2.5)."""
    return ModelConfig()


def small_config(vocab_llm: int = 1024, vocab_clip: int = 1024) -> ModelConfig:
    """The embedded model trained on this machine's CPU: same architecture, small sizes.
    64x64x17 video -> latent 16x5x8x8 -> 80 video tokens with patch 1x2x2. The VAE widens toward its low
    resolutions, where the temporal up/downsampling happens and a wider block costs little (32/32/64/64 until pack
    0.3.0; the widening was not measured on its own, see docs/MODEL_CARD.md)."""
    return ModelConfig(
        dit=DiTConfig(hidden_size=128, heads_num=4, mm_double_blocks_depth=2, mm_single_blocks_depth=4,
                      rope_dim_list=(8, 12, 12), text_states_dim=128, text_states_dim_2=128),
        vae=VAEConfig(block_out_channels=(32, 48, 96, 128), layers_per_block=1, norm_num_groups=8, scaling_factor=1.0),
        llm=LLMConfig(vocab_size=vocab_llm, hidden_size=128, num_layers=4, num_heads=4, num_kv_heads=2,
                      intermediate_size=256, skip_layers=2, max_positions=512),
        clip=CLIPConfig(vocab_size=vocab_clip, hidden_size=128, num_layers=2, num_heads=4, intermediate_size=512),
    )
