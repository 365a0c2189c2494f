import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJson, writeJsonAtomic } from '../../../electron/engine-host/atomic-json.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'hyv-json-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic JSON files', () => {
  it('many overlapping writes leave the last value, whole, and no temporary files', async () => {
    const file = path.join(dir, 'queue.json');
    await Promise.all(Array.from({ length: 50 }, (_, i) => writeJsonAtomic(file, { i, pad: 'x'.repeat(10_000) })));
    expect(JSON.parse(readFileSync(file, 'utf8')).i).toBe(49);
    expect(readdirSync(dir)).toEqual(['queue.json']);
  });

  it('a reader never sees a half-written file', async () => {
    const file = path.join(dir, 'q.json');
    await writeJsonAtomic(file, { n: 0 });
    let reads = 0;
    const writer = (async () => {
      for (let n = 1; n <= 40; n++) await writeJsonAtomic(file, { n, pad: 'y'.repeat(50_000) });
    })();
    let done = false;
    void writer.then(() => (done = true));
    while (!done) {
      const result = await readJson(file);
      expect(result.kind).toBe('ok');
      reads++;
    }
    expect(reads).toBeGreaterThan(0);
  });

  it('reports a missing file, and moves an unreadable one aside instead of losing it', async () => {
    expect(await readJson(path.join(dir, 'none.json'))).toEqual({ kind: 'missing' });
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{"jobs": [');
    const result = await readJson(file);
    expect(result.kind).toBe('corrupt');
    expect(readdirSync(dir).some((f) => f.startsWith('bad.json.corrupt-'))).toBe(true);
  });
});
