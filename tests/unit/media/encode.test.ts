import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EngineError, type GenerationRecord } from '../../../electron/engine/api.js';
import { encodeMp4, extractFrames, padToEven, parseFfmetadata, readClipMetadata, sidecarPath, type ClipFrames } from '../../../electron/media/index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hyvideo-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.HYVIDEO_FFMPEG;
});

/** Smooth colour ramps that move over time: little for H.264 to lose, so the round trip can be checked closely. */
function gradientClip(width: number, height: number, frameCount: number): ClipFrames {
  const frames = new Uint8Array(frameCount * height * width * 3);
  for (let f = 0; f < frameCount; f++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = ((f * height + y) * width + x) * 3;
        frames[i] = Math.round((255 * x) / (width - 1));
        frames[i + 1] = Math.round((255 * y) / (height - 1));
        frames[i + 2] = Math.round((255 * f) / Math.max(1, frameCount - 1));
      }
    }
  }
  return { frames, width, height, frameCount };
}

const record: GenerationRecord = {
  prompt: 'A red "circle" = moves; left # over a \\ grid\nnew line', negativePrompt: '', seed: 42, steps: 20, shift: 5, guidance: 4, cfgScale: 1,
  width: 64, height: 48, frames: 9, fps: 8, pack: { id: 'hyvideo-small-world', version: '0.1.0', sha256: 'f'.repeat(64) }, provider: 'cpu',
  timings: { textMs: 1, denoiseMs: 2, decodeMs: 3, totalMs: 6 }, noise: { prng: 'philox4x32-10+box-muller/f32', seed: 42 },
  caption: { fields: { short: 'A red circle' }, camera: 'pan-left' },
};

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe('encodeMp4 / extractFrames', () => {
  it('round-trips frames through H.264 yuv420p closely', async () => {
    const clip = gradientClip(64, 48, 9);
    const out = await encodeMp4(clip, path.join(dir, 'round.mp4'), { fps: 8, crf: 0, preset: 'veryfast' });
    expect(out).toMatchObject({ width: 64, height: 48 });
    expect(out.bytes).toBeGreaterThan(0);
    const back = await extractFrames(out.path);
    expect([back.width, back.height, back.frameCount]).toEqual([64, 48, 9]);
    // Chroma subsampling and the RGB↔YUV conversion cost about a level on smooth ramps.
    expect(meanAbsDiff(back.frames, clip.frames)).toBeLessThan(2);
  });

  it('pads odd sizes to even by repeating the last row and column', async () => {
    const clip = gradientClip(33, 17, 5);
    const padded = padToEven(clip);
    expect([padded.width, padded.height]).toEqual([34, 18]);
    const px = (c: ClipFrames, f: number, y: number, x: number) => [...c.frames.subarray(((f * c.height + y) * c.width + x) * 3, ((f * c.height + y) * c.width + x) * 3 + 3)];
    expect(px(padded, 2, 5, 33)).toEqual(px(clip, 2, 5, 32));
    expect(px(padded, 4, 17, 10)).toEqual(px(clip, 4, 16, 10));
    expect(px(padded, 1, 3, 4)).toEqual(px(clip, 1, 3, 4));
    const out = await encodeMp4(clip, path.join(dir, 'odd.mp4'), { fps: 8, preset: 'ultrafast' });
    const back = await extractFrames(out.path);
    expect([back.width, back.height, back.frameCount]).toEqual([34, 18, 5]);
  });

  it('embeds the record as MP4 metadata, writes a sidecar, and reads both back', async () => {
    const target = path.join(dir, 'meta.mp4');
    const out = await encodeMp4(gradientClip(64, 48, 9), target, { fps: 8, record, preset: 'ultrafast' });
    expect(out.sidecarPath).toBe(path.join(dir, 'meta.json'));
    expect(await readClipMetadata(target)).toEqual(record);
    // The embedded copy alone is enough.
    rmSync(sidecarPath(target));
    expect(await readClipMetadata(target)).toEqual(record);
  });

  it('falls back to the sidecar when the MP4 has no record, and gives null when there is none', async () => {
    const target = path.join(dir, 'bare.mp4');
    await encodeMp4(gradientClip(16, 16, 1), target, { fps: 8, preset: 'ultrafast' });
    expect(existsSync(sidecarPath(target))).toBe(false);
    expect(await readClipMetadata(target)).toBeNull();
    writeFileSync(sidecarPath(target), JSON.stringify(record));
    expect(await readClipMetadata(target)).toEqual(record);
  });

  it('rejects frames that do not match their size', async () => {
    const clip = { ...gradientClip(16, 16, 2), frameCount: 3 };
    await expect(encodeMp4(clip, path.join(dir, 'bad.mp4'), { fps: 8 })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('an ffmpeg failure leaves no file behind and says why', async () => {
    const target = path.join(dir, 'missing-dir', 'x.mp4');
    const error = await encodeMp4(gradientClip(16, 16, 2), target, { fps: 8 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).message).toMatch(/ffmpeg could not encode .*x\.mp4/);
    expect(existsSync(target)).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('a full disk is disk-full, and the partial file is removed', async () => {
    const fake = path.join(dir, 'fake-ffmpeg.sh');
    writeFileSync(fake, '#!/bin/sh\nfor a; do out="$a"; done\ncat > /dev/null\necho partial > "$out"\necho "av_interleaved_write_frame(): No space left on device" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    process.env.HYVIDEO_FFMPEG = fake;
    const full = path.join(dir, 'full');
    rmSync(full, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(full);
    const error = await encodeMp4(gradientClip(16, 16, 2), path.join(full, 'clip.mp4'), { fps: 8, record }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('disk-full');
    expect((error as EngineError).message).toMatch(/the disk is full/);
    expect(readdirSync(full)).toEqual([]);
  });
});

describe('parseFfmetadata', () => {
  it('undoes ffmpeg escaping, including escaped newlines inside a value', () => {
    const text = ';FFMETADATA1\nmajor_brand=isom\ncomment={"a\\=b"\\;"c\\#"\\\\x\\\nnext}\nencoder=Lavf58\n[CHAPTER]\ntitle=ignored\n';
    expect(parseFfmetadata(text)).toEqual({ major_brand: 'isom', comment: '{"a=b";"c#"\\x\nnext}', encoder: 'Lavf58' });
  });
});
