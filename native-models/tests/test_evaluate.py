"""The evaluator must recover what rendered clips show from pixels alone, clean and degraded like a tiny VAE's
output. These thresholds guard the evaluator: when they fail, fix the evaluator or the renderer, not the numbers."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hyvideo.world.evaluate import (  # noqa: E402
    analyse_clip, background_palette, camera_gain, contact_sheet, degrade, evaluate_videos, far_gain_by_background,
    motion_breakdown, subject_gain)
from hyvideo.world.render import render_clip  # noqa: E402
from hyvideo.world.scene import PALETTES, palette_tones, sample_spec  # noqa: E402
from hyvideo.world.schema import camera_ids  # noqa: E402

CAMERAS = camera_ids()
N_CLIPS = 98  # 7 per camera move


@pytest.fixture(scope="module")
def clips():
    rng = np.random.default_rng(2024)
    specs = [sample_spec(rng, camera=CAMERAS[i % len(CAMERAS)]) for i in range(N_CLIPS)]
    return specs, [render_clip(s) for s in specs]


@pytest.fixture(scope="module")
def clean_report(clips):
    specs, videos = clips
    return evaluate_videos(videos, specs)


def test_clean_accuracy(clean_report):
    acc = clean_report["accuracy"]
    print("clean accuracy", acc)
    assert acc["colour"] >= 0.98
    assert acc["camera"] >= 0.90
    assert acc["motion"] >= 0.90
    assert acc["shape"] >= 0.80  # best-effort feature, guarded loosely


def test_camera_confusion_matrix(clean_report):
    conf = np.array(clean_report["camera_confusion"])
    assert clean_report["camera_ids"] == CAMERAS
    assert conf.shape == (14, 14) and conf.sum() == N_CLIPS
    assert np.all(conf.sum(axis=1) == N_CLIPS // 14)  # rows are the expected ids
    assert np.trace(conf) / N_CLIPS == pytest.approx(clean_report["accuracy"]["camera"])
    for i in range(14):  # every class is mostly recognised, not just the average
        assert conf[i, i] >= 5


def test_degraded_accuracy(clips):
    specs, videos = clips
    blurred = [degrade(v, sigma=1.0, noise_std=8 / 255, seed=i) for i, v in enumerate(videos)]
    acc = evaluate_videos(blurred, specs)["accuracy"]
    print("degraded accuracy", acc)
    assert acc["camera"] >= 0.80
    assert acc["colour"] >= 0.95
    assert acc["motion"] >= 0.80


def test_measurements_follow_the_design_conventions():
    # pan-left: camera travels left, the ledge slides right (+x) and the far layer (at infinity) stays.
    spec = sample_spec(np.random.default_rng(3), camera="pan-left", motion="still", second_object=False)
    r = analyse_clip(render_clip(spec))
    far, near = r["far_shift"][-1][0], r["near_shift"][-1][0]
    assert abs(far) < 1.0
    assert near == pytest.approx(spec.camera_amount, rel=0.15)
    track = np.array(r["track_compensated"])  # a still subject stays still once the camera is removed
    assert np.ptp(track[:, 0]) < 2.5 and np.ptp(track[:, 1]) < 2.5
    # zoom-in grows everything about the centre.
    spec = sample_spec(np.random.default_rng(4), camera="zoom-in", motion="still")
    r = analyse_clip(render_clip(spec))
    assert r["scale"][-1] == pytest.approx(spec.camera_amount, rel=0.1)


def test_stability_separates_flicker_from_steady_clips():
    spec = sample_spec(np.random.default_rng(5), camera="static", motion="still")
    video = render_clip(spec)
    steady = analyse_clip(video)["stability"]
    flicker = video.astype(np.int16) + np.where(np.arange(17) % 2, 25, -25)[:, None, None, None]
    flickering = analyse_clip(np.clip(flicker, 0, 255).astype(np.uint8))["stability"]
    assert steady["flicker"] < 0.5 and steady["residual"] < 1.0
    assert flickering["flicker"] > 20 and flickering["total"] > steady["total"] + 20


def test_odd_inputs_do_not_crash(tmp_path):
    one = analyse_clip(render_clip(sample_spec(np.random.default_rng(6)), 1))
    assert one["camera"] == "static" and one["motion"] == "still"
    noise = np.random.default_rng(0).integers(0, 40, size=(9, 48, 80, 3), dtype=np.uint8)
    r = analyse_clip(noise)
    assert r["colour"] is None and r["camera"] in CAMERAS
    with pytest.raises(ValueError):
        analyse_clip(noise[..., 0])


def test_contact_sheet_writes_a_png(tmp_path, clips):
    specs, videos = clips
    path = tmp_path / "sheet.png"
    contact_sheet(videos[:4], [f"{s.camera}\n{s.main.colour}" for s in specs[:4]], str(path))
    from PIL import Image

    img = Image.open(path)
    assert img.size[0] >= 2 * 3 * 64 * 2 and img.size[1] >= 2 * 64 * 2


def test_camera_gain_measures_how_much_of_the_move_a_clip_carries(clips):
    specs, videos = clips
    keep = [i for i, s in enumerate(specs) if s.camera in ("pan-left", "tilt-up", "zoom-in", "static")][:12]
    specs = [specs[i] for i in keep]
    reference = evaluate_videos([videos[i] for i in keep], specs)["clips"]
    half_speed = evaluate_videos([videos[i][np.arange(17) // 2] for i in keep], specs)["clips"]
    backwards = evaluate_videos([videos[i][::-1] for i in keep], specs)["clips"]

    itself = camera_gain(reference, reference)
    assert set(itself) == {"pan-left", "tilt-up", "zoom-in", "static"}
    assert itself["pan-left"]["far"] is None  # a pan leaves the far layer (at infinity) where it is
    assert itself["pan-left"]["near"] == pytest.approx(1, abs=0.15)
    assert itself["tilt-up"]["near"] == pytest.approx(1, abs=0.15)
    assert itself["zoom-in"]["zoom"] == pytest.approx(1, abs=0.15) and itself["zoom-in"]["far"] is None
    assert itself["static"] == {"far": None, "near": None, "zoom": None}  # nothing to compare with
    half = camera_gain(half_speed, reference)
    for cam, layer in (("pan-left", "near"), ("tilt-up", "far"), ("zoom-in", "zoom")):
        assert half[cam][layer] == pytest.approx(0.5, abs=0.15), (cam, layer)
    back = camera_gain(backwards, reference)
    assert back["pan-left"]["near"] == pytest.approx(-1, abs=0.2) and back["zoom-in"]["zoom"] < -0.7


def test_far_gain_by_background_pairs_each_clip_with_its_render(clips):
    specs, videos = clips
    # Moves that carry the far layer (a pan leaves it, at infinity, where it is).
    keep = [i for i, s in enumerate(specs) if s.camera in ("around-left", "around-right", "tilt-left", "tilt-up")][:12]
    specs = [specs[i] for i in keep]
    backgrounds = [s.background for s in specs]
    reference = evaluate_videos([videos[i] for i in keep], specs)["clips"]
    half_speed = evaluate_videos([videos[i][np.arange(17) // 2] for i in keep], specs)["clips"]
    still = evaluate_videos([videos[i][[0] * 17] for i in keep], specs)["clips"]

    itself = far_gain_by_background(reference, reference, backgrounds)
    assert set(itself) == set(backgrounds) and len(itself) >= 2
    assert all(g == pytest.approx(1, abs=0.15) for g in itself.values()), itself
    assert all(g == pytest.approx(0.5, abs=0.15) for g in far_gain_by_background(half_speed, reference, backgrounds).values())
    assert all(abs(g) < 0.1 for g in far_gain_by_background(still, reference, backgrounds).values())


def test_subject_gain_pairs_each_clip_with_its_render_per_camera(clips):
    specs, videos = clips
    keep = [i for i, s in enumerate(specs) if s.camera in ("pan-left", "tilt-up", "tilt-down")][:12]
    specs = [specs[i] for i in keep]
    reference = evaluate_videos([videos[i] for i in keep], specs)["clips"]
    half_speed = evaluate_videos([videos[i][np.arange(17) // 2] for i in keep], specs)["clips"]
    still = evaluate_videos([videos[i][[0] * 17] for i in keep], specs)["clips"]

    itself = subject_gain(reference, reference)
    assert set(itself) == {"pan-left", "tilt-up", "tilt-down"}, itself  # each has a subject that travels on screen
    assert list(itself) == [c for c in CAMERAS if c in itself]  # in the schema's order, as the report's table
    assert all(g == pytest.approx(1, abs=1e-9) for g in itself.values())
    assert all(g == pytest.approx(0.5, abs=0.2) for g in subject_gain(half_speed, reference).values())
    assert all(abs(g) < 0.1 for g in subject_gain(still, reference).values())
    # A clip that never shows its subject is left out rather than read as a subject that stays.
    unseen = [dict(c, travel=dict(c["travel"], subject=None)) for c in reference]
    assert subject_gain(unseen, reference) == {}


def test_background_palette_names_the_palette_a_render_is_drawn_in(clips):
    specs, videos = clips
    named = [next(n for n in PALETTES if palette_tones(n) == s.bg_tones) for s in specs]
    assert len(set(named)) >= 6  # the sample covers most palettes, grey included or not
    read = [background_palette(v) for v in videos]
    assert sum(r == n for r, n in zip(read, named)) >= 0.97 * len(specs), list(zip(named, read))
    assert sum(r == n for r, n in zip((background_palette(degrade(v, seed=i)) for i, v in enumerate(videos)), named)) \
        >= 0.9 * len(specs)
    # A background washed to grey reads as grey, whatever palette it was drawn in.
    grey = videos[0].mean(-1, keepdims=True).repeat(3, -1).astype(np.uint8)
    assert background_palette(grey) == "grey"


def test_motion_breakdown_counts_per_camera_and_motion_and_lists_the_misses():
    def clip(motion: str, camera: str, read: str) -> dict:
        return {"expected": {"motion": motion, "camera": camera}, "predicted": {"motion": read, "camera": camera}}

    clips = [clip("moves-left", "pan-left", "still"), clip("moves-left", "pan-left", "moves-left"),
             clip("grows", "static", "grows"), clip("moves-left", "static", "still"),
             clip("still", "pan-left", "moves-up"), {"expected": {"motion": None, "camera": "static"},
                                                     "predicted": {"motion": "still", "camera": "static"}}]
    out = motion_breakdown(clips)
    assert out["by_camera"] == {"static": [1, 2], "pan-left": [1, 3]}  # schema order, unscored clip left out
    assert out["by_motion"] == {"moves-left": [1, 3], "grows": [1, 1], "still": [0, 1]}
    assert list(out["misses"].items()) == [("moves-left -> still", 2), ("still -> moves-up", 1)]


def test_size_by_frame_reads_a_subject_drawn_large_then_small():
    from diagnose_motion import size_ratio_by_frame
    specs = [sample_spec(np.random.default_rng(seed), motion="shrinks", camera="static", second_object=False)
             for seed in (1, 2, 3)]
    forward = [analyse_clip(render_clip(s)) for s in specs]
    backward = [analyse_clip(render_clip(s)[::-1]) for s in specs]  # the same subject growing
    assert np.allclose(size_ratio_by_frame(forward, forward), 1.0)
    ratio = size_ratio_by_frame(forward, backward)  # drawn shrinking where the reference grows
    assert ratio.shape == (17,)
    assert ratio[0] > 1.25 and ratio[-1] < 0.8 and ratio[8] == pytest.approx(1.0, abs=0.1)
    assert np.all(np.diff(ratio) < 0.02)  # large first, small last


def test_evaluate_model_reports_the_settings_recorded_beside_the_frames(tmp_path):
    """evaluate_model.py --frames-dir scores frames sampled elsewhere (heldout-frames.ts): its report must carry the
    settings those frames were sampled with (their settings.json), not --pack's defaults, and refuse sampler flags."""
    import json
    import subprocess

    from hyvideo.world.heldout import HELDOUT_JSON, heldout_spec, load_prompt_records, prompt_of

    here = Path(__file__).resolve().parents[1]
    item = load_prompt_records(HELDOUT_JSON)[0]
    frames = tmp_path / "frames"
    frames.mkdir()
    # The world's own render of the caption's scene (index 0: the spec heldout.json's fields describe)
    np.save(frames / f"{item['id']}_s0.npy", render_clip(heldout_spec(prompt_of(item), index=0)))
    pack = {"id": "some-pack", "version": "9.9.9", "sha256": "ab"}
    (frames / "settings.json").write_text(json.dumps({"steps": 12, "shift": 7.0, "guidance": 2.5, "cfgScale": 1,
                                                      "pack": pack, "seeds": 1}))

    def evaluate(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(here / "evaluate_model.py"), "--frames-dir", str(frames), "--seeds", "1",
                               "--limit", "1", "--out", str(tmp_path / "eval"), *extra],
                              cwd=here, capture_output=True, text=True, timeout=300)

    done = evaluate()
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    assert report["settings"]["guidance"] == 2.5 and report["settings"]["steps"] == 12
    assert report["settings"]["shift"] == 7.0 and report["settings"]["pack"] == pack
    assert report["accuracy"]["colour"] == 1.0 and report["accuracy"]["palette"] == 1.0  # a render scores right
    assert "guidance 2.5" in (tmp_path / "eval" / "report.md").read_text()
    assert "| background palette | 100.0% | 1 |" in (tmp_path / "eval" / "report.md").read_text()
    refused = evaluate("--guidance", "4")
    assert refused.returncode != 0 and "settings.json says how" in refused.stderr
    (frames / "settings.json").unlink()  # a folder from before frames recorded their settings: unknown, not guessed
    assert evaluate().returncode == 0
    assert json.loads((tmp_path / "eval" / "report.json").read_text())["settings"]["guidance"] is None


def test_evaluate_model_scores_the_vae_alone_on_the_renders(tmp_path):
    """--vae-roundtrip puts each prompt's render through the shipped VAE (encode, posterior mean, decode) instead of
    generating: the frames it saves must be that render, slightly blurred, and it refuses frames from elsewhere."""
    import json
    import subprocess

    from hyvideo.world.heldout import HELDOUT_JSON, heldout_spec, load_prompt_records, prompt_of

    here = Path(__file__).resolve().parents[1]
    item = load_prompt_records(HELDOUT_JSON)[0]
    saved = tmp_path / "frames"
    run = [sys.executable, str(here / "evaluate_model.py"), "--vae-roundtrip", "--seeds", "1", "--limit", "1",
           "--out", str(tmp_path / "eval")]
    done = subprocess.run([*run, "--save-frames", str(saved)], cwd=here, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    assert report["settings"]["backend"] == "vae-roundtrip" and report["settings"]["guidance"] is None
    assert "palette" not in report["accuracy"]  # a seed's render draws its own palette, not the caption's
    render = render_clip(heldout_spec(prompt_of(item), 0)).astype(np.float64)
    decoded = np.load(saved / f"{item['id']}_s0.npy").astype(np.float64)
    assert decoded.shape == render.shape
    psnr = 10 * np.log10(255.0**2 / np.mean((decoded - render) ** 2))
    assert psnr > 18.0, psnr  # the shipped VAE's gate reads ~23 dB on these renders; a generation would be far below
    assert report["accuracy"]["colour"] == 1.0
    refused = subprocess.run([*run, "--frames-dir", str(saved)], cwd=here, capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "--vae-roundtrip" in refused.stderr
    blurred = subprocess.run([*run[:2], "--blurred-renders", "1", *run[3:], "--save-frames", str(tmp_path / "blurred")],
                             cwd=here, capture_output=True, text=True, timeout=300)
    assert blurred.returncode == 0, blurred.stderr[-2000:]
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    assert report["settings"]["backend"] == "blurred-renders 1.0" and report["accuracy"]["motion"] == 1.0
    diff = np.load(tmp_path / "blurred" / f"{item['id']}_s0.npy").astype(np.float64) - render
    assert 0 < np.abs(diff).mean() < 20  # altered, not replaced
    both = subprocess.run([*run, "--blurred-renders", "1"], cwd=here, capture_output=True, text=True, timeout=300)
    assert both.returncode != 0 and "--blurred-renders" in both.stderr


def test_run_spread_counts_a_prompts_seeds_as_one_draw_when_they_agree(tmp_path):
    """diagnose_run_spread.py: seeds that are right or wrong together (prompt by prompt) count as one clip each, seeds
    that scatter as four; the command tables each report, and --prompts lists the prompts both reports miss most."""
    import json
    import subprocess

    from diagnose_run_spread import intra_prompt_correlation, spread

    together = np.repeat([[1.0], [1.0], [0.0], [1.0], [0.0], [1.0]], 4, axis=1)
    assert intra_prompt_correlation(together) == pytest.approx(1.0)
    assert spread(together)["effective_clips"] == pytest.approx(6.0)
    assert spread(together)["all_seeds_right"] == 4 and spread(together)["no_seed_right"] == 2
    scattered = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]], dtype=float)  # every prompt 2 of 4
    assert intra_prompt_correlation(scattered) < 0 and spread(scattered)["effective_clips"] == 16
    assert spread(scattered)["mixed"] == 4

    def report(folder: str, right: np.ndarray) -> Path:
        asked = {"colour": "red", "shape": "ring", "motion": "still", "camera": "tilt-down"}
        clips = [{"expected": asked, "predicted": {"motion": "still" if ok else "grows"}} for ok in right.ravel()]
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.json").write_text(json.dumps({"settings": {"seeds": right.shape[1]}, "clips": clips}))
        return tmp_path / folder

    here = Path(__file__).resolve().parents[1]
    run = [sys.executable, str(here / "diagnose_run_spread.py"), str(report("a", together)), str(report("b", together[::-1]))]
    done = subprocess.run(run, cwd=here, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| 66.7% | 4 / 2 / 0 | 1.00 | 6 of 24 | 19.2 points |" in done.stdout
    assert "prompts right in every report (≥ 3/4 of seeds): 2 of 6" in done.stdout
    # --prompts: those missed in half their clips or more over both reports, fewest right first, stable by position.
    listed = subprocess.run(run + ["--prompts"], cwd=here, capture_output=True, text=True, timeout=120).stdout
    rows = [line for line in listed.splitlines() if line.startswith("| ") and "/ tilt-down |" in line]
    assert rows[0] == "| 2 | red ring still / tilt-down | 4/4 0/4 | grows 4 |" and len(rows) == 4
    assert [row.split(" | ")[0] for row in rows] == ["| 2", "| 3", "| 4", "| 5"]
    refused = subprocess.run(run[:3] + [str(report("c", together[:3]))], cwd=here, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "differ in prompts or seeds" in refused.stderr
