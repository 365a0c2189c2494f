// The studio window and the rules every web page in the app lives by (Electron's security checklist:
// https://www.electronjs.org/docs/latest/tutorial/security). The page is the app's own bundle, served from the
// app:// scheme; it has no Node, runs sandboxed and isolated, and talks only through the preload bridge.
import type { Rectangle, SessionLike, WebContentsLike, WindowOptions } from './electron-like.js';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://studio`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
export const MEDIA_SCHEME = 'hyv-media';

export const privilegedSchemes: Array<{ scheme: string; privileges: Record<string, boolean> }> = [
  // standard + secure: a real origin with a CSP, fetch and storage, treated like https.
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  // stream: lets <video> seek in clips served through the protocol.
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
];

export interface MainWindowOptionsInput {
  bounds: Rectangle;
  preloadPath: string;
  isPackaged: boolean;
}

export function mainWindowOptions({ bounds, preloadPath, isPackaged }: MainWindowOptionsInput): WindowOptions {
  return {
    ...bounds,
    minWidth: 960,
    minHeight: 620,
    show: false,
    title: 'HyVideo Studio',
    backgroundColor: '#0d0f13',
    autoHideMenuBar: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: !isPackaged,
    },
  };
}

/** True for a page of the studio itself (not a page it was tricked into loading). */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'studio';
  } catch {
    return false;
  }
}

/** Applied to every web contents the app creates: no navigation away, no new windows, no webviews. */
export function guardWebContents(contents: WebContentsLike, log?: (line: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url) && isAppUrl(contents.getURL())) return; // a reload of the studio itself
    event.preventDefault();
    log?.(`[security] blocked navigation to ${String(url).slice(0, 200)}`);
  });
  contents.on('will-redirect', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    log?.(`[security] blocked redirect to ${String(url).slice(0, 200)}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    log?.(`[security] blocked a new window for ${String(url).slice(0, 200)}`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The studio needs no camera, microphone, location, notifications or anything else: every request is denied. */
export function denyAllPermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
