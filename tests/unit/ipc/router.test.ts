import { describe, expect, it, vi } from 'vitest';
import { requestChannels } from '../../../electron/shared/ipc/contract.js';
import { createRouter, IpcFailure, type Handlers } from '../../../electron/shared/ipc/router.js';

function handlers(overrides: Partial<Handlers>): Handlers {
  const fail = () => {
    throw new Error('not part of this test');
  };
  return { ...Object.fromEntries(requestChannels.map((c) => [c, fail])), ...overrides } as Handlers;
}

describe('router', () => {
  it('checks the sender before anything else: an untrusted request never reaches validation or the handler', async () => {
    const handler = vi.fn(() => ({ paused: false, jobs: [] }));
    const router = createRouter({ handlers: handlers({ 'queue.get': handler }), isTrustedSender: () => false });
    expect(await router.dispatch('queue.get', {}, 'x')).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    expect(await router.dispatch('no.such', 'junk', 'x')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('treats a sender check that throws as untrusted', async () => {
    const router = createRouter({ handlers: handlers({}), isTrustedSender: () => { throw new Error('boom'); } });
    expect(await router.dispatch('queue.get', {}, null)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('passes the parsed payload to the handler and checks the answer against the response schema', async () => {
    const router = createRouter({
      handlers: handlers({
        'jobs.cancel': ({ jobId }) => ({ cancelled: jobId === 'job-1' }),
        'queue.get': () => ({ paused: 'no' }) as never,
      }),
      isTrustedSender: () => true,
    });
    expect(await router.dispatch('jobs.cancel', { jobId: 'job-1' }, null)).toEqual({ ok: true, value: { cancelled: true } });
    const bad = await router.dispatch('queue.get', {}, null);
    expect(bad).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('does not fit the contract') } });
  });

  it('turns IpcFailure into its code and other throws into internal, with the message', async () => {
    const onInternalError = vi.fn();
    const router = createRouter({
      handlers: handlers({
        'project.open': () => { throw new IpcFailure('unsupported', 'needs the desktop app'); },
        'packs.list': async () => { throw new Error('disk on fire'); },
      }),
      isTrustedSender: () => true,
      onInternalError,
    });
    expect(await router.dispatch('project.open', {}, null)).toEqual({ ok: false, error: { code: 'unsupported', message: 'needs the desktop app' } });
    expect(await router.dispatch('packs.list', {}, null)).toEqual({ ok: false, error: { code: 'internal', message: 'disk on fire' } });
    expect(onInternalError).toHaveBeenCalledTimes(1);
  });

  it('names the offending fields of a malformed payload', async () => {
    const router = createRouter({ handlers: handlers({}), isTrustedSender: () => true });
    const result = await router.dispatch('jobs.submit', { request: { prompt: '   ', seed: -1 } }, null);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('bad-request');
      expect(result.error.issues?.map((i) => i.path).sort()).toEqual(['request.prompt', 'request.seed']);
    }
  });
});
