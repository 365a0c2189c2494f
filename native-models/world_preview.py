"""Contact sheet of synthetic clips for a person to look at: one clip per camera move (first, middle and last
frame), labelled with its spec and with what the evaluator measures on it.

    .venv/bin/python world_preview.py --out work/world_preview.png [--seed 0] [--degrade]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from hyvideo.world.evaluate import analyse_clip, contact_sheet, degrade
from hyvideo.world.render import render_clip
from hyvideo.world.scene import sample_spec
from hyvideo.world.schema import camera_ids


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(Path(__file__).parent / "work" / "world_preview.png"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--frames", type=int, default=17)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--degrade", action="store_true", help="blur (sigma 1) and add noise (8/255) first")
    ap.add_argument("--images", type=int, default=2, help="extra still images (T=1) at the end")
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    specs = [sample_spec(rng, camera=cam) for cam in camera_ids()]
    specs += [sample_spec(rng, still_image=True) for _ in range(args.images)]
    videos, labels = [], []
    for i, spec in enumerate(specs):
        video = render_clip(spec, 1 if spec.camera is None else args.frames, args.size, args.size)
        if args.degrade:
            video = degrade(video, 1.0, 8 / 255, seed=i)
        m = spec.main
        label = f"{spec.camera or 'image'} | {m.colour} {m.shape} {m.motion}\n{spec.background}, {spec.lighting}"
        if len(spec.objects) > 1:
            o = spec.objects[1]
            label += f", +{o.colour} {o.shape} {o.motion}"
        if video.shape[0] > 1:
            r = analyse_clip(video)
            label += f"\nmeasured: {r['camera']} | {r['colour']} {r['shape']} {r['motion']}"
        videos.append(video)
        labels.append(label)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    contact_sheet(videos, labels, args.out, columns=2, zoom=2)
    print(args.out)


if __name__ == "__main__":
    main()
