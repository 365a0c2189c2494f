// decodeLatents against a literal port of HV's tiled decode (hyvideo/vae/autoencoder_kl_causal_3d.py:
// temporal_tiled_decode, spatial_tiled_decode, blend_t/v/h, which blend in place), with a stand-in decoder whose
// output depends on the whole window it is given, as the real VAE's does (GroupNorm over all frames, causal padding).

import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { LatentShape } from '../../../electron/engine/dit/transformer.js';
import type { Graph } from '../../../electron/engine/pack/sessions.js';
import { gaussianNoise } from '../../../electron/engine/sampler/noise.js';
import { decodeLatents } from '../../../electron/engine/vae/decode.js';
import type { VaeTilingConfig } from '../../../electron/engine/vae/tiling.js';

/** A [C, T, H, W] float tensor. */
interface Video {
  data: Float32Array;
  dims: [number, number, number, number];
}

const at = (v: Video, c: number, t: number, y: number, x: number) => ((c * v.dims[1] + t) * v.dims[2] + y) * v.dims[3] + x;

function crop(v: Video, t0: number, t1: number, y0: number, y1: number, x0: number, x1: number): Video {
  const [C] = v.dims;
  [t1, y1, x1] = [Math.min(t1, v.dims[1]), Math.min(y1, v.dims[2]), Math.min(x1, v.dims[3])];
  const out: Video = { data: new Float32Array(C * (t1 - t0) * (y1 - y0) * (x1 - x0)), dims: [C, t1 - t0, y1 - y0, x1 - x0] };
  for (let c = 0; c < C; c++) for (let t = t0; t < t1; t++) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.data[at(out, c, t - t0, y - y0, x - x0)] = v.data[at(v, c, t, y, x)]!;
  return out;
}

function concat(parts: Video[], axis: 1 | 2 | 3): Video {
  const dims = [...parts[0]!.dims] as Video['dims'];
  dims[axis] = parts.reduce((n, p) => n + p.dims[axis], 0);
  const out: Video = { data: new Float32Array(dims[0] * dims[1] * dims[2] * dims[3]), dims };
  let offset = 0;
  for (const p of parts) {
    for (let c = 0; c < p.dims[0]; c++) for (let t = 0; t < p.dims[1]; t++) for (let y = 0; y < p.dims[2]; y++) for (let x = 0; x < p.dims[3]; x++) {
      const [ot, oy, ox] = [t + (axis === 1 ? offset : 0), y + (axis === 2 ? offset : 0), x + (axis === 3 ? offset : 0)];
      out.data[at(out, c, ot, oy, ox)] = p.data[at(p, c, t, y, x)]!;
    }
    offset += p.dims[axis];
  }
  return out;
}

/** HV blend_t / blend_v / blend_h: b's first e positions along `axis` ← a's last e, weights (1 − i/e, i/e); in place. */
function blend(a: Video, b: Video, extent: number, axis: 1 | 2 | 3): Video {
  const e = Math.min(a.dims[axis], b.dims[axis], extent);
  for (let i = 0; i < e; i++) {
    for (let c = 0; c < b.dims[0]; c++) for (let t = 0; t < b.dims[1]; t++) for (let y = 0; y < b.dims[2]; y++) for (let x = 0; x < b.dims[3]; x++) {
      if ([t, y, x][axis - 1] !== i) continue;
      const from = a.dims[axis] - e + i;
      const [at_, ay, ax] = [axis === 1 ? from : t, axis === 2 ? from : y, axis === 3 ? from : x];
      b.data[at(b, c, t, y, x)] = a.data[at(a, c, at_, ay, ax)]! * (1 - i / e) + b.data[at(b, c, t, y, x)]! * (i / e);
    }
  }
  return b;
}

function hvTiledDecode(decoder: (z: Video) => Video, z: Video, cfg: VaeTilingConfig): Video {
  const spatial = (tile: Video): Video => {
    const rows: Video[][] = [];
    for (let i = 0; i < tile.dims[2]; i += cfg.tile_latent_stride) {
      const row: Video[] = [];
      for (let j = 0; j < tile.dims[3]; j += cfg.tile_latent_stride) {
        row.push(decoder(crop(tile, 0, tile.dims[1], i, i + cfg.tile_latent_size, j, j + cfg.tile_latent_size)));
      }
      rows.push(row);
    }
    const rowLimit = 8 * cfg.tile_latent_size - cfg.blend_pixels;
    const resultRows = rows.map((row, i) =>
      concat(row.map((t, j) => {
        let tile = t;
        if (i > 0) tile = blend(rows[i - 1]![j]!, tile, cfg.blend_pixels, 2);
        if (j > 0) tile = blend(row[j - 1]!, tile, cfg.blend_pixels, 3);
        return crop(tile, 0, tile.dims[1], 0, rowLimit, 0, rowLimit);
      }), 3),
    );
    return concat(resultRows, 2);
  };
  const decode = (tile: Video) => (tile.dims[2] > cfg.tile_latent_size || tile.dims[3] > cfg.tile_latent_size ? spatial(tile) : decoder(tile));
  if (z.dims[1] <= cfg.tile_latent_frames) return decode(z);
  const row: Video[] = [];
  for (let i = 0; i < z.dims[1]; i += cfg.tile_latent_stride_frames) {
    let decoded = decode(crop(z, i, i + cfg.tile_latent_frames + 1, 0, z.dims[2], 0, z.dims[3]));
    if (i > 0) decoded = crop(decoded, 1, decoded.dims[1], 0, decoded.dims[2], 0, decoded.dims[3]);
    row.push(decoded);
  }
  const tLimit = 4 * cfg.tile_latent_frames - cfg.blend_frames;
  const kept = row.map((t, i) => {
    const tile = i > 0 ? blend(row[i - 1]!, t, cfg.blend_frames, 1) : t;
    return crop(tile, 0, i > 0 ? tLimit : tLimit + 1, 0, tile.dims[2], 0, tile.dims[3]);
  });
  return concat(kept, 1);
}

/** Window-dependent stand-in decoder: causal layout, plus terms from the window's mean and length. */
function windowDecoder(z: Video): Video {
  const [C, T, H, W] = z.dims;
  const F = 4 * (T - 1) + 1;
  const mean = z.data.reduce((a, b) => a + b, 0) / z.data.length;
  const out: Video = { data: new Float32Array(3 * F * 8 * H * 8 * W), dims: [3, F, 8 * H, 8 * W] };
  for (let c = 0; c < 3; c++) for (let f = 0; f < F; f++) for (let y = 0; y < 8 * H; y++) for (let x = 0; x < 8 * W; x++) {
    let v = 0;
    for (let k = 0; k < C; k++) v += z.data[at(z, k, Math.ceil(f / 4), y >> 3, x >> 3)]! * (k + 1 - c);
    out.data[at(out, c, f, y, x)] = Math.tanh(0.2 * v) + 0.3 * mean + 0.01 * T + 0.002 * (x % 8) * (c + 1);
  }
  return out;
}

const asGraph = (decoder: (z: Video) => Video): Graph => ({
  key: 'vae_decoder',
  async run(feeds) {
    const input = feeds.latents!;
    const [, C, T, H, W] = input.dims as number[];
    const video = decoder({ data: input.data as Float32Array, dims: [C!, T!, H!, W!] });
    return { video: new Tensor('float32', video.data, [1, ...video.dims]) };
  },
});

describe("decodeLatents matches HV's tiled decode (in-place blends included)", () => {
  it.each([
    ['temporal only', [2, 7, 2, 2], { tile_latent_frames: 3, tile_latent_stride_frames: 2, blend_frames: 4, tile_latent_size: 4, tile_latent_stride: 3, blend_pixels: 8 }],
    ['spatial only', [2, 2, 7, 6], { tile_latent_frames: 3, tile_latent_stride_frames: 2, blend_frames: 4, tile_latent_size: 3, tile_latent_stride: 2, blend_pixels: 8 }],
    ['both, with a trailing 1-frame tile', [2, 7, 5, 4], { tile_latent_frames: 2, tile_latent_stride_frames: 2, blend_frames: 0, tile_latent_size: 3, tile_latent_stride: 1, blend_pixels: 16 }],
    ['both, overlapping blends', [2, 6, 6, 5], { tile_latent_frames: 3, tile_latent_stride_frames: 1, blend_frames: 8, tile_latent_size: 4, tile_latent_stride: 3, blend_pixels: 8 }],
  ] as Array<[string, [number, number, number, number], VaeTilingConfig]>)('%s', async (_name, shape, tiling) => {
    const latents = gaussianNoise(5, shape[0] * shape[1] * shape[2] * shape[3]);
    const scaled = latents.map((v) => v / 0.5);
    const expected = hvTiledDecode(windowDecoder, { data: scaled, dims: shape }, tiling);
    const actual = await decodeLatents(asGraph(windowDecoder), latents, shape as LatentShape, { tiling, temporalRatio: 4, spatialRatio: 8, scalingFactor: 0.5, tiled: true });
    expect([3, actual.frames, actual.height, actual.width]).toEqual(expected.dims);
    let max = 0;
    for (let i = 0; i < expected.data.length; i++) max = Math.max(max, Math.abs(expected.data[i]! - actual.data[i]!));
    expect(max).toBeLessThan(1e-5);
  });
});
