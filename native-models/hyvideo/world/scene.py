"""What a synthetic clip contains (ClipSpec) and how its pieces move over time.

The world is a 2.5D scene of three layers at fixed inverse depth (far 0, i.e. at infinity; subject 0.5; near 1.0)
seen by a camera whose moves follow docs camera-moves.md: a camera translation shifts layer l by a + b * invdepth_l
in screen space (a: turn on the spot, no parallax; b: travel, parallax), zoom scales about the frame centre. All
geometry is kept in "reference pixels" of a 64x64 frame with the origin at the frame centre, so one spec renders at
any size, and all motion is a function of normalised time u in [0, 1], so a 9- or 33-frame clip shows the same
overall move.

Everything random is drawn here, in sample_spec(); render.py is a pure function of the spec.
"""
from __future__ import annotations

import colorsys
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from .schema import camera_ids

REF = 64.0  # reference frame size in pixels; specs are expressed in these units

# The far layer sits at infinity: a pan (travel) leaves it where it is and slides the ledge, a tilt (turn) slides
# both alike. At 0.25 (packs up to 0.6.0) a pan moved it a quarter of the ledge's travel, and the small DiT drew pans
# and tilts alike (both layers 6-10 px whatever the move): docs/MODEL_CARD.md, "The far layer at infinity".
INV_DEPTH_FAR = 0.0
INV_DEPTH_SUBJECT = 0.5
INV_DEPTH_NEAR = 1.0

# Fully saturated, bright object colours; backgrounds stay muted (saturation <= 0.3, value <= ~0.6) so that a
# saturation/value threshold separates objects from everything else, even after blur and noise.
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (235, 30, 30),
    "orange": (250, 135, 10),
    "yellow": (245, 225, 20),
    "green": (30, 200, 45),
    "cyan": (20, 215, 235),
    "blue": (35, 75, 245),
    "purple": (160, 45, 235),
    "pink": (250, 90, 185),
    "white": (240, 240, 240),
}
SHAPES = ("circle", "square", "triangle", "star", "ring")
MOTIONS = ("moves-left", "moves-right", "moves-up", "moves-down", "bounces", "grows", "shrinks", "spins", "still")
BACKGROUNDS = ("grid", "stripes", "dots", "sky", "checker")
LIGHTINGS = ("soft", "bright", "dim")
STYLES = ("flat 2D animation", "minimalist motion graphics", "geometric illustration")
ATMOSPHERES = ("calm", "playful", "tense", "dreamy")

# Circumradius of each shape relative to half its nominal size: pointed shapes get a larger circumradius so that
# all shapes of one nominal size look about equally big.
SHAPE_RADIUS = {"circle": 1.0, "ring": 1.0, "square": 1.2, "triangle": 1.3, "star": 1.35}
# Rotational symmetry order (0 = any rotation looks the same, so spinning would be invisible).
SHAPE_SYMMETRY = {"circle": 0, "ring": 0, "square": 4, "triangle": 3, "star": 5}

# Band top (near layer's ledge edge) in reference px below the centre: 19.2 puts it at 80% of the frame height.
BAND_TOP_NOMINAL = 0.8 * REF - REF / 2
# The evaluator reads the far layer in the top half and the near layer in the bottom 12.5% of the frame, so the
# ledge edge must stay inside this window for every camera move.
BAND_TOP_MIN = 2.0
BAND_TOP_MAX = 21.5
FRAME_MARGIN = 1.0  # objects stay this far inside the reference frame
BAND_MARGIN = 1.5  # and this far above the ledge


@dataclass(frozen=True)
class ObjectSpec:
    """One object on the subject layer. Positions are subject-layer world coordinates at u = 0."""

    shape: str
    colour: str
    motion: str
    x: float
    y: float
    size: float  # nominal diameter in reference px at u = 0
    travel: float = 0.0  # moves-*: distance over the clip; bounces: jump height
    growth: float = 1.0  # size factor reached at u = 1 (grows > 1, shrinks < 1)
    angle: float = 0.0  # rotation at u = 0, radians
    spin: float = 0.0  # rotation added by u = 1, radians
    bounces: int = 2


@dataclass(frozen=True)
class ClipSpec:
    """Everything needed to render one clip; render_clip(spec, T, H, W) is a pure function of it."""

    objects: tuple[ObjectSpec, ...]
    background: str
    bg_tones: tuple[tuple[float, float, float], tuple[float, float, float]]  # RGB in 0..1, before lighting
    bg_period: float  # feature size of the far texture, reference px
    bg_wave: float  # texture-specific shape parameter in 0..1 (stripe waviness, dot radius, cloud cover)
    near_tones: tuple[tuple[float, float, float], tuple[float, float, float]]
    near_period: float  # mean spacing of the ledge's posts
    band_top: float  # ledge edge, near-layer world y in reference px below the centre
    camera: str | None  # one of schema camera ids; None for still images
    camera_amount: float = 0.0  # px of travel (pan/around: b; tilt: a) or total zoom factor
    shake: tuple[tuple[int, int, float], ...] = ()  # handheld: (axis 0=x/1=y, half-cycles, amplitude px)
    lighting: str = "soft"
    style: str = STYLES[0]
    atmosphere: str = ATMOSPHERES[0]
    texture_seed: int = 0

    @property
    def main(self) -> ObjectSpec:
        return self.objects[0]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @staticmethod
    def from_dict(d: dict[str, Any]) -> "ClipSpec":
        d = dict(d)
        d["objects"] = tuple(ObjectSpec(**o) for o in d["objects"])
        d["bg_tones"] = tuple(tuple(t) for t in d["bg_tones"])
        d["near_tones"] = tuple(tuple(t) for t in d["near_tones"])
        d["shake"] = tuple(tuple(s) for s in d["shake"])
        return ClipSpec(**d)


def time_grid(frames: int) -> np.ndarray:
    """Normalised time of each frame; a single frame is u = 0 (the composition every camera move starts from)."""
    if frames <= 1:
        return np.zeros(max(frames, 1))
    return np.linspace(0.0, 1.0, frames)


def camera_state(spec: ClipSpec, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Camera at times u: (a [n,2], b [n,2], s [n]); layer of inverse depth d shifts by a + b*d, then scales by s.

    Screen position (reference px from the centre) of a world point P on that layer: s * P + a + b * d.
    """
    u = np.asarray(u, dtype=np.float64)
    n = u.shape[0]
    a = np.zeros((n, 2))
    b = np.zeros((n, 2))
    s = np.ones(n)
    cam = spec.camera
    amt = spec.camera_amount
    if cam is None or cam == "static":
        pass
    elif cam.startswith("pan-") or cam.startswith("tilt-"):
        # The picture moves opposite to the camera: camera left -> scene slides right (+x); camera up -> scene
        # slides down (+y, image rows grow downward).
        direction = {"left": (1, 0), "right": (-1, 0), "up": (0, 1), "down": (0, -1)}[cam.split("-", 1)[1]]
        target = b if cam.startswith("pan-") else a
        target[:, 0] = direction[0] * amt * u
        target[:, 1] = direction[1] * amt * u
    elif cam.startswith("around-"):
        # Shift proportional to (invdepth - 0.5): the subject layer stays put, far and near slide opposite ways.
        # Circling left swings the far layer left and the near layer right.
        sign = 1.0 if cam == "around-left" else -1.0
        b[:, 0] = sign * amt * u
        a[:, 0] = -INV_DEPTH_SUBJECT * b[:, 0]
    elif cam in ("zoom-in", "zoom-out"):
        s = amt ** (u if cam == "zoom-in" else -u)
    elif cam == "handheld":
        # Whole half-cycles vanish at u = 0 and u = 1: shake without net travel, starting and ending at rest.
        for axis, m, amp in spec.shake:
            a[:, axis] += amp * np.sin(np.pi * m * u)
    else:
        raise ValueError(f"unknown camera move {cam!r}")
    return a, b, s


def layer_shift(spec: ClipSpec, u: np.ndarray, inv_depth: float) -> tuple[np.ndarray, np.ndarray]:
    """Screen-space shift [n,2] and scale [n] of a layer at the given inverse depth (reference px)."""
    a, b, s = camera_state(spec, u)
    return a + b * inv_depth, s


def object_state(obj: ObjectSpec, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Object centre (x, y) in subject-layer world coordinates, circumradius and rotation at times u."""
    u = np.asarray(u, dtype=np.float64)
    x = np.full(u.shape, obj.x)
    y = np.full(u.shape, obj.y)
    radius = np.full(u.shape, obj.size / 2 * SHAPE_RADIUS[obj.shape])
    angle = np.full(u.shape, obj.angle)
    m = obj.motion
    if m == "moves-left":
        x = x - obj.travel * u
    elif m == "moves-right":
        x = x + obj.travel * u
    elif m == "moves-up":
        y = y - obj.travel * u
    elif m == "moves-down":
        y = y + obj.travel * u
    elif m == "bounces":
        # Rests on its floor at u = 0 and u = 1 and hops `bounces` times in between.
        y = y - obj.travel * np.abs(np.sin(np.pi * obj.bounces * u))
    elif m in ("grows", "shrinks"):
        radius = radius * obj.growth ** u
    elif m == "spins":
        angle = angle + obj.spin * u
    elif m != "still":
        raise ValueError(f"unknown motion {m!r}")
    return x, y, radius, angle


def object_screen(spec: ClipSpec, obj: ObjectSpec, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Object centre [n,2] and circumradius [n] on screen, reference px from the frame centre."""
    x, y, radius, _ = object_state(obj, u)
    shift, s = layer_shift(spec, u, INV_DEPTH_SUBJECT)
    centre = np.stack([x, y], axis=1) * s[:, None] + shift
    return centre, radius * s


def band_screen(spec: ClipSpec, u: np.ndarray) -> np.ndarray:
    """Screen y of the ledge edge (reference px below the centre) at times u."""
    shift, s = layer_shift(spec, u, INV_DEPTH_NEAR)
    return spec.band_top * s + shift[:, 1]


# ----------------------------------------------------------------------------------------------------------------
# Sampling


_UNSET: Any = object()
_CHECK_U = np.linspace(0.0, 1.0, 33)  # fine enough to check a trajectory stays on screen

ExcludeLike = Callable[["ClipSpec"], bool] | Iterable[Any] | None


def combo(spec: ClipSpec) -> tuple[str, str, str, str | None]:
    """The (colour, shape, motion, camera) of the main object: the unit held-out evaluation is defined on."""
    m = spec.main
    return (m.colour, m.shape, m.motion, spec.camera)


def _exclusion_set(exclude: ExcludeLike) -> Callable[[tuple], bool]:
    if exclude is None:
        return lambda c: False
    if callable(exclude):
        # A predicate over specs only sees the combination here; the caller's predicate must depend on no more.
        return lambda c: bool(exclude(_combo_probe(c)))
    items = set()
    for e in exclude:
        if isinstance(e, tuple):
            items.add(tuple(e))
        else:
            items.add((e.colour, e.shape, e.motion, e.camera))
    return lambda c: c in items


def _combo_probe(c: tuple) -> ClipSpec:
    colour, shape, motion, camera = c
    obj = ObjectSpec(shape=shape, colour=colour, motion=motion, x=0.0, y=0.0, size=16.0)
    return ClipSpec(objects=(obj,), background="grid", bg_tones=((0.3,) * 3, (0.5,) * 3), bg_period=22.0,
                    bg_wave=0.5, near_tones=((0.2,) * 3, (0.4,) * 3), near_period=24.0,
                    band_top=BAND_TOP_NOMINAL, camera=camera)


# Background palettes: one hue (or grey) as a dark base and a light pattern tone, both muted (saturation <= 0.3,
# value <= 0.6, so the evaluator still separates objects by saturation/value). A fixed set of hues, named in the
# caption, with a fixed value contrast: with continuous random tones (packs up to 0.4.0) the small DiT generated the
# average of them all, a grey mush whose motion no one can see, so its camera moves were measured as static shots.
# The hue centres sit mid-way in captions._TONE_HUES bins, so each palette has one caption name.
# name -> (hue, saturation); grey's 0.03 is below the 0.1 under which captions say "grey" whatever the hue.
PALETTES: dict[str, tuple[float, float]] = {
    "rust": (0.0, 0.24), "brown": (0.075, 0.24), "olive": (0.15, 0.24), "sage": (0.32, 0.24), "teal": (0.5, 0.24),
    "slate": (0.64, 0.24), "plum": (0.77, 0.24), "mauve": (0.89, 0.24), "grey": (0.0, 0.03)}
PALETTE_VALUES = (0.18, 0.52)  # dark base, light pattern: captions name them "dark <hue>" and "<hue>"
NEAR_TONES = ((0.14, 0.14, 0.14), (0.44, 0.44, 0.44))  # the ledge is always the same neutral fence
BG_PERIOD = 22.0
NEAR_PERIOD = 24.0
BG_WAVE = 0.5
# Every clip draws the same texture layout (dot positions, sky waves, shaded grid cells, stripe phase, fence posts):
# the textures are a pure function of the caption's words. With a random layout per clip (packs up to 0.6.0) the DiT
# moved only what it could predict from the caption (the ledge's edge, the grid and checker, whose layout was
# already fixed) and drew the random ones (dots, sky, the fence's posts) as a still mush in which no camera move
# shows: docs/MODEL_CARD.md, "What 0.6.0 draws". The seed is one whose layout the evaluator reads 100% right on 280
# renders, clean and degraded (seeds 1, 2, 3 and 5 all do; 20261203's planks alias under a 12-px tilt up).
TEXTURE_SEED = 1


def palette_tones(name: str) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """(dark base, light pattern) RGB tones of a named background palette."""
    hue, sat = PALETTES[name]
    return tuple(tuple(round(c, 4) for c in colorsys.hsv_to_rgb(hue, sat, v)) for v in PALETTE_VALUES)


# How far a move's speed may stray from its class's nominal speed. The caption names the move, not its speed, so
# the best a model can predict for a later frame is the average over the speeds the world draws; a wide spread (it
# was +-20-25% before pack 0.6.0) blurs a fast-moving periodic texture into a still one: the ledge's posts (24 px
# apart) under a 32 px pan +-25% average out to 41% of their contrast by the last frame. Measured (docs/MODEL_CARD.md,
# pack 0.6.0 against 0.5.0): object motion 72% against 48% on the held-out prompts; the ledge did not move faster.
SPEED_SPREAD = 0.05
# Handheld: one sway pattern, (axis 0=x/1=y, half-cycles, amplitude px), amplitudes varied by SPEED_SPREAD. Random
# frequencies and signs (before pack 0.6.0) averaged out to a still frame, which is what the model learned to draw.
HANDHELD_SWAY = ((0, 2, 2.0), (0, 3, -1.75), (1, 3, 2.0), (1, 4, 1.5))


def _camera_params(rng: np.random.Generator, camera: str | None) -> tuple[float, tuple]:
    """Camera speed for the clip. Horizontal pans/tilts/around follow the design numbers (far layer ~8 px, tilt
    ~16 px); vertical moves are slower because a 64-px frame cannot keep a ledge of 20% of its height in view while it
    slides 32 px, and the ledge is what shows near-layer motion. Each within SPEED_SPREAD of its nominal value."""
    if camera is None or camera == "static":
        return 0.0, ()
    spread = float(rng.uniform(1.0 - SPEED_SPREAD, 1.0 + SPEED_SPREAD))
    if camera in ("pan-left", "pan-right", "around-left", "around-right"):
        return 32.0 * spread, ()
    if camera in ("pan-up", "pan-down"):
        return 14.0 * spread, ()
    if camera in ("tilt-left", "tilt-right"):
        return 16.0 * spread, ()
    if camera in ("tilt-up", "tilt-down"):
        return 12.0 * spread, ()
    if camera in ("zoom-in", "zoom-out"):
        return 1.5 ** spread, ()
    if camera == "handheld":
        # A sway of 1.5-2 px per component over 2-4 half-cycles outlives the VAE's 4x temporal compression (a latent
        # frame spans 4 frames; faster, smaller shakes of 0.7-1.4 px were decoded as a static shot).
        return 0.0, tuple((axis, m, round(amp * spread, 4)) for axis, m, amp in HANDHELD_SWAY)
    raise ValueError(f"unknown camera move {camera!r}")


def _place_band(spec: ClipSpec) -> float:
    """Ledge edge so that it sits at ~80% of the frame on average and never leaves the evaluator's window."""
    probe = dataclasses.replace(spec, band_top=0.0)
    shift, s = layer_shift(probe, _CHECK_U, INV_DEPTH_NEAR)
    dy = shift[:, 1]
    lo = np.max((BAND_TOP_MIN - dy) / s)
    hi = np.min((BAND_TOP_MAX - dy) / s)
    target = BAND_TOP_NOMINAL - float(np.mean(dy))
    return float(np.clip(target, lo, hi)) if lo <= hi else float(0.5 * (lo + hi))


def _start_interval(spec: ClipSpec, obj: ObjectSpec) -> tuple[tuple[float, float], tuple[float, float], np.ndarray]:
    """Range of start positions (x and y) that keep the whole trajectory on screen and above the ledge.

    Screen centre is s*(P0 + m(u)) + shift(u), linear in the start P0, so each frame bounds P0 by an interval."""
    mx_x, mx_y, radius, _ = object_state(dataclasses.replace(obj, x=0.0, y=0.0), _CHECK_U)
    shift, s = layer_shift(spec, _CHECK_U, INV_DEPTH_SUBJECT)
    r = radius * s
    half = REF / 2 - FRAME_MARGIN
    x_lo = np.max((-half + r - shift[:, 0]) / s - mx_x)
    x_hi = np.min((half - r - shift[:, 0]) / s - mx_x)
    band = band_screen(spec, _CHECK_U)
    y_lo = np.max((-half + r - shift[:, 1]) / s - mx_y)
    y_hi = np.min((band - BAND_MARGIN - r - shift[:, 1]) / s - mx_y)
    # Start position that puts the mean screen position at a given target: used to aim at the centre region.
    mean_terms = np.array([np.mean(s * mx_x + shift[:, 0]), np.mean(s * mx_y + shift[:, 1]), np.mean(s)])
    return (float(x_lo), float(x_hi)), (float(y_lo), float(y_hi)), mean_terms


def _motion_amounts(rng: np.random.Generator, shape: str, motion: str) -> dict[str, Any]:
    out: dict[str, Any] = {"angle": float(rng.uniform(0, 2 * np.pi))}
    # Speeds within SPEED_SPREAD of one nominal value per motion, for the reason given there.
    spread = float(rng.uniform(1.0 - SPEED_SPREAD, 1.0 + SPEED_SPREAD))
    if motion.startswith("moves-"):
        out["travel"] = 15.0 * spread
    elif motion == "bounces":
        out["travel"] = 14.0 * spread
    elif motion == "grows":
        out["growth"] = 1.6 ** spread
    elif motion == "shrinks":
        out["growth"] = 1.0 / 1.6 ** spread
    elif motion == "spins":
        period = 2 * np.pi / max(SHAPE_SYMMETRY[shape], 1)
        out["spin"] = float(period * 1.5 * spread)  # one turning direction, as with every other move
    return out


def _mean_area_factor(obj: ObjectSpec) -> float:
    _, _, radius, _ = object_state(obj, _CHECK_U)
    return float(np.mean((radius / radius[0]) ** 2))


def _fit_main(rng: np.random.Generator, spec: ClipSpec, obj: ObjectSpec) -> ObjectSpec | None:
    """Place the main object near the centre; shrink it (then its travel) until the trajectory fits."""
    for _ in range(40):
        (x_lo, x_hi), (y_lo, y_hi), mean_terms = _start_interval(spec, obj)
        if x_lo <= x_hi and y_lo <= y_hi:
            tx, ty = rng.uniform(-8, 8), rng.uniform(-12, 4)
            x0 = (tx - mean_terms[0]) / mean_terms[2]
            y0 = (ty - mean_terms[1]) / mean_terms[2]
            return dataclasses.replace(obj, x=round(float(np.clip(x0, x_lo, x_hi)), 4),
                                       y=round(float(np.clip(y0, y_lo, y_hi)), 4))
        if obj.size > 12.0:
            obj = dataclasses.replace(obj, size=max(12.0, obj.size * 0.9))
        elif obj.travel > 9.0:
            obj = dataclasses.replace(obj, travel=max(9.0, obj.travel * 0.9))
        else:
            return None
    return None


def _fit_second(rng: np.random.Generator, spec: ClipSpec, main: ObjectSpec, obj: ObjectSpec) -> ObjectSpec | None:
    (x_lo, x_hi), (y_lo, y_hi), _ = _start_interval(spec, obj)
    if x_lo > x_hi or y_lo > y_hi:
        return None
    c_main, r_main = object_screen(spec, main, _CHECK_U)
    for _ in range(25):
        cand = dataclasses.replace(obj, x=round(float(rng.uniform(x_lo, x_hi)), 4),
                                   y=round(float(rng.uniform(y_lo, y_hi)), 4))
        c, r = object_screen(spec, cand, _CHECK_U)
        if np.all(np.linalg.norm(c - c_main, axis=1) >= r + r_main + 2.5):
            return cand
    return None


def motion_probabilities(weights: dict[str, float] | None) -> np.ndarray | None:
    """The draw's probability per MOTIONS entry for relative weights (1 where absent); None for the uniform draw."""
    if weights is None:
        return None
    unknown = set(weights) - set(MOTIONS)
    if unknown:
        raise ValueError(f"unknown motions in motion_weights: {sorted(unknown)}; known: {', '.join(MOTIONS)}")
    w = np.array([float(weights.get(m, 1.0)) for m in MOTIONS])
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("motion_weights must be non-negative and not all zero")
    return w / w.sum()


def sample_spec(
    rng: np.random.Generator,
    exclude: ExcludeLike = None,
    *,
    colour: str | None = None,
    shape: str | None = None,
    motion: str | None = None,
    camera: str | None = _UNSET,
    background: str | None = None,
    lighting: str | None = None,
    second_object: bool | None = None,
    still_image: bool = False,
    motion_weights: dict[str, float] | None = None,
) -> ClipSpec:
    """Draw a random clip. `exclude` (held-out combinations: (colour, shape, motion, camera) tuples, objects with
    those attributes, or a predicate over specs) is never produced for the main object. Keyword arguments pin
    parts of the draw; still_image=True gives a T=1 training image (camera None, nothing moves). motion_weights
    (motion -> relative weight, 1 where absent) makes some motions commoner; None keeps the uniform draw and every
    later draw as it was."""
    excluded = _exclusion_set(exclude)
    cams = camera_ids()
    motion_p = motion_probabilities(motion_weights)
    for _ in range(1000):
        c_colour = colour or str(rng.choice(list(COLOURS)))
        c_shape = shape or str(rng.choice(SHAPES))
        if still_image:
            c_motion, c_camera = "still", None
        else:
            c_motion = motion or str(rng.choice(MOTIONS) if motion_p is None else rng.choice(MOTIONS, p=motion_p))
            c_camera = str(rng.choice(cams)) if camera is _UNSET else camera
        if c_motion == "spins" and SHAPE_SYMMETRY[c_shape] == 0:
            continue  # a spinning circle looks still; its caption would lie
        if not excluded((c_colour, c_shape, c_motion, c_camera)):
            break
    else:
        raise ValueError("every allowed combination is excluded")

    amount, shake = _camera_params(rng, c_camera)
    bg = background or str(rng.choice(BACKGROUNDS))
    light = lighting or str(rng.choice(LIGHTINGS, p=[0.5, 0.25, 0.25]))
    palette = str(rng.choice(list(PALETTES)))
    style, atmosphere = str(rng.choice(STYLES)), str(rng.choice(ATMOSPHERES))
    rng.integers(0, 2**31 - 1)  # was each clip's texture seed; still drawn so that every later draw stays as it was
    base = ClipSpec(
        objects=(),
        background=bg,
        bg_tones=palette_tones(palette),
        bg_period=BG_PERIOD,
        bg_wave=BG_WAVE,
        near_tones=NEAR_TONES,
        near_period=NEAR_PERIOD,
        band_top=BAND_TOP_NOMINAL,
        camera=c_camera,
        camera_amount=round(float(amount), 4),
        shake=shake,
        lighting=light,
        style=style,
        atmosphere=atmosphere,
        texture_seed=TEXTURE_SEED,
    )
    base = dataclasses.replace(base, band_top=round(_place_band(base), 4))

    main = ObjectSpec(shape=c_shape, colour=c_colour, motion=c_motion, x=0.0, y=0.0,
                      size=float(rng.uniform(14.0, 22.0)), **_motion_amounts(rng, c_shape, c_motion))
    placed = _fit_main(rng, base, main)
    while placed is None:
        # Rare: even a small object cannot fit the move; slow the camera down rather than break the caption.
        base = dataclasses.replace(base, camera_amount=base.camera_amount * 0.85 if base.camera_amount > 1.5
                                   else base.camera_amount)
        base = dataclasses.replace(base, band_top=round(_place_band(base), 4))
        placed = _fit_main(rng, base, main)
    main = dataclasses.replace(placed, size=round(placed.size, 4), travel=round(placed.travel, 4))
    objects = [main]

    want_second = (rng.uniform() < 0.25) if second_object is None else second_object
    if want_second:
        s_colour = str(rng.choice([c for c in COLOURS if c != c_colour]))
        s_shape = str(rng.choice([s for s in SHAPES if s != c_shape]))
        s_motion = "still" if still_image else str(rng.choice(MOTIONS))
        if s_motion == "spins" and SHAPE_SYMMETRY[s_shape] == 0:
            s_motion = "still"
        second = ObjectSpec(shape=s_shape, colour=s_colour, motion=s_motion, x=0.0, y=0.0, size=1.0,
                            **_motion_amounts(rng, s_shape, s_motion))
        # Smaller than the main object over the whole clip (by total area), so "the largest coloured thing" is
        # always the subject the caption names first.
        limit = np.sqrt(0.4 * _mean_area_factor(main) / _mean_area_factor(second)) * main.size
        size2 = max(7.0, min(main.size * rng.uniform(0.5, 0.62), limit))
        second = dataclasses.replace(second, size=round(float(size2), 4))
        fitted = _fit_second(rng, base, main, second)
        if fitted is not None:
            objects.append(fitted)
    return dataclasses.replace(base, objects=tuple(objects))
