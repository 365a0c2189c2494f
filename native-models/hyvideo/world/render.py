"""Procedural renderer of the synthetic world: ClipSpec -> uint8 video [T, H, W, 3], numpy only.

Every pixel is inverse-mapped into each layer's world coordinates (the layers are infinite procedural textures, so
a camera move never runs off the edge of a picture) and the frame is rendered at 2x2 supersampling for
anti-aliasing. The camera only translates and scales, so a layer's world x depends on (frame, column) alone and world y
on (frame, row) alone: every texture is built from 1-D arrays combined by outer operations, which is what makes
thousands of clips per minute possible on one core.
"""
from __future__ import annotations

import colorsys

import numpy as np

from .scene import (
    COLOURS,
    INV_DEPTH_FAR,
    INV_DEPTH_NEAR,
    INV_DEPTH_SUBJECT,
    REF,
    ClipSpec,
    ObjectSpec,
    camera_state,
    object_state,
    time_grid,
)

SUPERSAMPLE = 2
_SOFT = 0.8  # texture edge softness in reference px: crisp but not aliased, and smooth enough to track
_F32 = np.float32


def _hash(ix: np.ndarray, iy: np.ndarray | int, seed: int) -> np.ndarray:
    """Integer hash of lattice cells to [0, 1): the texture is random-looking yet a pure function of the spec."""
    h = (np.asarray(ix).astype(np.int64).astype(np.uint32) * np.uint32(0x8DA6B343)) ^ (
        np.asarray(iy).astype(np.int64).astype(np.uint32) * np.uint32(0xD8163841)) ^ np.uint32(seed & 0xFFFFFFFF)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0x5BD1E995)
    h ^= h >> np.uint32(15)
    return (h & np.uint32(0xFFFFFF)).astype(_F32) / _F32(16777216.0)


def _step(x: np.ndarray, soft: float = _SOFT) -> np.ndarray:
    """Soft step from 0 to 1 around x = 0 over `soft` reference px."""
    return np.clip(x * _F32(1.0 / soft) + _F32(0.5), 0.0, 1.0)


def _tone(rgb: tuple[float, float, float], dv: float, v_lo: float = 0.06, v_hi: float = 0.62) -> np.ndarray:
    h, s, v = colorsys.rgb_to_hsv(*rgb)
    return np.array(colorsys.hsv_to_rgb(h, s, float(np.clip(v + dv, v_lo, v_hi))), dtype=_F32)


# ---------------------------------------------------------------------------------------------------------------
# Far layer textures: X [T, W2] and Y [T, H2] world coordinates -> weight [T, H2, W2] between the two tones.


def _grid(spec: ClipSpec, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    p = spec.bg_period
    lw = 0.25 * p  # bars 4.5-6.5 px wide: a thin line is lost in the VAE's 8x8 latent pixels
    lx = _step(lw / 2 - np.abs(X / p - np.round(X / p)) * p)
    ly = _step(lw / 2 - np.abs(Y / p - np.round(Y / p)) * p)
    # A few shaded cells break the grid's periodicity (a pure lattice aliases with itself under translation).
    ix = np.floor(X / p)
    iy = np.floor(Y / p)
    shade = (_hash(ix[:, None, :], iy[:, :, None], spec.texture_seed) > 0.62) * _F32(0.45)
    return np.maximum(np.maximum(lx[:, None, :], ly[:, :, None]), shade)


def _stripes(spec: ClipSpec, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    p = spec.bg_period
    # Wavy vertical stripes: straight ones would hide vertical motion (the aperture problem).
    amp = 2.0 + 3.0 * spec.bg_wave
    wave = amp * np.sin(2 * np.pi * Y / (2.3 * p) + spec.texture_seed % 7)
    phase = (X[:, None, :] + wave[:, :, None]) / _F32(p)
    tri = np.abs(phase - np.floor(phase) - _F32(0.5))  # 0 at stripe centre, 0.5 at the gap centre
    return _step((_F32(0.25) - tri) * _F32(p))


def _dots(spec: ClipSpec, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    p = spec.bg_period * 1.15
    ix = np.floor(X / p)
    iy = np.floor(Y / p)
    fx = (X / p - ix)[:, None, :]
    fy = (Y / p - iy)[:, :, None]
    ixb = ix[:, None, :]
    iyb = iy[:, :, None]
    # Dot centres jittered per lattice cell; kept inside the cell so a dot never crosses its cell edge.
    r = 0.2 + 0.1 * spec.bg_wave
    ox = _F32(r + 0.02) + _hash(ixb, iyb, spec.texture_seed) * _F32(1 - 2 * r - 0.04)
    oy = _F32(r + 0.02) + _hash(ixb, iyb, spec.texture_seed + 1) * _F32(1 - 2 * r - 0.04)
    dist = np.sqrt((fx - ox) ** 2 + (fy - oy) ** 2)
    return _step((_F32(r) - dist) * _F32(p))


def _plane_waves(X: np.ndarray, Y: np.ndarray, waves: list[tuple[float, float, float]]) -> np.ndarray:
    """Sum of cos(kx X + ky Y + phi), separated into outer products of 1-D cos/sin so it costs O(T*(H+W))
    transcendental calls instead of O(T*H*W)."""
    total = None
    for kx, ky, phi in waves:
        ax = X * kx + phi
        by = Y * ky
        term = np.cos(ax)[:, None, :] * np.cos(by)[:, :, None] - np.sin(ax)[:, None, :] * np.sin(by)[:, :, None]
        total = term if total is None else total + term
    return total


def _sky(spec: ClipSpec, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(spec.texture_seed)
    p = spec.bg_period * 1.7
    # Three waves 60 degrees apart with near-equal wavelengths sum to round blobs (cloud puffs) rather than
    # streaks; streaks would hide motion along them.
    base = rng.uniform(0, np.pi)
    waves = []
    for i in range(3):
        ang = base + i * np.pi / 3 + rng.uniform(-0.15, 0.15)
        k = 2 * np.pi / (p * rng.uniform(0.92, 1.08))
        waves.append((k * np.cos(ang), k * np.sin(ang), rng.uniform(0, 2 * np.pi)))
    clouds = _plane_waves(X.astype(_F32), Y.astype(_F32), waves)  # in [-3, 3]
    cover = _F32(0.4 + 0.8 * spec.bg_wave)
    clouds = np.clip((clouds - _F32(1.2) + cover) * _F32(0.8), 0.0, 1.0)
    sky = (np.clip(0.5 + Y / 64.0, 0.0, 1.0) * 0.55).astype(_F32)[:, :, None]  # toward the horizon
    return sky + (_F32(1.0) - sky) * clouds


def _checker(spec: ClipSpec, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    p = spec.bg_period * 0.85
    # sin(pi x / p) changes sign at every square edge; the gain sets a ~1 px soft edge.
    gain = p / (np.pi * _SOFT)
    sx = np.clip(np.sin(np.pi * X / p) * gain, -1.0, 1.0).astype(_F32)
    sy = np.clip(np.sin(np.pi * Y / p) * gain, -1.0, 1.0).astype(_F32)
    return _F32(0.5) + _F32(0.5) * sx[:, None, :] * sy[:, :, None]


_TEXTURES = {"grid": _grid, "stripes": _stripes, "dots": _dots, "sky": _sky, "checker": _checker}


# ---------------------------------------------------------------------------------------------------------------
# Near layer: a ledge/fence from band_top downward, with posts (show horizontal motion) and rails (vertical).


def _near_weight(spec: ClipSpec, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = spec.near_period
    ix = np.floor(X / p)
    centre = _F32(0.3) + _hash(ix, 7, spec.texture_seed + 2) * _F32(0.4)
    width = (_F32(0.3) + _hash(ix, 11, spec.texture_seed + 3) * _F32(0.15)) * _F32(p)
    posts = _step(width / 2 - np.abs(X / p - ix - centre) * _F32(p))  # [T, W2]
    depth = Y - spec.band_top
    top_rail = _step(4.0 - depth) * _step(depth)
    # Planks at irregular spacing: evenly spaced ones would let a vertical shift alias with the plank period. Posts
    # and planks are several px wide (posts 6-13 px every 20-28 px): thinner ones are lost in the VAE's 8x8 latent
    # pixels, and the ledge with them, which is what tells a pan from a tilt.
    cell = 11.0
    j = np.floor(depth / cell)
    offset = (_F32(0.25) + _hash(j, 5, spec.texture_seed + 4) * _F32(0.5)) * _F32(cell)
    plank = np.abs(depth - j * cell - offset)
    rails = np.maximum(top_rail, _step(1.6 - plank) * _F32(0.85) * (depth > 5.5))  # [T, Hn]
    coverage = _step(depth, 0.6)
    weight = np.maximum(posts[:, None, :], rails[:, :, None].astype(_F32))
    return weight, coverage.astype(_F32)


# ---------------------------------------------------------------------------------------------------------------
# Subject layer: signed distance of each shape, in units of its circumradius.


def _shape_sdf(shape: str, qx: np.ndarray, qy: np.ndarray) -> np.ndarray:
    if shape == "circle":
        return np.sqrt(qx * qx + qy * qy) - 1.0
    if shape == "ring":
        return np.abs(np.sqrt(qx * qx + qy * qy) - 0.75) - 0.25
    if shape == "square":
        return np.maximum(np.abs(qx), np.abs(qy)) - np.float32(1 / np.sqrt(2))
    if shape == "triangle":
        # Equilateral, apex up (screen y grows downward); edge normals at 90, 210, 330 degrees; inradius 0.5.
        c, s = np.float32(np.sqrt(3) / 2), np.float32(0.5)
        return np.maximum(np.maximum(qy, -c * qx - s * qy), c * qx - s * qy) - 0.5
    if shape == "star":
        inner = 0.45
        rho = np.sqrt(qx * qx + qy * qy)
        theta = np.arctan2(qy, qx) + np.pi / 2  # a tip points up
        sector = 2 * np.pi / 5
        phi = np.mod(theta, sector)
        phi = np.minimum(phi, sector - phi)
        px, py = rho * np.cos(phi), rho * np.sin(phi)
        ex, ey = inner * np.cos(np.pi / 5) - 1.0, inner * np.sin(np.pi / 5)
        norm = np.hypot(ex, ey)
        return (ey * (px - 1.0) - ex * py) / norm
    raise ValueError(f"unknown shape {shape!r}")


def _draw_object(img: np.ndarray, spec: ClipSpec, obj: ObjectSpec, u: np.ndarray, k: float, colour: np.ndarray,
                 a: np.ndarray, b: np.ndarray, s: np.ndarray) -> None:
    T, H2, W2, _ = img.shape
    ss = SUPERSAMPLE
    x, y, radius, angle = object_state(obj, u)
    shift = a + b * INV_DEPTH_SUBJECT
    cx = (W2 / 2) + ss * k * (s * x + shift[:, 0])  # supersampled pixel coordinates
    cy = (H2 / 2) + ss * k * (s * y + shift[:, 1])
    rs = ss * k * s * radius
    box = int(np.ceil(2 * rs.max() + 4))
    ox = np.floor(cx - box / 2).astype(np.int64)
    oy = np.floor(cy - box / 2).astype(np.int64)
    grid = np.arange(box, dtype=np.float64) + 0.5
    gx = ((ox[:, None] + grid[None, :] - cx[:, None]) / rs[:, None]).astype(_F32)  # [T, box]
    gy = ((oy[:, None] + grid[None, :] - cy[:, None]) / rs[:, None]).astype(_F32)
    ca = np.cos(angle).astype(_F32)[:, None, None]
    sa = np.sin(angle).astype(_F32)[:, None, None]
    # Rotate the sample points by -angle so the shape appears rotated by +angle.
    qx = ca * gx[:, None, :] + sa * gy[:, :, None]
    qy = -sa * gx[:, None, :] + ca * gy[:, :, None]
    sdf = _shape_sdf(obj.shape, qx, qy)
    alpha = np.clip(0.5 - sdf * rs.astype(_F32)[:, None, None], 0.0, 1.0)
    for t in range(T):
        y0, x0 = oy[t], ox[t]
        ya, yb = max(y0, 0), min(y0 + box, H2)
        xa, xb = max(x0, 0), min(x0 + box, W2)
        if ya >= yb or xa >= xb:
            continue
        al = alpha[t, ya - y0: yb - y0, xa - x0: xb - x0, None]
        region = img[t, ya:yb, xa:xb]
        region += al * (colour - region)


def render_clip(spec: ClipSpec, frames: int = 17, height: int = 64, width: int = 64) -> np.ndarray:
    """Render a clip as uint8 [frames, height, width, 3]; a pure function of its arguments."""
    u = time_grid(frames)
    T = len(u)
    ss = SUPERSAMPLE
    k = min(height, width) / REF  # screen px per reference px
    H2, W2 = height * ss, width * ss
    xs = ((np.arange(W2) + 0.5) / ss - width / 2) / k  # sample positions in reference px from the centre
    ys = ((np.arange(H2) + 0.5) / ss - height / 2) / k
    a, b, s = camera_state(spec, u)

    def world(inv_depth: float, rows: slice = slice(None)) -> tuple[np.ndarray, np.ndarray]:
        shift = a + b * inv_depth
        X = (xs[None, :] - shift[:, 0:1]) / s[:, None]
        Y = (ys[None, rows] - shift[:, 1:2]) / s[:, None]
        return X.astype(_F32), Y.astype(_F32)

    dv = {"soft": 0.0, "bright": 0.08, "dim": -0.08}[spec.lighting]
    bg0, bg1 = (_tone(t, dv) for t in spec.bg_tones)
    nr0, nr1 = (_tone(t, dv) for t in spec.near_tones)
    obj_gain = 0.9 if spec.lighting == "dim" else 1.0

    X, Y = world(INV_DEPTH_FAR)
    w = _TEXTURES[spec.background](spec, X, Y)
    img = bg0 + w[..., None] * (bg1 - bg0)

    for obj in reversed(spec.objects):  # the main object is drawn last, in front
        colour = np.array(COLOURS[obj.colour], dtype=_F32) / 255.0 * _F32(obj_gain)
        _draw_object(img, spec, obj, u, k, colour, a, b, s)

    # The ledge only covers rows below its edge; skip the rows above it in every frame.
    band_px = height / 2 + k * (spec.band_top * s + a[:, 1] + b[:, 1] * INV_DEPTH_NEAR)
    first = int(np.clip(np.floor(band_px.min() * ss) - 2, 0, H2))
    if first < H2:
        X, Y = world(INV_DEPTH_NEAR, slice(first, None))
        weight, coverage = _near_weight(spec, X, Y)
        near = nr0 + weight[..., None] * (nr1 - nr0)
        lower = img[:, first:]
        lower += coverage[:, :, None, None] * (near - lower)

    out = img[:, 0::2, 0::2] + img[:, 1::2, 0::2] + img[:, 0::2, 1::2] + img[:, 1::2, 1::2]
    return np.clip(out * _F32(255.0 / 4) + _F32(0.5), 0, 255).astype(np.uint8)
