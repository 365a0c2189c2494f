import { describe, expect, it } from 'vitest';
import { latentPreview } from '../../../electron/engine/preview.js';

describe('latentPreview', () => {
  it('maps each latent pixel through the preview matrix and bias into bytes, FHWC', () => {
    // 2 channels, 1 frame, 1×2 pixels; channel planes [c][t][h][w].
    const latents = new Float32Array([1, -1, /* c1 */ 0.5, 0]);
    const preview = latentPreview(latents, [2, 1, 1, 2], { latent_rgb: [[1, 0, 0.5], [0, 1, 0.5]], bias: [0, 0, -0.5] });
    expect([preview.frames, preview.height, preview.width]).toEqual([1, 1, 2]);
    // pixel 0: r=1, g=0.5, b=0.5+0.25−0.5=0.25; pixel 1: r=−1, g=0, b=−0.5−0.5=−1.
    expect([...preview.rgb]).toEqual([255, 191, 159, 0, 127, 0]);
  });
});
