// Decoded video → 8-bit RGB frames, the way HV saves them (spec §1 stage 8): (x/2 + 0.5).clamp(0, 1) · 255, then a
// truncating cast. Each operation is rounded to float32 like torch's, so a pixel on a rounding edge lands the same way.

import type { DecodedVideo } from './decode.js';

/** [frames, height, width, 3] uint8, RGB, row-major (GenerationResult.frames). */
export function videoToFrames(video: DecodedVideo): Uint8Array {
  const { data, frames, height, width } = video;
  const plane = height * width;
  const out = new Uint8Array(frames * plane * 3);
  for (let c = 0; c < 3; c++) {
    for (let f = 0; f < frames; f++) {
      const src = (c * frames + f) * plane;
      const dst = f * plane * 3 + c;
      for (let i = 0; i < plane; i++) out[dst + 3 * i] = toByte(data[src + i]!);
    }
  }
  return out;
}

export function toByte(x: number): number {
  const unit = Math.fround(x / 2 + 0.5);
  if (!(unit > 0)) return 0; // NaN too: a broken pixel shows black rather than poisoning the encoder
  if (unit >= 1) return 255;
  return Math.fround(unit * 255) | 0;
}
