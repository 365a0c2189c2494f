// Picks the transport the studio page talks through: the Electron preload bridge when the page runs in the desktop
// app, the WebSocket of web mode otherwise. Either way the rest of the renderer sees one typed StudioClient.
import { createStudioClient, type IpcTransport, type StudioClient } from '../../../electron/shared/ipc/client.js';
import type { IpcResult } from '../../../electron/shared/ipc/contract.js';
import { decodeWire, encodeWire, type ServerMessage } from '../../../electron/shared/ipc/wire.js';

interface PreloadBridge {
  request(channel: string, payload: unknown): Promise<unknown>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    hyvStudio?: PreloadBridge;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'lost';

function electronTransport(bridge: PreloadBridge): IpcTransport {
  return {
    request: (channel, payload) => bridge.request(channel, payload) as Promise<IpcResult<unknown>>,
    subscribe: (listener) => bridge.subscribe(listener),
  };
}

function webSocketTransport(onState: (state: ConnectionState) => void): IpcTransport {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const pending = new Map<number, (result: IpcResult<unknown>) => void>();
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const outbox: string[] = [];
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retry = 0;

  function open() {
    onState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      onState('open');
      for (const text of outbox.splice(0)) ws.send(text);
    };
    ws.onmessage = (event) => {
      const message = decodeWire(String(event.data)) as ServerMessage;
      if (message.t === 'res') {
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      } else if (message.t === 'evt') {
        for (const listener of listeners) listener(message.name, message.payload);
      }
    };
    ws.onclose = () => {
      socket = null;
      onState('lost');
      for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'internal', message: 'The connection to the studio was lost.' } });
      pending.clear();
      retry = Math.min(retry + 1, 6);
      setTimeout(open, 250 * 2 ** retry);
    };
  }
  open();

  return {
    request(channel, payload) {
      const id = nextId++;
      const text = encodeWire({ t: 'req', id, channel, payload });
      return new Promise((resolve) => {
        pending.set(id, resolve);
        if (socket?.readyState === WebSocket.OPEN) socket.send(text);
        else outbox.push(text);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function connectStudio(onState: (state: ConnectionState) => void): StudioClient {
  if (window.hyvStudio) {
    onState('open');
    return createStudioClient(electronTransport(window.hyvStudio));
  }
  return createStudioClient(webSocketTransport(onState));
}
