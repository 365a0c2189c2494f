import { describe, expect, it } from 'vitest';
import { EngineError, type GenerationRequest } from '../../../electron/engine/api.js';
import { parseManifest } from '../../../electron/engine/pack/manifest.js';
import { resolveRequest } from '../../../electron/engine/request.js';
import { tinyManifest } from './fixtures/tiny-pack.js';

const entry = (p: string) => ({ path: p, sha256: 'a'.repeat(64), bytes: 1 });
const manifest = parseManifest(
  { ...tinyManifest(), files: { text_llm: entry('a'), text_clip: entry('b'), dit: entry('c'), vae_decoder: entry('d'), tokenizer_llm: entry('e'), tokenizer_clip: entry('f') } },
  'manifest.json',
);

function rejected(request: Partial<GenerationRequest>): string {
  try {
    resolveRequest({ prompt: 'a cat', seed: 1, ...request }, manifest);
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('bad-request');
    return (error as EngineError).message;
  }
  throw new Error('expected a bad-request error');
}

describe('resolveRequest', () => {
  it('fills unset values with the pack defaults', () => {
    expect(resolveRequest({ prompt: 'a cat', seed: 5 }, manifest)).toEqual({
      prompt: 'a cat', negativePrompt: '', seed: 5, width: 32, height: 32, frames: 9, steps: 4, shift: 5, guidance: 4, cfgScale: 1, fps: 8,
    });
  });

  it('uses the pack negative prompt for true CFG when none is given, and none without CFG (spec §5.5)', () => {
    expect(resolveRequest({ prompt: 'a', seed: 1, cfgScale: 3 }, manifest).negativePrompt).toBe('blurry, low quality');
    expect(resolveRequest({ prompt: 'a', seed: 1, cfgScale: 3, negativePrompt: '  ' }, manifest).negativePrompt).toBe('blurry, low quality');
    expect(resolveRequest({ prompt: 'a', seed: 1, cfgScale: 3, negativePrompt: 'dark' }, manifest).negativePrompt).toBe('dark');
    expect(resolveRequest({ prompt: 'a', seed: 1, negativePrompt: 'dark' }, manifest).negativePrompt).toBe('');
  });

  it('names what the pack allows when a value is not offered', () => {
    expect(rejected({ width: 40, height: 32 })).toBe('size 40×32 is not offered by pack tiny-test (allowed: 32×32, 48×32, 64×64)');
    expect(rejected({ frames: 8 })).toMatch(/frames must be 4k\+1/);
    expect(rejected({ frames: 21 })).toBe('frames 21 is not offered by pack tiny-test (allowed: 1, 5, 9, 13, 17)');
  });

  it.each([
    [{ prompt: '  ' }, /prompt is empty/],
    [{ seed: -1 }, /seed must be an integer in \[0, 4294967295\]/],
    [{ seed: 2 ** 32 }, /seed/],
    [{ seed: 1.5 }, /seed/],
    [{ steps: 0 }, /steps/],
    [{ steps: 2.5 }, /steps/],
    [{ shift: 0 }, /shift must be > 0/],
    [{ guidance: -1 }, /guidance/],
    [{ cfgScale: 0.5 }, /cfgScale must be ≥ 1/],
    [{ fps: Number.NaN }, /fps/],
  ])('rejects %o', (request, message) => {
    expect(rejected(request)).toMatch(message);
  });
});
