// JSON that carries binary: Uint8Array values (preview frames, dropped files) travel as {"$bytes": base64}.
// Used by the WebSocket transport of web mode; Electron IPC and the engine process use structured clone instead.

const BYTES_KEY = '$bytes';

function toBase64(bytes: Uint8Array): string {
  const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, o: number, l: number): { toString(enc: string): string } } }).Buffer;
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const NodeBuffer = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(text, 'base64'));
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { [BYTES_KEY]: toBase64(v) };
    // JSON.stringify calls toJSON on Buffers before the replacer sees them.
    if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return { [BYTES_KEY]: toBase64(Uint8Array.from((v as { data: number[] }).data)) };
    }
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === BYTES_KEY && typeof (v as Record<string, unknown>)[BYTES_KEY] === 'string') {
        return fromBase64((v as Record<string, string>)[BYTES_KEY]!);
      }
    }
    return v;
  });
}

/** Messages of the web-mode WebSocket. */
export type ClientMessage = { t: 'req'; id: number; channel: string; payload: unknown };
export type ServerMessage =
  | { t: 'res'; id: number; result: import('./contract.js').IpcResult<unknown> }
  | { t: 'evt'; name: string; payload: unknown };
