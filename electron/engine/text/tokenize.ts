// Token ids for the two text encoders, from the pack's Hugging Face tokenizer.json files through
// @huggingface/tokenizers. Special tokens are never added by the tokenizer's post-processor: the ids are laid out here,
// as PACK_FORMAT.md specifies, so a tokenizer.json with or without a BOS template gives the same sequence.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { EngineError } from '../api.js';
import type { PackManifest } from '../pack/manifest.js';
import { templatePrompt, stripPrompt } from './prompt.js';

export interface LlmTokens {
  /** BOS (when add_bos) + templated prompt, truncated to crop_start + max_text_tokens (spec §2.4), no padding. */
  ids: BigInt64Array;
  cropStart: number;
  /** Positions kept after the crop: the prompt's tokens and <|eot_id|>, at most max_text_tokens. */
  keptTokens: number;
}

/** The part of @huggingface/tokenizers' Tokenizer used here. Its .d.ts files use extensionless relative imports that
 * NodeNext cannot resolve, so the class arrives untyped; this interface restores the types at the boundary. */
interface Tokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
}
const TokenizerClass = HfTokenizer as new (tokenizerJson: object, tokenizerConfig: object) => Tokenizer;

/**
 * The Rust `Whitespace` pre-tokenizer splits on the Unicode-aware regex \w+|[^\w\s]+, but @huggingface/tokenizers
 * 0.2.0 runs it as an ASCII-only JavaScript regex, so "ünïcödé" falls apart into different pieces and different ids
 * (CLIP-style tokenizers use it). The same regex as a `Split` pre-tokenizer goes through the library's Oniguruma
 * translation, which keeps Unicode word characters together, as the Python tokenizer does.
 */
function unicodeWhitespacePreTokenizers(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(unicodeWhitespacePreTokenizers);
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  if (record.type === 'Whitespace') return { type: 'Split', pattern: { Regex: '\\w+|[^\\w\\s]+' }, behavior: 'Removed', invert: true };
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unicodeWhitespacePreTokenizers(v)]));
}

async function loadTokenizer(file: string): Promise<Tokenizer> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new EngineError('pack-manifest', `${file}: cannot read tokenizer (${(error as Error).message})`);
  }
  // tokenizer_config.json is optional in a pack; the tokenizer only reads a few cosmetic flags from it.
  const config: unknown = await readFile(path.join(path.dirname(file), 'tokenizer_config.json'), 'utf8').then(JSON.parse, () => ({}));
  try {
    const patched = { ...(json as Record<string, unknown>) };
    patched.pre_tokenizer = unicodeWhitespacePreTokenizers(patched.pre_tokenizer);
    return new TokenizerClass(patched, config as object);
  } catch (error) {
    throw new EngineError('pack-manifest', `${file}: not a usable tokenizer.json (${(error as Error).message})`);
  }
}

export class PromptTokenizers {
  private constructor(
    private readonly llm: Tokenizer,
    private readonly clip: Tokenizer,
    private readonly text: PackManifest['text'],
  ) {}

  static async load(llmFile: string, clipFile: string, text: PackManifest['text']): Promise<PromptTokenizers> {
    const [llm, clip] = await Promise.all([loadTokenizer(llmFile), loadTokenizer(clipFile)]);
    return new PromptTokenizers(llm, clip, text);
  }

  llmTokens(prompt: string, frames: number): LlmTokens {
    const { text, cropStart } = templatePrompt(prompt, frames, this.text);
    const body = this.llm.encode(text, { add_special_tokens: false }).ids;
    // The official tokenizer adds <|begin_of_text|> itself and crop_start counts it (spec §2.2 trap).
    const all = this.text.add_bos ? [this.text.bos_id, ...body] : body;
    // HV truncates the templated sequence to max_length = max_text_tokens + crop_start, so <|eot_id|> can be cut.
    const length = Math.min(all.length, cropStart + this.text.max_text_tokens);
    const keptTokens = length - cropStart;
    if (keptTokens < 1) {
      throw new EngineError('pack-manifest', `text template gives ${length} tokens, not more than crop_start ${cropStart}: the pack's template and crop_start disagree`);
    }
    const ids = new BigInt64Array(length);
    for (let i = 0; i < length; i++) ids[i] = BigInt(all[i]!);
    return { ids, cropStart, keptTokens };
  }

  /** CLIP sees the raw (stripped) prompt: BOS, tokens, EOS, pad to clip_max_length; truncation keeps EOS (spec §2.5). */
  clipTokens(prompt: string): BigInt64Array {
    const { clip_max_length: maxLength, clip_bos_id: bos, clip_eos_id: eos, clip_pad_id: pad } = this.text;
    const body = this.clip.encode(stripPrompt(prompt), { add_special_tokens: false }).ids.slice(0, maxLength - 2);
    const ids = new BigInt64Array(maxLength).fill(BigInt(pad));
    ids[0] = BigInt(bos);
    body.forEach((id, i) => (ids[i + 1] = BigInt(id)));
    ids[body.length + 1] = BigInt(eos);
    return ids;
  }
}
