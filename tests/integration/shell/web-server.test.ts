// Web mode's server, for real on 127.0.0.1: the token, the Origin and Host checks, and media confined to the
// project and the packs. Raw HTTP requests, so no client normalises the paths first.
import http from 'node:http';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EngineLauncher } from '../../../electron/engine-host/launcher.js';
import { Studio } from '../../../electron/main/studio.js';
import { startWebServer, type WebServer } from '../../../electron/server/web-server.js';
import { decodeWire, encodeWire } from '../../../electron/shared/ipc/wire.js';

let dir: string;
let studio: Studio;
let server: WebServer;
let cookie: string;

const noEngine: EngineLauncher = {
  launch() {
    throw new Error('no engine in this test');
  },
};

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends the path exactly as given (no URL normalisation), with the given headers. */
function raw(rawPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: rawPath, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const authed = (rawPath: string, headers: Record<string, string> = {}) => raw(rawPath, { Cookie: cookie, ...headers });

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'hyv-web-')));
  const projectDir = path.join(dir, 'project');
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(path.join(projectDir, 'media'), { recursive: true });
  mkdirSync(path.join(dir, 'packs', 'hyvideo-small'), { recursive: true });
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>HyVideo Studio</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(projectDir, 'media', 'take.mp4'), Buffer.from('\0\0\0\x18ftypisom0123456789'));
  writeFileSync(path.join(projectDir, 'project.hyvproj'), '{"format":1,"name":"p"}');
  writeFileSync(path.join(dir, 'packs', 'hyvideo-small', 'thumb.png'), 'png');
  writeFileSync(path.join(dir, 'packs', 'hyvideo-small', 'manifest.json'), '{}');
  writeFileSync(path.join(dir, 'secret.mp4'), 'SECRET');
  symlinkSync(path.join(dir, 'secret.mp4'), path.join(projectDir, 'media', 'escape.mp4'));
  symlinkSync(dir, path.join(projectDir, 'media', 'up'));
  symlinkSync(path.join(projectDir, 'media', 'take.mp4'), path.join(projectDir, 'media', 'alias.mp4'));
  studio = new Studio({
    mode: 'web', version: '0.0.0', userDataDir: path.join(dir, 'user-data'), packDirs: [path.join(dir, 'packs')],
    projectDir, launcher: noEngine, mediaUrl: (p) => `/media/${p}`,
  });
  await studio.start();
  server = await startWebServer({ studio, rendererDir, host: '127.0.0.1', port: 0 });
  const login = await raw(`/?token=${server.token}`);
  cookie = String(login.headers['set-cookie']![0]).split(';')[0]!;
});

afterAll(async () => {
  await server?.close();
  await studio?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the token', () => {
  it('is printed in the URL, exchanged once for an HttpOnly SameSite cookie, and dropped from the address', async () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[\\w-]{43}$`));
    const login = await raw(`/?token=${server.token}`);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    expect(login.headers['set-cookie']![0]).toMatch(new RegExp(`^hyv_token_${server.port}=${server.token}; Path=/; HttpOnly; SameSite=Strict$`));
  });

  it('is required on every request: page, assets, media, WebSocket path', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js', '/media/project/media/take.mp4', '/ws', '/nothing']) {
      const response = await raw(p);
      expect(response.status, p).toBe(401);
      expect(response.body).not.toContain('ftyp');
    }
    expect((await raw('/')).body).toContain('link printed in the terminal');
  });

  it('refuses a wrong or truncated token, in the URL, the cookie or a header', async () => {
    const wrong = server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A');
    expect((await raw(`/?token=${wrong}`)).status).toBe(401);
    expect((await raw(`/?token=${server.token.slice(0, 10)}`)).status).toBe(401);
    expect((await raw('/', { Cookie: `hyv_token_${server.port}=${wrong}` })).status).toBe(401);
    expect((await raw('/', { Cookie: `hyv_token_${server.port + 1}=${server.token}` })).status).toBe(401);
    expect((await raw('/', { Authorization: `Bearer ${wrong}` })).status).toBe(401);
    expect((await raw('/', { Authorization: `Bearer ${server.token}` })).status).toBe(200);
  });

  it('serves the page with its CSP and security headers once presented', async () => {
    const page = await authed('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await authed('/assets/app.js')).headers['content-type']).toContain('text/javascript');
  });
});

describe('Origin and Host', () => {
  it('refuses requests from another origin or site, even with the token', async () => {
    expect((await authed('/', { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await authed('/', { Origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await authed('/', { Origin: 'null' })).status).toBe(403);
    expect((await authed('/media/project/media/take.mp4', { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await authed('/', { Origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await authed('/', { Origin: `http://localhost:${server.port}`, Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses a Host it was not bound to (DNS rebinding)', async () => {
    expect((await authed('/', { Host: `evil.example:${server.port}` })).status).toBe(421);
    expect((await authed('/', { Host: '127.0.0.1' })).status).toBe(421);
  });

  it('accepts only GET and HEAD', async () => {
    expect((await raw('/', { Cookie: cookie }, 'POST')).status).toBe(405);
    expect((await raw('/media/project/media/take.mp4', { Cookie: cookie }, 'DELETE')).status).toBe(405);
  });
});

describe('media', () => {
  it('serves clips from the project and files from the packs, with byte ranges for <video>', async () => {
    const clip = await authed('/media/project/media/take.mp4');
    expect(clip.status).toBe(200);
    expect(clip.headers['content-type']).toBe('video/mp4');
    expect(clip.body).toContain('ftyp');
    const part = await authed('/media/project/media/take.mp4', { Range: 'bytes=4-7' });
    expect(part.status).toBe(206);
    expect(part.body).toBe('ftyp');
    expect(part.headers['content-range']).toBe('bytes 4-7/22');
    expect((await authed('/media/project/media/take.mp4', { Range: 'bytes=99-' })).status).toBe(416);
    expect((await authed('/media/packs-0/hyvideo-small/thumb.png')).status).toBe(200);
    expect((await authed('/media/project/media/alias.mp4')).status).toBe(200); // a symlink that stays inside
  });

  it.each([
    '/media/project/../secret.mp4',
    '/media/project/media/../../secret.mp4',
    '/media/project/%2e%2e/secret.mp4',
    '/media/project/%2E%2E/secret.mp4',
    '/media/project/.%2e/secret.mp4',
    '/media/project/media/%2e%2e%2f%2e%2e%2fsecret.mp4',
    '/media/project/media/..%2f..%2fsecret.mp4',
    '/media/project/media/..%5c..%5csecret.mp4',
    '/media/project/media\\..\\..\\secret.mp4',
    `/media/${encodeURIComponent(path.join(os.tmpdir(), 'secret.mp4'))}`,
    '/media//etc/passwd',
    '/media/project//etc/passwd.mp4',
    '/media/project/media/escape.mp4',
    '/media/project/media/up/secret.mp4',
    '/media/project/project.hyvproj',
    '/media/packs-0/hyvideo-small/manifest.json',
    '/media/packs-1/anything.mp4',
    '/media/project/media/take.mp4%00.png',
    '/../secret.mp4',
    '/%2e%2e/secret.mp4',
    '/assets/..%2f..%2fsecret.mp4',
  ])('refuses %s', async (p) => {
    const response = await authed(p);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).not.toContain('SECRET');
  });
});

describe('the WebSocket', () => {
  function connect(headers: Record<string, string>): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers });
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }
  const origin = () => `http://127.0.0.1:${server.port}`;

  it('needs the token and the studio origin', async () => {
    await expect(connect({ Origin: origin() })).rejects.toThrow('HTTP 401');
    await expect(connect({ Cookie: cookie })).rejects.toThrow('HTTP 403');
    await expect(connect({ Cookie: cookie, Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ Cookie: cookie, Origin: origin(), Host: `evil.example:${server.port}` })).rejects.toThrow('HTTP 421');
  });

  it('carries typed requests to the handlers, typed errors back, and host events out', async () => {
    const ws = await connect({ Cookie: cookie, Origin: origin() });
    const replies = new Map<number, unknown>();
    const events: Array<{ name: string }> = [];
    ws.on('message', (data) => {
      const m = decodeWire(data.toString()) as { t: string; id: number; result: unknown; name: string };
      if (m.t === 'res') replies.set(m.id, m.result);
      else events.push(m);
    });
    const ask = async (id: number, channel: string, payload: unknown) => {
      ws.send(encodeWire({ t: 'req', id, channel, payload }));
      for (let i = 0; i < 100 && !replies.has(id); i++) await new Promise((r) => setTimeout(r, 10));
      return replies.get(id);
    };
    expect(await ask(1, 'queue.get', {})).toEqual({ ok: true, value: { paused: false, jobs: [] } });
    expect(await ask(2, 'fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await ask(3, 'jobs.submit', { request: { prompt: '', seed: 1.5 } })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await ask(4, 'clip.startDrag', { jobId: 'job-x' })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await ask(5, 'queue.pause', {})).toMatchObject({ ok: true, value: { paused: true } });
    expect(events.some((e) => e.name === 'queue.changed')).toBe(true);
    await ask(6, 'queue.resume', {});
    ws.close();
  });

  it('closes on a frame that is not a request', async () => {
    const ws = await connect({ Cookie: cookie, Origin: origin() });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{"t":"hello"}');
    expect(await closed).toBe(1008);
  });
});
