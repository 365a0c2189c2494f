// A cheap look at the latents while they denoise: each latent pixel's channels mapped to RGB by the pack's linear
// preview matrix (rgb = Σ_c latent_c · latent_rgb[c] + bias, about [−1, 1]), one pixel per latent position, so a
// preview costs C·3 multiply-adds per latent value and no graph call.

import type { LatentShape } from './dit/transformer.js';
import type { PackManifest } from './pack/manifest.js';
import { toByte } from './vae/frames.js';

export interface LatentPreview {
  /** [frames, height, width, 3] uint8 at latent resolution. */
  rgb: Uint8Array;
  frames: number;
  height: number;
  width: number;
}

export function latentPreview(latents: Float32Array, shape: LatentShape, preview: PackManifest['preview']): LatentPreview {
  const [channels, frames, height, width] = shape;
  const plane = frames * height * width;
  const rgb = new Uint8Array(plane * 3);
  const [br, bg, bb] = preview.bias;
  for (let i = 0; i < plane; i++) {
    let r = br;
    let g = bg;
    let b = bb;
    for (let c = 0; c < channels; c++) {
      const v = latents[c * plane + i]!;
      const weights = preview.latent_rgb[c]!;
      r += v * weights[0];
      g += v * weights[1];
      b += v * weights[2];
    }
    rgb[3 * i] = toByte(r);
    rgb[3 * i + 1] = toByte(g);
    rgb[3 * i + 2] = toByte(b);
  }
  return { rgb, frames, height, width };
}
