"""The DiT stage's optimizer: Muon takes only the blocks' hidden matrices, and its state survives a resume."""
import copy
import dataclasses

import pytest
import torch

from hyvideo.config import small_config
from hyvideo.modules.dit import HYVideoDiffusionTransformer
from hyvideo.optimizers import dit_optimizer


def tiny_dit() -> HYVideoDiffusionTransformer:
    torch.manual_seed(0)
    cfg = dataclasses.replace(small_config().dit, hidden_size=64, heads_num=2, mm_double_blocks_depth=1,
                              mm_single_blocks_depth=1, refiner_depth=1)
    return HYVideoDiffusionTransformer(cfg)


def names_in(opt: torch.optim.Optimizer, dit: torch.nn.Module) -> set[str]:
    ids = {id(p) for g in opt.param_groups for p in g["params"]}
    return {n for n, p in dit.named_parameters() if id(p) in ids}


def test_muon_takes_the_blocks_matrices_and_adamw_the_embedders_final_layer_and_vectors():
    dit = tiny_dit()
    opt = dit_optimizer("muon", dit, [], lr=1e-3, weight_decay=0.01)
    muon, adamw = names_in(opt.optimizers["muon"], dit), names_in(opt.optimizers["adamw"], dit)
    assert muon and not muon & adamw and muon | adamw == {n for n, _ in dit.named_parameters()}
    assert "double_blocks.0.img_attn_qkv.weight" in muon and "single_blocks.0.linear2.weight" in muon
    assert "txt_in.individual_token_refiner.blocks.0.mlp.fc1.weight" in muon
    for outer in ("img_in.proj.weight", "txt_in.input_embedder.weight", "time_in.mlp.0.weight",
                  "guidance_in.mlp.2.weight", "vector_in.in_layer.weight", "final_layer.linear.weight",
                  "double_blocks.0.img_attn_qkv.bias"):
        assert outer in adamw
    assert all(dict(dit.named_parameters())[n].ndim == 2 for n in muon)


def test_adamw_kind_is_one_adamw_over_every_parameter_and_the_extra_ones():
    dit, extra = tiny_dit(), [torch.nn.Parameter(torch.zeros(3))]
    opt = dit_optimizer("adamw", dit, extra, lr=1e-3, weight_decay=0.01)
    assert list(opt.optimizers) == ["adamw"]
    assert sum(len(g["params"]) for g in opt.param_groups) == len(list(dit.parameters())) + 1


def loss_of(dit: HYVideoDiffusionTransformer) -> torch.Tensor:
    return sum((p.float() - 0.05).pow(2).mean() for p in dit.parameters())


def steps(dit: HYVideoDiffusionTransformer, opt, n: int) -> None:
    for _ in range(n):
        opt.zero_grad()
        loss_of(dit).backward()
        opt.step()


@pytest.mark.parametrize("kind", ["adamw", "muon"])
def test_a_resumed_optimizer_steps_exactly_as_the_uninterrupted_one(kind: str):
    a = tiny_dit()
    opt_a = dit_optimizer(kind, a, [], lr=1e-2, weight_decay=0.01)
    steps(a, opt_a, 3)
    b = tiny_dit()
    b.load_state_dict(a.state_dict())
    opt_b = dit_optimizer(kind, b, [], lr=1e-2, weight_decay=0.01)
    opt_b.load_state_dict(copy.deepcopy(opt_a.state_dict()))  # as from disk: loading keeps tensors, not copies
    before = loss_of(a).item()
    steps(a, opt_a, 2)
    steps(b, opt_b, 2)
    assert loss_of(a).item() < before
    for pa, pb in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(pa, pb, rtol=0, atol=0)


def test_a_plain_adamw_state_from_older_checkpoints_loads_and_a_mismatched_one_is_refused():
    dit = tiny_dit()
    plain = torch.optim.AdamW(dit.parameters(), lr=1e-3, weight_decay=0.01)
    loss_of(dit).backward()
    plain.step()
    dit_optimizer("adamw", dit, [], lr=1e-3, weight_decay=0.01).load_state_dict(plain.state_dict())
    with pytest.raises(ValueError, match="--dit-optimizer"):
        dit_optimizer("muon", dit, [], lr=1e-3, weight_decay=0.01).load_state_dict(plain.state_dict())
