"""Held-out evaluation prompts: (colour, shape, motion, camera) combinations the model never trains on.

Every attribute appears in training, only these exact combinations of the main object do not, so generating them
measures compositional generalisation rather than memory. Training calls sample_spec(rng, exclude=HELDOUT) (or
make_dataset, which does so by default); evaluation renders or generates heldout_spec(prompt) /
prompt["prompt"] from heldout.json, which the TypeScript side reads too.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .captions import caption_fields, composer_fields, render_caption
from .scene import ClipSpec, combo, sample_spec


@dataclass(frozen=True)
class HeldoutPrompt:
    id: str
    colour: str
    shape: str
    motion: str
    camera: str
    background: str


# 42 prompts: three per camera move; all 8 named colours, 5 shapes and 8 motions (no spins, which is only
# best-effort measurable) spread so that no colour is tied to one motion.
HELDOUT: tuple[HeldoutPrompt, ...] = tuple(HeldoutPrompt(*row) for row in [
    ("h01", "red", "circle", "moves-left", "static", "grid"),
    ("h02", "orange", "triangle", "moves-down", "handheld", "stripes"),
    ("h03", "yellow", "ring", "still", "zoom-in", "dots"),
    ("h04", "green", "square", "moves-right", "zoom-out", "sky"),
    ("h05", "cyan", "star", "grows", "pan-left", "checker"),
    ("h06", "blue", "square", "bounces", "pan-right", "stripes"),
    ("h07", "purple", "star", "moves-up", "pan-up", "dots"),
    ("h08", "white", "circle", "shrinks", "pan-down", "sky"),
    ("h09", "red", "triangle", "moves-right", "tilt-left", "checker"),
    ("h10", "orange", "ring", "grows", "tilt-right", "grid"),
    ("h11", "yellow", "triangle", "bounces", "tilt-up", "dots"),
    ("h12", "green", "ring", "moves-up", "tilt-down", "sky"),
    ("h13", "cyan", "square", "shrinks", "around-left", "checker"),
    ("h14", "blue", "star", "moves-left", "around-right", "grid"),
    ("h15", "purple", "circle", "moves-down", "static", "stripes"),
    ("h16", "white", "star", "still", "handheld", "sky"),
    ("h17", "red", "circle", "moves-up", "zoom-in", "checker"),
    ("h18", "orange", "triangle", "shrinks", "zoom-out", "grid"),
    ("h19", "yellow", "ring", "moves-left", "pan-left", "stripes"),
    ("h20", "green", "square", "moves-down", "pan-right", "dots"),
    ("h21", "cyan", "ring", "still", "pan-up", "checker"),
    ("h22", "blue", "square", "moves-right", "pan-down", "grid"),
    ("h23", "purple", "star", "grows", "tilt-left", "stripes"),
    ("h24", "white", "circle", "bounces", "tilt-right", "dots"),
    ("h25", "red", "triangle", "moves-down", "tilt-up", "sky"),
    ("h26", "orange", "circle", "still", "tilt-down", "grid"),
    ("h27", "yellow", "triangle", "moves-right", "around-left", "stripes"),
    ("h28", "green", "ring", "grows", "around-right", "dots"),
    ("h29", "cyan", "square", "bounces", "static", "sky"),
    ("h30", "blue", "star", "moves-up", "handheld", "checker"),
    ("h31", "purple", "square", "shrinks", "zoom-in", "stripes"),
    ("h32", "white", "star", "moves-left", "zoom-out", "dots"),
    ("h33", "red", "circle", "grows", "pan-left", "sky"),
    ("h34", "orange", "triangle", "bounces", "pan-right", "checker"),
    ("h35", "yellow", "ring", "moves-up", "pan-up", "grid"),
    ("h36", "green", "triangle", "shrinks", "pan-down", "dots"),
    ("h37", "cyan", "ring", "moves-left", "tilt-left", "sky"),
    ("h38", "blue", "square", "moves-down", "tilt-right", "checker"),
    ("h39", "purple", "star", "still", "tilt-up", "grid"),
    ("h40", "white", "circle", "moves-right", "tilt-down", "stripes"),
    ("h41", "red", "star", "shrinks", "around-left", "sky"),
    ("h42", "orange", "circle", "moves-left", "around-right", "checker"),
])

_COMBOS = frozenset((p.colour, p.shape, p.motion, p.camera) for p in HELDOUT)
HELDOUT_JSON = Path(__file__).with_name("heldout.json")


def is_heldout(spec: ClipSpec) -> bool:
    """True when the clip's main object has a held-out (colour, shape, motion, camera), whatever the background."""
    return combo(spec) in _COMBOS


def heldout_spec(prompt: HeldoutPrompt, seed: int | None = None, index: int | None = None) -> ClipSpec:
    """A renderable clip for a held-out prompt: single object, soft light, the prompt's background; the rest
    (tones, size, position, speed, style words) drawn from a seed fixed per prompt (9000 + its place in the list,
    or `index`) unless given."""
    if index is None:
        index = HELDOUT.index(prompt) if prompt in HELDOUT else 0
    rng = np.random.default_rng(9000 + index if seed is None else seed)
    return sample_spec(rng, colour=prompt.colour, shape=prompt.shape, motion=prompt.motion, camera=prompt.camera,
                       background=prompt.background, lighting="soft", second_object=False)


def heldout_records(prompts: Sequence[HeldoutPrompt] = HELDOUT) -> list[dict[str, Any]]:
    """What heldout.json holds: per prompt the combination, composer-ready caption fields (the dense field without
    its camera sentence, since the composer inserts that from the camera preset) and the canonical prompt text."""
    out = []
    for i, p in enumerate(prompts):
        fields = composer_fields(caption_fields(heldout_spec(p, index=i))[0], p.camera)
        out.append({"id": p.id, "colour": p.colour, "shape": p.shape, "motion": p.motion, "camera": p.camera,
                    "background": p.background, "fields": fields, "prompt": render_caption(fields, p.camera)})
    return out


def prompt_of(record: dict[str, Any]) -> HeldoutPrompt:
    """The prompt a heldout.json record (or a record of a file of the same form) describes."""
    return HeldoutPrompt(*(str(record[k]) for k in ("id", "colour", "shape", "motion", "camera", "background")))


def load_prompt_records(path: Path = HELDOUT_JSON) -> list[dict[str, Any]]:
    """The records of a prompts file of heldout.json's form (heldout.json itself by default)."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    records = doc["prompts"] if isinstance(doc, dict) else doc
    if not isinstance(records, list) or not records:
        raise ValueError(f"{path}: no prompts (expected {{\"prompts\": [...]}} as in heldout.json)")
    return records


_COMMENT = ("Generated by hyvideo.world.heldout.write_heldout_json(). Held-out (colour, shape, motion, camera) "
            "combinations of the main object, excluded from training; prompt = render_caption(fields, camera).")


def write_heldout_json(path: Path = HELDOUT_JSON, prompts: Sequence[HeldoutPrompt] = HELDOUT,
                       comment: str = _COMMENT) -> None:
    doc = {"$comment": comment, "prompts": heldout_records(prompts)}
    Path(path).write_text(json.dumps(doc, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")


def seen_twins(training: Sequence[ClipSpec], prompts: Sequence[HeldoutPrompt] = HELDOUT) -> tuple[HeldoutPrompt, ...]:
    """Per held-out prompt, its twin whose combination training did see: the same motion, camera and background, with
    the (colour, shape) that the training videos' main objects had most often under that motion and camera (ties:
    alphabetical). Generating the twins next to the held-out prompts tells a failure of composition (only the unseen
    combination fails) from one of drawing the motion under that camera at all (both fail). Ids h01.. become t01..."""
    counts: Counter[tuple[str, str, str, str | None]] = Counter(combo(s) for s in training if s.camera is not None)
    twins = []
    for p in prompts:
        seen = sorted(((-n, c[0], c[1]) for c, n in counts.items() if c[2] == p.motion and c[3] == p.camera))
        if not seen:
            raise ValueError(f"{p.id}: training has no video whose main object {p.motion} under {p.camera}")
        _, colour, shape = seen[0]
        twins.append(HeldoutPrompt("t" + p.id.lstrip("h"), colour, shape, p.motion, p.camera, p.background))
    return tuple(twins)


def unseen_twins(training: Sequence[ClipSpec], prompts: Sequence[HeldoutPrompt] = HELDOUT,
                 seed: int = 0) -> tuple[HeldoutPrompt, ...]:
    """Per held-out prompt, a validation twin: the same motion, camera and background with a (colour, shape) of the
    held-out list's that the training videos' main objects never had under that motion and camera, and that is no
    held-out combination either, drawn at random (seeded) among those. Like the held-out prompts they ask for a
    composition training never showed, but they are not the test set, so a setting such as the pack's guidance can be
    chosen on them without looking at the held-out figures. Ids h01.. become v01.."""
    seen = {combo(s) for s in training if s.camera is not None}
    colours, shapes = sorted({p.colour for p in prompts}), sorted({p.shape for p in prompts})
    rng = np.random.default_rng(seed)
    twins = []
    for p in prompts:
        options = [(c, sh) for c in colours for sh in shapes
                   if (c, sh, p.motion, p.camera) not in seen and (c, sh, p.motion, p.camera) not in _COMBOS]
        if not options:
            raise ValueError(f"{p.id}: training showed every (colour, shape) {p.motion} under {p.camera}")
        colour, shape = options[int(rng.integers(len(options)))]
        twins.append(HeldoutPrompt("v" + p.id.lstrip("h"), colour, shape, p.motion, p.camera, p.background))
    return tuple(twins)
