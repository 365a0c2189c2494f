// `npm run generate -- --prompt "..."`: one clip from the command line, through the same engine, caption builder
// and encoder as the app. Exit codes: 0 done, 1 generation failed, 2 bad flags or request, 3 pack problem,
// 5 the MP4 could not be written, 130 cancelled (Ctrl-C).

import { randomInt } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError, type EngineErrorCode, type GenerationRequest } from '../engine/api.js';
import { createEngine } from '../engine/index.js';
import { encodeMp4 } from '../media/encode.js';
import { buildCaption } from '../shared/caption/index.js';
import { parseGenerateArgs, USAGE, UsageError, type GenerateOptions } from './args.js';
import { jsonReporter, plainReporter, progressBarReporter, type Reporter } from './progress.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLED_PACKS = path.join(REPO_ROOT, 'native-models', 'packs');
export const EMBEDDED_PACK = path.join(BUNDLED_PACKS, 'hyvideo-small');

export const EXIT = { ok: 0, failed: 1, usage: 2, pack: 3, write: 5, cancelled: 130 } as const;

export function exitCodeFor(code: EngineErrorCode): number {
  if (code === 'bad-request') return EXIT.usage;
  if (code.startsWith('pack-')) return EXIT.pack;
  if (code === 'cancelled') return EXIT.cancelled;
  if (code === 'disk-full') return EXIT.write;
  return EXIT.failed;
}

/** --pack is a folder (a pack, or a folder of packs) when one exists at that path, else a pack id in the bundled folder. */
async function packLocation(pack: string | undefined): Promise<{ packDirs: string[]; packId?: string }> {
  if (pack === undefined) return { packDirs: [EMBEDDED_PACK] };
  const isDir = await stat(pack).then((s) => s.isDirectory(), () => false);
  return isDir ? { packDirs: [path.resolve(pack)] } : { packDirs: [BUNDLED_PACKS], packId: pack };
}

function request(options: GenerateOptions, seed: number, packId: string | undefined): GenerationRequest {
  // --camera goes through the shared caption rule, so the sentence is worded exactly as in training (spec §7.3).
  const prompt = options.camera ? buildCaption({ dense: options.prompt }, options.camera) : options.prompt;
  return {
    prompt,
    seed,
    ...(packId !== undefined ? { packId } : {}),
    ...(options.negativePrompt !== undefined ? { negativePrompt: options.negativePrompt } : {}),
    width: options.width,
    height: options.height,
    frames: options.frames,
    steps: options.steps,
    shift: options.shift,
    guidance: options.guidance,
    cfgScale: options.cfgScale,
    fps: options.fps,
    ...(options.camera ? { caption: { fields: { dense: options.prompt }, camera: options.camera } } : {}),
  };
}

export interface CliStreams {
  stdout: NodeJS.WritableStream;
  /** A progress bar is drawn only when stderr is a terminal. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function main(argv: readonly string[], io: CliStreams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let options: GenerateOptions;
  try {
    options = parseGenerateArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (options.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }

  const report: Reporter = options.json
    ? jsonReporter((line) => io.stdout.write(`${line}\n`))
    : io.stderr.isTTY
      ? progressBarReporter(io.stderr)
      : plainReporter(io.stderr);
  // The engine reports its own failures as events; encoding failures happen after it, so --json reports them here.
  const fail = (error: EngineError, reportedAsEvent: boolean): number => {
    if (!options.json) io.stderr.write(`error (${error.code}): ${error.message}\n`);
    else if (!reportedAsEvent) io.stdout.write(`${JSON.stringify({ type: 'failed', jobId: 'cli', reason: error.message, code: error.code })}\n`);
    return exitCodeFor(error.code);
  };

  const seed = options.seed ?? randomInt(0, 2 ** 32);
  const { packDirs, packId } = await packLocation(options.pack);
  const engine = createEngine({ packDirs, provider: options.provider });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    let result;
    try {
      result = await engine.generate('cli', request(options, seed, packId), { onEvent: report, signal: controller.signal });
    } catch (error) {
      if (error instanceof EngineError) return fail(error, true);
      throw error;
    }
    report({ type: 'stage', jobId: 'cli', stage: 'encode' });
    const out = options.out ?? `hyvideo-${seed}.mp4`;
    try {
      const clip = await encodeMp4(result, out, { fps: result.record.fps, record: result.record });
      report({ type: 'saved', path: clip.path, bytes: clip.bytes });
    } catch (error) {
      if (error instanceof EngineError) return fail(error, false);
      throw error;
    }
    return EXIT.ok;
  } finally {
    process.off('SIGINT', onSigint);
    await engine.dispose();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
