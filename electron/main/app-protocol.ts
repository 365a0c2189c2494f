// The two schemes the desktop app serves: app://studio/ (the renderer bundle, with the CSP header) and
// hyv-media:// (clips and images from the open project and the packs, through the same checks as web mode).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { contentSecurityPolicy, securityHeaders } from './csp.js';
import { checkRawMediaPath, resolveMedia, type MediaRoots } from './media-access.js';
import { MEDIA_SCHEME } from './window.js';

const rendererTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

function refused(status: number, reason: string): Response {
  return new Response(reason, { status, headers: { 'Content-Type': 'text/plain', ...securityHeaders } });
}

/** Serves the renderer bundle from app://studio/…; nothing outside rendererDir, nothing but its file types. */
export function rendererProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const csp = contentSecurityPolicy({ mediaScheme: MEDIA_SCHEME });
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'studio') return refused(404, 'unknown host');
    const raw = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const checked = checkRawMediaPath(`static/${raw}`);
    if (!checked.ok) return refused(400, checked.reason);
    const file = path.join(rendererDir, ...checked.segments);
    const type = rendererTypes[path.extname(file).toLowerCase()];
    if (!type) return refused(404, 'not found');
    const realRoot = await fs.realpath(rendererDir).catch(() => rendererDir);
    const real = await fs.realpath(file).catch(() => null);
    if (!real || !real.startsWith(realRoot + path.sep)) return refused(404, 'not found');
    const body = await fs.readFile(real);
    const headers: Record<string, string> = { 'Content-Type': type, ...securityHeaders };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = csp;
    return new Response(new Uint8Array(body), { status: 200, headers });
  };
}

/** Serves hyv-media://<root>/<path> from the media roots; the actual bytes come from fetchFile (Electron's net). */
export function mediaProtocolHandler(
  roots: () => MediaRoots,
  fetchFile: (file: string, request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    // The host is the root id; what follows is the path, still percent-encoded.
    const match = /^[a-z-]+:\/\/([^/?#]*)(\/[^?#]*)?/i.exec(request.url);
    if (!match) return refused(400, 'bad URL');
    const resolved = await resolveMedia(roots(), `${match[1]!.toLowerCase()}${match[2] ?? ''}`);
    if (!resolved.ok) return refused(resolved.status, resolved.reason);
    return fetchFile(resolved.file, request);
  };
}
