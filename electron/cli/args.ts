// Command-line flags of `npm run generate`, parsed into a typed request without touching the engine, so every bad
// flag is reported with the flag's name before any model is loaded.

import { parseArgs } from 'node:util';
import type { CameraMoveId } from '../engine/api.js';
import type { ProviderPreference } from '../engine/providers.js';
import { captionSchema } from '../shared/caption/index.js';

export interface GenerateOptions {
  prompt: string;
  camera?: CameraMoveId;
  seed?: number;
  frames?: number;
  width?: number;
  height?: number;
  steps?: number;
  shift?: number;
  guidance?: number;
  cfgScale?: number;
  negativePrompt?: string;
  fps?: number;
  out?: string;
  json: boolean;
  pack?: string;
  provider: ProviderPreference;
  help: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: npm run generate -- --prompt "..." [options]

  --prompt TEXT        what the clip shows (required)
  --camera MOVE        append the camera sentence for MOVE (${captionSchema.camera_moves.map((m) => m.id).join(', ')})
  --seed N             noise seed, an integer in [0, 4294967295] (default: random)
  --frames N           frame count, 4k+1 and offered by the pack (default: the pack's)
  --size WxH           frame size offered by the pack, e.g. 64x64 (default: the pack's)
  --steps N            denoising steps (default: the pack's)
  --shift S            sigma schedule shift (default: the pack's)
  --guidance G         embedded guidance scale (default: the pack's)
  --cfg C              true classifier-free guidance scale; > 1 runs the DiT twice per step
  --negative TEXT      negative prompt for --cfg > 1 (default: the pack's)
  --fps N              frames per second of the MP4 (default: the pack's)
  --out FILE           output MP4 (default: hyvideo-<seed>.mp4)
  --pack DIR|ID        model pack folder or id (default: native-models/packs/hyvideo-small)
  --provider P         auto (default: a GPU provider when installed, else CPU), cpu, cuda or dml
  --json               one JSON line per event on stdout instead of a progress bar
  --help               this text
`;

function number(flag: string, text: string | undefined, rule: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${flag} expects a number, got "${text}"`);
  if (rule.integer && !Number.isInteger(value)) throw new UsageError(`--${flag} expects an integer, got "${text}"`);
  if (rule.min !== undefined && value < rule.min) throw new UsageError(`--${flag} must be ≥ ${rule.min}, got ${text}`);
  if (rule.max !== undefined && value > rule.max) throw new UsageError(`--${flag} must be ≤ ${rule.max}, got ${text}`);
  return value;
}

export function parseGenerateArgs(argv: readonly string[]): GenerateOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        prompt: { type: 'string' },
        camera: { type: 'string' },
        seed: { type: 'string' },
        frames: { type: 'string' },
        size: { type: 'string' },
        steps: { type: 'string' },
        shift: { type: 'string' },
        guidance: { type: 'string' },
        cfg: { type: 'string' },
        negative: { type: 'string' },
        fps: { type: 'string' },
        out: { type: 'string' },
        pack: { type: 'string' },
        provider: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  if (values.help) return { prompt: '', json: false, provider: 'auto', help: true };
  if (values.prompt === undefined || values.prompt.trim() === '') throw new UsageError('--prompt is required');

  let width: number | undefined;
  let height: number | undefined;
  if (values.size !== undefined) {
    const match = /^(\d+)x(\d+)$/i.exec(values.size.trim());
    if (!match) throw new UsageError(`--size expects WIDTHxHEIGHT, e.g. 64x64, got "${values.size}"`);
    width = Number(match[1]);
    height = Number(match[2]);
  }
  const camera = values.camera;
  if (camera !== undefined && !captionSchema.camera_moves.some((m) => m.id === camera)) {
    throw new UsageError(`--camera "${camera}" is not a camera move (${captionSchema.camera_moves.map((m) => m.id).join(', ')})`);
  }
  const provider = values.provider ?? 'auto';
  if (!['cpu', 'auto', 'cuda', 'dml'].includes(provider)) throw new UsageError(`--provider expects cpu, auto, cuda or dml, got "${provider}"`);
  const cfgScale = number('cfg', values.cfg, { min: 1 });
  if (values.negative !== undefined && (cfgScale ?? 1) <= 1) throw new UsageError('--negative only takes effect with --cfg > 1');

  return {
    prompt: values.prompt,
    ...(camera !== undefined ? { camera: camera as CameraMoveId } : {}),
    seed: number('seed', values.seed, { integer: true, min: 0, max: 0xffffffff }),
    frames: number('frames', values.frames, { integer: true, min: 1 }),
    width,
    height,
    steps: number('steps', values.steps, { integer: true, min: 1, max: 1000 }),
    shift: number('shift', values.shift, { min: Number.MIN_VALUE }),
    guidance: number('guidance', values.guidance, { min: 0 }),
    cfgScale,
    negativePrompt: values.negative,
    fps: number('fps', values.fps, { min: Number.MIN_VALUE, max: 240 }),
    out: values.out,
    json: values.json ?? false,
    pack: values.pack,
    provider: provider as ProviderPreference,
    help: false,
  };
}
