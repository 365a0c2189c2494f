"""From a prompt to the ids the two text encoders take (spec §2.2-§2.5), exactly as the TypeScript engine does it:
strip, template, tokenize without post-processing, BOS first, crop `crop_start` positions after the LLM; CLIP on
the raw prompt: BOS, tokens, EOS, padded to 77."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from tokenizers import Tokenizer

from .templates import IMAGE_TEMPLATE, VIDEO_TEMPLATE


@dataclass
class EncodedPrompt:
    llm_ids: list[int]
    crop_start: int
    clip_ids: list[int]


class PromptTokenizer:
    def __init__(self, llm: Tokenizer, clip: Tokenizer, max_text_tokens: int = 256, clip_max_length: int = 77):
        self.llm, self.clip = llm, clip
        self.max_text_tokens, self.clip_max_length = max_text_tokens, clip_max_length
        self.bos_id = llm.token_to_id("<|begin_of_text|>")
        self.clip_bos_id = clip.token_to_id("<|startoftext|>")
        self.clip_eos_id = clip.token_to_id("<|endoftext|>")
        self.clip_pad_id = self.clip_eos_id
        self.crop_start_video = self._prefix_length(VIDEO_TEMPLATE)
        self.crop_start_image = self._prefix_length(IMAGE_TEMPLATE)

    def _prefix_length(self, template: str) -> int:
        return 1 + len(self.llm.encode(template.split("{}")[0], add_special_tokens=False).ids)

    def llm_ids(self, prompt: str, image: bool = False) -> tuple[list[int], int]:
        template = IMAGE_TEMPLATE if image else VIDEO_TEMPLATE
        crop = self.crop_start_image if image else self.crop_start_video
        ids = [self.bos_id] + self.llm.encode(template.format(prompt.strip()), add_special_tokens=False).ids
        return ids[: crop + self.max_text_tokens], crop

    def clip_ids(self, prompt: str) -> list[int]:
        body = self.clip.encode(prompt.strip(), add_special_tokens=False).ids[: self.clip_max_length - 2]
        ids = [self.clip_bos_id] + body + [self.clip_eos_id]
        return ids + [self.clip_pad_id] * (self.clip_max_length - len(ids))

    def encode(self, prompt: str, image: bool = False) -> EncodedPrompt:
        ids, crop = self.llm_ids(prompt, image)
        return EncodedPrompt(ids, crop, self.clip_ids(prompt))

    def batch(self, prompts: list[str], image: bool = False) -> tuple[torch.Tensor, torch.Tensor, int, torch.Tensor]:
        """Right-padded LLM ids [B, L], mask [B, L], crop_start, CLIP ids [B, 77] for training."""
        encoded = [self.llm_ids(p, image) for p in prompts]
        crop = encoded[0][1]
        length = max(len(ids) for ids, _ in encoded)
        pad = self.llm.token_to_id("<|pad|>")
        ids = torch.full((len(prompts), length), pad, dtype=torch.int64)
        mask = torch.zeros(len(prompts), length, dtype=torch.int64)
        for i, (row, _) in enumerate(encoded):
            ids[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        clip = torch.tensor([self.clip_ids(p) for p in prompts], dtype=torch.int64)
        return ids, mask, crop, clip
