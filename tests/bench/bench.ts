// `npm run bench`: the embedded pack at its defaults, prompt → MP4, measured twice (cold: loading the graphs
// included; warm: sessions reused, as every job after the first). Prints seconds per DiT step, how much of the job
// is spent outside session.run (the engine's own overhead), peak RSS, and — when the PyTorch reference is installed
// (native-models/.venv and native-models/reference_generate.py) — the same generation through it, as a ratio.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EMBEDDED_PACK } from '../../electron/cli/generate.js';
import type { GenerationResult } from '../../electron/engine/api.js';
import { createEngine } from '../../electron/engine/index.js';
import { readPack } from '../../electron/engine/pack/load.js';
import type { GraphKey } from '../../electron/engine/pack/manifest.js';
import { physicalCoreCount } from '../../electron/engine/providers.js';
import { encodeMp4 } from '../../electron/media/encode.js';

const PROMPT = 'A red circle moves left over a muted grid pattern. The camera pans left.';
const SEED = 7;
const REPO = path.resolve(path.dirname(EMBEDDED_PACK), '..', '..');
const VENV_PYTHON = path.join(REPO, 'native-models', '.venv', process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
const REFERENCE = path.join(REPO, 'native-models', 'reference_generate.py');

interface GraphTime {
  calls: number;
  ms: number;
}

interface Run {
  wallMs: number;
  generateMs: number;
  encodeMs: number;
  graphs: Map<GraphKey, GraphTime>;
  result: GenerationResult;
}

const out = mkdtempSync(path.join(os.tmpdir(), 'hyvideo-bench-'));
let graphs = new Map<GraphKey, GraphTime>();
const engine = createEngine({
  packDirs: [EMBEDDED_PACK],
  onGraphRun: (graph, ms) => {
    const t = graphs.get(graph) ?? { calls: 0, ms: 0 };
    t.calls++;
    t.ms += ms;
    graphs.set(graph, t);
  },
});

async function run(label: string): Promise<Run> {
  graphs = new Map();
  const start = performance.now();
  const result = await engine.generate(label, { prompt: PROMPT, seed: SEED }, { onEvent: () => undefined });
  const generated = performance.now();
  await encodeMp4(result, path.join(out, `${label}.mp4`), { fps: result.record.fps, record: result.record });
  const end = performance.now();
  return { wallMs: end - start, generateMs: generated - start, encodeMs: end - generated, graphs, result };
}

function sessionRunMs(r: Run): number {
  return [...r.graphs.values()].reduce((sum, t) => sum + t.ms, 0);
}

interface Reference {
  note: string;
  wallMs?: number;
  /** Generation alone, model loaded (reference_generate.py prints its own split). */
  generateMs?: number;
}

/** The PyTorch reference, same prompt and settings, timed as a whole process (Python start and model load included). */
function reference(settings: { steps: number; frames: number; width: number; height: number; shift: number; guidance: number }): Reference {
  if (!existsSync(VENV_PYTHON)) return { note: 'skipped: native-models/.venv is missing (npm run python:setup)' };
  if (!existsSync(REFERENCE)) return { note: 'skipped: native-models/reference_generate.py is missing' };
  const args = [REFERENCE, '--prompt', PROMPT, '--seed', String(SEED), '--steps', String(settings.steps), '--frames', String(settings.frames),
    '--width', String(settings.width), '--height', String(settings.height), '--shift', String(settings.shift), '--guidance', String(settings.guidance),
    '--out', path.join(out, 'reference.mp4')];
  const start = performance.now();
  const child = spawnSync(VENV_PYTHON, args, { cwd: REPO, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(physicalCoreCount()) } });
  const wallMs = performance.now() - start;
  if (child.status !== 0) return { note: `failed (exit ${child.status}): ${(child.stderr || child.stdout).trim().split('\n').slice(-2).join(' | ')}` };
  const note = `python ${path.relative(REPO, REFERENCE)} ${args.slice(1, -2).map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}`;
  const split = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { generate_s?: number };
  return { note, wallMs, generateMs: split.generate_s === undefined ? undefined : split.generate_s * 1000 };
}

interface DecodeMemory {
  latentFrames: number;
  frames: number;
  tiled: boolean;
  ms: number;
  baselineRssMiB: number;
  peakRssMiB: number;
}

/** Peak RSS of one decode per fresh process (tests/bench/decode-memory.ts), tiled and not, as clips grow. */
function decodeMemory(): DecodeMemory[] {
  const script = path.join(REPO, 'tests', 'bench', 'decode-memory.ts');
  const tsx = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const rows: DecodeMemory[] = [];
  for (const latentFrames of [5, 9, 17, 33]) {
    for (const tiled of [true, false]) {
      const child = spawnSync(process.execPath, [tsx, script, EMBEDDED_PACK, String(latentFrames), tiled ? '1' : '0'], { cwd: REPO, encoding: 'utf8' });
      const line = child.stdout.trim().split('\n').pop() ?? '';
      if (child.status === 0 && line.startsWith('{')) rows.push(JSON.parse(line) as DecodeMemory);
      else console.error(`decode-memory ${latentFrames} ${tiled}: exit ${child.status}: ${child.stderr.trim().split('\n').pop()}`);
    }
  }
  return rows;
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

async function main(): Promise<void> {
  if (!existsSync(path.join(EMBEDDED_PACK, 'manifest.json'))) {
    console.error(`No pack at ${EMBEDDED_PACK}; export it first (native-models/export.py).`);
    process.exitCode = 1;
    return;
  }
  const manifest = (await readPack(EMBEDDED_PACK)).manifest;
  const d = manifest.defaults;
  console.log(`HyVideo engine bench — pack ${manifest.id} ${manifest.version}, ${d.width}×${d.height}×${d.frames}, ${d.steps} steps, shift ${d.shift}, guidance ${d.guidance}`);
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} (${os.availableParallelism()} logical, ${physicalCoreCount()} physical cores used as intra-op threads)\n`);

  const cold = await run('cold');
  const warm = await run('warm');
  const rows: Array<[string, string, string]> = [];
  const both = (name: string, f: (r: Run) => string) => rows.push([name, f(cold), f(warm)]);
  both('wall time, prompt → MP4', (r) => fmtMs(r.wallMs));
  both('  load (graphs, tokenizers, sha256)', (r) => fmtMs(r.generateMs - r.result.record.timings.textMs - r.result.record.timings.denoiseMs - r.result.record.timings.decodeMs));
  both('  text encoders', (r) => fmtMs(r.result.record.timings.textMs));
  both('  denoising', (r) => fmtMs(r.result.record.timings.denoiseMs));
  both('  VAE decode', (r) => fmtMs(r.result.record.timings.decodeMs));
  both('  MP4 encode', (r) => fmtMs(r.encodeMs));
  both('seconds per DiT step (loop time / steps)', (r) => (r.result.record.timings.denoiseMs / 1000 / r.result.record.steps).toFixed(4));
  both('  of which dit session.run', (r) => {
    const t = r.graphs.get('dit');
    return t ? (t.ms / 1000 / t.calls).toFixed(4) : '–';
  });
  both('graph calls (llm/clip/dit/vae)', (r) => ['text_llm', 'text_clip', 'dit', 'vae_decoder'].map((g) => r.graphs.get(g as GraphKey)?.calls ?? 0).join('/'));
  both('time outside session.run (generate only)', (r) => `${fmtMs(r.generateMs - sessionRunMs(r))} (${pct(1 - sessionRunMs(r) / r.generateMs)})`);
  both('  denoise loop outside dit session.run', (r) => {
    const loop = r.result.record.timings.denoiseMs;
    const dit = r.graphs.get('dit')?.ms ?? 0;
    return `${fmtMs(Math.max(0, loop - dit))} (${pct(Math.max(0, loop - dit) / loop)})`;
  });
  rows.push(['peak RSS (process)', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`, '']);

  const ref = reference({ steps: d.steps, frames: d.frames, width: d.width, height: d.height, shift: d.shift, guidance: d.guidance });
  if (ref.wallMs !== undefined) {
    // Cold compares whole processes' work from a cold start (the reference's Python start and torch import included);
    // warm compares generation alone, models already loaded on both sides: the like-for-like figure.
    rows.push(['PyTorch reference wall time (process)', fmtMs(ref.wallMs), '']);
    rows.push(['reference / engine, whole run', (ref.wallMs / cold.wallMs).toFixed(2) + '×', '']);
    if (ref.generateMs !== undefined) {
      rows.push(['PyTorch reference generate (model loaded)', '', fmtMs(ref.generateMs)]);
      rows.push(['reference / engine, generation only', '', (ref.generateMs / warm.generateMs).toFixed(2) + '×']);
    }
  }

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'metric'.padEnd(width)}  ${'cold'.padStart(16)}  ${'warm'.padStart(16)}`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(16)}  ${'-'.repeat(16)}`);
  for (const [name, a, b] of rows) console.log(`${name.padEnd(width)}  ${a.padStart(16)}  ${b.padStart(16)}`);
  console.log(`\nPyTorch reference: ${ref.note}`);

  console.log('\nVAE decode memory (one fresh process per row; peak RSS includes the loaded graphs):');
  console.log(`${'latent frames'.padStart(13)}  ${'frames'.padStart(6)}  ${'tiled peak'.padStart(11)}  ${'one-call peak'.padStart(13)}  ${'tiled time'.padStart(10)}`);
  const memory = decodeMemory();
  for (const n of [...new Set(memory.map((m) => m.latentFrames))]) {
    const t = memory.find((m) => m.latentFrames === n && m.tiled);
    const u = memory.find((m) => m.latentFrames === n && !m.tiled);
    console.log(`${String(n).padStart(13)}  ${String(t?.frames ?? u?.frames ?? '').padStart(6)}  ${`${t?.peakRssMiB ?? '–'} MiB`.padStart(11)}  ${`${u?.peakRssMiB ?? '–'} MiB`.padStart(13)}  ${fmtMs(t?.ms ?? 0).padStart(10)}`);
  }
  console.log(`provider: ${warm.result.record.provider}; clips in ${out}`);
}

try {
  await main();
} finally {
  await engine.dispose();
  if (!process.env.HYVIDEO_BENCH_KEEP) rmSync(out, { recursive: true, force: true });
}
