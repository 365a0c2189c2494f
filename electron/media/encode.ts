// Frames → MP4 (H.264, yuv420p, faststart) with the generation record embedded, so every clip carries what is
// needed to make it again. The file appears only when complete: ffmpeg writes a temporary file next to the target,
// which is renamed into place on success and removed on any failure (a full disk included).

import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError, type GenerationRecord } from '../engine/api.js';
import { ffmpegErrorTail, runFfmpeg } from './ffmpeg.js';
import { sidecarPath } from './metadata.js';

/** RGB frames as the engine produces them: [frameCount, height, width, 3] uint8, row-major. */
export interface ClipFrames {
  frames: Uint8Array;
  width: number;
  height: number;
  frameCount: number;
}

export interface EncodeOptions {
  fps: number;
  /** Embedded as the MP4 `comment` tag (JSON) and written as a .json sidecar next to the clip. */
  record?: GenerationRecord;
  /** x264 constant rate factor: 0 is lossless luma, 18 is visually lossless (default), 23 is x264's default. */
  crf?: number;
  preset?: 'ultrafast' | 'veryfast' | 'fast' | 'medium' | 'slow';
  /** Write the .json sidecar (default true when a record is given). */
  sidecar?: boolean;
}

export interface EncodedClip {
  path: string;
  sidecarPath?: string;
  bytes: number;
  /** The encoded size: odd sizes are padded to even ones for yuv420p. */
  width: number;
  height: number;
}

/**
 * yuv420p subsamples chroma 2×2, so x264 refuses odd sizes; the last row and column are repeated rather than
 * cropped, so no generated pixel is lost (the record keeps the true size).
 */
export function padToEven(clip: ClipFrames): ClipFrames {
  const width = clip.width + (clip.width % 2);
  const height = clip.height + (clip.height % 2);
  if (width === clip.width && height === clip.height) return clip;
  const frames = new Uint8Array(clip.frameCount * height * width * 3);
  for (let f = 0; f < clip.frameCount; f++) {
    for (let y = 0; y < height; y++) {
      const sy = Math.min(y, clip.height - 1);
      const src = ((f * clip.height + sy) * clip.width) * 3;
      const dst = ((f * height + y) * width) * 3;
      frames.set(clip.frames.subarray(src, src + clip.width * 3), dst);
      if (width > clip.width) frames.copyWithin(dst + clip.width * 3, dst + (clip.width - 1) * 3, dst + clip.width * 3);
    }
  }
  return { frames, width, height, frameCount: clip.frameCount };
}

function isDiskFull(text: string): boolean {
  return /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/i.test(text);
}

function checkFrames(clip: ClipFrames): void {
  const expected = clip.frameCount * clip.width * clip.height * 3;
  if (!(clip.width > 0 && clip.height > 0 && clip.frameCount > 0) || clip.frames.length !== expected) {
    throw new EngineError('bad-request', `frames hold ${clip.frames.length} bytes, ${clip.frameCount}×${clip.height}×${clip.width}×3 = ${expected} expected`);
  }
}

export async function encodeMp4(clip: ClipFrames, outPath: string, options: EncodeOptions): Promise<EncodedClip> {
  checkFrames(clip);
  if (!(options.fps > 0)) throw new EngineError('bad-request', `fps must be > 0, got ${options.fps}`);
  const even = padToEven(clip);
  const target = path.resolve(outPath);
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
  const args = [
    '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${even.width}x${even.height}`, '-r', String(options.fps), '-i', 'pipe:0',
    '-an', '-c:v', 'libx264', '-preset', options.preset ?? 'medium', '-crf', String(options.crf ?? 18), '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart',
    ...(options.record ? ['-metadata', `comment=${JSON.stringify(options.record)}`] : []),
    '-f', 'mp4', temp,
  ];
  const wantsSidecar = options.record !== undefined && options.sidecar !== false;
  const sidecar = sidecarPath(target);
  const sidecarTemp = `${temp}.json`;
  try {
    const run = await runFfmpeg(args, even.frames);
    if (run.code !== 0) {
      const tail = ffmpegErrorTail(run.stderr);
      if (isDiskFull(run.stderr)) throw new EngineError('disk-full', `cannot write ${target}: the disk is full (${tail})`);
      throw new EngineError('internal', `ffmpeg could not encode ${target} (exit ${run.code}): ${tail}`);
    }
    if (wantsSidecar) await writeFile(sidecarTemp, `${JSON.stringify(options.record, null, 2)}\n`);
    await rename(temp, target);
    if (wantsSidecar) await rename(sidecarTemp, sidecar);
    const { size } = await stat(target);
    return { path: target, ...(wantsSidecar ? { sidecarPath: sidecar } : {}), bytes: size, width: even.width, height: even.height };
  } catch (error) {
    await Promise.all([rm(temp, { force: true }), rm(sidecarTemp, { force: true })]);
    if (error instanceof EngineError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new EngineError('disk-full', `cannot write ${target}: the disk is full`);
    throw new EngineError('internal', `cannot write ${target}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
