"""The training recipe runs end to end at toy size, and an interrupted run resumes where it stopped."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import torch

from hyvideo import precision

HERE = Path(__file__).resolve().parents[1]
HAS_BF16_FLAGS = precision.cpu_has_bf16_flags()


def _train(*args: str) -> subprocess.CompletedProcess:
    # fp32 unless a test asks: "auto" times both precisions (~10 s a fresh work folder) where the CPU has bf16 flags.
    forced = [] if "--precision" in args else ["--precision", "fp32"]
    cmd = [sys.executable, str(HERE / "train.py"), "--quick", *forced, *args]
    return subprocess.run(cmd, cwd=HERE, capture_output=True, text=True, timeout=600,
                          env={"OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})


def run_train(tmp: Path, *extra: str) -> str:
    out = _train("--work", str(tmp / "work"), "--weights", str(tmp / "weights"), "--plot", str(tmp / "loss.png"),
                 "--resume-file", str(tmp / "resume.pt"), *extra)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def refused_train(work: Path, *extra: str) -> str:
    """Runs train.py expecting it to refuse; returns what it said on stderr."""
    out = _train("--work", str(work), *extra)
    assert out.returncode != 0, out.stdout[-3000:]
    return out.stderr


def test_fresh_dit_without_weights_to_adopt_is_refused(tmp_path: Path):
    said = refused_train(tmp_path / "work", "--fresh-dit")
    assert "--fresh-dit: give --init-from" in said
    assert not (tmp_path / "work").exists()  # refused before anything was written


def test_quick_recipe_resumes_and_finishes(tmp_path: Path):
    first = run_train(tmp_path, "--stop-after", "vae", "--precision", "auto")  # the recipe's command as it is
    assert "[vae] step 4/4" in first and "[vae_motion] step 3/3" in first
    # The gate scores encode→decode of held-out renders after each VAE phase.
    assert "[vae gate] vae step 4" in first and "[vae gate] vae_motion step 7" in first
    ckpt = torch.load(tmp_path / "work" / "checkpoint.pt", weights_only=False)
    assert ckpt["vae_step"] == 4 and ckpt["vae_motion_step"] == 3 and "dit_step" not in ckpt
    # A session ends: its slim resume point is committed, the work folder is lost, a new machine picks up.
    saved = run_train(tmp_path, "--save-resume")
    assert "[resume]" in saved and "not training" in saved  # it says so: the flag writes the copy and exits
    assert "[dit]" not in saved
    shutil.rmtree(tmp_path / "work")
    second = run_train(tmp_path, "--precision", "auto")
    assert "[resume] continuing" in second
    # Where the CPU has bf16 flags, "auto" measured which precision is faster and recorded it for resumed runs.
    assert (tmp_path / "work" / "precision.json").exists() == HAS_BF16_FLAGS
    assert "[vae" not in second  # resumed after the VAE stage instead of starting over
    assert "[latents]" in second and "[text] step 3/3" in second and "[dit] step 4/4" in second and "[distill] step 3/3" in second
    assert (tmp_path / "weights" / "model.safetensors").exists() and (tmp_path / "weights" / "vae.safetensors").exists()
    assert (tmp_path / "loss.png").exists()
    cfg = json.loads((tmp_path / "weights" / "config.json").read_text())
    assert cfg["vae"]["scaling_factor"] != 1.0  # measured from the encoded latents
    # Encoded without autograd: a graph kept per batch would hold every clip's activations (GBs at the recipe's size).
    latents = torch.load(tmp_path / "work" / "latents.pt", weights_only=False)
    assert not latents["videos"].requires_grad and not latents["images"].requires_grad
    # The recipe's DiT: 192 wide, the text encoders frozen after their warm-up, Muon on the blocks' matrices.
    done = torch.load(tmp_path / "work" / "checkpoint.pt", weights_only=False)
    assert done["dit_width"] == [192, 6] and done["dit_frozen_text"] is True and set(done["dit_opt"]) == {"adamw", "muon"}
    stages = {json.loads(line)["stage"] for line in (tmp_path / "work" / "losses.jsonl").read_text().splitlines()}
    assert stages == {"vae", "vae_motion", "vae_gate", "text", "dit", "distill"}


def test_snapshot_after_the_vae_stage_writes_the_vae_its_gate_scored(tmp_path: Path):
    run_train(tmp_path, "--stop-after", "vae")
    said = run_train(tmp_path, "--stop-after", "vae", "--snapshot")
    assert "[snapshot]" in said and "[vae]" not in said  # writes the weights, trains nothing
    from hyvideo.pipeline import HunyuanVideoModel
    written = HunyuanVideoModel.load(tmp_path / "weights").vae.state_dict()
    ckpt = torch.load(tmp_path / "work" / "checkpoint.pt", weights_only=False)
    raw = {k.removeprefix("vae."): v for k, v in ckpt["model"].items() if k.startswith("vae.")}
    assert written.keys() == ckpt["vae_ema"].keys() == raw.keys()
    assert all(torch.equal(written[k], ckpt["vae_ema"][k]) for k in written)
    assert not all(torch.equal(written[k], raw[k]) for k in written)  # the EMA, not the last step's weights


def test_inflated_vae_init_decodes_each_latent_frame_to_its_own_frames():
    """After inflate_causal_init the decoder is per-frame: latent frame k alone makes output frames 4k-3..4k (four
    equal frames), so the VAE starts with every latent frame holding its own part of the clip instead of leaning on
    frame 0. A random 3D init mixes the previous latent frame into them."""
    from train import inflate_causal_init
    from hyvideo.config import VAEConfig
    from hyvideo.modules.vae import AutoencoderKLCausal3D

    torch.manual_seed(0)
    cfg = VAEConfig(block_out_channels=(8, 8, 16, 16), layers_per_block=1, norm_num_groups=4)
    z = torch.randn(1, cfg.latent_channels, 3, 2, 2)  # 3 latent frames -> 9 output frames
    for inflated in (False, True):
        vae = AutoencoderKLCausal3D(cfg).eval()
        if inflated:
            inflate_causal_init(vae)
        with torch.no_grad():
            out = vae.decode(z)[0]
        spread = max((out[:, 4 * k - 3 : 4 * k + 1] - out[:, 4 * k : 4 * k + 1]).abs().max().item() for k in (1, 2))
        if inflated:
            assert spread < 1e-5, spread
            assert (out[:, 4] - out[:, 8]).abs().max() > 1e-3  # different latent frames still decode differently
        else:
            assert spread > 1e-3, spread


def test_temporal_loss_sees_only_what_changes_between_frames():
    """An error that is the same in every latent frame costs nothing; one that differs from frame to frame does."""
    from train import temporal_loss

    torch.manual_seed(0)
    target = torch.randn(2, 16, 5, 4, 4)
    same_every_frame = torch.randn(2, 16, 1, 4, 4).expand(-1, -1, 5, -1, -1)
    assert temporal_loss(target + same_every_frame, target).item() < 1e-12
    drifting = torch.linspace(0, 1, 5).view(1, 1, 5, 1, 1) * torch.ones(2, 16, 5, 4, 4)
    assert abs(temporal_loss(target + drifting, target).item() - 0.25 ** 2) < 1e-6
    # Every sixth DiT batch is of stills (one latent frame): the term is 0 there, not the NaN of an empty mean.
    still = torch.randn(2, 16, 1, 4, 4)
    assert temporal_loss(still + 1.0, still).item() == 0.0


def test_ledge_weight_counts_the_bottom_rows_more_and_keeps_the_mean_weight_one():
    """Weight 1 is the plain MSE; weight w makes an error in the bottom quarter of rows cost w times one elsewhere,
    with the weights normalised to average 1 (a uniform error costs the same under any weight)."""
    import torch.nn.functional as F
    from train import flow_loss

    torch.manual_seed(0)
    pred, target = torch.randn(2, 16, 5, 8, 8), torch.randn(2, 16, 5, 8, 8)
    assert flow_loss(pred, target) == F.mse_loss(pred, target)
    zeros = torch.zeros(2, 16, 5, 8, 8)
    assert abs(flow_loss(torch.ones_like(zeros), zeros, 4.0).item() - 1.0) < 1e-6
    bottom, top = zeros.clone(), zeros.clone()
    bottom[..., 7, :] = 1.0  # a ledge row
    top[..., 0, :] = 1.0
    assert abs(flow_loss(bottom, zeros, 4.0).item() / flow_loss(top, zeros, 4.0).item() - 4.0) < 1e-5
    assert flow_loss(bottom, zeros, 4.0) > F.mse_loss(bottom, zeros) > flow_loss(top, zeros, 4.0)


def test_object_weight_counts_the_marked_latent_pixels_more_and_keeps_the_mean_weight_one():
    """Weight w makes an error on a latent pixel the object mask marks cost w times one elsewhere, per clip's own mask,
    and a uniform error costs the same under any weight (the weights average 1 over the batch)."""
    import torch.nn.functional as F
    from train import flow_loss

    zeros = torch.zeros(2, 16, 5, 8, 8)
    mask = torch.zeros(2, 1, 5, 8, 8)
    mask[0, :, :, 2:4, 2:4] = 1.0  # clip 0: an object at the top left
    mask[1, :, :, 5:7, 5:7] = 1.0  # clip 1: one at the bottom right
    assert abs(flow_loss(torch.ones_like(zeros), zeros, 1.0, mask, 4.0).item() - 1.0) < 1e-6
    pred = torch.randn(2, 16, 5, 8, 8)
    assert flow_loss(pred, zeros, 1.0, mask, 1.0) == F.mse_loss(pred, zeros)
    on, off = zeros.clone(), zeros.clone()
    on[0, :, :, 2, 2] = on[1, :, :, 5, 5] = 1.0  # under each clip's own object
    off[0, :, :, 5, 5] = off[1, :, :, 2, 2] = 1.0  # the same pixels, swapped: under the other clip's object only
    assert abs(flow_loss(on, zeros, 1.0, mask, 4.0).item() / flow_loss(off, zeros, 1.0, mask, 4.0).item() - 4.0) < 1e-5


def test_path_weight_counts_where_the_subject_was_or_will_be_and_not_where_it_is():
    """A subject moving right along a row: an error where it stood in another latent frame costs path_weight, one
    under it object_weight, one off its path 1; a still (one latent frame) has no path beyond its object."""
    from train import flow_weights

    mask = torch.zeros(1, 1, 3, 4, 6)
    for t in range(3):
        mask[0, 0, t, 1, t] = 1.0  # latent frame t: the subject at column t
    w = flow_weights((1, 16, 3, 4, 6), 1.0, mask, 1.5, 3.0)
    assert abs(w.mean().item() - 1.0) < 1e-6
    here, passed, off = w[0, 0, 1, 1, 1], w[0, 0, 1, 1, 0], w[0, 0, 1, 1, 4]
    assert abs(here / off - 1.5) < 1e-5 and abs(passed / off - 3.0) < 1e-5
    assert torch.equal(flow_weights((1, 16, 3, 4, 6), 1.0, mask, 1.5, 1.0), flow_weights((1, 16, 3, 4, 6), 1.0, mask, 1.5))
    still = mask[:, :, :1]
    assert torch.equal(flow_weights((1, 16, 1, 4, 6), 1.0, still, 1.5, 3.0), flow_weights((1, 16, 1, 4, 6), 1.0, still, 1.5))


def test_object_masks_mark_the_latent_pixels_that_encode_an_object():
    """The mask of a rendered clip, on the latent grid: frame 0 its own latent frame, then one per 4 frames, each
    latent pixel an 8x8 block; it follows the object (and only it) as it moves."""
    import numpy as np
    from hyvideo.world.evaluate import object_pixels
    from hyvideo.world.render import render_clip
    from hyvideo.world.scene import sample_spec
    from train import latent_grid_mask

    pixel = np.zeros((1, 17, 64, 64), bool)
    pixel[0, 0, 3, 60] = True  # frame 0 -> latent frame 0, block (0, 7)
    pixel[0, 7, 40, 9] = True  # frame 7 -> latent frame 2 (frames 5-8), block (5, 1)
    grid = latent_grid_mask(pixel)
    assert grid.shape == (1, 1, 5, 8, 8) and grid.sum() == 2
    assert grid[0, 0, 0, 0, 7] == 1 and grid[0, 0, 2, 5, 1] == 1

    spec = sample_spec(np.random.default_rng(3), camera="static", motion="moves-right", second_object=False)
    video = render_clip(spec)
    grid = latent_grid_mask(object_pixels(video)[None])[0, 0]
    assert 0 < grid[0].mean() < 0.25  # the object, not the background
    cols = [np.nonzero(g.any(axis=0).numpy())[0].mean() for g in grid]
    assert cols[-1] > cols[0]  # it moved right


def test_init_from_trained_weights_continues_with_their_tokenizers_and_vae(tmp_path: Path):
    """--init-from adopts a weights directory: the VAE and text stages are skipped, the latents keep its scaling,
    and the DiT stage trains on from its weights (with the frame-to-frame loss term on)."""
    first = tmp_path / "first"
    run_train(first)
    trained = first / "weights"
    # A work folder holding a from-scratch run is refused rather than resumed with --init-from ignored.
    assert "use a fresh --work" in refused_train(first / "work", "--init-from", str(trained))
    out = run_train(tmp_path, "--init-from", str(trained), "--motion-loss", "1", "--object-weight", "4")
    assert "[init] continuing" in out and "[vae" not in out and "[text]" not in out
    assert "[dit] step 4/4" in out and "[distill] step 3/3" in out
    for name in ("tokenizer_llm.json", "tokenizer_clip.json"):
        assert (tmp_path / "work" / name).read_bytes() == (trained / name).read_bytes()
    before = json.loads((trained / "config.json").read_text())["vae"]["scaling_factor"]
    after = json.loads((tmp_path / "weights" / "config.json").read_text())["vae"]["scaling_factor"]
    assert after == before
    from safetensors.torch import load_file
    assert torch.equal(load_file(str(trained / "vae.safetensors"))["vae.encoder.conv_in.conv.weight"],
                       load_file(str(tmp_path / "weights" / "vae.safetensors"))["vae.encoder.conv_in.conv.weight"])
    # A different DiT width keeps the adopted VAE and text encoders and trains a fresh DiT of that width; the work
    # folder records the width, so resuming it with another width is refused.
    wide = tmp_path / "wide"
    out = run_train(wide, "--init-from", str(trained), "--dit-width", "64:2")
    assert "a fresh DiT" in out and "[dit] step 4/4" in out and "[distill] step 3/3" in out
    cfg = json.loads((wide / "weights" / "config.json").read_text())
    assert (cfg["dit"]["hidden_size"], cfg["dit"]["heads_num"]) == (64, 2)
    assert torch.equal(load_file(str(trained / "vae.safetensors"))["vae.decoder.conv_out.conv.weight"],
                       load_file(str(wide / "weights" / "vae.safetensors"))["vae.decoder.conv_out.conv.weight"])
    assert load_file(str(wide / "weights" / "model.safetensors"))["dit.img_in.proj.weight"].shape[0] == 64
    # --fresh-dit does the same at the adopted width.
    fresh = tmp_path / "fresh"
    out = run_train(fresh, "--init-from", str(trained), "--fresh-dit", "--stop-after", "dit")
    assert "a fresh DiT" in out and "[dit] step 4/4" in out
    assert "DiT width [64, 2]" in refused_train(wide / "work", "--dit-width", "96:3")
    # A different depth likewise: a fresh DiT with those block counts, which the work folder records.
    deep = tmp_path / "deep"
    out = run_train(deep, "--init-from", str(trained), "--dit-depth", "1:3", "--stop-after", "dit")
    assert "a fresh DiT" in out and "[dit] step 4/4" in out
    held = torch.load(deep / "work" / "checkpoint.pt", weights_only=False)
    assert held["dit_depth"] == [1, 3]
    blocks = {".".join(k.split(".")[1:3]) for k in held["model"] if k.startswith("dit.") and "_blocks." in k}
    assert blocks == {"double_blocks.0", "single_blocks.0", "single_blocks.1", "single_blocks.2"}
    assert "DiT depth [1, 3]" in refused_train(deep / "work", "--dit-depth", "2:4")
    assert "DUAL:SINGLE" in refused_train(tmp_path / "nothing", "--dit-depth", "4")
    # Continuing those 64-wide weights without --dit-width keeps their DiT: adopted at its width, not a fresh default.
    narrow = tmp_path / "narrow"
    out = run_train(narrow, "--init-from", str(wide / "weights"), "--stop-after", "dit")
    assert "a fresh DiT" not in out and "[dit] step 4/4" in out
    assert torch.load(narrow / "work" / "checkpoint.pt", weights_only=False)["dit_width"] == [64, 2]
    # --fresh-text adopts the VAE alone: the text warm-up runs again from a fresh start, then a fresh DiT.
    again = tmp_path / "again"
    # With the scene's read-outs too (--text-readouts): the warm-up reads the palette, and the work folder records it.
    out = run_train(again, "--init-from", str(trained), "--fresh-text", "--text-readouts",
                    "colour,shape,motion,camera,background,palette")
    assert "fresh text encoders and DiT" in out and "[vae" not in out
    assert "[text] step 3/3" in out and "[dit] step 4/4" in out and "clip_palette" in out
    assert torch.load(again / "work" / "checkpoint.pt", weights_only=False)["text_readouts"][-1] == "palette"
    assert "--text-readouts: " in refused_train(again / "work", "--init-from", str(trained), "--fresh-text")
    assert "read-outs are among" in refused_train(tmp_path / "nothing", "--text-readouts", "colour,mood")
    assert torch.equal(load_file(str(trained / "vae.safetensors"))["vae.decoder.conv_out.conv.weight"],
                       load_file(str(again / "weights" / "vae.safetensors"))["vae.decoder.conv_out.conv.weight"])
    assert "--fresh-text: give --init-from" in refused_train(tmp_path / "nothing", "--fresh-text")
    # --freeze-text: the DiT stage (and then distillation) leaves the adopted text encoders exactly as they came.
    frozen = tmp_path / "frozen"
    out = run_train(frozen, "--init-from", str(trained), "--freeze-text")
    assert "[dit] step 4/4" in out and "[distill] step 3/3" in out
    came, went = load_file(str(trained / "model.safetensors")), load_file(str(frozen / "weights" / "model.safetensors"))
    text_keys = [k for k in came if not k.startswith("dit.")]
    assert text_keys and all(torch.equal(came[k], went[k]) for k in text_keys)
    assert not torch.equal(came["dit.img_in.proj.weight"], went["dit.img_in.proj.weight"])
    # Its work folder records the choice: resuming it the other way is refused before anything runs.
    assert "--freeze-text:" in refused_train(frozen / "work", "--init-from", str(trained), "--no-freeze-text")
    # --dit-batch sizes the DiT's steps alone; the work folder records it, and a resume with another is refused.
    small = tmp_path / "small"
    out = run_train(small, "--init-from", str(trained), "--freeze-text", "--dit-batch", "2", "--stop-after", "dit")
    assert "[dit] step 4/4" in out
    assert torch.load(small / "work" / "checkpoint.pt", weights_only=False)["dit_batch"] == 2
    assert "--dit-batch: " in refused_train(small / "work", "--init-from", str(trained), "--freeze-text")


def test_micro_batches_add_up_to_the_whole_batch_step():
    """A DiT step computed in micro-batches (train.py --micro-batch) accumulates the gradient and the losses of the
    whole batch: captions of different lengths (each micro-batch pads to its own longest; the batch is sorted by
    caption length first), empty captions whose
    read-out labels are missing, object weights normalised over the whole batch, and a last micro-batch smaller
    than the rest."""
    import random

    import numpy as np

    from hyvideo.pipeline import HunyuanVideoModel
    from hyvideo.text_supervision import AttributeHeads
    from hyvideo.world.captions import caption_fields
    from hyvideo.world.scene import sample_spec
    from train import caption_batch, caption_length_order, dit_gradients, flow_weights

    torch.manual_seed(0)
    model = HunyuanVideoModel.load(HERE / "weights" / "hyvideo-small").train()
    heads = AttributeHeads(model.cfg.llm.hidden_size, model.cfg.clip.hidden_size)
    world = np.random.default_rng(3)
    fields = [caption_fields(sample_spec(world)) for _ in range(5)]
    prompts, labels = caption_batch(fields, random.Random(4), image=False, drop=0.3)
    assert "" in prompts and len({len(p) for p in prompts}) > 2
    # Longest first, so that the micro-batched step's sort by caption length (to pad less) has work to do.
    longest_first = sorted(range(5), key=lambda i: -len(prompts[i]))
    prompts, labels = [prompts[i] for i in longest_first], {k: y[longest_first] for k, y in labels.items()}
    assert caption_length_order(model, prompts).tolist() != list(range(5))
    latents, noise = torch.randn(5, 16, 5, 8, 8), torch.randn(5, 16, 5, 8, 8)
    sigma, guidance = torch.rand(5), torch.full((5,), 1000.0)
    mask = (torch.rand(5, 1, 5, 8, 8) > 0.8).float()
    weights = flow_weights(tuple(latents.shape), 1.0, mask, 1.5)
    params = list(model.parameters()) + list(heads.parameters())

    def step(micro: int) -> tuple[tuple[float, float], list[torch.Tensor]]:
        for p in params:
            p.grad = None
        losses = dit_gradients(model, heads, latents, prompts, labels, False, sigma, noise, guidance, weights, micro,
                               freeze_text=False, motion_loss=0.5)
        return losses, [p.grad.clone() if p.grad is not None else torch.zeros_like(p) for p in params]

    (flow, aux), whole = step(5)
    for micro in (2, 3):
        (flow_m, aux_m), parts = step(micro)
        assert abs(flow_m - flow) < 1e-5 * flow and abs(aux_m - aux) < 1e-5 * aux
        scale = max(float(g.abs().max()) for g in whole)
        assert max(float((g - h).abs().max()) for g, h in zip(whole, parts)) < 1e-4 * scale


def test_a_vae_step_in_passes_is_the_whole_batch_step():
    """vae_gradients in passes of 2, or of 4 and 2, gives the loss and the gradient of one pass over all 6: the object
    weights are normalised over the whole batch and the latent noise is drawn for it once. (A pass of a single clip
    is not used: oneDNN picks another convolution algorithm at batch 1, ~1e-3 of the largest gradient apart.)"""
    import numpy as np

    from hyvideo.pipeline import HunyuanVideoModel, latent_shape
    from hyvideo.world.dataset import make_dataset
    from train import to_video_tensor, vae_gradients

    model = HunyuanVideoModel.load(HERE / "weights" / "hyvideo-small")
    vae = model.vae.train()
    videos, _ = make_dataset(6, seed=11)
    x = to_video_tensor(np.ascontiguousarray(np.asarray(videos)[:, :9, 8:40, 16:48]))
    noise = torch.randn(6, *latent_shape(model.cfg, 9, 32, 32), generator=torch.Generator().manual_seed(0))

    def step(micro: int) -> tuple[tuple[float, float, float], list[torch.Tensor]]:
        vae.zero_grad(set_to_none=True)
        losses = vae_gradients(vae, x, noise, micro)
        return losses, [p.grad.clone() for p in vae.parameters() if p.grad is not None]

    whole_losses, whole = step(6)
    scale = max(float(g.abs().max()) for g in whole)
    for micro in (2, 4):
        losses, parts = step(micro)
        assert all(abs(a - b) <= 1e-5 * abs(b) for a, b in zip(losses, whole_losses))
        assert len(parts) == len(whole)
        assert max(float((g - h).abs().max()) for g, h in zip(whole, parts)) < 1e-4 * scale


def test_ledge_row_weights_mark_the_ledge_rows_of_a_crop():
    """Phase B's ledge weights: none for crops above the ledge or at weight 1, `weight` from frame row
    LEDGE_FIRST_ROW down in a crop that reaches it, in the crop's own row numbers."""
    from train import LEDGE_FIRST_ROW, ledge_row_weights

    assert ledge_row_weights(0, 32, 4.0) is None  # rows 0-31: above the ledge
    assert ledge_row_weights(32, 32, 1.0) is None  # the plain loss
    rows = ledge_row_weights(20, 32, 4.0)
    assert rows is not None and rows.shape == (1, 1, 1, 32, 1)
    flat = rows.flatten().tolist()
    first = LEDGE_FIRST_ROW - 20
    assert flat[:first] == [1.0] * first and flat[first:] == [4.0] * (32 - first)


def test_vae_row_weights_are_normalised_and_shift_the_loss_to_their_rows():
    """Row weights that are the same everywhere leave the loss as it is (the weights are normalised over the batch);
    weights on the bottom rows alone give the bottom rows' object-weighted error."""
    import numpy as np

    from hyvideo.pipeline import HunyuanVideoModel, latent_shape
    from hyvideo.world.dataset import make_dataset
    from train import object_weight, to_video_tensor, vae_gradients

    model = HunyuanVideoModel.load(HERE / "weights" / "hyvideo-small")
    vae = model.vae.eval()
    videos, _ = make_dataset(2, seed=5)
    x = to_video_tensor(np.ascontiguousarray(np.asarray(videos)[:, :9, 32:64, 16:48]))
    noise = torch.randn(2, *latent_shape(model.cfg, 9, 32, 32), generator=torch.Generator().manual_seed(0))
    plain = vae_gradients(vae, x, noise, 2)
    uniform = vae_gradients(vae, x, noise, 2, row_weights=torch.full((1, 1, 1, 32, 1), 3.0))
    assert all(abs(a - b) <= 1e-5 * abs(b) for a, b in zip(uniform, plain))
    bottom = torch.zeros(1, 1, 1, 32, 1)
    bottom[..., 16:, :] = 1.0
    _, l1, _ = vae_gradients(vae, x, noise, 2, row_weights=bottom)
    with torch.no_grad():
        mean, logvar = vae.encode(x)
        err = (vae.decode(mean + noise * (0.5 * logvar).exp()) - x).abs()
    w = object_weight(x)[..., 16:, :]
    expected = float((err[..., 16:, :] * w).mean() / w.mean())
    assert abs(l1 - expected) <= 1e-4 * expected
    assert abs(l1 - plain[1]) > 1e-3 * plain[1]  # the bottom half's error is not the whole crop's


def test_diagnose_vae_ledge_continues_only_the_vae_and_writes_a_copy(tmp_path):
    """A couple of phase-B steps with the ledge emphasis: the copy it writes has a changed VAE and the same DiT and
    text encoders as the weights it started from, and it will not write over those weights."""
    import subprocess
    import sys

    import numpy as np

    from hyvideo.pipeline import HunyuanVideoModel
    from hyvideo.world.dataset import make_dataset

    videos, _ = make_dataset(8, seed=3)
    images, _ = make_dataset(16, seed=4, frames=1)
    np.savez(tmp_path / "data.npz", videos=np.asarray(videos), images=np.asarray(images))
    weights = HERE / "weights" / "hyvideo-small"
    run = [sys.executable, str(HERE / "diagnose_vae_ledge.py"), "--model", str(weights), "--data",
           str(tmp_path / "data.npz"), "--steps", "2", "--ledge-weight", "4", "--ledge-crops", "1", "--ledge-grad", "1"]
    done = subprocess.run([*run, "--out", str(tmp_path / "W")], cwd=HERE, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    before, after = HunyuanVideoModel.load(weights).state_dict(), HunyuanVideoModel.load(tmp_path / "W").state_dict()
    assert before.keys() == after.keys()
    changed = {k.split(".")[0] for k in before if not torch.equal(before[k], after[k])}
    assert changed == {"vae"}, changed
    refused = subprocess.run([*run, "--out", str(weights)], cwd=HERE, capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "--out" in refused.stderr
    odd_share = subprocess.run([*run, "--out", str(tmp_path / "W2"), "--ledge-crops", "1.5"], cwd=HERE,
                               capture_output=True, text=True, timeout=300)
    assert odd_share.returncode != 0 and "between 0 and 1" in odd_share.stderr
    assert not (tmp_path / "W2").exists()


def test_train_refuses_a_ledge_weight_or_share_out_of_range(tmp_path: Path):
    for flag, value, says in (("--vae-ledge-weight", "0", "above 0"), ("--vae-ledge-crops", "-0.1", "between 0 and 1")):
        done = _train("--work", str(tmp_path / "w"), flag, value)
        assert done.returncode != 0 and says in done.stderr, done.stderr[-500:]
    assert not (tmp_path / "w").exists()  # refused before any work folder is made
