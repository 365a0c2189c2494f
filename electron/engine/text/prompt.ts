// The MLLM prompt template (spec §2.2): the user's prompt is stripped and wrapped in a system instruction; the
// template's own tokens (crop_start of them, BOS included) are cut from the LLM's output afterwards, so only the
// prompt's tokens and the closing <|eot_id|> condition the DiT. A single frame is an image and uses the image template.

import type { PackManifest } from '../pack/manifest.js';

export interface TemplatedPrompt {
  text: string;
  /** Leading LLM positions (BOS + template tokens) dropped from the hidden states. */
  cropStart: number;
}

/** Python's str.strip(): leading and trailing whitespace (HV `predict` strips before templating). */
export function stripPrompt(prompt: string): string {
  return prompt.trim();
}

export function templatePrompt(prompt: string, frames: number, text: PackManifest['text']): TemplatedPrompt {
  const image = frames === 1;
  const template = image ? text.template_image : text.template_video;
  // The manifest guarantees one "{}"; split/join avoids String.replace's "$&"-style patterns in user text.
  const [before, after] = template.split('{}') as [string, string];
  return { text: before + stripPrompt(prompt) + after, cropStart: image ? text.crop_start_image : text.crop_start_video };
}
