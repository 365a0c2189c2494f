"""Attribute supervision for the text encoders, used in training only (nothing here is exported).

HunyuanVideo's text encoders arrive pretrained (an MLLM and CLIP) and frozen; ours start from nothing and are trained
with the DiT. Left to the diffusion loss alone they learn slowly: after the 0.2.0 run a linear probe read the
camera move from the LLM's mean state 98% of the time but from CLIP's pooled vector only 44%, and the pooled vector
is what feeds every block's modulation. Small linear heads that read the world's attributes (the main object's
colour, shape and motion, and the camera move) back from both encoders stand in for that pretraining: the labels
come free with the synthetic world, and a label is only asked for when the caption actually states it."""
from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .world.captions import BACKGROUND_PHRASE, BACKGROUND_WORD, MOTION_SHORT, background_scene
from .world.scene import BACKGROUNDS, COLOURS, MOTIONS, PALETTES, SHAPES
from .world.schema import camera_ids, camera_sentence

IGNORE = -100
# The main object and the camera: the read-outs every recipe trains.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "colour": tuple(COLOURS),
    "shape": SHAPES,
    "motion": MOTIONS,
    "camera": tuple(camera_ids()),
}
# The scene behind it (train.py --text-readouts): the background's texture and its named palette, which the held-out
# generations follow poorly without them (docs/MODEL_CARD.md).
SCENE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "background": BACKGROUNDS,
    "palette": tuple(PALETTES),
}
ALL_ATTRIBUTES = {**ATTRIBUTES, **SCENE_ATTRIBUTES}


def main_object(short: str) -> tuple[str, str, str | None]:
    """(colour, shape, motion or None) of the main object from a world caption's short field, e.g.
    'An orange square moves left' -> ('orange', 'square', 'moves-left'); stills have no motion words."""
    words = short.split()
    colour, shape = words[1], words[2]
    rest = " ".join(words[3:])
    motion = next((m for m, phrase in MOTION_SHORT.items() if phrase == rest), None) if rest else None
    if colour not in COLOURS or shape not in SHAPES or (rest and motion is None):
        raise ValueError(f"not a world caption's short field: {short!r}")
    return colour, shape, motion


def attribute_labels(fields: dict[str, str], camera: str | None, caption: str) -> dict[str, int]:
    """Class indices for what `caption` (a training caption built from `fields`) states, IGNORE for the rest; every
    attribute of ALL_ATTRIBUTES. Every non-empty world caption keeps the short or the dense field, both of which name
    the main object; the texture is stated by a video's dense field or an image's ('on a grid background') or by the
    background field, the palette by the background field alone."""
    if not caption:
        return {k: IGNORE for k in ALL_ATTRIBUTES}
    colour, shape, motion = main_object(fields["short"])
    texture, palette, tones = background_scene(fields["background"])
    stated = {"colour": colour, "shape": shape, "motion": motion,
              "camera": camera if camera and camera_sentence(camera) in caption else None,
              "background": texture if (BACKGROUND_PHRASE[texture] in caption
                                         or f"on a {BACKGROUND_WORD[texture]} background" in caption) else None,
              "palette": palette if tones in caption else None}
    return {k: ALL_ATTRIBUTES[k].index(v) if v is not None else IGNORE for k, v in stated.items()}


class AttributeHeads(nn.Module):
    """Linear read-outs of the attributes (`names`, of ALL_ATTRIBUTES) from CLIP's pooled vector and from the LLM's
    mean (cropped) state."""

    def __init__(self, llm_dim: int, clip_dim: int, names: Sequence[str] = tuple(ATTRIBUTES)):
        super().__init__()
        unknown = [k for k in names if k not in ALL_ATTRIBUTES]
        if unknown:
            raise ValueError(f"unknown attributes {unknown}; known: {list(ALL_ATTRIBUTES)}")
        self.names = tuple(names)
        self.from_llm = nn.ModuleDict({k: nn.Linear(llm_dim, len(ALL_ATTRIBUTES[k])) for k in self.names})
        self.from_clip = nn.ModuleDict({k: nn.Linear(clip_dim, len(ALL_ATTRIBUTES[k])) for k in self.names})

    def loss(self, text: torch.Tensor, mask: torch.Tensor, pooled: torch.Tensor, labels: dict[str, torch.Tensor],
             batch_counts: dict[str, int] | None = None) -> tuple[torch.Tensor, dict[str, float]]:
        """Mean cross-entropy over heads (labelled rows only) and each head's accuracy, for the log.

        For a micro-batch of a larger batch, batch_counts gives each attribute's labelled rows in the whole batch:
        each head's summed cross-entropy is divided by that count, so the micro-batches' losses add up to the whole
        batch's loss exactly."""
        m = mask.to(text.dtype).unsqueeze(-1)
        llm_mean = (text * m).sum(1) / m.sum(1).clamp(min=1.0)
        losses, acc = [], {}
        for source, feats, heads in (("llm", llm_mean, self.from_llm), ("clip", pooled, self.from_clip)):
            for k, head in heads.items():
                y = labels[k]
                valid = y != IGNORE
                count = int(valid.sum()) if batch_counts is None else batch_counts[k]
                if count == 0:
                    continue
                logits = head(feats.float())
                losses.append(F.cross_entropy(logits, y, ignore_index=IGNORE, reduction="sum") / count)
                if bool(valid.any()):
                    acc[f"{source}_{k}"] = float((logits.argmax(-1) == y)[valid].float().mean())
        total = torch.stack(losses).mean() if losses else pooled.sum() * 0.0
        return total, acc


def label_batch(rows: list[dict[str, int]]) -> dict[str, torch.Tensor]:
    return {k: torch.tensor([r[k] for r in rows], dtype=torch.int64) for k in rows[0]}


def labelled_counts(labels: dict[str, torch.Tensor]) -> dict[str, int]:
    """Rows that carry each attribute's label: the batch_counts of AttributeHeads.loss."""
    return {k: int((y != IGNORE).sum()) for k, y in labels.items()}
