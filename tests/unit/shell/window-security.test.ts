// The studio window against Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security).
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders } from '../../../electron/main/csp.js';
import {
  APP_ENTRY_URL, denyAllPermissions, guardWebContents, isAppUrl, mainWindowOptions, privilegedSchemes,
} from '../../../electron/main/window.js';
import type { SessionLike } from '../../../electron/main/electron-like.js';
import { FakeWebContents } from './fake-electron.js';

const options = mainWindowOptions({ bounds: { x: 10, y: 20, width: 1280, height: 800 }, preloadPath: '/app/preload.cjs', isPackaged: true });
const prefs = options.webPreferences!;

describe('BrowserWindow options', () => {
  it('#2 no Node.js integration anywhere (page, workers, sub-frames)', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });
  it('#3 context isolation and #4 the process sandbox are on', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
  });
  it('#6 webSecurity stays on, #8 no insecure content, #9 no experimental features, #10 no Blink features', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.enableBlinkFeatures).toBeUndefined();
  });
  it('#11 no <webview>, no navigation by dropping a file on the window', () => {
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
  });
  it('only the preload script bridges to the main process; dev tools are off in the packaged app', () => {
    expect(prefs.preload).toBe('/app/preload.cjs');
    expect(prefs.devTools).toBe(false);
    expect(mainWindowOptions({ bounds: { x: 0, y: 0, width: 1, height: 1 }, preloadPath: 'p', isPackaged: false }).webPreferences!.devTools).toBe(true);
  });
  it('opens where it was left, hidden until painted', () => {
    expect(options).toMatchObject({ x: 10, y: 20, width: 1280, height: 800, show: false });
  });
  it('#1 #17 loads the studio from its own app:// scheme, never file:// or http(s)://', () => {
    expect(APP_ENTRY_URL).toBe('app://studio/index.html');
    expect(privilegedSchemes.map((s) => s.scheme)).toEqual(['app', 'hyv-media']);
    for (const s of privilegedSchemes) {
      expect(s.privileges.secure).toBe(true);
      expect(s.privileges.bypassCSP).toBeUndefined();
      expect(s.privileges.corsEnabled).toBeUndefined();
    }
  });
});

describe('isAppUrl', () => {
  it('accepts only the studio origin', () => {
    expect(isAppUrl('app://studio/index.html')).toBe(true);
    for (const url of ['app://evil/index.html', 'https://studio/index.html', 'file:///app/index.html', 'app://studio.evil.com/', 'javascript:alert(1)', '', null, undefined, 'not a url']) {
      expect(isAppUrl(url)).toBe(false);
    }
  });
});

describe('web contents guards', () => {
  it('#12 denies navigation away from the studio, #13 denies every new window, #11 refuses webviews', () => {
    const contents = new FakeWebContents();
    contents.url = APP_ENTRY_URL;
    const log: string[] = [];
    guardWebContents(contents, (line) => log.push(line));
    expect(contents.navigate('will-navigate', 'https://example.com/phish')).toBe(false);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(false);
    expect(contents.navigate('will-redirect', 'http://127.0.0.1:8080/')).toBe(false);
    expect(contents.navigate('will-navigate', 'app://studio/index.html')).toBe(true); // a reload
    expect(contents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'app://studio/index.html' })).toEqual({ action: 'deny' });
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(log.filter((l) => l.startsWith('[security]'))).toHaveLength(5);
  });

  it('does not let a page that is somehow elsewhere navigate into the studio origin', () => {
    const contents = new FakeWebContents();
    contents.url = 'https://example.com/';
    guardWebContents(contents);
    expect(contents.navigate('will-navigate', 'app://studio/index.html')).toBe(false);
  });
});

describe('#5 permissions', () => {
  it('denies every permission request and check', () => {
    let request: Parameters<SessionLike['setPermissionRequestHandler']>[0] = null;
    let check: Parameters<SessionLike['setPermissionCheckHandler']>[0] = null;
    denyAllPermissions({
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
      protocol: { handle: () => {} },
    });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid']) {
      let granted: boolean | undefined;
      request!({}, permission, (g) => (granted = g), {});
      expect(granted).toBe(false);
      expect(check!({}, permission, 'app://studio', {})).toBe(false);
    }
  });
});

describe('#7 Content-Security-Policy', () => {
  const parse = (csp: string) => Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  it('allows scripts only from the app itself: no inline script, no eval, no plugins, no framing', () => {
    const csp = parse(contentSecurityPolicy({ mediaScheme: 'hyv-media' }));
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['form-action']).toEqual(["'none'"]);
    expect(csp['media-src']).toContain('hyv-media:');
    const all = Object.values(csp).flat();
    expect(all).not.toContain("'unsafe-inline'");
    expect(all).not.toContain("'unsafe-eval'");
    expect(all).not.toContain('*');
    expect(all.some((v) => /^https?:$/.test(v as string))).toBe(false);
  });
  it('web mode adds only its own WebSocket to connect-src', () => {
    const csp = parse(contentSecurityPolicy({ connect: ['ws://127.0.0.1:4000'] }));
    expect(csp['connect-src']).toEqual(["'self'", 'ws://127.0.0.1:4000']);
    expect(csp['media-src']).toEqual(["'self'", 'blob:']);
  });
  it('comes with nosniff, no referrer and no framing headers', () => {
    expect(securityHeaders).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' });
  });
});
