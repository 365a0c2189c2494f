import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_PACK, main } from '../../../electron/cli/generate.js';
import { extractFrames, readClipMetadata } from '../../../electron/media/index.js';
import { writeTinyPack } from '../../unit/engine/fixtures/tiny-pack.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hyvideo-cli-'));
const tinyPack = writeTinyPack(path.join(dir, 'tiny'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) });
  return { stream, text: () => chunks.join('') };
}

async function run(argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('npm run generate (in process, tiny pack)', () => {
  it('--json prints one JSON event per line and writes the MP4 with its record', async () => {
    const out = path.join(dir, 'fox.mp4');
    const { code, stdout } = await run(['--prompt', 'A red fox', '--camera', 'pan-left', '--seed', '5', '--steps', '3', '--json', '--pack', tinyPack, '--out', out]);
    expect(code).toBe(0);
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; stage?: string });
    expect(events.map((e) => e.stage ?? e.type)).toEqual(['loading', 'text', 'denoise', 'progress', 'preview', 'progress', 'preview', 'progress', 'preview', 'decode', 'done', 'encode', 'saved']);
    expect(events.find((e) => e.type === 'preview')).not.toHaveProperty('rgb');
    const record = await readClipMetadata(out);
    expect(record).toMatchObject({ prompt: 'A red fox. The camera pans left.', seed: 5, steps: 3, caption: { fields: { dense: 'A red fox' }, camera: 'pan-left' } });
    const frames = await extractFrames(out);
    expect([frames.width, frames.height, frames.frameCount]).toEqual([32, 32, 9]);
  });

  it('plain output without a terminal, and the seed in the default file name', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { code, stderr } = await run(['--prompt', 'x', '--seed', '9', '--steps', '1', '--pack', tinyPack]);
      expect(code).toBe(0);
      expect(stderr).toMatch(/saved .*hyvideo-9\.mp4/);
      expect(existsSync(path.join(dir, 'hyvideo-9.mp4'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('exit 2 with the usage for a bad flag, and for a request the pack cannot serve', async () => {
    const flag = await run(['--prompt', 'x', '--frames', 'many']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/error: --frames expects a number[\s\S]*Usage:/);
    const request = await run(['--prompt', 'x', '--frames', '21', '--pack', tinyPack]);
    expect(request.code).toBe(2);
    expect(request.stderr).toMatch(/error \(bad-request\): frames 21 is not offered by pack tiny-test/);
  });

  it('exit 3 for a broken pack, naming the file', async () => {
    const broken = writeTinyPack(path.join(dir, 'broken'));
    unlinkSync(path.join(broken, 'dit.onnx'));
    const { code, stderr } = await run(['--prompt', 'x', '--pack', broken, '--out', path.join(dir, 'never.mp4')]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/error \(pack-missing-file\): .*dit\.onnx: missing/);
    expect(existsSync(path.join(dir, 'never.mp4'))).toBe(false);
  });
});

describe.skipIf(!existsSync(path.join(EMBEDDED_PACK, 'manifest.json')))('npm run generate (child process, embedded pack)', () => {
  it('runs on the embedded pack by default and exits 0', () => {
    const out = path.join(dir, 'embedded.mp4');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/generate.ts', '--prompt', 'A red circle moves left.', '--seed', '3', '--steps', '2', '--out', out], { encoding: 'utf8' });
    expect(result.stderr).toMatch(/saved/);
    expect(result.status).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});
