"""Training sets of rendered clips, mixing videos with T=1 still images for image-video joint training.

Deterministic in (n, seed, sizes, image_fraction, exclude, motion_weights), so a training run can be reproduced
from its config.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .heldout import HELDOUT
from .render import render_clip
from .scene import ClipSpec, ExcludeLike, sample_spec

_DEFAULT: ExcludeLike = HELDOUT


def make_dataset(n: int, seed: int, frames: int = 17, height: int = 64, width: int = 64,
                 image_fraction: float = 0.0, exclude: ExcludeLike = _DEFAULT,
                 motion_weights: dict[str, float] | None = None
                 ) -> tuple[np.ndarray | list[np.ndarray], list[ClipSpec]]:
    """Render n clips: round(n * image_fraction) of them still images (T=1, camera None, nothing moves), mixed in
    at random positions, the rest videos of `frames` frames. The held-out combinations are excluded by default
    (pass exclude=None to allow everything); motion_weights is sample_spec's (None: every motion as likely).

    Returns (videos, specs). videos is a uint8 array [n, frames, H, W, 3] when every clip has the same length
    (no images, or frames == 1); otherwise a list of n uint8 arrays [T_i, H, W, 3]. split_videos_images() separates
    the two kinds into stacked arrays."""
    specs = dataset_specs(n, seed, image_fraction, exclude, motion_weights)
    is_image = [s.camera is None for s in specs]
    n_images = sum(is_image)
    clips = [render_clip(s, 1 if img else frames, height, width) for s, img in zip(specs, is_image)]
    if n_images == 0 or frames == 1 or n_images == n:
        t = frames if n_images == 0 else 1
        return (np.stack(clips) if clips else np.zeros((0, t, height, width, 3), np.uint8)), specs
    return clips, specs


def dataset_specs(n: int, seed: int, image_fraction: float = 0.0, exclude: ExcludeLike = _DEFAULT,
                  motion_weights: dict[str, float] | None = None) -> list[ClipSpec]:
    """The specs make_dataset renders, drawn without rendering (the draws do not depend on the pixels): what a
    training run saw, e.g. which combinations, read back from its config in a second."""
    rng = np.random.default_rng(seed)
    n_images = int(round(n * image_fraction))
    is_image = np.zeros(n, bool)
    is_image[rng.permutation(n)[:n_images]] = True
    return [sample_spec(rng, exclude, still_image=bool(img), motion_weights=motion_weights) for img in is_image]


def split_videos_images(videos: np.ndarray | Sequence[np.ndarray], specs: Sequence[ClipSpec]
                        ) -> tuple[np.ndarray, list[ClipSpec], np.ndarray, list[ClipSpec]]:
    """(video array [Nv,T,H,W,3], their specs, image array [Ni,1,H,W,3], their specs); images have camera None."""
    vids = [(v, s) for v, s in zip(videos, specs) if s.camera is not None]
    imgs = [(v, s) for v, s in zip(videos, specs) if s.camera is None]

    def stack(items: list) -> np.ndarray:
        return np.stack([v for v, _ in items]) if items else np.zeros((0,), np.uint8)

    return stack(vids), [s for _, s in vids], stack(imgs), [s for _, s in imgs]
