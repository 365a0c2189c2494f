"""Structured captions (spec section 7.2) for synthetic clips, and the one canonical way to turn them into text.

caption_fields() describes a ClipSpec in the schema's fields; render_caption() is the canonical composition that the
TypeScript composer reproduces byte for byte (checked against caption_vectors.json); training_caption() drops and
permutes pieces the way HunyuanVideo's training does, so that short prompts and any field order still work.
"""
from __future__ import annotations

import colorsys
import json
import random
import re
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .scene import BACKGROUNDS, PALETTES, ClipSpec
from .schema import camera_ids, camera_position, camera_sentence, field_ids, field_template, joiner, load_schema

MOTION_SHORT = {
    "moves-left": "moves left", "moves-right": "moves right", "moves-up": "moves up", "moves-down": "moves down",
    "bounces": "bounces", "grows": "grows", "shrinks": "shrinks", "spins": "spins", "still": "stays still",
}
MOTION_DENSE = {
    "moves-left": "moves to the left", "moves-right": "moves to the right", "moves-up": "moves upward",
    "moves-down": "moves downward", "bounces": "bounces up and down", "grows": "grows larger",
    "shrinks": "shrinks", "spins": "spins in place", "still": "stays still",
}
BACKGROUND_PHRASE = {
    "grid": "a muted grid pattern", "stripes": "muted wavy stripes", "dots": "a muted polka-dot pattern",
    "sky": "a muted cloudy sky", "checker": "a muted checkered floor",
}
BACKGROUND_WORD = {"grid": "grid", "stripes": "striped", "dots": "dotted", "sky": "sky", "checker": "checkered"}
LIGHTING_PHRASE = {"soft": "soft, even light", "bright": "bright light", "dim": "dim, low light"}
_FENCE = "a low fence in the foreground"
# Hue names for muted tones (upper hue bound, name); low-saturation tones are grey.
_TONE_HUES = [(0.04, "rust"), (0.11, "brown"), (0.19, "olive"), (0.45, "sage"), (0.56, "teal"), (0.72, "slate"),
              (0.82, "plum"), (0.96, "mauve"), (1.01, "rust")]

_TRAILING = re.compile(r"[.!?\s]+$")


def article(word: str) -> str:
    return "An" if word[:1] in "aeiou" else "A"


def _tone_word(rgb: tuple[float, float, float]) -> str:
    h, s, v = colorsys.rgb_to_hsv(*rgb)
    name = "grey" if s < 0.1 else next(n for bound, n in _TONE_HUES if h < bound)
    return f"dark {name}" if v < 0.3 else name


def shot_type(size: float) -> str:
    """Shot type from the subject's size in reference px (14..22 at 64 px)."""
    if size >= 19.0:
        return "close-up"
    if size <= 15.5:
        return "wide shot"
    return "medium shot"


def caption_fields(spec: ClipSpec) -> tuple[dict[str, str], str | None]:
    """(fields, camera): caption fields (schema ids, schema order) describing a clip, and its camera id (None for
    images). For videos the dense field ends with the camera sentence, as the paper's dense descriptions mention
    the camera; images carry no motion words."""
    m = spec.main
    second = spec.objects[1] if len(spec.objects) > 1 else None
    t0, t1 = (_tone_word(t) for t in spec.bg_tones)
    tones = f"{t0} and {t1} tones" if t0 != t1 else f"{t0} tones"
    if spec.camera is None:
        short = f"{article(m.colour)} {m.colour} {m.shape}"
        extra = f" and a small {second.colour} {second.shape}" if second else ""
        dense = f"{short}{extra} on a {BACKGROUND_WORD[spec.background]} background, with {_FENCE}."
    else:
        short = f"{article(m.colour)} {m.colour} {m.shape} {MOTION_SHORT[m.motion]}"
        extra = f" while a small {second.colour} {second.shape} {MOTION_DENSE[second.motion]}" if second else ""
        dense = (f"{article(m.colour)} {m.colour} {m.shape} {MOTION_DENSE[m.motion]} over {BACKGROUND_PHRASE[spec.background]}"
                 f"{extra}, with {_FENCE}. {camera_sentence(spec.camera)}")
    values = {
        "short": short,
        "dense": dense,
        "background": f"{BACKGROUND_PHRASE[spec.background]} in {tones}, with {_FENCE}",
        "style": spec.style,
        "shot_type": shot_type(m.size),
        "lighting": LIGHTING_PHRASE[spec.lighting],
        "atmosphere": spec.atmosphere,
    }
    return {k: values[k] for k in field_ids() if k in values}, spec.camera


_TONES = re.compile(r" in (?:dark )?([a-z]+)(?: and (?:dark )?[a-z]+)? tones")


def background_scene(background_field: str) -> tuple[str, str, str]:
    """(texture, palette, tones phrase) of a background field as caption_fields writes it, e.g. 'a muted grid pattern
    in dark olive and olive tones, with a low fence in the foreground' -> ('grid', 'olive', 'in dark olive and olive
    tones'): each palette's tones carry one hue word, its name (scene.PALETTES)."""
    texture = next((b for b in BACKGROUNDS if background_field.startswith(BACKGROUND_PHRASE[b])), None)
    tones = _TONES.search(background_field)
    if texture is None or tones is None or tones.group(1) not in PALETTES:
        raise ValueError(f"not a world caption's background field: {background_field!r}")
    return texture, tones.group(1), tones.group(0).strip()


def composer_fields(fields: Mapping[str, str], camera: str | None) -> dict[str, str]:
    """Fields as a user of the composer would write them: the camera lives in the camera preset, so the dense
    field drops its own copy of the camera sentence (render_caption inserts it right after)."""
    out = dict(fields)
    if camera and out.get("dense"):
        out["dense"] = strip_camera_sentence(out["dense"], camera)
    return out


def strip_camera_sentence(text: str, camera: str) -> str:
    return re.sub(r"\s+", " ", text.replace(camera_sentence(camera), " ")).strip()


def _clean(value: Any) -> str:
    """The value as a template argument: trimmed, trailing sentence punctuation removed."""
    if value is None:
        return ""
    return _TRAILING.sub("", str(value).strip())


def _render_piece(field_id: str, value: Any) -> str | None:
    v = _clean(value)
    if not v:
        return None
    piece = field_template(field_id).replace("{}", v, 1)
    return piece if piece[-1:] in (".", "!", "?") else piece + "."


def _pieces(fields: Mapping[str, Any], camera: str | None) -> list[tuple[str, str]]:
    """(key, text) pieces in canonical order; the camera sentence sits at the schema's camera_position."""
    position = camera_position()
    anchor = position[len("after_"):] if position.startswith("after_") else None
    out: list[tuple[str, str]] = []
    sentence = camera_sentence(camera) if camera else None
    if sentence and anchor is None:
        out.append(("camera", sentence))
    for fid in field_ids():
        piece = _render_piece(fid, fields.get(fid))
        if piece is not None:
            out.append((fid, piece))
        if sentence and fid == anchor:
            out.append(("camera", sentence))
    return out


def render_caption(fields: Mapping[str, Any], camera: str | None) -> str:
    """Canonical caption text, exactly as the TypeScript composer builds it.

    Fields in schema order, each through its template with {} replaced by the value trimmed and stripped of
    trailing . ! ? (absent or empty fields skipped); the camera sentence goes right after the dense field's slot
    (even when dense itself is absent); a piece not ending in . ! ? gets a '.'; pieces joined by the joiner."""
    return joiner().join(text for _, text in _pieces(fields, camera))


def _uniform(rng: np.random.Generator | random.Random) -> float:
    return float(rng.random())


def _below(rng: np.random.Generator | random.Random, n: int) -> int:
    return int(rng.integers(n)) if isinstance(rng, np.random.Generator) else rng.randrange(n)


def _shuffled(rng: np.random.Generator | random.Random, items: list[str]) -> list[str]:
    if isinstance(rng, np.random.Generator):
        return [items[i] for i in rng.permutation(len(items))]
    out = list(items)
    rng.shuffle(out)
    return out


def training_caption(fields: Mapping[str, Any], camera: str | None, rng: np.random.Generator | random.Random,
                     p_content: float = 0.7, p_other: float = 0.5, p_camera: float = 0.8,
                     p_permute: float = 0.5) -> str:
    """A training caption: fields randomly dropped (at least one of short/dense kept), the camera sentence kept
    with probability p_camera, and all kept pieces shuffled with probability p_permute (spec section 7.2).

    When both the dense field and the camera sentence are kept, the dense field's own copy of the sentence is
    removed, so a caption never says it twice (and the canonical composer text is among the outcomes)."""
    present = [fid for fid in field_ids() if _clean(fields.get(fid))]
    content = [fid for fid in ("short", "dense") if fid in present]
    keep = {fid for fid in present if _uniform(rng) < (p_content if fid in content else p_other)}
    if content and not keep & set(content):
        keep.add(content[_below(rng, len(content))])
    if not keep and present:
        keep.add(present[_below(rng, len(present))])
    keep_camera = bool(camera) and _uniform(rng) < p_camera
    chosen = {fid: fields[fid] for fid in keep}
    if keep_camera and "dense" in chosen:
        chosen["dense"] = strip_camera_sentence(str(chosen["dense"]), camera)
    pieces = [text for _, text in _pieces(chosen, camera if keep_camera else None)]
    if len(pieces) > 1 and _uniform(rng) < p_permute:
        pieces = _shuffled(rng, pieces)
    return joiner().join(pieces)


# ---------------------------------------------------------------------------------------------------------------
# Test vectors shared with the TypeScript caption builder.

VECTORS_PATH = Path(__file__).with_name("caption_vectors.json")


def caption_vector_cases() -> list[dict[str, Any]]:
    """(name, fields, camera, expected) cases: edge cases of the composition rule, every camera id, and a few
    world captions. Deterministic, so caption_vectors.json can be checked for staleness."""
    from .scene import sample_spec

    full = {
        "short": "A red circle moves left",
        "dense": "A red circle moves to the left over a muted grid pattern",
        "background": "a muted grid pattern",
        "style": "flat 2D animation",
        "shot_type": "medium shot",
        "lighting": "soft, even light",
        "atmosphere": "calm",
    }
    cases: list[tuple[str, dict[str, Any], str | None]] = [
        ("all fields with camera", full, "pan-left"),
        ("all fields without camera", full, None),
        ("short only", {"short": "A blue square"}, None),
        ("short only with camera", {"short": "A blue square grows"}, "zoom-in"),
        ("no dense: camera follows short", {k: v for k, v in full.items() if k != "dense"}, "tilt-up"),
        ("no short", {k: v for k, v in full.items() if k != "short"}, "static"),
        ("only a templated field with camera: camera still comes first", {"background": "a checkered floor"},
         "around-left"),
        ("trailing dot is not doubled", {"short": "A red circle moves left.", "style": "geometric illustration."},
         "pan-right"),
        ("trailing ! and ? are replaced by the template's ending",
         {"short": "Look at the green star spin!", "atmosphere": "tense?!"}, "handheld"),
        ("surrounding whitespace trimmed, inner spaces kept",
         {"short": "  A  yellow ring   bounces  ", "lighting": "\tbright light \n"}, "pan-up"),
        ("space before the trailing punctuation is dropped too", {"short": "A white star", "atmosphere": " calm . "},
         None),
        ("empty and whitespace-only fields are skipped",
         {"short": "A cyan triangle", "dense": "", "background": "   ", "style": None, "atmosphere": "dreamy"},
         "pan-down"),
        ("a value of only punctuation is empty", {"short": "A pink circle", "shot_type": "...", "lighting": "!?"},
         "tilt-down"),
        ("inner sentences keep their punctuation",
         {"dense": "A purple square waits. Then it moves right!", "shot_type": "wide shot"}, "zoom-out"),
        ("dense ending with the camera sentence", {"short": "An orange ring", "dense":
         "An orange ring stays still over a muted cloudy sky. The camera tilts left."}, "tilt-left"),
        ("no fields, camera only", {}, "around-right"),
    ]
    ids = camera_ids()
    short_by_camera = ["A red circle", "An orange square", "A yellow triangle", "A green star", "A cyan ring",
                       "A blue circle", "A purple square", "A white triangle", "A pink star", "A red ring",
                       "An orange circle", "A yellow square", "A green triangle", "A cyan star"]
    for cam, short in zip(ids, short_by_camera):
        cases.append((f"camera {cam}", {"short": short, "atmosphere": "playful"}, cam))
    rng = np.random.default_rng(20240607)
    for i in range(4):
        spec = sample_spec(rng, still_image=(i == 3))
        fields, camera = caption_fields(spec)
        cases.append((f"world caption {i}", composer_fields(fields, camera), camera))
    return [{"name": n, "fields": f, "camera": c, "expected": render_caption(f, c)} for n, f, c in cases]


def write_caption_vectors(path: Path = VECTORS_PATH) -> None:
    doc = {
        "$comment": "Generated by hyvideo.world.captions.write_caption_vectors(); render_caption(fields, camera) "
                    "must equal expected. Fields absent, null or empty are skipped; camera null = no sentence.",
        "schema_version": load_schema()["version"],
        "cases": caption_vector_cases(),
    }
    Path(path).write_text(json.dumps(doc, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
