"""The small model's tokenizers come out the same from the same captions, so a seeded training run is reproducible."""
import json
import random

import numpy as np
from tokenizers import Tokenizer

from hyvideo.tokenizer_build import stable_ids, train_clip_tokenizer, train_llm_tokenizer
from hyvideo.world.captions import caption_fields, render_caption
from hyvideo.world.scene import sample_spec


def _captions(n: int = 300) -> list[str]:
    rng = np.random.default_rng(5)
    return [render_caption(*caption_fields(sample_spec(rng))) for _ in range(n)]


def test_training_a_tokenizer_twice_gives_the_same_ids():
    """The BPE trainer numbers CLIP's word-final alphabet in hash-map order, different on every call: three trainings
    in one process gave three vocabularies before stable_ids."""
    corpus = _captions()
    for train in (train_clip_tokenizer, train_llm_tokenizer):
        first = train(corpus, 1024).to_str()
        for _ in range(2):
            assert train(corpus, 1024).to_str() == first, train.__name__


def test_stable_ids_undo_any_renumbering_and_keep_the_tokens():
    """Whatever ids the trainer hands out (here a random permutation after the special tokens), stable_ids gives one
    numbering, and every caption splits into the same token strings as before."""
    corpus = _captions()
    canonical = train_clip_tokenizer(corpus, 1024)
    data = json.loads(canonical.to_str())
    vocab = data["model"]["vocab"]
    specials = len(data["added_tokens"])
    rest = sorted(vocab, key=vocab.__getitem__)[specials:]
    shuffled = rest[:]
    random.Random(1).shuffle(shuffled)
    data["model"]["vocab"] = {**{t: vocab[t] for t in vocab if vocab[t] < specials},
                              **{t: specials + i for i, t in enumerate(shuffled)}}
    renumbered = Tokenizer.from_str(json.dumps(data))
    assert renumbered.to_str() != canonical.to_str()
    restored = stable_ids(renumbered)
    assert restored.to_str() == canonical.to_str()
    assert restored.token_to_id("<|startoftext|>") == 0 and restored.token_to_id("<|endoftext|>") == 1
    for caption in corpus[:20] + ["A teal hexagon zigzags under a camera that orbits (unseen words too)."]:
        assert restored.encode(caption).tokens == renumbered.encode(caption).tokens
