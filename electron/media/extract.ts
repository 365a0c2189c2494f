// MP4 → RGB frames through ffmpeg's rawvideo output: the encoder's round-trip tests and tools that inspect clips.

import { EngineError } from '../engine/api.js';
import type { ClipFrames } from './encode.js';
import { ffmpegErrorTail, runFfmpeg } from './ffmpeg.js';

export async function extractFrames(clipPath: string): Promise<ClipFrames> {
  // -loglevel info prints the output stream's size ("Output #0 … Video: rawvideo …, rgb24, 64x64"), which raw bytes lack.
  const run = await runFfmpeg(['-loglevel', 'info', '-i', clipPath, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  if (run.code !== 0) throw new EngineError('internal', `ffmpeg could not read ${clipPath}: ${ffmpegErrorTail(run.stderr)}`);
  const output = run.stderr.slice(run.stderr.indexOf('Output #0'));
  const size = /Video: rawvideo[^\n]*?, (\d+)x(\d+)/.exec(output);
  if (!size) throw new EngineError('internal', `cannot find the frame size of ${clipPath} in ffmpeg's output`);
  const width = Number(size[1]);
  const height = Number(size[2]);
  const frameBytes = width * height * 3;
  const frames = new Uint8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.length - (run.stdout.length % frameBytes));
  return { frames: frames.slice(), width, height, frameCount: frames.length / frameBytes };
}
