import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCaption, cameraMove, captionSchema } from '../../../electron/shared/caption/index.js';

describe('buildCaption (the shared caption rule)', () => {
  it('orders fields as the schema does, whatever order they come in', () => {
    expect(buildCaption({ lighting: 'soft light', short: 'A red ball', style: 'cinematic' })).toBe(
      'A red ball. Style: cinematic. Lighting: soft light.',
    );
  });

  it('trims values, strips trailing . ! ?, and ends every piece with a sentence mark', () => {
    expect(buildCaption({ short: '  A red ball!!  ', background: ' a grid .. ', dense: 'It bounces?', style: 'a $& b' })).toBe(
      'A red ball. It bounces. Background: a grid. Style: a $& b.',
    );
  });

  it('skips empty and whitespace-only fields', () => {
    expect(buildCaption({ short: 'A cat', dense: '   ', style: '', lighting: '?!' })).toBe('A cat.');
    expect(buildCaption({})).toBe('');
  });

  it('inserts the camera sentence right after the dense description, even when dense is empty', () => {
    const fields = { short: 'A cat', dense: 'The cat walks', background: 'a park' };
    expect(buildCaption(fields, 'pan-left')).toBe('A cat. The cat walks. The camera pans left. Background: a park.');
    expect(buildCaption({ short: 'A cat', atmosphere: 'calm' }, 'zoom-in')).toBe('A cat. The camera zooms in. Atmosphere: calm.');
    expect(buildCaption({}, 'static')).toBe('The camera is static.');
  });

  it('every camera move of the schema has a sentence (spec §7.3: 14 classes)', () => {
    expect(captionSchema.camera_moves).toHaveLength(14);
    expect(cameraMove('around-right').sentence).toBe('The camera moves around the subject to the right.');
    expect(() => cameraMove('dolly-in')).toThrow(/unknown camera move "dolly-in"/);
  });

  it('rejects unknown fields rather than dropping them silently', () => {
    expect(() => buildCaption({ mood: 'happy' })).toThrow(/unknown caption field mood/);
  });

  it('imports no Node module (the renderer bundles it)', () => {
    const source = readFileSync(path.resolve('electron/shared/caption/build.ts'), 'utf8');
    expect(source).not.toMatch(/from 'node:|from "node:|require\(/);
  });

  // The Python twin (native-models) writes its captions for a table of cases; both sides must agree byte for byte.
  const vectors = path.resolve('native-models/hyvideo/world/caption_vectors.json');
  describe.skipIf(!existsSync(vectors))('agrees with the Python twin (caption_vectors.json)', () => {
    it('builds every case exactly as Python does', () => {
      const { cases } = JSON.parse(readFileSync(vectors, 'utf8')) as {
        cases: Array<{ name: string; fields: Record<string, string | null>; camera: string | null; expected: string }>;
      };
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) expect(buildCaption(c.fields, c.camera ?? undefined), c.name).toBe(c.expected);
    });
  });
});
