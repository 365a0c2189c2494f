"""One generation through the PyTorch reference (the baseline of `npm run bench`, and a way to look at what the
weights make without the TypeScript engine). Writes an MP4 through the same ffmpeg the studio uses (H.264 yuv420p)
or, for a .npy path, the raw uint8 frames [T, H, W, 3].

Usage: .venv/bin/python reference_generate.py --prompt "A red circle moves left. The camera pans left." --out clip.mp4"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

from hyvideo.pipeline import HunyuanVideoModel, generate

HERE = Path(__file__).resolve().parent


def ffmpeg_binary() -> str:
    if os.environ.get("FFMPEG_PATH"):
        return os.environ["FFMPEG_PATH"]
    plat = {"linux": "linux", "darwin": "darwin", "win32": "win32"}[sys.platform]
    arch = "arm64" if os.uname().machine in ("arm64", "aarch64") else "x64"
    candidate = HERE.parent / "node_modules" / "@ffmpeg-installer" / f"{plat}-{arch}" / ("ffmpeg.exe" if plat == "win32" else "ffmpeg")
    return str(candidate) if candidate.exists() else "ffmpeg"


def write_mp4(frames: np.ndarray, path: Path, fps: int) -> None:
    t, h, w, _ = frames.shape
    cmd = [ffmpeg_binary(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps),
           "-i", "pipe:0", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-movflags", "+faststart", str(path)]
    subprocess.run(cmd, input=frames.tobytes(), check=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=HERE / "weights" / "hyvideo-small")
    p.add_argument("--prompt", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--frames", type=int, default=17)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--height", type=int, default=64)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--shift", type=float, default=5.0)
    p.add_argument("--guidance", type=float, default=4.0)
    p.add_argument("--fps", type=int, default=8)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    model = HunyuanVideoModel.load(a.model)
    t1 = time.perf_counter()
    video = generate(model, a.prompt, frames=a.frames, height=a.height, width=a.width, steps=a.steps, shift=a.shift,
                     guidance=a.guidance, seed=a.seed).numpy()
    t2 = time.perf_counter()
    if a.out.suffix == ".npy":
        np.save(a.out, video)
    else:
        write_mp4(video, a.out, a.fps)
    t3 = time.perf_counter()
    print(json.dumps({"load_s": round(t1 - t0, 3), "generate_s": round(t2 - t1, 3), "write_s": round(t3 - t2, 3), "out": str(a.out)}))


if __name__ == "__main__":
    main()
