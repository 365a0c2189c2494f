// The preload script runs in Electron's sandbox, where `require` knows only 'electron' and a few built-ins: it
// must be one self-contained CommonJS file. This test compiles it as `tsc` does and runs it with exactly that kind
// of require, then checks the bridge it hands the page.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_REQUEST_CHANNEL } from '../../../electron/shared/ipc/contract.js';

const source = readFileSync(path.resolve(import.meta.dirname, '../../../electron/preload/preload.cts'), 'utf8');

interface Bridge {
  request(channel: string, payload: unknown): Promise<unknown>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

function runPreload() {
  const compiled = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exposed: Record<string, unknown> = {};
  const calls: unknown[][] = [];
  const emitter = new EventEmitter();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        calls.push(args);
        return { ok: true, value: 1 };
      },
      on: (channel: string, listener: (...a: unknown[]) => void) => emitter.on(channel, listener),
      removeListener: (channel: string, listener: (...a: unknown[]) => void) => emitter.removeListener(channel, listener),
    },
  };
  const sandboxRequire = (id: string) => {
    if (id === 'electron') return electron;
    throw new Error(`the sandboxed preload cannot require ${id}`);
  };
  const module = { exports: {} };
  new Function('exports', 'require', 'module', 'process', compiled)(module.exports, sandboxRequire, module, { versions: { electron: '41.7.1' } });
  return { exposed, calls, emitter };
}

describe('preload bridge', () => {
  it('runs in the sandbox and exposes exactly request and subscribe as window.hyvStudio', () => {
    const { exposed } = runPreload();
    expect(Object.keys(exposed)).toEqual(['hyvStudio']);
    expect(Object.keys(exposed.hyvStudio as object).sort()).toEqual(['request', 'subscribe']);
  });

  it('sends every request on the one request channel and forwards events until unsubscribed', async () => {
    const { exposed, calls, emitter } = runPreload();
    const bridge = exposed.hyvStudio as Bridge;
    expect(await bridge.request('queue.get', {})).toEqual({ ok: true, value: 1 });
    expect(calls).toEqual([[ELECTRON_REQUEST_CHANNEL, 'queue.get', {}]]);

    const got: unknown[] = [];
    const off = bridge.subscribe((name, payload) => got.push([name, payload]));
    emitter.emit(ELECTRON_EVENT_CHANNEL, { sender: 'not passed on' }, 'engine.status', { state: 'ready' });
    off();
    emitter.emit(ELECTRON_EVENT_CHANNEL, {}, 'engine.status', { state: 'busy' });
    expect(got).toEqual([['engine.status', { state: 'ready' }]]);
    expect(emitter.listenerCount(ELECTRON_EVENT_CHANNEL)).toBe(0);
    expect(() => bridge.subscribe('not a function' as never)).toThrow(TypeError);
  });
});
