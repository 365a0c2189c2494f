// Every request channel refuses malformed payloads with a typed error and changes nothing; requests from anyone
// but the studio's page and requests for channels that do not exist are refused too.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestChannels, requests, type IpcResult, type RequestChannel } from '../../../electron/shared/ipc/contract.js';
import { createRouter, type Router } from '../../../electron/shared/ipc/router.js';
import { createStudioFixture, type StudioFixture } from './studio-fixture.js';

const RUNS_PER_CHANNEL = 1000;

/** One valid payload per channel; the invalid ones are generated from these and from nothing at all. */
const validSamples: Record<RequestChannel, unknown> = {
  'app.info': {},
  'packs.list': {},
  'engine.status': {},
  'jobs.submit': {
    request: {
      prompt: 'A red circle moves left. The camera pans left.', seed: 42, steps: 4, frames: 9, width: 64, height: 64,
      guidance: 4, shift: 5, cfgScale: 1, fps: 8, packId: 'hyvideo-small-world', negativePrompt: 'blurry',
      caption: { fields: { short: 'A red circle moves left' }, camera: 'pan-left' },
    },
  },
  'jobs.cancel': { jobId: 'job-abc123' },
  'jobs.remove': { jobId: 'job-abc123' },
  'queue.get': {},
  'queue.pause': {},
  'queue.resume': {},
  'project.current': {},
  'project.recent': {},
  'project.open': {},
  'project.openRecent': { file: '/home/me/Shots/shots.hyvproj' },
  'project.saveAs': {},
  'clip.startDrag': { jobId: 'job-abc123' },
  'clip.inspect': { name: 'clip.mp4', bytes: new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112]) },
};

type Path = Array<string>;
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return [prefix];
  const entries = Object.entries(value as Record<string, unknown>);
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

function withReplaced(value: unknown, path: Path, replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(value);
  const [head, ...rest] = path;
  const copy = { ...(value as Record<string, unknown>) };
  copy[head!] = withReplaced(copy[head!], rest, replace);
  return copy;
}

const DELETE = Symbol('delete');
function mutations(sample: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(sample);
  const replaceAt = fc.record({ path: fc.constantFrom(...paths), value: fc.oneof(fc.anything({ maxDepth: 2 }), fc.constant(DELETE)) }).map(
    ({ path, value }) => {
      if (value !== DELETE) return withReplaced(sample, path, () => value);
      if (path.length === 0) return undefined;
      return withReplaced(sample, path.slice(0, -1), (parent) => {
        const copy = { ...(parent as Record<string, unknown>) };
        delete copy[path[path.length - 1]!];
        return copy;
      });
    },
  );
  const extraKey = fc.record({ path: fc.constantFrom(...paths.filter((p) => {
    let v: unknown = sample;
    for (const k of p) v = (v as Record<string, unknown>)[k];
    return v !== null && typeof v === 'object' && !(v instanceof Uint8Array);
  })), key: fc.string({ minLength: 1, maxLength: 12 }), value: fc.anything({ maxDepth: 1 }) }).map(({ path, key, value }) =>
    withReplaced(sample, path, (obj) => ({ ...(obj as Record<string, unknown>), [key]: value })),
  );
  return fc.oneof(replaceAt, extraKey);
}

function invalidPayloads(channel: RequestChannel): fc.Arbitrary<unknown> {
  const schema = requests[channel].request;
  return fc.oneof(fc.anything({ maxDepth: 3, withTypedArray: true }), mutations(validSamples[channel]))
    .filter((payload) => !schema.safeParse(payload).success);
}

const TRUSTED = { who: 'the studio page' };
let fixture: StudioFixture;
let router: Router<unknown>;

beforeAll(async () => {
  fixture = await createStudioFixture();
  router = createRouter({ handlers: fixture.studio.handlers, isTrustedSender: (sender) => sender === TRUSTED });
});
afterAll(async () => {
  await fixture.cleanup();
});

function expectError(result: IpcResult<unknown>, code: string) {
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error.code).toBe(code);
    expect(typeof result.error.message).toBe('string');
  }
}

describe('the valid samples', () => {
  it.each(requestChannels)('%s: the sample fits its schema (so the mutations start from valid data)', (channel) => {
    expect(requests[channel].request.safeParse(validSamples[channel]).success).toBe(true);
  });
  it('cover every channel of the contract', () => {
    expect(Object.keys(validSamples).sort()).toEqual([...requestChannels].sort());
  });
});

describe('schema-invalid requests', () => {
  it.each(requestChannels)(`%s: ${RUNS_PER_CHANNEL} malformed payloads are refused with bad-request and change nothing`, async (channel) => {
    const before = JSON.stringify(fixture.snapshot());
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(invalidPayloads(channel), async (payload) => {
        const result = await router.dispatch(channel, payload, TRUSTED);
        expectError(result, 'bad-request');
        if (!result.ok) expect(result.error.issues?.length).toBeGreaterThan(0);
        expect(JSON.stringify(fixture.snapshot())).toBe(before);
        refused++;
      }),
      { numRuns: RUNS_PER_CHANNEL },
    );
    expect(refused).toBeGreaterThanOrEqual(RUNS_PER_CHANNEL);
    expect(fixture.launches()).toBe(0);
  });
});

describe('senders and channels', () => {
  it('refuses every channel, even with a valid payload, from an unexpected sender', async () => {
    const before = JSON.stringify(fixture.snapshot());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...requestChannels), fc.anything({ maxDepth: 1 }), async (channel, sender) => {
        fc.pre(sender !== TRUSTED);
        expectError(await router.dispatch(channel, validSamples[channel], sender), 'forbidden');
      }),
      { numRuns: 500 },
    );
    expect(JSON.stringify(fixture.snapshot())).toBe(before);
  });

  it('refuses channels that are not in the contract', async () => {
    const before = JSON.stringify(fixture.snapshot());
    const known = new Set<unknown>(requestChannels);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'jobs', 'jobs.submit ', 'JOBS.SUBMIT'), fc.anything({ maxDepth: 1 })), fc.anything({ maxDepth: 2 }), async (channel, payload) => {
        fc.pre(!known.has(channel));
        expectError(await router.dispatch(channel, payload, TRUSTED), 'unknown-channel');
      }),
      { numRuns: 1000 },
    );
    expect(JSON.stringify(fixture.snapshot())).toBe(before);
  });

  it('answers valid requests (the refusals above are not the router refusing everything)', async () => {
    const queue = await router.dispatch('queue.get', {}, TRUSTED);
    expect(queue.ok).toBe(true);
    if (queue.ok) expect((queue.value as { jobs: unknown[] }).jobs).toHaveLength(1);
    const info = await router.dispatch('app.info', {}, TRUSTED);
    expect(info).toMatchObject({ ok: true, value: { mode: 'web', capabilities: { nativeDialogs: false } } });
    expectError(await router.dispatch('project.open', {}, TRUSTED), 'unsupported');
    expectError(await router.dispatch('jobs.cancel', { jobId: 'job-nope' }, TRUSTED), 'not-found');
    expectError(await router.dispatch('project.openRecent', { file: '/etc/passwd.hyvproj' }, TRUSTED), 'not-found');
  });
});
