// Who may talk to the web-mode server: a page that presents the per-launch token (from the URL printed at start,
// then a cookie) and comes from the server's own origin, addressed by the host name the server was bound to
// (which also defeats DNS rebinding).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import os from 'node:os';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensMatch(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !(name in out)) out[name] = value;
  }
  return out;
}

/** Cookies are shared by every port of a host, so the name carries the port: two studios do not clash. */
export function cookieName(port: number): string {
  return `hyv_token_${port}`;
}

export interface Listening {
  /** The address the server is bound to, e.g. 127.0.0.1. */
  host: string;
  port: number;
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Host header values this server answers to. */
export function allowedHosts(listening: Listening): Set<string> {
  const { host, port } = listening;
  const hosts = new Set<string>([hostPort(host, port)]);
  const loopback = ['127.0.0.1', 'localhost', '::1'];
  if (loopback.includes(host)) {
    hosts.add(hostPort('127.0.0.1', port));
    hosts.add(hostPort('localhost', port));
  }
  if (host === '0.0.0.0' || host === '::') {
    // Bound to every interface (an explicit --host): answer to each of this machine's addresses.
    for (const address of ['127.0.0.1', 'localhost', os.hostname()]) hosts.add(hostPort(address, port));
    for (const list of Object.values(os.networkInterfaces())) {
      for (const entry of list ?? []) hosts.add(hostPort(entry.address, port));
    }
  }
  return new Set([...hosts].map((h) => h.toLowerCase()));
}

export function allowedOrigins(listening: Listening): Set<string> {
  return new Set([...allowedHosts(listening)].map((host) => `http://${host}`));
}

export type AccessVerdict = { ok: true; via: 'cookie' | 'header' | 'query' } | { ok: false; status: 401 | 403 | 421; reason: string };

export interface AccessRequest {
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  cookie: string | undefined;
  authorization: string | undefined;
  queryToken: string | null;
}

export function checkAccess(request: AccessRequest, listening: Listening, token: string, options: { requireOrigin: boolean }): AccessVerdict {
  if (!request.host || !allowedHosts(listening).has(request.host.toLowerCase())) {
    return { ok: false, status: 421, reason: 'unexpected Host header' };
  }
  if (request.origin !== undefined && !allowedOrigins(listening).has(request.origin)) {
    return { ok: false, status: 403, reason: 'request from another origin' };
  }
  if (options.requireOrigin && request.origin === undefined) return { ok: false, status: 403, reason: 'missing Origin' };
  if (request.secFetchSite === 'cross-site' || request.secFetchSite === 'same-site') {
    return { ok: false, status: 403, reason: 'cross-site request' };
  }
  if (tokensMatch(token, parseCookies(request.cookie)[cookieName(listening.port)])) return { ok: true, via: 'cookie' };
  const bearer = request.authorization?.startsWith('Bearer ') ? request.authorization.slice(7).trim() : undefined;
  if (tokensMatch(token, bearer)) return { ok: true, via: 'header' };
  if (tokensMatch(token, request.queryToken)) return { ok: true, via: 'query' };
  return { ok: false, status: 401, reason: 'missing or wrong token' };
}
