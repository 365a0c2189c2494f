// Latents → video through the pack's causal VAE decoder (spec §4), one graph call per tile so that the decoder's
// activations stay bounded by the tile size whatever the clip's length and resolution. The tiles and their blends
// follow the plan of vae/tiling.ts (HV's tiled decode, spec §4.7); `tiled: false` decodes in one call, for tests.

import { Tensor } from 'onnxruntime-node';
import { EngineError } from '../api.js';
import { throwIfCancelled } from '../cancel.js';
import type { LatentShape } from '../dit/transformer.js';
import type { Graph } from '../pack/sessions.js';
import { expectFloat32 } from '../text/encode.js';
import { decodedFrameCount, planSpatialTiles, planTemporalTiles, wholeClipPlan, type SpatialTile, type VaeTilingConfig } from './tiling.js';

export interface VaeDecodeOptions {
  tiling: VaeTilingConfig;
  temporalRatio: number;
  spatialRatio: number;
  /** Latents are divided by it before decoding (spec §4.6). */
  scalingFactor: number;
  tiled: boolean;
  signal?: AbortSignal;
}

/** [3, frames, height, width], about [−1, 1]. */
export interface DecodedVideo {
  data: Float32Array;
  frames: number;
  height: number;
  width: number;
}

/** Latent block [C, t0:t1, y0:y0+h, x0:x0+w] divided by the scaling factor, as the decoder's input tensor. */
function latentBlock(latents: Float32Array, shape: LatentShape, scalingFactor: number, t0: number, t1: number, y0: number, h: number, x0: number, w: number): Tensor {
  const [channels, frames, height, width] = shape;
  const block = new Float32Array(channels * (t1 - t0) * h * w);
  let o = 0;
  for (let c = 0; c < channels; c++) {
    for (let t = t0; t < t1; t++) {
      for (let y = y0; y < y0 + h; y++) {
        const row = ((c * frames + t) * height + y) * width + x0;
        for (let x = 0; x < w; x++) block[o++] = latents[row + x]! / scalingFactor;
      }
    }
  }
  return new Tensor('float32', block, [1, channels, t1 - t0, h, w]);
}

/** Linear blend weight of the newer tile at offset i of an e-wide overlap (HV `blend_t/v/h`: x / blend_extent). */
function newerWeight(i: number, extent: number): number {
  return i / extent;
}

class TiledDecoder {
  private readonly channels = 3;

  constructor(
    private readonly graph: Graph,
    private readonly latents: Float32Array,
    private readonly shape: LatentShape,
    private readonly options: VaeDecodeOptions,
  ) {}

  private async run(t0: number, t1: number, y0: number, h: number, x0: number, w: number): Promise<Float32Array> {
    throwIfCancelled(this.options.signal);
    const { temporalRatio, spatialRatio, scalingFactor } = this.options;
    const input = latentBlock(this.latents, this.shape, scalingFactor, t0, t1, y0, h, x0, w);
    const output = await this.graph.run({ latents: input });
    const expected = [1, this.channels, decodedFrameCount(t1 - t0, temporalRatio), spatialRatio * h, spatialRatio * w];
    return expectFloat32(output.video, 'vae_decoder', 'video', expected);
  }

  /** Decodes latent frames [t0, t1) at full resolution, spatially tiled when the plan says so. [3, F, H, W]. */
  async decodeFrames(t0: number, t1: number): Promise<Float32Array> {
    const [, , latentHeight, latentWidth] = this.shape;
    if (!this.options.tiled) return this.run(t0, t1, 0, latentHeight, 0, latentWidth);
    const plan = planSpatialTiles(latentHeight, latentWidth, this.options.tiling, this.options.spatialRatio);
    if (!plan.tiled) return this.run(t0, t1, 0, latentHeight, 0, latentWidth);

    const frames = decodedFrameCount(t1 - t0, this.options.temporalRatio);
    const { outputHeight: H, outputWidth: W } = plan;
    const out = new Float32Array(this.channels * frames * H * W);
    // After blending, a tile hands its last rows to the tile below and its last columns to the tile on its right.
    const bottomStrips: Array<{ data: Float32Array; rows: number } | undefined> = [];
    for (const row of plan.rows) {
      let rightStrip: { data: Float32Array; cols: number } | undefined;
      for (const tile of row) {
        const video = await this.run(t0, t1, tile.latentY, tile.latentHeight, tile.latentX, tile.latentWidth);
        const planes = this.channels * frames;
        const { height: th, width: tw } = tile;
        if (tile.blendTop > 0) {
          const strip = bottomStrips[tile.col]!;
          const e = tile.blendTop;
          for (let p = 0; p < planes; p++) {
            for (let y = 0; y < e; y++) {
              const w = newerWeight(y, e);
              const dst = (p * th + y) * tw;
              const src = (p * strip.rows + strip.rows - e + y) * tw;
              for (let x = 0; x < tw; x++) video[dst + x] = strip.data[src + x]! * (1 - w) + video[dst + x]! * w;
            }
          }
        }
        if (tile.blendLeft > 0 && rightStrip) {
          const e = tile.blendLeft;
          const { data: left, cols } = rightStrip;
          for (let p = 0; p < planes; p++) {
            for (let y = 0; y < th; y++) {
              const dst = (p * th + y) * tw;
              const src = (p * th + y) * cols + cols - e;
              for (let x = 0; x < e; x++) {
                const w = newerWeight(x, e);
                video[dst + x] = left[src + x]! * (1 - w) + video[dst + x]! * w;
              }
            }
          }
        }
        bottomStrips[tile.col] = this.bottomStrip(video, planes, tile);
        rightStrip = this.rightStrip(video, planes, tile);
        this.keep(video, planes, tile, out, H, W);
      }
    }
    return out;
  }

  private bottomStrip(video: Float32Array, planes: number, tile: SpatialTile): { data: Float32Array; rows: number } {
    const rows = Math.min(this.options.tiling.blend_pixels, tile.height);
    const data = new Float32Array(planes * rows * tile.width);
    for (let p = 0; p < planes; p++) {
      const from = (p * tile.height + tile.height - rows) * tile.width;
      data.set(video.subarray(from, from + rows * tile.width), p * rows * tile.width);
    }
    return { data, rows };
  }

  private rightStrip(video: Float32Array, planes: number, tile: SpatialTile): { data: Float32Array; cols: number } {
    const cols = Math.min(this.options.tiling.blend_pixels, tile.width);
    const data = new Float32Array(planes * tile.height * cols);
    for (let p = 0; p < planes; p++) {
      for (let y = 0; y < tile.height; y++) {
        const from = (p * tile.height + y) * tile.width + tile.width - cols;
        data.set(video.subarray(from, from + cols), (p * tile.height + y) * cols);
      }
    }
    return { data, cols };
  }

  private keep(video: Float32Array, planes: number, tile: SpatialTile, out: Float32Array, H: number, W: number): void {
    for (let p = 0; p < planes; p++) {
      for (let y = 0; y < tile.keepHeight; y++) {
        const from = (p * tile.height + y) * tile.width;
        out.set(video.subarray(from, from + tile.keepWidth), (p * H + tile.outputY + y) * W + tile.outputX);
      }
    }
  }
}

export async function decodeLatents(graph: Graph, latents: Float32Array, shape: LatentShape, options: VaeDecodeOptions): Promise<DecodedVideo> {
  const [channels, latentFrames, latentHeight, latentWidth] = shape;
  if (latents.length !== channels * latentFrames * latentHeight * latentWidth) {
    throw new EngineError('internal', `latents hold ${latents.length} values, not ${shape.join('×')}`);
  }
  const decoder = new TiledDecoder(graph, latents, shape, options);
  const plan = options.tiled
    ? planTemporalTiles(latentFrames, options.tiling, options.temporalRatio)
    : wholeClipPlan(latentFrames, options.temporalRatio);
  const height = options.spatialRatio * latentHeight;
  const width = options.spatialRatio * latentWidth;
  const plane = height * width;
  const frames = plan.outputFrames;
  const out = new Float32Array(3 * frames * plane);

  // The previous tile's trailing frames (after its own drop and blend), which the next tile's head blends with.
  let tail: { data: Float32Array; frames: number } | undefined;
  for (const tile of plan.tiles) {
    const video = await decoder.decodeFrames(tile.latentStart, tile.latentEnd);
    const decoded = tile.frames + (tile.dropFirstFrame ? 1 : 0);
    const first = tile.dropFirstFrame ? 1 : 0;
    const at = (c: number, f: number) => (c * decoded + first + f) * plane;
    if (tile.blendFrames > 0 && tail) {
      const e = tile.blendFrames;
      for (let c = 0; c < 3; c++) {
        for (let f = 0; f < e; f++) {
          const w = newerWeight(f, e);
          const dst = at(c, f);
          const src = (c * tail.frames + tail.frames - e + f) * plane;
          for (let i = 0; i < plane; i++) video[dst + i] = tail.data[src + i]! * (1 - w) + video[dst + i]! * w;
        }
      }
    }
    for (let c = 0; c < 3; c++) {
      out.set(video.subarray(at(c, 0), at(c, tile.keepFrames)), (c * frames + tile.outputStart) * plane);
    }
    const tailFrames = Math.min(options.tiling.blend_frames, tile.frames);
    const tailData = new Float32Array(3 * tailFrames * plane);
    for (let c = 0; c < 3; c++) tailData.set(video.subarray(at(c, tile.frames - tailFrames), at(c, tile.frames)), c * tailFrames * plane);
    tail = { data: tailData, frames: tailFrames };
  }
  return { data: out, frames, height, width };
}
