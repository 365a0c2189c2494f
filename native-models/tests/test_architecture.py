"""Invariants of the reference architecture (issue: embedded model). Each test would fail on a plausible bug:
a look-ahead in time, a wrong token order, half-split instead of interleaved RoPE, a swapped unpatchify."""
import math

import pytest
import torch
import torch.nn.functional as F

from hyvideo.config import DiTConfig, VAEConfig, small_config
from hyvideo.flow import noisy_input, shift_sigma, sigma_schedule
from hyvideo.modules.dit import HYVideoDiffusionTransformer
from hyvideo.modules.layers import timestep_embedding
from hyvideo.modules.rope import apply_rope, rope_3d
from hyvideo.modules.vae import AutoencoderKLCausal3D, CausalConv3d, frame_causal_mask

torch.manual_seed(0)
TINY_VAE = VAEConfig(block_out_channels=(8, 8, 16, 16), layers_per_block=1, norm_num_groups=4)
TINY_DIT = DiTConfig(hidden_size=32, heads_num=2, mm_double_blocks_depth=1, mm_single_blocks_depth=1,
                     rope_dim_list=(4, 6, 6), text_states_dim=24, text_states_dim_2=20)


def test_causal_conv_never_looks_ahead():
    conv = CausalConv3d(3, 4, 3)
    x = torch.randn(1, 3, 7, 6, 6)
    y = conv(x)
    x2 = x.clone()
    x2[:, :, 4:] += torch.randn_like(x2[:, :, 4:])
    y2 = conv(x2)
    assert y.shape[2] == 7
    assert torch.allclose(y[:, :, :4], y2[:, :, :4])
    assert not torch.allclose(y[:, :, 4:], y2[:, :, 4:])


def test_causal_conv_pads_by_replication():
    conv = CausalConv3d(1, 1, 3)
    assert conv.pad == (1, 1, 1, 1, 2, 0)
    x = torch.ones(1, 1, 1, 4, 4)
    with torch.no_grad():
        conv.conv.weight.fill_(1.0)
        conv.conv.bias.zero_()
    # With replicate padding a constant input stays constant at the borders (zero padding would darken them).
    assert torch.allclose(conv(x), torch.full((1, 1, 1, 4, 4), 27.0))


def test_frame_causal_mask():
    m = frame_causal_mask(3, 2, "cpu")
    want = torch.tensor([[1, 1, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 0, 0],
                         [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]], dtype=torch.bool)
    assert torch.equal(m, want)


def test_vae_shapes_and_first_frame_has_its_own_latent():
    vae = AutoencoderKLCausal3D(TINY_VAE).eval()
    for frames, latent_frames in [(1, 1), (5, 2), (9, 3), (17, 5)]:
        mean, logvar = vae.encode(torch.randn(1, 3, frames, 32, 32))
        assert mean.shape == (1, 16, latent_frames, 4, 4)
        assert vae.decode(mean).shape == (1, 3, frames, 32, 32)


def _without_groupnorm(vae):
    for m in vae.modules():
        if isinstance(m, torch.nn.GroupNorm):
            m.forward = lambda x: x  # isolate the conv/attention path (GroupNorm pools over all frames by design, spec §4.4)
    return vae


def test_first_frame_is_encoded_on_its_own():
    vae = _without_groupnorm(AutoencoderKLCausal3D(TINY_VAE).eval())
    x = torch.randn(1, 3, 9, 32, 32)
    x2 = x.clone()
    x2[:, :, 1:] = torch.randn_like(x2[:, :, 1:])
    with torch.no_grad():
        a, b = vae.encode(x)[0], vae.encode(x2)[0]
        alone = vae.encode(x[:, :, :1])[0]
    assert torch.allclose(a[:, :, 0], b[:, :, 0], atol=1e-6)  # latent 0 sees frame 0 only
    assert torch.allclose(a[:, :, 0], alone[:, :, 0], atol=1e-5)  # and equals the image encoding
    assert not torch.allclose(a[:, :, 1], b[:, :, 1])


def test_vae_decoder_is_causal_apart_from_groupnorm():
    """Causal convs + frame-causal attention: with GroupNorm made per-frame-invariant (identity statistics),
    earlier output frames never depend on later latents."""
    vae = _without_groupnorm(AutoencoderKLCausal3D(TINY_VAE).eval())
    z = torch.randn(1, 16, 4, 4, 4)
    z2 = z.clone()
    z2[:, :, 3] += 1.0
    with torch.no_grad():
        a, b = vae.decode(z), vae.decode(z2)
    # latent frame 3 decodes to output frames 9..12; frames 0..8 must not change.
    assert torch.allclose(a[:, :, :9], b[:, :, :9], atol=1e-6)
    assert not torch.allclose(a[:, :, 9:], b[:, :, 9:])


def test_timestep_embedding_cos_first():
    e = timestep_embedding(torch.tensor([0.0, 10.0]), 8)
    assert torch.allclose(e[0, :4], torch.ones(4)) and torch.allclose(e[0, 4:], torch.zeros(4))
    assert math.isclose(float(e[1, 0]), math.cos(10.0), rel_tol=1e-6)
    assert math.isclose(float(e[1, 4]), math.sin(10.0), rel_tol=1e-6)


def test_rope_tables_interleaved_and_axis_order():
    cos, sin = rope_3d((2, 3, 4), (4, 6, 6), 256.0)
    assert cos.shape == (24, 16)
    # token index = (t*3 + h)*4 + w; take t=1, h=2, w=3
    n = (1 * 3 + 2) * 4 + 3
    # time axis dims 0..3: freqs 1, 256^-0.5 repeated interleaved, angle = t * freq
    assert torch.allclose(cos[n, :4], torch.tensor([math.cos(1), math.cos(1), math.cos(1 / 16), math.cos(1 / 16)]), atol=1e-6)
    # height axis dims 4..9, first pair: freq 1 -> angle h = 2
    assert torch.allclose(sin[n, 4:6], torch.tensor([math.sin(2.0)] * 2), atol=1e-6)
    # width axis dims 10..15, second pair: freq 256^(-2/6) -> angle 3 * that
    f = 256.0 ** (-2 / 6)
    assert torch.allclose(cos[n, 12:14], torch.tensor([math.cos(3 * f)] * 2), atol=1e-6)


def test_rope_rotation_pairs():
    x = torch.tensor([[[[1.0, 2.0, 3.0, 4.0]]]])  # [B=1, N=1, H=1, D=4]
    theta = 0.3
    cos = torch.full((1, 4), math.cos(theta))
    sin = torch.full((1, 4), math.sin(theta))
    out = apply_rope(x, cos, sin)[0, 0, 0]
    want = torch.tensor([1 * math.cos(theta) - 2 * math.sin(theta), 2 * math.cos(theta) + 1 * math.sin(theta),
                         3 * math.cos(theta) - 4 * math.sin(theta), 4 * math.cos(theta) + 3 * math.sin(theta)])
    assert torch.allclose(out, want, atol=1e-6)


def test_shift_and_schedule_match_spec_numbers():
    t = sigma_schedule(50, 7.0) * 1000
    assert [round(float(v), 3) for v in t[:3]] == [1000.0, 997.093, 994.083]
    assert round(float(t[49]), 3) == 125.0 and float(t[50]) == 0.0
    t30 = sigma_schedule(30, 7.0) * 1000
    assert [round(float(v), 3) for v in t30[28:30]] == [333.333, 194.444]
    t20 = sigma_schedule(20, 17.0) * 1000
    assert [round(float(v), 3) for v in t20[18:20]] == [653.846, 472.222]
    assert float(shift_sigma(torch.tensor(0.5), 1.0)) == 0.5


def test_flow_matching_convention():
    data, noise = torch.randn(2, 3), torch.randn(2, 3)
    x, target = noisy_input(data, noise, torch.tensor([1.0, 0.0]))
    assert torch.allclose(x[0], noise[0]) and torch.allclose(x[1], data[1])  # sigma 1 = pure noise
    assert torch.allclose(target, noise - data)


def _tiny_dit_inputs(dit, t=2, h=4, w=6, text_len=5):
    cos, sin = rope_3d((t, h // 2, w // 2), dit.cfg.rope_dim_list, dit.cfg.rope_theta)
    return (torch.randn(1, 16, t, h, w), torch.tensor([500.0]), torch.randn(1, text_len, 24), None, torch.randn(1, 20), cos, sin,
            torch.tensor([3000.0]))


def test_patch_token_order_and_unpatchify_roundtrip():
    dit = HYVideoDiffusionTransformer(TINY_DIT)
    # unpatchify: feature index = c*4 + ph*2 + pw for token (t, h, w) in row-major order
    t, h, w = 2, 2, 3
    tokens = torch.arange(t * h * w * 64, dtype=torch.float32).reshape(1, t * h * w, 64)
    video = dit.unpatchify(tokens, t, h, w)
    assert video.shape == (1, 16, 2, 4, 6)
    tok_index = (1 * h + 1) * w + 2  # token (t=1, h=1, w=2)
    c, ph, pw = 5, 1, 0
    assert video[0, c, 1, 1 * 2 + ph, 2 * 2 + pw] == tokens[0, tok_index, c * 4 + ph * 2 + pw]
    # patch embedding orders tokens (t, h, w) row-major: a conv picks up only its own patch
    with torch.no_grad():
        dit.img_in.proj.weight.zero_()
        dit.img_in.proj.bias.zero_()
        dit.img_in.proj.weight[0, 0, 0, 0, 0] = 1.0
    x = torch.zeros(1, 16, 2, 4, 6)
    x[0, 0, 1, 2, 4] = 7.0  # patch (t=1, h=1, w=2)
    emb = dit.img_in(x)
    assert emb[0, (1 * 2 + 1) * 3 + 2, 0] == 7.0 and emb[0, :, 0].abs().sum() == 7.0


def test_text_padding_is_exactly_ignored():
    """Mask path (training, batch > 1) equals the unpadded batch-1 shortcut (export) for image tokens (spec §3.9)."""
    dit = HYVideoDiffusionTransformer(TINY_DIT).eval()
    x, t, text, _, pooled, cos, sin, g = _tiny_dit_inputs(dit)
    padded = torch.cat([text, torch.randn(1, 3, 24)], 1)
    mask = torch.tensor([[1] * 5 + [0] * 3])
    with torch.no_grad():
        a = dit(x, t, text, None, pooled, cos, sin, g)
        b = dit(x, t, padded, mask, pooled, cos, sin, g)
    assert torch.allclose(a, b, atol=1e-5)


def test_video_tokens_attend_text():
    dit = HYVideoDiffusionTransformer(TINY_DIT).eval()
    x, t, text, _, pooled, cos, sin, g = _tiny_dit_inputs(dit)
    with torch.no_grad():
        a = dit(x, t, text, None, pooled, cos, sin, g)
        b = dit(x, t, text + 1.0, None, pooled, cos, sin, g)
    assert not torch.allclose(a, b)


def official_dit_keys(double: int, single: int, refiner: int = 2) -> set[str]:
    """Spec §3.12 written out independently of the module code."""
    wb = lambda p: {f"{p}.weight", f"{p}.bias"}
    keys = wb("img_in.proj") | wb("txt_in.input_embedder") | wb("txt_in.t_embedder.mlp.0") | wb("txt_in.t_embedder.mlp.2")
    keys |= wb("txt_in.c_embedder.linear_1") | wb("txt_in.c_embedder.linear_2")
    for i in range(refiner):
        p = f"txt_in.individual_token_refiner.blocks.{i}"
        for n in ("norm1", "norm2", "self_attn_qkv", "self_attn_proj", "mlp.fc1", "mlp.fc2", "adaLN_modulation.1"):
            keys |= wb(f"{p}.{n}")
    for n in ("time_in.mlp.0", "time_in.mlp.2", "guidance_in.mlp.0", "guidance_in.mlp.2", "vector_in.in_layer", "vector_in.out_layer"):
        keys |= wb(n)
    for i in range(double):
        for s in ("img", "txt"):
            for n in ("mod.linear", "attn_qkv", "attn_proj", "mlp.fc1", "mlp.fc2"):
                keys |= wb(f"double_blocks.{i}.{s}_{n}")
            keys |= {f"double_blocks.{i}.{s}_attn_q_norm.weight", f"double_blocks.{i}.{s}_attn_k_norm.weight"}
    for i in range(single):
        for n in ("linear1", "linear2", "modulation.linear"):
            keys |= wb(f"single_blocks.{i}.{n}")
        keys |= {f"single_blocks.{i}.q_norm.weight", f"single_blocks.{i}.k_norm.weight"}
    return keys | wb("final_layer.linear") | wb("final_layer.adaLN_modulation.1")


def test_dit_loads_official_key_names():
    dit = HYVideoDiffusionTransformer(TINY_DIT)
    assert set(dit.state_dict().keys()) == official_dit_keys(1, 1)
    written = {k: torch.randn_like(v) for k, v in dit.state_dict().items()}
    fresh = HYVideoDiffusionTransformer(TINY_DIT)
    fresh.load_state_dict(written, strict=True)
    assert torch.equal(fresh.double_blocks[0].txt_attn_k_norm.weight, written["double_blocks.0.txt_attn_k_norm.weight"])


def test_official_sizes_match_spec_parameter_count():
    """Shapes only (meta device): the official config gives the 12.82 B parameters of spec §3.11."""
    from hyvideo.config import official_config
    with torch.device("meta"):
        dit = HYVideoDiffusionTransformer(official_config().dit)
    total = sum(p.numel() for p in dit.parameters())
    assert abs(total / 1e9 - 12.82) < 0.01
    assert dit.double_blocks[0].img_mod.linear.weight.shape == (18432, 3072)
    assert dit.single_blocks[0].linear1.weight.shape == (21504, 3072)


def test_vae_official_key_names():
    with torch.device("meta"):
        vae = AutoencoderKLCausal3D(VAEConfig())
    keys = set(vae.state_dict().keys())
    for k in ["encoder.conv_in.conv.weight", "encoder.down_blocks.1.resnets.0.conv_shortcut.conv.weight",
              "encoder.down_blocks.2.downsamplers.0.conv.conv.weight", "encoder.mid_block.attentions.0.to_out.0.weight",
              "encoder.conv_out.conv.weight", "quant_conv.weight", "post_quant_conv.weight",
              "decoder.up_blocks.2.resnets.0.conv_shortcut.conv.weight", "decoder.up_blocks.0.upsamplers.0.conv.conv.weight",
              "decoder.up_blocks.3.resnets.2.norm2.weight", "decoder.conv_norm_out.weight", "decoder.mid_block.attentions.0.group_norm.weight"]:
        assert k in keys, k
    assert "decoder.up_blocks.3.upsamplers.0.conv.conv.weight" not in keys
    assert "encoder.down_blocks.3.downsamplers.0.conv.conv.weight" not in keys
    total = sum(p.numel() for p in vae.parameters())
    assert abs(total / 1e6 - 246.5) < 1.0  # spec §4.1


def test_small_config_is_the_same_architecture():
    cfg = small_config()
    assert sum(cfg.dit.rope_dim_list) == cfg.dit.head_dim
    assert cfg.vae.latent_channels == 16 and cfg.vae.time_compression_ratio == 4 and cfg.vae.spatial_compression_ratio == 8
    assert cfg.llm.layers_used == cfg.llm.num_layers - cfg.llm.skip_layers
    # The DiT reads the encoders' widths: LLM states into the token refiner, CLIP's pooled vector into the modulation.
    assert cfg.dit.text_states_dim == cfg.llm.hidden_size and cfg.dit.text_states_dim_2 == cfg.clip.hidden_size


def test_nearest_upsample_equals_interpolate():
    from hyvideo.modules.vae import nearest_upsample
    torch.manual_seed(0)
    for t in (1, 2, 5):
        x = torch.randn(2, 3, t, 4, 5)
        for factor in ((2, 2, 2), (1, 2, 2)):
            first = F.interpolate(x[:, :, :1], scale_factor=(1,) + factor[1:], mode="nearest")
            rest = [F.interpolate(x[:, :, 1:], scale_factor=factor, mode="nearest")] if t > 1 else []
            expected = torch.cat([first] + rest, dim=2) if factor[0] > 1 else F.interpolate(x, scale_factor=factor, mode="nearest")
            assert torch.equal(nearest_upsample(x, factor), expected), (t, factor)
