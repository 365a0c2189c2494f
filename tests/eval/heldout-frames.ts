// Generates the held-out evaluation prompts through the TypeScript engine (the product's own path) and writes each
// clip's frames as .npy (uint8 [T, H, W, 3]) for native-models/evaluate_model.py --frames-dir, and settings.json: the
// pack and sampler settings the engine used (the pack's defaults unless overridden), which the evaluator reports.
// Usage: npx tsx tests/eval/heldout-frames.ts [--seeds 4] [--out native-models/eval/frames] [--steps N --shift S --guidance G]
//        [--packs DIR] (a folder of packs other than native-models/packs: a candidate pack, scored before it ships)
//        [--prompts FILE] (a prompts file of heldout.json's form, e.g. native-models/seen_twins.py's)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../../electron/engine/index.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');

interface HeldoutPrompt {
  id: string;
  prompt: string;
}

/** NumPy .npy v1.0: magic, header length, a Python-dict header padded to 64 bytes, then the raw data. */
function npyBytes(data: Uint8Array, shape: number[]): Buffer {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '4' },
      out: { type: 'string', default: path.join(REPO, 'native-models', 'eval', 'frames') },
      steps: { type: 'string' },
      shift: { type: 'string' },
      guidance: { type: 'string' },
      limit: { type: 'string' },
      packs: { type: 'string', default: path.join(REPO, 'native-models', 'packs') },
      prompts: { type: 'string', default: path.join(REPO, 'native-models', 'hyvideo', 'world', 'heldout.json') },
    },
  });
  const prompts = (JSON.parse(readFileSync(values.prompts, 'utf8')) as { prompts: HeldoutPrompt[] }).prompts.slice(0, values.limit ? Number(values.limit) : undefined);
  mkdirSync(values.out, { recursive: true });
  const engine = createEngine({ packDirs: [values.packs], provider: 'cpu' });
  const started = performance.now();
  const used = new Set<string>();
  try {
    for (const item of prompts) {
      for (let seed = 0; seed < Number(values.seeds); seed++) {
        const result = await engine.generate(`${item.id}-${seed}`, {
          prompt: item.prompt,
          seed,
          ...(values.steps ? { steps: Number(values.steps) } : {}),
          ...(values.shift ? { shift: Number(values.shift) } : {}),
          ...(values.guidance ? { guidance: Number(values.guidance) } : {}),
        }, { onEvent: () => undefined });
        const shape = [result.frameCount, result.height, result.width, 3];
        writeFileSync(path.join(values.out, `${item.id}_s${seed}.npy`), npyBytes(result.frames, shape));
        const { steps, shift, guidance, cfgScale, pack } = result.record;
        used.add(JSON.stringify({ steps, shift, guidance, cfgScale, pack, seeds: Number(values.seeds) }));
      }
    }
  } finally {
    await engine.dispose();
  }
  // One set of settings for every clip (one pack, one request shape); more would mean a bug worth seeing.
  if (used.size !== 1) throw new Error(`expected one set of sampler settings, got ${used.size}`);
  writeFileSync(path.join(values.out, 'settings.json'), JSON.stringify(JSON.parse([...used][0]!), null, 1) + '\n');
  console.log(`${prompts.length * Number(values.seeds)} clips in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${values.out}`);
}

await main();
