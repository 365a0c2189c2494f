"""Synthetic 2.5D world for training and evaluating the small text-to-video model.

scene.py    what a clip contains (ClipSpec) and how its layers, objects and camera move; sample_spec draws one
render.py   render_clip(spec, frames, height, width) -> uint8 [T, H, W, 3], pure and vectorised
captions.py structured caption fields, the canonical render_caption and the field-dropping training_caption
heldout.py  the held-out (colour, shape, motion, camera) prompts excluded from training
dataset.py  make_dataset: rendered clips plus T=1 images for image-video joint training
evaluate.py analyse_clip / evaluate_videos: colour, shape, motion and camera measured from pixels alone
"""
from .captions import caption_fields, composer_fields, render_caption, training_caption
from .dataset import make_dataset, split_videos_images
from .evaluate import analyse_clip, contact_sheet, degrade, evaluate_videos
from .heldout import HELDOUT, HeldoutPrompt, heldout_spec, is_heldout
from .render import render_clip
from .scene import ClipSpec, ObjectSpec, sample_spec

__all__ = [
    "HELDOUT", "ClipSpec", "HeldoutPrompt", "ObjectSpec", "analyse_clip", "caption_fields", "composer_fields",
    "contact_sheet", "degrade", "evaluate_videos", "heldout_spec", "is_heldout", "make_dataset", "render_caption",
    "render_clip", "sample_spec", "split_videos_images", "training_caption",
]
