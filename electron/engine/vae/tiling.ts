// Tiled VAE decoding plans (spec §4.7, HV `temporal_tiled_decode` / `spatial_tiled_decode`), with the tile sizes
// taken from the pack's `vae_tiling` instead of HV's constants (17-frame / 32×32 latent tiles). Pure functions: the
// decoder (vae/decode.ts) follows the plan; the tests prove that the kept spans cover every output frame and pixel
// exactly once and that each blend lines up the same output positions of both neighbours.
//
// HV's rules, reproduced:
// - temporal tiling runs when T_lat > tile_latent_frames; tile i decodes latents [i·stride, i·stride + tile + 1)
//   (one frame more than the tile size: the causal VAE's first latent frame decodes to a single picture);
//   tiles after the first drop their first decoded frame, blend their first `blend` frames linearly with the
//   previous tile's last ones, and keep r·stride frames (the first tile keeps one more, its causal head);
// - spatial tiling runs when H_lat or W_lat > tile_latent_size; tile (i, j) decodes latents
//   [i·stride, i·stride + tile) × [j·stride, j·stride + tile), blends its top rows with the tile above and its left
//   columns with the tile to the left (both already blended), and keeps its top-left s·stride pixels;
// - a blend spans min(previous tile, this tile, blend) positions, weight x/blend for the newer tile.
// One departure: HV also decodes a final temporal tile that would contribute no frame (when (T−1) is a multiple of
// the stride); the plan leaves it out, which changes no output value.

import { EngineError } from '../api.js';

export interface VaeTilingConfig {
  tile_latent_frames: number;
  tile_latent_stride_frames: number;
  blend_frames: number;
  tile_latent_size: number;
  tile_latent_stride: number;
  blend_pixels: number;
}

export interface TemporalTile {
  /** Latent frames [latentStart, latentEnd) fed to the decoder. */
  latentStart: number;
  latentEnd: number;
  /** Tiles after the first drop their first decoded frame, a causal head that repeats the previous tile's content. */
  dropFirstFrame: boolean;
  /** Decoded frames after the drop. */
  frames: number;
  /** Leading frames blended with the previous tile's trailing ones (0 for the first tile). */
  blendFrames: number;
  /** Leading frames (after the drop) written to the output. */
  keepFrames: number;
  /** Output frame of this tile's first frame after the drop. */
  outputStart: number;
}

export interface TemporalPlan {
  tiled: boolean;
  tiles: TemporalTile[];
  outputFrames: number;
}

export interface SpatialTile {
  row: number;
  col: number;
  latentY: number;
  latentX: number;
  latentHeight: number;
  latentWidth: number;
  /** Decoded size of the tile in pixels. */
  height: number;
  width: number;
  /** Top rows blended with the tile above, left columns with the tile to the left (0 on the first row / column). */
  blendTop: number;
  blendLeft: number;
  /** Top-left region written to the output. */
  keepHeight: number;
  keepWidth: number;
  outputY: number;
  outputX: number;
}

export interface SpatialPlan {
  tiled: boolean;
  /** Tiles in raster order, row by row. */
  rows: SpatialTile[][];
  outputHeight: number;
  outputWidth: number;
}

/** Decoded frames for `latentFrames` causal latent frames: 4(T−1)+1 for HV's VAE (spec §4.1). */
export function decodedFrameCount(latentFrames: number, temporalRatio: number): number {
  return temporalRatio * (latentFrames - 1) + 1;
}

function tilingError(message: string): EngineError {
  return new EngineError('pack-manifest', `manifest.json: vae_tiling: ${message}`);
}

/**
 * HV's blend only lines up the two neighbours' same output positions when blend = ratio·(tile − stride) (16 =
 * 4·(16 − 12) and 64 = 8·(32 − 24) in HV); any other value would mix different frames, so packs must satisfy it.
 */
export function checkVaeTiling(tiling: VaeTilingConfig, temporalRatio: number, spatialRatio: number): void {
  const { tile_latent_frames: tileT, tile_latent_stride_frames: strideT, blend_frames: blendT } = tiling;
  const { tile_latent_size: tileS, tile_latent_stride: strideS, blend_pixels: blendS } = tiling;
  if (!(strideT >= 1 && strideT <= tileT)) throw tilingError(`tile_latent_stride_frames (${strideT}) must be in [1, tile_latent_frames = ${tileT}]`);
  if (!(strideS >= 1 && strideS <= tileS)) throw tilingError(`tile_latent_stride (${strideS}) must be in [1, tile_latent_size = ${tileS}]`);
  if (blendT !== temporalRatio * (tileT - strideT)) {
    throw tilingError(`blend_frames (${blendT}) must equal ${temporalRatio}·(tile_latent_frames − tile_latent_stride_frames) = ${temporalRatio * (tileT - strideT)} for the blended frames to line up`);
  }
  if (blendS !== spatialRatio * (tileS - strideS)) {
    throw tilingError(`blend_pixels (${blendS}) must equal ${spatialRatio}·(tile_latent_size − tile_latent_stride) = ${spatialRatio * (tileS - strideS)} for the blended pixels to line up`);
  }
}

/** The whole clip as one tile: what untiled decoding does, and tiling when the clip fits one tile. */
export function wholeClipPlan(latentFrames: number, temporalRatio: number): TemporalPlan {
  const outputFrames = decodedFrameCount(latentFrames, temporalRatio);
  const whole: TemporalTile = {
    latentStart: 0, latentEnd: latentFrames, dropFirstFrame: false, frames: outputFrames,
    blendFrames: 0, keepFrames: outputFrames, outputStart: 0,
  };
  return { tiled: false, tiles: [whole], outputFrames };
}

export function planTemporalTiles(latentFrames: number, tiling: VaeTilingConfig, temporalRatio: number): TemporalPlan {
  if (latentFrames <= tiling.tile_latent_frames) return wholeClipPlan(latentFrames, temporalRatio);
  const outputFrames = decodedFrameCount(latentFrames, temporalRatio);
  const stride = tiling.tile_latent_stride_frames;
  const keepLimit = temporalRatio * stride;
  const tiles: TemporalTile[] = [];
  // Tile i first contributes output frame r·i·stride + 1; once that lies past the last frame r·(T−1), stop.
  for (let start = 0; start === 0 || start < latentFrames - 1; start += stride) {
    const end = Math.min(start + tiling.tile_latent_frames + 1, latentFrames);
    const first = start === 0;
    const frames = decodedFrameCount(end - start, temporalRatio) - (first ? 0 : 1);
    const previous = tiles.at(-1);
    tiles.push({
      latentStart: start,
      latentEnd: end,
      dropFirstFrame: !first,
      frames,
      blendFrames: previous ? Math.min(previous.frames, frames, tiling.blend_frames) : 0,
      keepFrames: Math.min(frames, first ? keepLimit + 1 : keepLimit),
      outputStart: first ? 0 : temporalRatio * start + 1,
    });
  }
  return { tiled: true, tiles, outputFrames };
}

export function planSpatialTiles(latentHeight: number, latentWidth: number, tiling: VaeTilingConfig, spatialRatio: number): SpatialPlan {
  const outputHeight = spatialRatio * latentHeight;
  const outputWidth = spatialRatio * latentWidth;
  const tileSize = tiling.tile_latent_size;
  if (latentHeight <= tileSize && latentWidth <= tileSize) {
    const whole: SpatialTile = {
      row: 0, col: 0, latentY: 0, latentX: 0, latentHeight, latentWidth, height: outputHeight, width: outputWidth,
      blendTop: 0, blendLeft: 0, keepHeight: outputHeight, keepWidth: outputWidth, outputY: 0, outputX: 0,
    };
    return { tiled: false, rows: [[whole]], outputHeight, outputWidth };
  }
  const stride = tiling.tile_latent_stride;
  const keepLimit = spatialRatio * stride;
  const rows: SpatialTile[][] = [];
  for (let y = 0, row = 0; y < latentHeight; y += stride, row++) {
    const tiles: SpatialTile[] = [];
    for (let x = 0, col = 0; x < latentWidth; x += stride, col++) {
      const latentTileHeight = Math.min(tileSize, latentHeight - y);
      const latentTileWidth = Math.min(tileSize, latentWidth - x);
      const height = spatialRatio * latentTileHeight;
      const width = spatialRatio * latentTileWidth;
      const above = rows[row - 1]?.[col];
      const left = tiles[col - 1];
      tiles.push({
        row, col, latentY: y, latentX: x, latentHeight: latentTileHeight, latentWidth: latentTileWidth, height, width,
        blendTop: above ? Math.min(above.height, height, tiling.blend_pixels) : 0,
        blendLeft: left ? Math.min(left.width, width, tiling.blend_pixels) : 0,
        keepHeight: Math.min(height, keepLimit),
        keepWidth: Math.min(width, keepLimit),
        outputY: spatialRatio * y,
        outputX: spatialRatio * x,
      });
    }
    rows.push(tiles);
  }
  return { tiled: true, rows, outputHeight, outputWidth };
}
