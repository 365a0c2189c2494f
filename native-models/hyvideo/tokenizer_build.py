"""Trains the two tokenizer.json files of the small model with Hugging Face `tokenizers` (the format the
official Llama-3 and CLIP tokenizers ship in, and what the TypeScript engine loads):

- LLM: byte-level BPE (any prompt encodes, unseen words fall back to bytes) with the Llama-3 header tokens used
  by HunyuanVideo's prompt templates as special tokens. No post-processor: the engine adds BOS itself, as the
  pack's `add_bos` says (spec §2.2: the crop assumes BOS is there).
- CLIP: lower-cased BPE with `</w>` word ends, <|startoftext|> / <|endoftext|>."""
from __future__ import annotations

import json
from collections.abc import Iterable

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

LLM_SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|pad|>"]
CLIP_SPECIALS = ["<|startoftext|>", "<|endoftext|>"]


def train_llm_tokenizer(corpus: Iterable[str], vocab_size: int) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    # "\n\n" is isolated first so the template's prefix tokenizes the same alone and before a prompt: the crop
    # (crop_start) must cut exactly at the user's text.
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split("\n\n", behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=LLM_SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    return tok


def train_clip_tokenizer(corpus: Iterable[str], vocab_size: int) -> Tokenizer:
    tok = Tokenizer(models.BPE(end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Whitespace(), pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=CLIP_SPECIALS, end_of_word_suffix="</w>",
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    return stable_ids(tok)


def stable_ids(tok: Tokenizer) -> Tokenizer:
    """The same tokenizer with its ids in an order fixed by its contents: special tokens first (as the trainer
    numbered them), then the tokens no merge makes in string order, then each merge's token in merge order.
    `tokenizers`' BPE trainer numbers the word-final alphabet ("a</w>", ...) in hash-map order, which differs from
    one training to the next even in one process; its merges and vocabulary are deterministic. Ids pick the text
    encoder's embedding rows, so without this a seeded run was not reproducible."""
    data = json.loads(tok.to_str())
    model = data["model"]
    made_by: dict[str, int] = {}
    for rank, pair in enumerate(model["merges"]):
        made_by.setdefault("".join(pair.split(" ") if isinstance(pair, str) else pair), rank)
    special = {t["content"] for t in data["added_tokens"]}
    old = model["vocab"]

    def key(token: str) -> tuple[int, int, str]:
        if token in special:
            return 0, old[token], ""
        if token in made_by:
            return 2, made_by[token], ""
        return 1, 0, token

    model["vocab"] = {token: i for i, token in enumerate(sorted(old, key=key))}
    for t in data["added_tokens"]:
        t["id"] = model["vocab"][t["content"]]
    return Tokenizer.from_str(json.dumps(data))
