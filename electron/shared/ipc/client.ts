// The renderer's typed client. It knows nothing of how messages travel: a transport (Electron preload bridge or
// WebSocket) carries them, and the client gives each request and event its type from the contract.
import type { EventName, EventOf, IpcError, IpcResult, RequestChannel, RequestOf, ResponseOf } from './contract.js';

export interface IpcTransport {
  request(channel: string, payload: unknown): Promise<IpcResult<unknown>>;
  /** Subscribes to every host event; returns the unsubscribe function. */
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

/** A request the host answered with an error. */
export class IpcRequestError extends Error {
  readonly code: IpcError['code'];
  readonly issues: IpcError['issues'];
  constructor(readonly channel: string, error: IpcError) {
    super(error.message);
    this.name = 'IpcRequestError';
    this.code = error.code;
    this.issues = error.issues;
  }
}

export interface StudioClient {
  /** The raw success/error union. */
  request<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<IpcResult<ResponseOf<C>>>;
  /** The value, or an IpcRequestError. */
  call<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

export function createStudioClient(transport: IpcTransport): StudioClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let unsubscribe: (() => void) | null = null;

  function ensureSubscribed() {
    if (unsubscribe) return;
    unsubscribe = transport.subscribe((name, payload) => {
      for (const listener of listeners.get(name) ?? []) listener(payload);
    });
  }

  const client: StudioClient = {
    request(channel, payload) {
      return transport.request(channel, payload) as Promise<IpcResult<ResponseOf<typeof channel>>>;
    },
    async call(channel, payload) {
      const result = await client.request(channel, payload);
      if (!result.ok) throw new IpcRequestError(channel, result.error);
      return result.value;
    },
    on(event, listener) {
      ensureSubscribed();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set!.delete(wrapped);
    },
  };
  return client;
}
