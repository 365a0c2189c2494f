// Shared by the integration tests that need the exported pack (native-models/packs/hyvideo-small) and the
// exporter's parity vectors (native-models/testvectors, described in its README.md).

import { existsSync } from 'node:fs';
import path from 'node:path';

export const PACK_DIR = path.resolve('native-models/packs/hyvideo-small');
export const VECTORS_DIR = path.resolve('native-models/testvectors');
export const packExists = existsSync(path.join(PACK_DIR, 'manifest.json'));
export const vectorsExist = ['vectors.json', 'text.safetensors', 'dit_call.safetensors', 'sampling.safetensors', 'vae_decode.safetensors'].every((f) =>
  existsSync(path.join(VECTORS_DIR, f)),
);

/** ‖a − b‖₂ / ‖b‖₂: the parity measure (1e-3 is the bar for float32 graphs replaying the PyTorch reference). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (actual[i]! - expected[i]!) ** 2;
    den += expected[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

export function byteDifferences(actual: Uint8Array, expected: Uint8Array): { max: number; differing: number } {
  let max = 0;
  let differing = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (d) differing++;
    max = Math.max(max, d);
  }
  return { max, differing };
}
