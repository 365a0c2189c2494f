// The preload script of the studio window. It runs sandboxed (so it must be one CommonJS file with no imports of
// our own) and hands the page exactly two functions: send a request, subscribe to events. Which requests exist and
// what they carry is checked in the main process against electron/shared/ipc/contract.ts; nothing of Electron or
// Node reaches the page.
import type { IpcRenderer, IpcRendererEvent } from 'electron';

const REQUEST_CHANNEL = 'hyv:request';
const EVENT_CHANNEL = 'hyv:event';

export interface StudioBridge {
  request(channel: string, payload: unknown): Promise<unknown>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

export function createStudioBridge(ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): StudioBridge {
  return {
    request: (channel, payload) => ipcRenderer.invoke(REQUEST_CHANNEL, String(channel), payload),
    subscribe(listener) {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      const wrapped = (_event: IpcRendererEvent, name: unknown, payload: unknown) => listener(String(name), payload);
      ipcRenderer.on(EVENT_CHANNEL, wrapped);
      return () => {
        ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
      };
    },
  };
}

if (process.versions.electron) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { contextBridge, ipcRenderer } = require('electron') as typeof import('electron');
  contextBridge.exposeInMainWorld('hyvStudio', createStudioBridge(ipcRenderer));
}
