import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPack, packFilePath } from '../../../electron/engine/pack/load.js';
import { stripPrompt, templatePrompt } from '../../../electron/engine/text/prompt.js';
import { PromptTokenizers } from '../../../electron/engine/text/tokenize.js';
import { charIds, CROP_IMAGE, CROP_VIDEO, specialId, tinyManifest, writeTinyPack } from './fixtures/tiny-pack.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'hyvideo-tok-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let tokenizers: PromptTokenizers;
type Text = Parameters<typeof templatePrompt>[2];
const text = tinyManifest().text as Text;

beforeAll(async () => {
  const pack = await readPack(writeTinyPack(path.join(root, 'tiny')));
  tokenizers = await PromptTokenizers.load(packFilePath(pack, 'tokenizer_llm'), packFilePath(pack, 'tokenizer_clip'), pack.manifest.text);
});

const BOS = specialId('<|begin_of_text|>');
const EOT = specialId('<|eot_id|>');

describe('prompt template (spec §2.2)', () => {
  it('strips the prompt and fills the video template; one frame uses the image template', () => {
    expect(stripPrompt('  a cat \n')).toBe('a cat');
    const video = templatePrompt('  a $& cat ', 17, text);
    expect(video.text.endsWith('user<|end_header_id|>a $& cat<|eot_id|>')).toBe(true);
    expect(video.text).toContain('Describe the video');
    expect(video.cropStart).toBe(CROP_VIDEO);
    const image = templatePrompt('a cat', 1, text);
    expect(image.text).toContain('Describe the image');
    expect(image.cropStart).toBe(CROP_IMAGE);
  });
});

describe('LLM tokens', () => {
  it('BOS first, no post-processor specials, and the crop leaves the prompt tokens and <|eot_id|>', () => {
    const t = tokenizers.llmTokens(' A red fox. ', 17);
    const ids = [...t.ids].map(Number);
    expect(ids[0]).toBe(BOS);
    expect(ids.filter((id) => id === BOS)).toHaveLength(1);
    expect(t.cropStart).toBe(CROP_VIDEO);
    expect(ids.slice(t.cropStart)).toEqual([...charIds('A red fox.'), EOT]);
    expect(t.keptTokens).toBe(charIds('A red fox.').length + 1);
  });

  it('the image template crops at crop_start_image', () => {
    const t = tokenizers.llmTokens('cat', 1);
    expect([...t.ids].map(Number).slice(t.cropStart)).toEqual([...charIds('cat'), EOT]);
  });

  it('truncates to crop_start + max_text_tokens, cutting <|eot_id|> like HV (spec §2.4)', () => {
    const long = 'abcdefghij'.repeat(5);
    const t = tokenizers.llmTokens(long, 17);
    expect(t.ids.length).toBe(CROP_VIDEO + 24);
    expect(t.keptTokens).toBe(24);
    expect([...t.ids].map(Number).slice(CROP_VIDEO)).toEqual(charIds(long).slice(0, 24));
  });

  it('an empty prompt still yields <|eot_id|>', () => {
    const t = tokenizers.llmTokens('   ', 17);
    expect(t.keptTokens).toBe(1);
    expect(Number(t.ids[t.ids.length - 1])).toBe(EOT);
  });
});

describe('CLIP tokens (spec §2.5)', () => {
  const CLIP_BOS = specialId('<|startoftext|>');
  const CLIP_EOS = specialId('<|endoftext|>');

  it('BOS, the raw prompt lower-cased by the tokenizer, EOS, padded to 77', () => {
    const ids = [...tokenizers.clipTokens('  A Cat ')].map(Number);
    expect(ids).toHaveLength(77);
    expect(ids.slice(0, 7)).toEqual([CLIP_BOS, ...charIds('a cat'), CLIP_EOS, CLIP_EOS]);
    expect(ids.slice(5).every((id) => id === CLIP_EOS)).toBe(true);
  });

  it('truncation keeps EOS at position 76', () => {
    const ids = [...tokenizers.clipTokens('x'.repeat(200))].map(Number);
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(CLIP_BOS);
    expect(ids[76]).toBe(CLIP_EOS);
    expect(ids.slice(1, 76).every((id) => id === charIds('x')[0])).toBe(true);
  });

  it('keeps Unicode words together like the Rust Whitespace pre-tokenizer', async () => {
    // "été" is one word to Rust's \w+; an ASCII-only \w would split it into "é", "t", "é" and miss the merges.
    const file = path.join(root, 'unicode', 'tokenizer.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({
      version: '1.0', truncation: null, padding: null, normalizer: null, post_processor: null, decoder: null,
      added_tokens: [{ id: 0, content: '<s>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
      pre_tokenizer: { type: 'Whitespace' },
      model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false,
        vocab: { '<s>': 0, 'é': 1, t: 2, 'ét': 3, 'été': 4 }, merges: ['é t', 'ét é'] },
    }));
    const unicode = await PromptTokenizers.load(file, file, { ...text, clip_bos_id: 0, clip_eos_id: 0, clip_pad_id: 0 });
    expect([...unicode.clipTokens('été té')].map(Number).slice(0, 5)).toEqual([0, 4, 2, 1, 0]);
  });
});
