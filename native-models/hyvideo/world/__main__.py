"""Regenerate the JSON files the TypeScript side reads (held-out prompts, caption test vectors):

    .venv/bin/python -m hyvideo.world

Run after changing the caption schema, the caption wording or the held-out list; tests fail while they are stale.
"""
from .captions import VECTORS_PATH, write_caption_vectors
from .heldout import HELDOUT_JSON, write_heldout_json

if __name__ == "__main__":
    write_heldout_json()
    write_caption_vectors()
    print(HELDOUT_JSON)
    print(VECTORS_PATH)
