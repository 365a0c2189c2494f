import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/engine/api.js';
import { expectedGraphIO, parseManifest } from '../../../electron/engine/pack/manifest.js';
import { tinyManifest } from './fixtures/tiny-pack.js';

function withFiles(m: Record<string, unknown>): Record<string, unknown> {
  const entry = (path: string) => ({ path, sha256: 'a'.repeat(64), bytes: 1 });
  m.files = { text_llm: entry('a.onnx'), text_clip: entry('b.onnx'), dit: entry('c.onnx'), vae_decoder: entry('d.onnx'), tokenizer_llm: entry('t/tokenizer.json'), tokenizer_clip: entry('u/tokenizer.json') };
  return m;
}

function parseError(edit: (m: Record<string, any>) => void): EngineError {
  const m = withFiles(tinyManifest());
  edit(m);
  try {
    parseManifest(m, '/packs/x/manifest.json');
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('parseManifest', () => {
  it('accepts a format-1 manifest and keeps extra architecture fields', () => {
    const m = parseManifest(withFiles(tinyManifest()), 'manifest.json');
    expect(m.id).toBe('tiny-test');
    expect(m.architecture.dit.guidance_embed).toBe(true);
    expect((m.architecture.vae as Record<string, unknown>).latent_channels).toBe(4);
  });

  it('a newer format is pack-version, before any schema check', () => {
    const error = parseError((m) => {
      m.format = 2;
      delete m.text;
    });
    expect(error.code).toBe('pack-version');
    expect(error.message).toMatch(/manifest\.json: pack format 2 is newer than this app supports \(1\)/);
  });

  it.each([
    ['a missing section', (m: Record<string, any>) => delete m.latent, /latent/],
    ['a template without {}', (m: Record<string, any>) => (m.text.template_video = 'no placeholder'), /text\.template_video: must contain the prompt placeholder/],
    ['RoPE dims that do not sum to head_dim', (m: Record<string, any>) => (m.rope.axes_dim = [2, 2, 2]), /rope\.axes_dim: sums to 6, but the DiT's head_dim is 8/],
    ['a frame count that is not 4k+1', (m: Record<string, any>) => m.frame_counts.push(8), /frame_counts\.5: 8 is not 4k\+1/],
    ['a size not a multiple of 16', (m: Record<string, any>) => m.sizes.push({ width: 40, height: 32 }), /sizes\.3: 40×32/],
    ['default frames not offered', (m: Record<string, any>) => (m.defaults.frames = 21), /defaults\.frames: 21 is not one of frame_counts/],
    ['a preview matrix of the wrong height', (m: Record<string, any>) => m.preview.latent_rgb.pop(), /preview\.latent_rgb: has 3 rows/],
    ['misaligned VAE blending', (m: Record<string, any>) => (m.vae_tiling.blend_frames = 2), /vae_tiling: blend_frames \(2\) must equal/],
    ['a file path escaping the pack', (m: Record<string, any>) => (m.files.dit.path = '../dit.onnx'), /files\.dit\.path: must be a relative path inside the pack/],
    ['a malformed sha256', (m: Record<string, any>) => (m.files.dit.sha256 = 'xyz'), /files\.dit\.sha256/],
    ['a missing graph entry', (m: Record<string, any>) => delete m.files.vae_decoder, /files\.vae_decoder/],
  ])('rejects %s as pack-manifest, naming the file and field', (_name, edit, message) => {
    const error = parseError(edit);
    expect(error.code).toBe('pack-manifest');
    expect(error.message).toMatch(/^\/packs\/x\/manifest\.json: invalid manifest: /);
    expect(error.message).toMatch(message);
  });

  it('expects a guidance input only when the DiT has guidance_embed', () => {
    const m = parseManifest(withFiles(tinyManifest()), 'manifest.json');
    expect(expectedGraphIO('dit', m).inputs).toContain('guidance');
    m.architecture.dit.guidance_embed = false;
    expect(expectedGraphIO('dit', m).inputs).not.toContain('guidance');
  });
});
