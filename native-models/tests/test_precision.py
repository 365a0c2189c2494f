"""The precision choice: a real small VAE + DiT step is what gets timed, bf16 has to win clearly, and a run keeps the
choice it recorded."""
import json
from pathlib import Path

import pytest
import torch

from hyvideo import cpu_isa, precision
from hyvideo.config import small_config
from hyvideo.modules.dit import HYVideoDiffusionTransformer
from hyvideo.modules.vae import AutoencoderKLCausal3D

HAS_BF16_FLAGS = precision.cpu_has_bf16_flags()


def test_the_timed_step_trains_both_the_vae_and_the_dit():
    cfg = small_config()
    vae, dit = AutoencoderKLCausal3D(cfg.vae), HYVideoDiffusionTransformer(cfg.dit)
    precision._training_step(vae, dit, bf16=False)
    for module in (vae.encoder, vae.decoder, dit.img_in, dit.txt_in, dit.final_layer):
        grads = [p.grad for p in module.parameters() if p.requires_grad]
        assert grads and any(g is not None and bool(g.abs().sum() > 0) for g in grads), type(module).__name__


def test_bf16_is_kept_only_where_it_wins_by_the_margin():
    assert not precision.StepTimes(fp32=0.56, bf16=0.95).bf16_pays  # the Intel KVM guest's DiT step
    assert precision.StepTimes(fp32=0.81, bf16=0.48).bf16_pays  # the EPYC's VAE step
    assert not precision.StepTimes(fp32=1.0, bf16=0.95).bf16_pays  # a near tie keeps fp32


def test_the_choice_is_measured_once_and_a_resumed_run_keeps_it(tmp_path: Path):
    calls = []

    def measure() -> precision.StepTimes:
        calls.append(1)
        return precision.StepTimes(fp32=0.5, bf16=1.0)

    assert precision.choose_bf16(tmp_path, measure) is False
    recorded = json.loads((tmp_path / precision.CHOICE_FILE).read_text())
    assert recorded == {"bf16": False, "seconds_fp32": 0.5, "seconds_bf16": 1.0}
    (tmp_path / precision.CHOICE_FILE).write_text(json.dumps({**recorded, "bf16": True}))
    assert precision.choose_bf16(tmp_path, measure) is True  # read back, not measured again
    assert len(calls) == 1
    (tmp_path / precision.CHOICE_FILE).write_text('{"bf16": tr')  # cut short
    assert precision.choose_bf16(tmp_path, measure) is False  # measured again and recorded whole
    assert len(calls) == 2 and json.loads((tmp_path / precision.CHOICE_FILE).read_text())["bf16"] is False


@pytest.mark.skipif(not HAS_BF16_FLAGS, reason="without AVX512-BF16 or AMX oneDNN emulates bf16 (minutes); "
                                                "train.py does not time it there")
def test_both_precisions_are_timed_on_a_cpu_with_bf16():
    cpu_isa.ensure_usable_bf16_isa()  # as train.py does first: some VMs advertise AMX that crashes
    torch.manual_seed(7)
    expected = torch.rand(4)
    torch.manual_seed(7)
    times = precision.time_training_steps(reps=1)
    assert times.fp32 > 0 and times.bf16 > 0
    # The recipe seeds before the probe and initialises its models after: the probe must not move the random state.
    assert torch.equal(torch.rand(4), expected)
