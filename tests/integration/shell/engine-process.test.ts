// The engine in its own process, for real: onnxruntime on the embedded pack in a forked child, ffmpeg writing
// the MP4. A SIGKILL in the middle of a job (what the OOM killer does) fails that job with a reason a person can
// read, the engine comes back, and the queue carries on; the queue itself survives the app quitting.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../../electron/engine/api.js';
import { forkLauncher } from '../../../electron/engine-host/launcher.js';
import { readClipRecord } from '../../../electron/main/clip-record.js';
import { Studio } from '../../../electron/main/studio.js';
import type { EventName, EventOf } from '../../../electron/shared/ipc/contract.js';

const repo = path.resolve(import.meta.dirname, '..', '..', '..');
const packDirs = [path.join(repo, 'native-models', 'packs')];

let dir: string;
let studios: Studio[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hyv-engine-'));
});
afterEach(async () => {
  for (const studio of studios) await studio.dispose();
  studios = [];
  rmSync(dir, { recursive: true, force: true });
});

async function openStudio(): Promise<Studio> {
  const studio = new Studio({
    mode: 'web', version: '0.0.0', userDataDir: path.join(dir, 'user-data'), packDirs,
    projectDir: path.join(dir, 'project'), launcher: forkLauncher(), mediaUrl: (p) => `/media/${p}`, readClipRecord,
  });
  studios.push(studio);
  await studio.start();
  return studio;
}

async function closeStudio(studio: Studio): Promise<void> {
  studios = studios.filter((s) => s !== studio);
  await studio.dispose();
}

function nextEvent<E extends EventName>(studio: Studio, name: E, match: (payload: EventOf<E>) => boolean = () => true, timeoutMs = 90_000): Promise<EventOf<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = studio.subscribe((n: EventName, payload: unknown) => {
      if (n === name && match(payload as EventOf<E>)) {
        clearTimeout(timer);
        off();
        resolve(payload as EventOf<E>);
      }
    });
  });
}

const quick = (seed: number): GenerationRequest => ({ prompt: 'A red circle moves left. The camera pans left.', seed, steps: 2, frames: 9 });
const slow = (seed: number): GenerationRequest => ({ prompt: 'A blue square drifts up. The camera is static.', seed, steps: 200, frames: 33 });

function expectMp4(file: string) {
  expect(readFileSync(file).subarray(4, 8).toString('latin1')).toBe('ftyp');
}

describe('engine process', () => {
  it('has the embedded pack to run on', () => {
    expect(existsSync(path.join(packDirs[0]!, 'hyvideo-small', 'manifest.json')), 'native-models/packs/hyvideo-small is missing').toBe(true);
  });

  it('a SIGKILL mid-job fails that job with a readable reason, the engine restarts, and the queue goes on', async () => {
    const studio = await openStudio();
    const firstProgress = nextEvent(studio, 'job.progress');
    const { jobId: doomed } = await studio.handlers['jobs.submit']({ request: slow(1) });
    const { jobId: next } = await studio.handlers['jobs.submit']({ request: quick(2) });
    expect((await firstProgress).jobId).toBe(doomed);

    const oldPid = studio.host.pid!;
    const failed = nextEvent(studio, 'job.failed', (e) => e.jobId === doomed);
    const restarting = nextEvent(studio, 'engine.status', (s) => s.state === 'restarting');
    process.kill(oldPid, 'SIGKILL');

    const failure = await failed;
    expect(failure.code).toBe('engine-crashed');
    expect(failure.message).toMatch(/The engine process was killed \(SIGKILL\) while generating\./);
    expect(failure.message).toMatch(/ran out of memory/);
    expect(failure.message).toMatch(/The engine has been restarted\./);
    expect((await restarting).restarts).toBe(1);

    const result = await nextEvent(studio, 'job.result', (e) => e.jobId === next);
    expect(studio.host.pid).not.toBe(oldPid);
    expect(result.clip.record.seed).toBe(2);
    expect(result.clip.url).toMatch(/^\/media\/project\/media\/.+seed2-.+\.mp4$/);
    const jobs = (await studio.handlers['queue.get']({})).jobs;
    expect(jobs.map((j) => [j.id, j.status])).toEqual([[doomed, 'failed'], [next, 'done']]);
    expect(jobs[0]!.error?.message).toBe(failure.message);
    const clipFile = path.join(dir, 'project', 'media', result.clip.fileName);
    expectMp4(clipFile);
    expect(studio.engineStatus()).toMatchObject({ state: 'ready', restarts: 1 });

    // The clip carries its generation record: dropping it back on the studio gives the settings back.
    const inspected = await studio.handlers['clip.inspect']({ name: 'take.mp4', bytes: new Uint8Array(readFileSync(clipFile)) });
    expect(inspected.record).toMatchObject({ seed: 2, steps: 2, frames: 9, prompt: quick(2).prompt });
    expect(await studio.handlers['clip.inspect']({ name: 'x.mp4', bytes: new Uint8Array([1, 2, 3]) })).toEqual({ record: null });
  });

  it('cancels a running job without failing it, and the next job runs', async () => {
    const studio = await openStudio();
    const firstProgress = nextEvent(studio, 'job.progress');
    const { jobId: long } = await studio.handlers['jobs.submit']({ request: slow(3) });
    await firstProgress;
    const changed = nextEvent(studio, 'queue.changed', (q) => q.jobs.some((j) => j.id === long && j.status === 'cancelled'));
    expect(await studio.handlers['jobs.cancel']({ jobId: long })).toEqual({ cancelled: true });
    await changed;
    const { jobId } = await studio.handlers['jobs.submit']({ request: quick(4) });
    await nextEvent(studio, 'job.result', (e) => e.jobId === jobId);
  });

  it('keeps the queue across an app restart: paused state, waiting jobs, and a job cut short by quitting', async () => {
    const first = await openStudio();
    await first.handlers['queue.pause']({});
    const a = await first.handlers['jobs.submit']({ request: quick(10) });
    const b = await first.handlers['jobs.submit']({ request: quick(11) });
    await closeStudio(first);
    const saved = JSON.parse(readFileSync(path.join(dir, 'user-data', 'queue.json'), 'utf8'));
    expect(saved).toMatchObject({ format: 1, paused: true, jobs: [{ id: a.jobId, status: 'queued' }, { id: b.jobId, status: 'queued' }] });

    const second = await openStudio();
    expect(await second.handlers['queue.get']({})).toMatchObject({ paused: true, jobs: [{ status: 'queued' }, { status: 'queued' }] });
    await second.handlers['queue.resume']({});
    await second.queue.whenIdle();
    expect((await second.handlers['queue.get']({})).jobs.map((j) => j.status)).toEqual(['done', 'done']);

    // Quitting while a job runs puts it back in the queue rather than failing it.
    const progress = nextEvent(second, 'job.progress');
    const c = await second.handlers['jobs.submit']({ request: { ...slow(12), steps: 40 } });
    await progress;
    await closeStudio(second);
    expect(JSON.parse(readFileSync(path.join(dir, 'user-data', 'queue.json'), 'utf8')).jobs[2]).toMatchObject({ id: c.jobId, status: 'queued' });

    // And a hard stop (the file still says "running") does the same.
    const file = path.join(dir, 'user-data', 'queue.json');
    const hard = JSON.parse(readFileSync(file, 'utf8'));
    hard.jobs[2].status = 'running';
    hard.jobs[2].request.steps = 3;
    writeFileSync(file, JSON.stringify(hard));

    const third = await openStudio();
    const done = await nextEvent(third, 'job.result', (e) => e.jobId === c.jobId);
    expect(done.clip.record.steps).toBe(3);
    await third.queue.whenIdle();
    const jobs = (await third.handlers['queue.get']({})).jobs;
    expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'done']);
    for (const job of jobs) expectMp4(path.join(dir, 'project', 'media', job.clip!.fileName));
  });

  it('lists the embedded pack through the engine process', async () => {
    const studio = await openStudio();
    const packs = await studio.handlers['packs.list']({});
    expect(packs.map((p) => p.id)).toContain('hyvideo-small-world');
  });
});
