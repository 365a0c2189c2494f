// Turns a generation result into the MP4 in the output folder, with the generation record embedded (and its
// .json sidecar), through electron/media's encoder. Runs in the engine process, so the frames never cross a
// process boundary.
import type { GenerationResult } from '../engine/api.js';
import { encodeMp4 } from '../media/encode.js';

export async function encodeClip(result: GenerationResult, outputFile: string): Promise<void> {
  const { frames, width, height, frameCount, record } = result;
  await encodeMp4({ frames, width, height, frameCount }, outputFile, { fps: record.fps, record });
}
