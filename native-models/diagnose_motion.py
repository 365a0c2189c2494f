"""Why is an object's motion read wrong: the object, or the camera it is measured against?

The evaluator reads object motion after removing the camera's effect at the subject's depth, which it measures from
how the far layer and the near ledge move. So a generation that moves the subject exactly as the world would but
draws a layer too slowly is read as an object that moves on its own. For each held-out clip of a frames folder (as
tests/eval/heldout-frames.ts writes it) this compares, against the world's render of the same prompt and seed:

  - the subject's travel on screen (px, fitted over the clip), generated and rendered;
  - the camera's travel at the subject's depth as measured from the layers, generated and rendered;
  - the motion read as the evaluator does, and read again with the render's camera in place of the measured one
    (the figure a model would reach if it drew the layers right and kept its subject as it is).

With --sizes it also prints how big the generated subject is drawn against the render, frame by frame (the median
over clips with neither a zoom nor a size motion asked), and how many clips asking no size change read "shrinks" or
"grows": a subject drawn large in the first frames and smaller later reads as shrinking whatever its travel.

Usage: node build/scripts/python.mjs run native-models/diagnose_motion.py --frames-dir DIR [--seeds 4] [--clips] [--sizes]"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np

from hyvideo.world.evaluate import INV_DEPTH_SUBJECT, REF, _classify_motion, _interp_nan, analyse_clip
from hyvideo.world.heldout import HELDOUT, heldout_spec
from hyvideo.world.render import render_clip

# Camera groups: the evaluator's compensation matters only where the camera moves the layers sideways.
GROUPS = {"static": "still or zoom", "handheld": "still or zoom", "zoom-in": "still or zoom", "zoom-out": "still or zoom"}


def travel(track: np.ndarray) -> np.ndarray:
    """Fitted displacement over the clip (px per whole clip) of a [T, 2] track with NaNs where unseen."""
    ok = np.all(np.isfinite(track), axis=1)
    if ok.sum() < 2:
        return np.full(2, np.nan)
    u = np.linspace(0, 1, len(track))[ok]
    return np.array([np.polyfit(u, track[ok, i], 1)[0] for i in (0, 1)])


def camera_at_subject(analysis: dict) -> np.ndarray:
    """[T, 2] screen shift (px) the camera gives the subject's layer, from the fitted a + b * inverse depth."""
    a, b = np.asarray(analysis["a"]), np.asarray(analysis["b"])
    return a + INV_DEPTH_SUBJECT * b


SIZE_MOTIONS = ("grows", "shrinks")


def size_comparable(motion: str, camera: str) -> bool:
    """Whether a clip's subject should keep the render's size frame by frame: no size motion and no zoom asked."""
    return motion not in SIZE_MOTIONS and not camera.startswith("zoom")


def screen_size(analysis: dict) -> np.ndarray:
    """[T] the subject's size on screen (sqrt of its area, reference px): the evaluator's size is divided by the zoom."""
    return np.asarray(analysis["size"], dtype=float) * np.asarray(analysis["scale"], dtype=float)


def size_ratio_by_frame(generated: list[dict], rendered: list[dict]) -> np.ndarray:
    """[T] median over clip pairs of the generated subject's screen size over the render's, frame by frame (NaN where
    no clip has the subject in both)."""
    ratios = np.stack([screen_size(g) / screen_size(r) for g, r in zip(generated, rendered)])
    with np.errstate(all="ignore"):
        finite = np.isfinite(ratios).any(axis=0)
        out = np.full(ratios.shape[1], np.nan)
        out[finite] = np.nanmedian(ratios[:, finite], axis=0)
    return out


def motion_with_camera(generated: dict, camera_px: np.ndarray, scale: np.ndarray, k: float) -> str:
    """The evaluator's motion reading of the generated subject, compensated with the given camera instead."""
    if not generated["colour"]:
        return "still"
    track = np.asarray(generated["track"], dtype=float)
    centre = REF * k / 2
    cx, cy = _interp_nan(track[:, 0]), _interp_nan(track[:, 1])
    comp = np.stack([(cx - centre - camera_px[:, 0] * k) / scale, (cy - centre - camera_px[:, 1] * k) / scale], 1) / k
    size = np.asarray(generated["size"], dtype=float) * np.asarray(generated["scale"]) / scale
    return _classify_motion(comp, _interp_nan(size), generated["spin"])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--frames-dir", type=Path, required=True)
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--clips", action="store_true", help="print every clip, not only the summary")
    p.add_argument("--sizes", action="store_true", help="also the subject's drawn size against the render's, by frame")
    a = p.parse_args()
    right, right_with_render_camera, total = Counter(), Counter(), Counter()
    sized: list[tuple[dict, dict]] = []  # (generated, rendered) analyses of clips with no zoom and no size motion
    size_misreads, unsized = Counter(), 0
    for prompt in HELDOUT:
        for seed in range(a.seeds):
            spec = heldout_spec(prompt, seed)
            video = np.load(a.frames_dir / f"{prompt.id}_s{seed}.npy")
            k = min(video.shape[1:3]) / REF
            gen, ren = analyse_clip(video), analyse_clip(render_clip(spec))
            want = spec.objects[0].motion
            swapped = motion_with_camera(gen, camera_at_subject(ren), np.asarray(ren["scale"]), k)
            group = GROUPS.get(spec.camera, spec.camera.split("-")[0])
            total[group] += 1
            right[group] += gen["motion"] == want
            right_with_render_camera[group] += swapped == want
            if want not in SIZE_MOTIONS:
                unsized += 1
                if gen["motion"] in SIZE_MOTIONS:
                    size_misreads[gen["motion"]] += 1
            if size_comparable(want, spec.camera):
                sized.append((gen, ren))
            if a.clips:
                sg, sr = travel(np.asarray(gen["track"], dtype=float) / k), travel(np.asarray(ren["track"], dtype=float) / k)
                cg, cr = camera_at_subject(gen)[-1], camera_at_subject(ren)[-1]
                print(f"{prompt.id} s{seed} {spec.camera:12s} {want:11s} subject on screen {sg.round(1)} "
                      f"(render {sr.round(1)}), camera at its depth {cg.round(1)} (render {cr.round(1)}): read "
                      f"{gen['motion']}, with the render's camera {swapped}")
    print("camera group: motion right as read / with the render's camera / clips")
    for group in total:
        print(f"  {group:14s} {right[group]:3d} / {right_with_render_camera[group]:3d} / {total[group]}")
    print(f"  {'all':14s} {sum(right.values()):3d} / {sum(right_with_render_camera.values()):3d} / {sum(total.values())}")
    if a.sizes:
        by_frame = size_ratio_by_frame([g for g, _ in sized], [r for _, r in sized])
        print(f"subject size drawn / rendered by frame (median of {len(sized)} clips, no zoom, no size motion): "
              + " ".join(f"{v:.2f}" for v in by_frame))
        print(f"clips asking no size change ({unsized}) read shrinks: {size_misreads['shrinks']}, "
              f"grows: {size_misreads['grows']}")


if __name__ == "__main__":
    main()
