"""The attribute labels name exactly what a training caption states, and the heads learn only from those."""
import random

import numpy as np
import pytest
import torch

from hyvideo.text_supervision import (ALL_ATTRIBUTES, ATTRIBUTES, IGNORE, AttributeHeads, attribute_labels, label_batch,
                                      main_object)
from hyvideo.world.captions import background_scene, caption_fields, training_caption
from hyvideo.world.scene import PALETTES, palette_tones, sample_spec
from hyvideo.world.schema import camera_sentence


def test_main_object_reads_the_short_field():
    assert main_object("An orange square moves left") == ("orange", "square", "moves-left")
    assert main_object("A white ring stays still") == ("white", "ring", "still")
    assert main_object("A blue star") == ("blue", "star", None)
    with pytest.raises(ValueError):
        main_object("A teal square moves left")


def test_labels_follow_the_caption_text():
    rng = np.random.default_rng(3)
    seen_with, seen_without = 0, 0
    for _ in range(200):
        spec = sample_spec(rng)
        fields, camera = caption_fields(spec)
        caption = training_caption(fields, camera, random.Random(int(rng.integers(1 << 30))))
        labels = attribute_labels(fields, camera, caption)
        assert ATTRIBUTES["colour"][labels["colour"]] == spec.main.colour
        assert ATTRIBUTES["shape"][labels["shape"]] == spec.main.shape
        assert ATTRIBUTES["motion"][labels["motion"]] == spec.main.motion
        if camera_sentence(camera) in caption:
            assert ATTRIBUTES["camera"][labels["camera"]] == camera
            seen_with += 1
        else:
            assert labels["camera"] == IGNORE
            seen_without += 1
    assert seen_with and seen_without  # both cases occur in training captions
    assert set(attribute_labels(fields, camera, "").values()) == {IGNORE}  # empty caption: nothing stated


def test_stills_have_no_motion_or_camera_label():
    spec = sample_spec(np.random.default_rng(0), still_image=True)
    fields, camera = caption_fields(spec)
    labels = attribute_labels(fields, camera, training_caption(fields, camera, random.Random(0)))
    assert labels["motion"] == IGNORE and labels["camera"] == IGNORE and labels["colour"] != IGNORE


def test_heads_ignore_unlabelled_rows():
    torch.manual_seed(0)
    heads = AttributeHeads(8, 4)
    text, mask, pooled = torch.randn(3, 5, 8), torch.ones(3, 5, dtype=torch.int64), torch.randn(3, 4)
    labels = label_batch([{"colour": 1, "shape": 2, "motion": IGNORE, "camera": 3}] * 3)
    loss, acc = heads.loss(text, mask, pooled, labels)
    loss.backward()
    assert "llm_motion" not in acc and "clip_camera" in acc
    assert heads.from_llm["motion"].weight.grad is None  # no labelled row, no gradient
    assert heads.from_llm["camera"].weight.grad.abs().sum() > 0


def test_scene_labels_name_the_texture_and_palette_the_caption_states():
    rng = np.random.default_rng(5)
    counts = {"background": [0, 0], "palette": [0, 0]}
    for i in range(300):
        spec = sample_spec(rng, still_image=i % 4 == 0)
        fields, camera = caption_fields(spec)
        palette = next(name for name in PALETTES if palette_tones(name) == spec.bg_tones)
        assert background_scene(fields["background"])[:2] == (spec.background, palette)
        caption = training_caption(fields, camera, random.Random(i))
        labels = attribute_labels(fields, camera, caption)
        for key, truth in (("background", spec.background), ("palette", palette)):
            if labels[key] == IGNORE:
                counts[key][1] += 1
            else:
                assert ALL_ATTRIBUTES[key][labels[key]] == truth
                counts[key][0] += 1
        # The palette is only ever named by the background field's tones.
        if labels["palette"] != IGNORE:
            assert " tones" in caption
    assert all(stated and unstated for stated, unstated in counts.values()), counts
    with pytest.raises(ValueError):
        background_scene("a muted grid pattern in bright pink tones")


def test_heads_train_the_scene_readouts_only_when_asked():
    plain, scene = AttributeHeads(8, 4), AttributeHeads(8, 4, names=tuple(ALL_ATTRIBUTES))
    assert "palette" not in plain.from_llm and set(scene.from_clip) == set(ALL_ATTRIBUTES)
    rows = [{"colour": 1, "shape": 2, "motion": IGNORE, "camera": 3, "background": 0, "palette": 4}] * 3
    text, mask, pooled = torch.randn(3, 5, 8), torch.ones(3, 5, dtype=torch.int64), torch.randn(3, 4)
    assert "clip_palette" not in plain.loss(text, mask, pooled, label_batch(rows))[1]
    assert "clip_palette" in scene.loss(text, mask, pooled, label_batch(rows))[1]
    with pytest.raises(ValueError):
        AttributeHeads(8, 4, names=("colour", "mood"))
