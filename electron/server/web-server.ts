// Web mode: the studio's renderer and the same request handlers, served to a browser on this machine. Every HTTP
// request and the WebSocket need the per-launch token (given once in the URL, then kept in an HttpOnly cookie),
// must come from the server's own origin, and must name the host the server was bound to. Media is served only
// from the open project and the pack folders.
import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { contentSecurityPolicy, securityHeaders } from '../main/csp.js';
import { checkRawMediaPath, parseRange, resolveMedia } from '../main/media-access.js';
import type { Studio } from '../main/studio.js';
import type { EventName } from '../shared/ipc/contract.js';
import { createRouter } from '../shared/ipc/router.js';
import { decodeWire, encodeWire, type ServerMessage } from '../shared/ipc/wire.js';
import { checkAccess, cookieName, newToken, type AccessRequest, type Listening } from './auth.js';

export interface WebServerOptions {
  studio: Studio;
  /** The built renderer: index.html and its assets. */
  rendererDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  log?: (line: string) => void;
}

export interface WebServer {
  /** The URL to open, token included. */
  url: string;
  origin: string;
  port: number;
  host: string;
  token: string;
  close(): Promise<void>;
}

const staticTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** WebSocket senders are trusted once their upgrade passed the token, Host and Origin checks. */
interface SocketSender {
  verified: boolean;
}

const MAX_MESSAGE_BYTES = 300 * 1024 * 1024;
const PREVIEW_BACKLOG_BYTES = 8 * 1024 * 1024;

function splitUrl(raw: string): { pathname: string; query: URLSearchParams } {
  const q = raw.indexOf('?');
  return q < 0 ? { pathname: raw, query: new URLSearchParams() } : { pathname: raw.slice(0, q), query: new URLSearchParams(raw.slice(q + 1)) };
}

function accessRequest(req: http.IncomingMessage, queryToken: string | null): AccessRequest {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    host: header('host'),
    origin: header('origin'),
    secFetchSite: header('sec-fetch-site'),
    cookie: header('cookie'),
    authorization: header('authorization'),
    queryToken,
  };
}

const tokenPage = `<!doctype html><meta charset="utf-8"><title>HyVideo Studio</title>
<body style="background:#0d0f13;color:#d9dde6;font:15px system-ui;display:grid;place-items:center;height:100vh;margin:0">
<div style="max-width:32rem"><h1 style="font-weight:600">HyVideo Studio</h1>
<p>This studio only answers the link printed in the terminal where it was started: it carries a one-time access
token. Open that link (it looks like <code>http://127.0.0.1:PORT/?token=…</code>).</p></div></body>`;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { studio } = options;
  const token = options.token ?? newToken();
  const bindHost = options.host ?? '127.0.0.1';
  const rendererDir = path.resolve(options.rendererDir);
  let listening: Listening = { host: bindHost, port: 0 };

  const router = createRouter<SocketSender>({
    handlers: studio.handlers,
    isTrustedSender: (sender) => sender.verified === true,
    onInternalError: (channel, error) => options.log?.(`[ipc] ${channel}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`),
  });

  function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...securityHeaders, ...headers });
    res.end(body);
  }

  async function serveMedia(req: http.IncomingMessage, res: http.ServerResponse, rawPath: string) {
    const resolved = await resolveMedia(studio.mediaRoots(), rawPath);
    if (!resolved.ok) return send(res, resolved.status, `${resolved.status === 404 ? 'Not found' : 'Refused'}: ${resolved.reason}\n`);
    const base = {
      ...securityHeaders,
      'Content-Type': resolved.contentType,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'no-cache',
    };
    const range = parseRange(req.headers.range, resolved.size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...base, 'Content-Range': `bytes */${resolved.size}` });
      return res.end();
    }
    if (range) {
      res.writeHead(206, { ...base, 'Content-Length': String(range.end - range.start + 1), 'Content-Range': `bytes ${range.start}-${range.end}/${resolved.size}` });
      if (req.method === 'HEAD') return res.end();
      return createReadStream(resolved.file, { start: range.start, end: range.end }).pipe(res);
    }
    res.writeHead(200, { ...base, 'Content-Length': String(resolved.size) });
    if (req.method === 'HEAD') return res.end();
    createReadStream(resolved.file).pipe(res);
  }

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, rawPath: string) {
    const relative = rawPath === '' ? 'index.html' : rawPath;
    const checked = checkRawMediaPath(`static/${relative}`);
    if (!checked.ok) return send(res, 400, `Refused: ${checked.reason}\n`);
    const file = path.join(rendererDir, ...checked.segments);
    const type = staticTypes[path.extname(file).toLowerCase()];
    if (!type) return send(res, 404, 'Not found\n');
    const real = await fs.realpath(file).catch(() => null);
    const realRoot = await fs.realpath(rendererDir).catch(() => rendererDir);
    if (!real || !real.startsWith(realRoot + path.sep)) return send(res, 404, 'Not found\n');
    const body = await fs.readFile(real).catch(() => null);
    if (!body) return send(res, 404, 'Not found\n');
    const isHtml = type.startsWith('text/html');
    const headers: Record<string, string> = {
      ...securityHeaders,
      'Content-Type': type,
      'Content-Length': String(body.length),
      'Cache-Control': isHtml ? 'no-store' : 'no-cache',
    };
    if (isHtml) headers['Content-Security-Policy'] = contentSecurityPolicy({ connect: [`ws://${req.headers.host}`] });
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const { pathname, query } = splitUrl(req.url ?? '/');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
    const verdict = checkAccess(accessRequest(req, query.get('token')), listening, token, { requireOrigin: false });
    if (!verdict.ok) {
      options.log?.(`[web] refused ${req.method} ${pathname.slice(0, 200)}: ${verdict.reason}`);
      if (verdict.status === 401 && (pathname === '/' || pathname === '/index.html')) {
        return send(res, 401, tokenPage, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" });
      }
      return send(res, verdict.status, `Refused: ${verdict.reason}\n`);
    }
    if (verdict.via === 'query') {
      // Trade the token in the address bar for a cookie, and drop it from the URL (and so from history).
      query.delete('token');
      const rest = query.toString();
      return send(res, 303, 'See other\n', {
        Location: pathname + (rest ? `?${rest}` : ''),
        'Set-Cookie': `${cookieName(listening.port)}=${token}; Path=/; HttpOnly; SameSite=Strict`,
      });
    }
    if (pathname.startsWith('/media/')) return serveMedia(req, res, pathname.slice('/media/'.length));
    if (pathname === '/ws') return send(res, 426, 'Upgrade required\n');
    if (!pathname.startsWith('/')) return send(res, 400, 'Refused: bad path\n');
    return serveStatic(req, res, pathname.slice(1));
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      options.log?.(`[web] ${req.url}: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) send(res, 500, 'Internal error\n');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const { pathname, query } = splitUrl(req.url ?? '/');
    // The token is accepted from the cookie or a header only: a WebSocket URL ends up in logs too easily.
    const verdict = pathname === '/ws' && !query.has('token')
      ? checkAccess(accessRequest(req, null), listening, token, { requireOrigin: true })
      : ({ ok: false, status: 403, reason: 'bad WebSocket path' } as const);
    if (!verdict.ok) {
      options.log?.(`[web] refused WebSocket: ${verdict.reason}`);
      socket.write(`HTTP/1.1 ${verdict.status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    const sender: SocketSender = { verified: true };
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      let message: unknown;
      try {
        message = decodeWire(data.toString());
      } catch {
        return ws.close(1007, 'malformed message');
      }
      const m = message as { t?: unknown; id?: unknown; channel?: unknown; payload?: unknown };
      if (m?.t !== 'req' || typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) return ws.close(1008, 'not a request');
      void router.dispatch(m.channel, m.payload, sender).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(encodeWire({ t: 'res', id: m.id as number, result } satisfies ServerMessage));
      });
    });
  });

  const unsubscribe = studio.subscribe((name: EventName, payload: unknown) => {
    if (sockets.size === 0) return;
    const text = encodeWire({ t: 'evt', name, payload } satisfies ServerMessage);
    for (const ws of sockets) {
      if (ws.readyState !== ws.OPEN) continue;
      // Previews are disposable: a slow page skips some rather than queueing megabytes.
      if (name === 'job.preview' && ws.bufferedAmount > PREVIEW_BACKLOG_BYTES) continue;
      ws.send(text);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  listening = { host: bindHost, port: address.port };
  const urlHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  const origin = `http://${urlHost}:${address.port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port: address.port,
    host: bindHost,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
