import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, appendFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/engine/api.js';
import { findPacks, readPack, summarizePack, verifyPackFiles } from '../../../electron/engine/pack/load.js';
import { PackSessions } from '../../../electron/engine/pack/sessions.js';
import { graphSpecs, writeTinyPack } from './fixtures/tiny-pack.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'hyvideo-packs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPack = (options?: Parameters<typeof writeTinyPack>[1]) => writeTinyPack(path.join(root, `pack-${counter++}`), options);

async function failure(run: () => Promise<unknown>): Promise<EngineError> {
  const error = await run().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

async function loadAllGraphs(dir: string): Promise<void> {
  const pack = await readPack(dir);
  await verifyPackFiles(pack);
  const sessions = new PackSessions(pack, { intraOpThreads: 1 });
  try {
    for (const key of ['text_llm', 'text_clip', 'dit', 'vae_decoder'] as const) await sessions.graph(key);
  } finally {
    await sessions.dispose();
  }
}

describe('pack loading', () => {
  it('reads, verifies and loads an intact pack', async () => {
    const dir = freshPack();
    await loadAllGraphs(dir);
    const pack = await readPack(dir);
    expect(pack.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(summarizePack(pack)).toMatchObject({ id: 'tiny-test', defaults: { frames: 9, cfgScale: 1 }, frameCounts: [1, 5, 9, 13, 17], guidanceEmbed: true });
  });

  it('a missing manifest is pack-missing-file', async () => {
    const error = await failure(() => readPack(path.join(root, 'nowhere')));
    expect(error.code).toBe('pack-missing-file');
    expect(error.message).toMatch(/nowhere\/manifest\.json: missing/);
  });

  it('manifest.json that is not JSON is pack-manifest', async () => {
    const dir = freshPack();
    writeFileSync(path.join(dir, 'manifest.json'), '{ "format": 1,');
    const error = await failure(() => readPack(dir));
    expect(error.code).toBe('pack-manifest');
    expect(error.message).toMatch(/manifest\.json: not valid JSON/);
  });

  it('a newer format is pack-version', async () => {
    const dir = freshPack({ manifest: (m) => (m.format = 7) });
    const error = await failure(() => readPack(dir));
    expect(error.code).toBe('pack-version');
    expect(error.message).toContain(path.join(dir, 'manifest.json'));
  });

  it('a missing graph file is pack-missing-file naming the file', async () => {
    const dir = freshPack();
    unlinkSync(path.join(dir, 'dit.onnx'));
    const error = await failure(async () => verifyPackFiles(await readPack(dir)));
    expect(error.code).toBe('pack-missing-file');
    expect(error.message).toBe(`${path.join(dir, 'dit.onnx')}: missing (listed as files.dit in manifest.json)`);
  });

  it('a file of the wrong size or content is pack-checksum naming the file', async () => {
    const truncated = freshPack();
    appendFileSync(path.join(truncated, 'vae_decoder.onnx'), 'x');
    const sizeError = await failure(async () => verifyPackFiles(await readPack(truncated)));
    expect(sizeError.code).toBe('pack-checksum');
    expect(sizeError.message).toMatch(/vae_decoder\.onnx: \d+ bytes, but manifest\.json lists \d+/);

    const corrupt = freshPack();
    const file = path.join(corrupt, 'tokenizer_llm', 'tokenizer.json');
    const bytes = readFileSync(file);
    bytes[10] = bytes[10]! ^ 1;
    writeFileSync(file, bytes);
    const shaError = await failure(async () => verifyPackFiles(await readPack(corrupt)));
    expect(shaError.code).toBe('pack-checksum');
    expect(shaError.message).toMatch(/tokenizer_llm\/tokenizer\.json: sha256 [0-9a-f]{64} does not match manifest\.json/);
  });

  it('a graph with unexpected input or output names is pack-graph naming the file and the names', async () => {
    const specs = graphSpecs();
    const dit = { ...specs.dit, inputs: specs.dit.inputs.map((i) => (i.name === 'timestep' ? { ...i, name: 'time' } : i)) };
    dit.nodes = dit.nodes.map((n) => ({ ...n, inputs: n.inputs.map((x) => (x === 'timestep' ? 'time' : x)) }));
    const dir = freshPack({ graphs: { dit } });
    const error = await failure(() => loadAllGraphs(dir));
    expect(error.code).toBe('pack-graph');
    expect(error.message).toContain(path.join(dir, 'dit.onnx'));
    expect(error.message).toMatch(/missing input "timestep", unexpected input "time"/);

    const vae = { ...specs.vae_decoder, outputs: [{ ...specs.vae_decoder.outputs[0]!, name: 'sample' }] };
    vae.nodes = vae.nodes.map((n) => ({ ...n, outputs: n.outputs.map((x) => (x === 'video' ? 'sample' : x)) }));
    const vaeError = await failure(() => loadAllGraphs(freshPack({ graphs: { vae_decoder: vae } })));
    expect(vaeError.message).toMatch(/vae_decoder\.onnx: missing output "video", unexpected output "sample"/);
  });

  it('a file that is not ONNX is pack-graph', async () => {
    const dir = freshPack();
    const file = path.join(dir, 'text_clip.onnx');
    writeFileSync(file, 'not a model');
    // Re-sign the manifest so that only the graph itself is wrong.
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const { createHash } = await import('node:crypto');
    manifest.files.text_clip = { path: 'text_clip.onnx', sha256: createHash('sha256').update('not a model').digest('hex'), bytes: 11 };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const error = await failure(() => loadAllGraphs(dir));
    expect(error.code).toBe('pack-graph');
    expect(error.message).toMatch(/text_clip\.onnx: onnxruntime cannot load this graph/);
  });

  it('findPacks takes pack folders and folders of packs, reports broken ones, first id wins', async () => {
    const shelf = path.join(root, 'shelf');
    writeTinyPack(path.join(shelf, 'a'));
    writeTinyPack(path.join(shelf, 'b'), { manifest: (m) => (m.id = 'other-pack') });
    writeTinyPack(path.join(shelf, 'c'), { manifest: (m) => (m.format = 9) });
    const single = freshPack();
    cpSync(single, path.join(root, 'dupe'), { recursive: true });
    const search = await findPacks([shelf, path.join(root, 'dupe'), path.join(root, 'does-not-exist')]);
    expect(search.packs.map((p) => p.manifest.id)).toEqual(['tiny-test', 'other-pack']);
    expect(search.problems.map((p) => p.error.code).sort()).toEqual(['pack-manifest', 'pack-version']);
    expect(search.problems.find((p) => p.error.code === 'pack-manifest')!.error.message).toMatch(/already provided by/);
  });
});
