"""Exports a trained model directory (config.json, model.safetensors, vae.safetensors and the two tokenizer files, as
train.py writes to native-models/weights/hyvideo-small/) to the model pack the TypeScript engine loads
(docs/PACK_FORMAT.md): four ONNX graphs at opset 17 (five with --vae-encoder, which the engine does not run),
the tokenizers, and manifest.json with sizes, defaults, tiling, the latent->RGB preview matrix and sha256 of
every file. Each graph is checked against PyTorch in onnxruntime (relative error <= 1e-4) on shapes other than
the traced ones, and the parity test vectors for the TypeScript engine are written to native-models/testvectors/
(for the shipped pack's folder; an export elsewhere writes them beside it, `<out>-testvectors`).

Usage: node build/scripts/python.mjs run native-models/export.py [--model native-models/weights/hyvideo-small]"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from safetensors.torch import save_file

from hyvideo.pipeline import GenerationTrace, HunyuanVideoModel, generate, latent_shape, seeded_noise, to_video_tensor
from hyvideo.templates import IMAGE_TEMPLATE, VIDEO_TEMPLATE

HERE = Path(__file__).resolve().parent
PACK_FORMAT = 1

# The shipped pack's defaults; guidance 3 since pack 0.9.0, its own validation twins' pick (docs/MODEL_CARD.md).
DEFAULTS = {"width": 64, "height": 64, "frames": 17, "steps": 20, "shift": 5.0, "guidance": 3.0, "fps": 8, "cfg_scale": 1.0}
FRAME_COUNTS = [1, 9, 17, 25, 33]
SIZES = [{"width": 64, "height": 64}]
PARITY_PROMPT = "A red circle moves left over a muted grid pattern. The camera pans left."


class TextLLMGraph(torch.nn.Module):
    def __init__(self, model: HunyuanVideoModel):
        super().__init__()
        self.llm = model.llm

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.llm(input_ids)


class TextCLIPGraph(torch.nn.Module):
    def __init__(self, model: HunyuanVideoModel):
        super().__init__()
        self.clip = model.clip

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.clip(input_ids)


class DiTGraph(torch.nn.Module):
    """Batch 1 on the valid text tokens only: the mask is then a no-op (spec §3.9)."""

    def __init__(self, model: HunyuanVideoModel):
        super().__init__()
        self.dit = model.dit

    def forward(self, latents, timestep, text_states, text_states_2, guidance, freqs_cos, freqs_sin):
        return self.dit(latents, timestep, text_states, None, text_states_2, freqs_cos, freqs_sin, guidance)


class DiTGraphNoGuidance(DiTGraph):
    def forward(self, latents, timestep, text_states, text_states_2, freqs_cos, freqs_sin):
        return self.dit(latents, timestep, text_states, None, text_states_2, freqs_cos, freqs_sin, None)


class VAEDecoderGraph(torch.nn.Module):
    def __init__(self, model: HunyuanVideoModel):
        super().__init__()
        self.vae = model.vae

    def forward(self, latents: torch.Tensor) -> torch.Tensor:
        return self.vae.decode(latents)


class VAEEncoderGraph(torch.nn.Module):
    def __init__(self, model: HunyuanVideoModel):
        super().__init__()
        self.vae = model.vae

    def forward(self, video: torch.Tensor) -> torch.Tensor:
        return self.vae.encode(video)[0]


def export_graph(module: torch.nn.Module, args: tuple, path: Path, inputs: list[str], outputs: list[str],
                 dynamic: dict[str, dict[int, str]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module.eval(), args, str(path), opset_version=17, dynamo=False, input_names=inputs,
                          output_names=outputs, dynamic_axes=dynamic, do_constant_folding=True)


def check_graph(path: Path, module: torch.nn.Module, args: tuple, inputs: list[str], tol: float = 1e-4) -> float:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {n: a.numpy() for n, a in zip(inputs, args)})[0]
    with torch.no_grad():
        want = module(*args).numpy()
    rel = float(np.abs(got - want).max() / max(np.abs(want).max(), 1e-12))
    if rel > tol:
        raise AssertionError(f"{path.name}: onnxruntime differs from PyTorch, relative error {rel:.2e} > {tol}")
    return rel


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@torch.no_grad()
def preview_matrix(model: HunyuanVideoModel) -> tuple[list[list[float]], list[float]]:
    """Least-squares latent(16) -> RGB fit over synthetic clips: a cheap live preview each step (ComfyUI's latent2rgb)."""
    from hyvideo.world.dataset import make_dataset
    videos, _ = make_dataset(24, 99, 17, 64, 64, image_fraction=0.0, exclude=None)
    x = to_video_tensor(videos)
    z = model.vae.encode(x)[0] * model.cfg.vae.scaling_factor  # [B,16,5,8,8]
    # Target: the mean colour of the pixels each latent covers (frame 0 -> latent 0; later latents 4 frames each).
    rgb = torch.nn.functional.avg_pool3d(x[:, :, 1:], kernel_size=(4, 8, 8))  # [B,3,4,8,8]
    rgb = torch.cat([torch.nn.functional.avg_pool3d(x[:, :, :1], (1, 8, 8)), rgb], dim=2)
    a = z.permute(0, 2, 3, 4, 1).reshape(-1, z.shape[1])
    b = rgb.permute(0, 2, 3, 4, 1).reshape(-1, 3)
    a1 = torch.cat([a, torch.ones(a.shape[0], 1)], 1)
    sol = torch.linalg.lstsq(a1, b).solution  # [17, 3]
    return sol[:-1].tolist(), sol[-1].tolist()


def export_pack(model: HunyuanVideoModel, out: Path, vectors: Path, pack_id: str, version: str,
                with_vae_encoder: bool = True) -> dict:
    if out.exists():
        shutil.rmtree(out)
    (out / "tokenizer_llm").mkdir(parents=True)
    (out / "tokenizer_clip").mkdir(parents=True)
    cfg = model.cfg
    tok = model.tokenizer
    tok.llm.save(str(out / "tokenizer_llm" / "tokenizer.json"))
    tok.clip.save(str(out / "tokenizer_clip" / "tokenizer.json"))
    errors: dict[str, float] = {}

    # Traced at one shape, checked at another so the dynamic axes are exercised.
    enc = tok.encode(PARITY_PROMPT)
    ids_a = torch.tensor([enc.llm_ids])
    ids_b = torch.tensor([tok.encode("A small white star spins.", image=True).llm_ids])
    g = TextLLMGraph(model)
    export_graph(g, (ids_a,), out / "text_llm.onnx", ["input_ids"], ["hidden_states"], {"input_ids": {1: "L"}, "hidden_states": {1: "L"}})
    errors["text_llm"] = check_graph(out / "text_llm.onnx", g, (ids_b,), ["input_ids"])

    c = TextCLIPGraph(model)
    clip_a, clip_b = torch.tensor([enc.clip_ids]), torch.tensor([tok.clip_ids("a blue ring")])
    export_graph(c, (clip_a,), out / "text_clip.onnx", ["input_ids"], ["pooled"], {})
    errors["text_clip"] = check_graph(out / "text_clip.onnx", c, (clip_b,), ["input_ids"])

    def dit_args(frames: int, h: int, w: int, text_len: int, seed: int):
        gen = torch.Generator().manual_seed(seed)
        shape = latent_shape(cfg, frames, h, w)
        cos, sin = model.rope(shape[1:])
        base = (torch.randn((1, *shape), generator=gen), torch.tensor([700.0]),
                torch.randn(1, text_len, cfg.dit.text_states_dim, generator=gen), torch.randn(1, cfg.dit.text_states_dim_2, generator=gen))
        return base + ((torch.tensor([4000.0]),) if cfg.dit.guidance_embed else ()) + (cos, sin)

    dit_inputs = ["latents", "timestep", "text_states", "text_states_2"] + (["guidance"] if cfg.dit.guidance_embed else []) + ["freqs_cos", "freqs_sin"]
    d = DiTGraph(model) if cfg.dit.guidance_embed else DiTGraphNoGuidance(model)
    export_graph(d, dit_args(17, 64, 64, 12, 0), out / "dit.onnx", dit_inputs, ["velocity"],
                 {"latents": {2: "T", 3: "H", 4: "W"}, "text_states": {1: "L"}, "freqs_cos": {0: "N"}, "freqs_sin": {0: "N"},
                  "velocity": {2: "T", 3: "H", 4: "W"}})
    errors["dit"] = check_graph(out / "dit.onnx", d, dit_args(33, 64, 96, 20, 1), dit_inputs)

    v = VAEDecoderGraph(model)
    z_a = torch.randn(1, cfg.vae.latent_channels, 5, 8, 8)
    z_b = torch.randn(1, cfg.vae.latent_channels, 3, 6, 10)
    export_graph(v, (z_a,), out / "vae_decoder.onnx", ["latents"], ["video"],
                 {"latents": {2: "T", 3: "H", 4: "W"}, "video": {2: "F", 3: "PH", 4: "PW"}})
    errors["vae_decoder"] = check_graph(out / "vae_decoder.onnx", v, (z_b,), ["latents"])

    # The engine does not run the encoder (text-to-video only); a pack may leave it out to spend its size on the DiT.
    if with_vae_encoder:
        e = VAEEncoderGraph(model)
        x_a, x_b = torch.rand(1, 3, 17, 64, 64) * 2 - 1, torch.rand(1, 3, 9, 48, 80) * 2 - 1
        export_graph(e, (x_a,), out / "vae_encoder.onnx", ["video"], ["latent_mean"],
                     {"video": {2: "F", 3: "PH", 4: "PW"}, "latent_mean": {2: "T", 3: "H", 4: "W"}})
        errors["vae_encoder"] = check_graph(out / "vae_encoder.onnx", e, (x_b,), ["video"])

    latent_rgb, bias = preview_matrix(model)
    files = {}
    for key, rel in [("text_llm", "text_llm.onnx"), ("text_clip", "text_clip.onnx"), ("dit", "dit.onnx"),
                     ("vae_decoder", "vae_decoder.onnx"), ("vae_encoder", "vae_encoder.onnx"),
                     ("tokenizer_llm", "tokenizer_llm/tokenizer.json"), ("tokenizer_clip", "tokenizer_clip/tokenizer.json")]:
        p = out / rel
        if key == "vae_encoder" and not with_vae_encoder:
            continue
        files[key] = {"path": rel, "sha256": sha256(p), "bytes": p.stat().st_size}
    n_params = lambda m: sum(p.numel() for p in m.parameters())
    manifest = {
        "format": PACK_FORMAT,
        "id": pack_id,
        "name": "HyVideo Small (synthetic world)",
        "version": version,
        "description": "HunyuanVideo architecture at small size, trained on this project's synthetic world of shapes, "
                       "motions and the 14 camera moves. See docs/MODEL_CARD.md.",
        "architecture": {
            "dit": {"hidden_size": cfg.dit.hidden_size, "heads_num": cfg.dit.heads_num, "head_dim": cfg.dit.head_dim,
                    "mm_double_blocks_depth": cfg.dit.mm_double_blocks_depth, "mm_single_blocks_depth": cfg.dit.mm_single_blocks_depth,
                    "mlp_width_ratio": cfg.dit.mlp_width_ratio, "patch_size": list(cfg.dit.patch_size), "in_channels": cfg.dit.in_channels,
                    "rope_dim_list": list(cfg.dit.rope_dim_list), "rope_theta": cfg.dit.rope_theta, "guidance_embed": cfg.dit.guidance_embed,
                    "text_states_dim": cfg.dit.text_states_dim, "text_states_dim_2": cfg.dit.text_states_dim_2, "parameters": n_params(model.dit)},
            "vae": {"latent_channels": cfg.vae.latent_channels, "block_out_channels": list(cfg.vae.block_out_channels),
                    "layers_per_block": cfg.vae.layers_per_block, "time_compression_ratio": cfg.vae.time_compression_ratio,
                    "spatial_compression_ratio": cfg.vae.spatial_compression_ratio, "scaling_factor": cfg.vae.scaling_factor,
                    "parameters": n_params(model.vae)},
            "llm": {"hidden_size": cfg.llm.hidden_size, "num_layers_used": cfg.llm.layers_used, "skip_layers": cfg.llm.skip_layers,
                    "vocab_size": cfg.llm.vocab_size, "parameters": n_params(model.llm)},
            "clip": {"hidden_size": cfg.clip.hidden_size, "num_layers": cfg.clip.num_layers, "vocab_size": cfg.clip.vocab_size,
                     "parameters": n_params(model.clip)},
        },
        "latent": {"channels": cfg.vae.latent_channels, "temporal_ratio": cfg.vae.time_compression_ratio,
                   "spatial_ratio": cfg.vae.spatial_compression_ratio, "scaling_factor": cfg.vae.scaling_factor},
        "text": {"template_video": VIDEO_TEMPLATE, "template_image": IMAGE_TEMPLATE, "crop_start_video": tok.crop_start_video,
                 "crop_start_image": tok.crop_start_image, "max_text_tokens": tok.max_text_tokens, "bos_id": tok.bos_id, "add_bos": True,
                 "clip_max_length": tok.clip_max_length, "clip_bos_id": tok.clip_bos_id, "clip_eos_id": tok.clip_eos_id,
                 "clip_pad_id": tok.clip_pad_id,
                 # This model learned "unconditional" from empty captions (10% dropout), so its negative prompt is
                 # empty; HV's NEGATIVE_PROMPT (spec §2.7) means nothing to a model that never saw those words.
                 "negative_prompt": ""},
        "rope": {"theta": cfg.dit.rope_theta, "axes_dim": list(cfg.dit.rope_dim_list)},
        "sizes": SIZES,
        "frame_counts": FRAME_COUNTS,
        "defaults": DEFAULTS,
        # Official ratios (16 latent frames, stride 12; 32 latents, stride 24, spec §4.7) scaled to this pack, so the
        # default 17-frame 64x64 clip decodes in one tile and longer clips tile.
        "vae_tiling": {"tile_latent_frames": 8, "tile_latent_stride_frames": 6, "blend_frames": 8,
                       "tile_latent_size": 16, "tile_latent_stride": 12, "blend_pixels": 32},
        "preview": {"latent_rgb": latent_rgb, "bias": bias},
        "memory": {"min_ram_mb": 1024, "recommended_vram_mb": 0},
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    write_test_vectors(model, vectors, manifest)
    return errors


@torch.no_grad()
def write_test_vectors(model: HunyuanVideoModel, vectors: Path, manifest: dict) -> None:
    """Small tensors the TypeScript parity tests replay (see testvectors/README.md)."""
    vectors.mkdir(parents=True, exist_ok=True)
    for old in [*vectors.glob("*.safetensors"), vectors / "vectors.json"]:
        old.unlink(missing_ok=True)
    tok, cfg, defaults = model.tokenizer, model.cfg, manifest["defaults"]
    enc = tok.encode(PARITY_PROMPT)
    text, _, pooled = model.encode_text([PARITY_PROMPT])
    save_file({"llm_ids": torch.tensor(enc.llm_ids), "clip_ids": torch.tensor(enc.clip_ids),
               "text_states": text[0].contiguous(), "pooled": pooled[0].contiguous()}, vectors / "text.safetensors")

    shape = latent_shape(cfg, defaults["frames"], defaults["height"], defaults["width"])
    x = seeded_noise(shape, 5)
    cos, sin = model.rope(shape[1:])
    t = torch.tensor([870.0])
    g = torch.tensor([defaults["guidance"] * 1000.0])
    vel = model.dit(x, t, text, None, pooled, cos, sin, g if cfg.dit.guidance_embed else None)
    save_file({"latents": x.contiguous(), "timestep": t, "text_states": text.contiguous(), "text_states_2": pooled.contiguous(),
               "guidance": g, "freqs_cos": cos.contiguous(), "freqs_sin": sin.contiguous(), "velocity": vel.contiguous()},
              vectors / "dit_call.safetensors")

    trace = GenerationTrace()
    steps = 6
    video = generate(model, PARITY_PROMPT, frames=defaults["frames"], height=defaults["height"], width=defaults["width"],
                     steps=steps, shift=defaults["shift"], guidance=defaults["guidance"], noise=seeded_noise(shape, 11), trace=trace)
    save_file({"noise": trace.noise.contiguous(), "latents": trace.latents.contiguous(), "frames": video.contiguous()},
              vectors / "sampling.safetensors")

    z = trace.latents / cfg.vae.scaling_factor
    decoded = model.vae.decode(z)
    save_file({"latents": z.contiguous(), "video": decoded.contiguous()}, vectors / "vae_decode.safetensors")

    corpus = [PARITY_PROMPT, "", "  A blue square bounces.  ", "Ünïcödé prompt — with symbols & numbers 42!",
              "A purple ring spins over a checker floor. Style: flat 2D animation.", "The camera zooms in.", "cat"]
    cases = []
    for p in corpus:
        for image in (False, True):
            e = tok.encode(p, image)
            cases.append({"prompt": p, "image": image, "llm_ids": e.llm_ids, "crop_start": e.crop_start, "clip_ids": e.clip_ids})
    meta = {
        "prompt": PARITY_PROMPT,
        "sampling": {"steps": steps, "shift": defaults["shift"], "guidance": defaults["guidance"], "frames": defaults["frames"],
                     "width": defaults["width"], "height": defaults["height"], "noise_seed_torch": 11},
        "dit_call": {"timestep": 870.0, "guidance": defaults["guidance"]},
        "tokenizer_cases": cases,
    }
    (vectors / "vectors.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=HERE / "weights" / "hyvideo-small")
    p.add_argument("--out", type=Path, default=HERE / "packs" / "hyvideo-small")
    p.add_argument("--vectors", type=Path, default=None,
                   help="where the parity test vectors go (default: testvectors/ for the shipped pack's folder, "
                        "else beside --out as <name>-testvectors, so a trial's export leaves the shipped ones alone)")
    p.add_argument("--id", default="hyvideo-small-world")
    p.add_argument("--version", default="0.9.0")
    p.add_argument("--guidance", type=float, default=DEFAULTS["guidance"], help="default embedded guidance of the pack")
    p.add_argument("--cfg-scale", type=float, default=DEFAULTS["cfg_scale"], help="default true-CFG scale (1 = off)")
    p.add_argument("--steps", type=int, default=DEFAULTS["steps"])
    p.add_argument("--shift", type=float, default=DEFAULTS["shift"])
    p.add_argument("--vae-encoder", action=argparse.BooleanOptionalAction, default=False,
                   help="also export the VAE encoder (the engine does not run it; ~15 MB, which with the 192-wide DiT "
                        "would take the pack over its 60 MB budget)")
    a = p.parse_args()
    torch.set_num_threads(2)
    model = HunyuanVideoModel.load(a.model)
    DEFAULTS.update(guidance=a.guidance, cfg_scale=a.cfg_scale, steps=a.steps, shift=a.shift)
    shipped = a.out.resolve() == (HERE / "packs" / "hyvideo-small").resolve()
    vectors = a.vectors or (HERE / "testvectors" if shipped else a.out.parent / f"{a.out.name}-testvectors")
    errors = export_pack(model, a.out, vectors, a.id, a.version, with_vae_encoder=a.vae_encoder)
    total = sum(f.stat().st_size for f in a.out.rglob("*") if f.is_file())
    print(json.dumps({"pack": str(a.out), "bytes": total, "relative_errors": errors}, indent=1))


if __name__ == "__main__":
    main()
