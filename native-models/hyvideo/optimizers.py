"""Training only: the DiT stage's optimizer, AdamW throughout or Muon on the transformer's hidden matrices.

Muon (momentum orthogonalised by Newton-Schulz, torch.optim.Muon) takes the 2D weights inside the blocks: the
double- and single-stream blocks and the token refiner. Everything else (the patch, text, timestep, pooled-text and
guidance embedders, the final layer, every bias and norm, and any text-encoder or read-out parameters trained with
the DiT) stays on AdamW, as the Muon papers keep the input and output layers and the vectors on AdamW. With
Moonshot's RMS matching ("match_rms_adamw") the same learning rate and weight decay serve both groups."""
from __future__ import annotations

from collections.abc import Iterable

import torch

OPTIMIZERS = ("adamw", "muon")
HIDDEN_PREFIXES = ("double_blocks.", "single_blocks.", "txt_in.individual_token_refiner.")


def is_hidden_matrix(name: str, param: torch.nn.Parameter) -> bool:
    return param.ndim == 2 and name.startswith(HIDDEN_PREFIXES)


class CombinedOptimizer:
    """Several optimizers stepped together, one state dict; param_groups spans all so a schedule sets every lr."""

    def __init__(self, optimizers: dict[str, torch.optim.Optimizer]):
        self.optimizers = optimizers

    @property
    def param_groups(self) -> list[dict]:
        return [g for opt in self.optimizers.values() for g in opt.param_groups]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for opt in self.optimizers.values():
            opt.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        for opt in self.optimizers.values():
            opt.step()

    def state_dict(self) -> dict:
        return {name: opt.state_dict() for name, opt in self.optimizers.items()}

    def load_state_dict(self, state: dict) -> None:
        if "param_groups" in state:  # a checkpoint from before this class: one plain AdamW
            state = {"adamw": state}
        if set(state) != set(self.optimizers):
            raise ValueError(f"optimizer state holds {sorted(state)}, this run uses {sorted(self.optimizers)}: "
                             "resume with the --dit-optimizer the run started with")
        for name, opt in self.optimizers.items():
            opt.load_state_dict(state[name])


def dit_optimizer(kind: str, dit: torch.nn.Module, others: Iterable[torch.nn.Parameter], lr: float,
                  weight_decay: float) -> CombinedOptimizer:
    """The DiT stage's optimizer over the DiT's parameters and `others` (text encoders, read-outs: always AdamW)."""
    if kind not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {kind!r}: one of {OPTIMIZERS}")
    hidden = [p for n, p in dit.named_parameters() if kind == "muon" and is_hidden_matrix(n, p)]
    hidden_ids = {id(p) for p in hidden}
    rest = [p for p in dit.parameters() if id(p) not in hidden_ids] + list(others)
    optimizers: dict[str, torch.optim.Optimizer] = {"adamw": torch.optim.AdamW(rest, lr=lr, weight_decay=weight_decay)}
    if hidden:
        optimizers["muon"] = torch.optim.Muon(hidden, lr=lr, weight_decay=weight_decay,
                                              adjust_lr_fn="match_rms_adamw")
    return CombinedOptimizer(optimizers)
