// The renderer's typed client over a transport that is the real router, in memory.
import { describe, expect, it } from 'vitest';
import { createStudioClient, IpcRequestError, type IpcTransport } from '../../../electron/shared/ipc/client.js';
import { createRouter } from '../../../electron/shared/ipc/router.js';
import { createStudioFixture } from './studio-fixture.js';

describe('studio client', () => {
  it('returns values, throws typed errors, and delivers events by name', async () => {
    const fixture = await createStudioFixture();
    try {
      const router = createRouter({ handlers: fixture.studio.handlers, isTrustedSender: () => true });
      const transport: IpcTransport = {
        request: (channel, payload) => router.dispatch(channel, payload, null),
        subscribe: (listener) => fixture.studio.subscribe(listener),
      };
      const client = createStudioClient(transport);
      const info = await client.call('app.info', {});
      expect(info.mode).toBe('web');

      const error = await client.call('project.open', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IpcRequestError);
      expect((error as IpcRequestError).code).toBe('unsupported');

      const seen: boolean[] = [];
      const off = client.on('queue.changed', (queue) => seen.push(queue.paused));
      await client.call('queue.resume', {});
      await client.call('queue.pause', {});
      off();
      await client.call('queue.resume', {});
      expect(seen[0]).toBe(false);
      expect(seen[seen.length - 1]).toBe(true);
      const count = seen.length;
      await client.call('queue.pause', {});
      expect(seen).toHaveLength(count);
    } finally {
      await fixture.cleanup();
    }
  });
});
