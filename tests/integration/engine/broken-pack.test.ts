// Each way the exported pack can be broken gets its own error code and a message naming the file: checked on
// copies of the pack in a temp folder (unchanged files are symlinked, the broken one is a real file).

import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineErrorCode, EngineEvent } from '../../../electron/engine/api.js';
import { createEngine } from '../../../electron/engine/index.js';
import { PACK_DIR, packExists } from './helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'hyvideo-broken-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;

/** A copy of the pack: manifest.json copied (editable), every other file linked. */
function copyPack(): string {
  const dir = path.join(root, `pack-${count++}`);
  const link = (from: string, to: string) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const source = path.join(from, entry.name);
      const target = path.join(to, entry.name);
      if (entry.isDirectory()) {
        mkdirSync(target, { recursive: true });
        link(source, target);
      } else if (entry.name === 'manifest.json') {
        copyFileSync(source, target);
      } else {
        try {
          symlinkSync(source, target);
        } catch {
          copyFileSync(source, target);
        }
      }
    }
  };
  mkdirSync(dir, { recursive: true });
  link(PACK_DIR, dir);
  return dir;
}

/** Replaces a linked file by real bytes. */
function writeReal(file: string, bytes: Uint8Array): void {
  unlinkSync(file);
  writeFileSync(file, bytes);
}

function editManifest(dir: string, edit: (m: Record<string, any>) => void): void {
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8'));
  edit(m);
  writeFileSync(file, JSON.stringify(m, null, 1));
}

async function failureOf(dir: string): Promise<{ code: EngineErrorCode; reason: string }> {
  const engine = createEngine({ packDirs: [dir], intraOpThreads: 1 });
  const events: EngineEvent[] = [];
  try {
    await engine.generate('broken', { prompt: 'a red circle', seed: 1, steps: 1 }, { onEvent: (e) => events.push(e) });
  } catch {
    // The failed event carries the same error.
  } finally {
    await engine.dispose();
  }
  const failed = events.at(-1);
  if (failed?.type !== 'failed') throw new Error(`expected a failed event, got ${JSON.stringify(failed)}`);
  return failed;
}

describe.skipIf(!packExists)('broken copies of the embedded pack', () => {
  it('an intact copy generates', async () => {
    const engine = createEngine({ packDirs: [copyPack()], intraOpThreads: 1 });
    await expect(engine.generate('ok', { prompt: 'a red circle', seed: 1, steps: 1 }, { onEvent: () => undefined })).resolves.toBeDefined();
    await engine.dispose();
  });

  it('missing graph → pack-missing-file naming it', async () => {
    const dir = copyPack();
    unlinkSync(path.join(dir, 'dit.onnx'));
    const failure = await failureOf(dir);
    expect(failure.code).toBe('pack-missing-file');
    expect(failure.reason).toBe(`${path.join(dir, 'dit.onnx')}: missing (listed as files.dit in manifest.json)`);
  });

  it('corrupted bytes → pack-checksum naming the file', async () => {
    const dir = copyPack();
    const file = path.join(dir, 'vae_decoder.onnx');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeReal(file, bytes);
    const failure = await failureOf(dir);
    expect(failure.code).toBe('pack-checksum');
    expect(failure.reason).toMatch(/vae_decoder\.onnx: sha256 [0-9a-f]{64} does not match manifest\.json/);
  });

  it('truncated file → pack-checksum with both sizes', async () => {
    const dir = copyPack();
    const file = path.join(dir, 'text_llm.onnx');
    const bytes = readFileSync(file);
    writeReal(file, bytes.subarray(0, bytes.length - 100));
    const failure = await failureOf(dir);
    expect(failure.code).toBe('pack-checksum');
    expect(failure.reason).toContain(`text_llm.onnx: ${bytes.length - 100} bytes, but manifest.json lists ${bytes.length}`);
  });

  it('a graph with the wrong inputs/outputs (text_llm in place of text_clip) → pack-graph naming file and names', async () => {
    const dir = copyPack();
    const bytes = readFileSync(path.join(PACK_DIR, 'text_llm.onnx'));
    writeReal(path.join(dir, 'text_clip.onnx'), bytes);
    editManifest(dir, (m) => (m.files.text_clip = { path: 'text_clip.onnx', sha256: createHash('sha256').update(bytes).digest('hex'), bytes: statSync(path.join(dir, 'text_clip.onnx')).size }));
    const failure = await failureOf(dir);
    expect(failure.code).toBe('pack-graph');
    expect(failure.reason).toContain(path.join(dir, 'text_clip.onnx'));
    expect(failure.reason).toMatch(/missing output "pooled", unexpected output "hidden_states"/);
  });

  it('an invalid manifest → pack-manifest naming the field', async () => {
    const dir = copyPack();
    editManifest(dir, (m) => delete m.rope);
    const failure = await failureOf(dir);
    expect(failure.code).toBe('pack-manifest');
    expect(failure.reason).toMatch(/manifest\.json: invalid manifest: rope/);
  });

  it('a newer pack format → pack-version', async () => {
    const dir = copyPack();
    editManifest(dir, (m) => (m.format = 2));
    const failure = await failureOf(dir);
    expect(failure.code).toBe('pack-version');
    expect(failure.reason).toMatch(/pack format 2 is newer than this app supports \(1\)/);
  });
});
