// The desktop main process, run under plain Node against the recording ElectronLike.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTrustedIpcSender, startDesktopApp, type DesktopApp, type DesktopAppOptions } from '../../../electron/main/app.js';
import type { IpcMainEventLike } from '../../../electron/main/electron-like.js';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_REQUEST_CHANNEL, type IpcResult } from '../../../electron/shared/ipc/contract.js';
import { FakeElectron } from './fake-electron.js';

let dir: string;
let userData: string;
let rendererDir: string;
let running: DesktopApp[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hyv-app-'));
  userData = path.join(dir, 'user-data');
  rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(path.join(dir, 'secret.mp4'), 'not yours');
});

afterEach(async () => {
  for (const app of running) await app.studio.dispose();
  running = [];
  rmSync(dir, { recursive: true, force: true });
});

function options(argv: string[] = ['/opt/HyVideo Studio/hyvideo-studio']): DesktopAppOptions {
  return {
    argv,
    platform: 'linux',
    rendererDir,
    preloadPath: '/app/dist/electron/preload/preload.cjs',
    engineEntry: '/app/dist/electron/engine-host/engine-process.js',
    dragIcon: 'drag.png',
    packDirs: [path.join(dir, 'packs')],
    log: () => {},
  };
}

async function start(electron: FakeElectron, argv?: string[]): Promise<DesktopApp> {
  const app = await startDesktopApp(electron, options(argv));
  expect(app).not.toBeNull();
  running.push(app!);
  return app!;
}

function writeProject(name: string): string {
  const projectDir = path.join(dir, name);
  mkdirSync(projectDir, { recursive: true });
  const file = path.join(projectDir, `${name}.hyvproj`);
  writeFileSync(file, JSON.stringify({ format: 1, name }));
  return file;
}

function ipcFrom(electron: FakeElectron, senderId: number, frameUrl: string | null, subFrame = false) {
  const handler = electron.ipcHandlers.get(ELECTRON_REQUEST_CHANNEL)!;
  const parent = subFrame ? { url: 'app://studio/index.html', parent: null } : null;
  const event: IpcMainEventLike = { sender: { id: senderId }, senderFrame: frameUrl === null ? null : { url: frameUrl, parent } };
  return (channel: unknown, payload: unknown) => handler(event, channel, payload) as Promise<IpcResult<unknown>>;
}

describe('desktop app', () => {
  it('a second instance hands over and quits without opening a window', async () => {
    const electron = new FakeElectron(userData, dir);
    electron.lockGranted = false;
    expect(await startDesktopApp(electron, options())).toBeNull();
    expect(electron.quitCalls).toBe(1);
    expect(electron.windows).toHaveLength(0);
  });

  it('sets up schemes before ready, guards, permissions, protocols, one window, the menu and the engine process', async () => {
    const electron = new FakeElectron(userData, dir);
    const app = await start(electron);
    expect(electron.readyBeforeSchemes).toBe(false);
    expect(electron.registeredSchemes.map((s) => s.scheme)).toEqual(['app', 'hyv-media']);
    expect(electron.windows).toHaveLength(1);
    const win = electron.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(win.webContents.url).toBe('app://studio/index.html');
    expect(win.shown).toBe(true);
    expect(win.webContents.navigate('will-navigate', 'https://example.com')).toBe(false);
    expect(win.webContents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    let granted: boolean | undefined;
    electron.permissionRequest!({}, 'media', (g) => (granted = g), {});
    expect(granted).toBe(false);
    expect([...electron.protocolHandlers.keys()].sort()).toEqual(['app', 'hyv-media']);
    expect(electron.menus).toHaveLength(1);
    expect(electron.utilityForks.map((f) => f.modulePath)).toEqual(['/app/dist/electron/engine-host/engine-process.js']);
    expect(electron.utilityForks[0]!.posted[0]).toMatchObject({ type: 'init', config: { provider: 'auto' } });
    expect(app.studio.engineStatus().state).toBe('ready');
  });

  it('answers only the main frame of its own window; unknown channels get a typed error', async () => {
    const electron = new FakeElectron(userData, dir);
    const app = await start(electron);
    const win = electron.windows[0]!;
    const own = ipcFrom(electron, win.webContents.id, 'app://studio/index.html');
    expect(await own('queue.get', {})).toEqual({ ok: true, value: { paused: false, jobs: [] } });
    expect(await own('shell.openExternal', { url: 'https://x' })).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await own('jobs.submit', { request: { prompt: 42 } })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    for (const [id, url] of [[win.webContents.id + 1000, 'app://studio/index.html'], [win.webContents.id, 'https://evil.example/'], [win.webContents.id, null], [win.webContents.id, 'app://studio.evil/']] as const) {
      expect(await ipcFrom(electron, id, url)('queue.get', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await ipcFrom(electron, win.webContents.id, 'app://studio/index.html', true)('queue.get', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    win.destroyed = true;
    expect(isTrustedIpcSender({ sender: { id: win.webContents.id }, senderFrame: { url: 'app://studio/', parent: null } }, win)).toBe(false);
    win.destroyed = false;
    // Host events reach the window on the event channel.
    app.studio.sendMenuCommand('generate');
    expect(win.webContents.sent).toContainEqual([ELECTRON_EVENT_CHANNEL, 'menu.command', { command: 'generate' }]);
  });

  it('opens projects from the dialog, the recent list, a second launch and macOS open-file; saves with Save As', async () => {
    const electron = new FakeElectron(userData, dir);
    const app = await start(electron);
    const win = electron.windows[0]!;
    const ipc = ipcFrom(electron, win.webContents.id, 'app://studio/index.html');

    expect(await ipc('project.open', {})).toEqual({ ok: true, value: null }); // dialog cancelled
    const alpha = writeProject('alpha');
    electron.openDialogAnswer = alpha;
    expect(await ipc('project.open', {})).toMatchObject({ ok: true, value: { name: 'alpha', file: alpha, dir: path.dirname(alpha) } });
    expect(electron.recentDocuments).toEqual([alpha]);
    const fileMenu = electron.menus.at(-1)!.find((m) => m.label === '&File')!;
    const recentMenu = (fileMenu.submenu as Array<{ label?: string; submenu?: Array<{ label?: string }> }>).find((m) => m.label === 'Open Recent')!;
    expect(recentMenu.submenu![0]!.label).toContain('alpha');

    const beta = writeProject('beta');
    electron.appEvents.emit('second-instance', {}, ['/opt/hyvideo', '--flag', beta], dir);
    await new Promise((r) => setTimeout(r, 50));
    expect(win.focused).toBe(1);
    expect(app.studio.project.name).toBe('beta');

    const gamma = writeProject('gamma');
    let prevented = false;
    electron.appEvents.emit('open-file', { preventDefault: () => (prevented = true) }, gamma);
    await new Promise((r) => setTimeout(r, 50));
    expect(prevented).toBe(true);
    expect(app.studio.project.name).toBe('gamma');

    expect(await ipc('project.openRecent', { file: alpha })).toMatchObject({ ok: true, value: { name: 'alpha' } });
    expect(await ipc('project.openRecent', { file: path.join(dir, 'never-opened.hyvproj') })).toMatchObject({ ok: false, error: { code: 'not-found' } });

    const saved = path.join(dir, 'delta', 'My Film');
    mkdirSync(path.dirname(saved));
    electron.saveDialogAnswer = saved;
    expect(await ipc('project.saveAs', {})).toMatchObject({ ok: true, value: { name: 'My Film', file: `${saved}.hyvproj` } });
    expect(JSON.parse(readFileSync(`${saved}.hyvproj`, 'utf8'))).toMatchObject({ format: 1, name: 'My Film' });
    expect((await ipc('project.recent', {}) as { ok: true; value: Array<{ name: string }> }).value.map((r) => r.name)).toEqual(['My Film', 'alpha', 'gamma', 'beta']);
  });

  it('opens the project file it was launched with (file association)', async () => {
    const alpha = writeProject('alpha');
    const electron = new FakeElectron(userData, dir);
    const app = await start(electron, ['/opt/hyvideo', alpha]);
    expect(app.studio.project).toMatchObject({ name: 'alpha', file: alpha });
  });

  it('remembers the window: bounds and maximised state come back on the next launch', async () => {
    const first = new FakeElectron(userData, dir);
    await start(first);
    const win = first.windows[0]!;
    win.bounds = { x: 120, y: 80, width: 1100, height: 700 };
    win.maximized = true;
    win.emit('close');
    await new Promise((r) => setTimeout(r, 100));
    await running.pop()!.studio.dispose();

    const second = new FakeElectron(userData, dir);
    await start(second);
    expect(second.windows[0]!.options).toMatchObject({ x: 120, y: 80, width: 1100, height: 700 });
    expect(second.windows[0]!.maximized).toBe(true);
  });

  it('serves the renderer with its CSP and media only from the project and packs', async () => {
    const electron = new FakeElectron(userData, dir);
    const app = await start(electron);
    const appProtocol = electron.protocolHandlers.get('app')!;
    const index = await appProtocol(new Request('app://studio/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    // The URL parser already folds %2e%2e into "..", so these reach the handler as paths inside the root.
    for (const url of ['app://studio/%2e%2e/secret.mp4', 'app://studio/../secret.mp4', 'app://studio/..%2fsecret.mp4']) {
      expect((await appProtocol(new Request(url))).status).toBeGreaterThanOrEqual(400);
    }
    expect((await appProtocol(new Request('app://elsewhere/index.html'))).status).toBe(404);

    const media = electron.protocolHandlers.get('hyv-media')!;
    mkdirSync(path.join(app.studio.project.dir, 'media'), { recursive: true });
    writeFileSync(path.join(app.studio.project.dir, 'media', 'take.mp4'), 'mp4');
    symlinkSync(path.join(dir, 'secret.mp4'), path.join(app.studio.project.dir, 'media', 'escape.mp4'));
    const ok = await media(new Request('hyv-media://project/media/take.mp4'));
    expect(await ok.text()).toBe(`file:${path.join(app.studio.project.dir, 'media', 'take.mp4')}`);
    for (const url of ['hyv-media://project/%2e%2e/secret.mp4', 'hyv-media://project/media/..%2f..%2fsecret.mp4', 'hyv-media://project/media/%5c..%5csecret.mp4']) {
      expect((await media(new Request(url))).status).toBeGreaterThanOrEqual(400);
    }
    expect((await media(new Request('hyv-media://project/media/escape.mp4'))).status).toBe(403);
    expect((await media(new Request('hyv-media://elsewhere/secret.mp4'))).status).toBe(404);
  });

  it('drags a finished clip out with webContents.startDrag', async () => {
    const projectDir = path.join(userData, 'Untitled Project');
    const clip = path.join(projectDir, 'media', 'take.mp4');
    mkdirSync(path.dirname(clip), { recursive: true });
    writeFileSync(clip, 'mp4');
    const record = {
      prompt: 'p', negativePrompt: '', seed: 1, steps: 2, shift: 5, guidance: 4, cfgScale: 1, width: 64, height: 64, frames: 9, fps: 8,
      pack: { id: 'x', version: '1', sha256: 'y' }, provider: 'cpu', timings: { textMs: 1, denoiseMs: 1, decodeMs: 1, totalMs: 3 }, noise: { prng: 'x', seed: 1 },
    };
    writeFileSync(path.join(userData, 'queue.json'), JSON.stringify({
      format: 1, paused: false,
      jobs: [{ id: 'job-done', status: 'done', request: { prompt: 'p', seed: 1 }, outputDir: path.dirname(clip), createdAt: 1, clip: { file: clip, record } }],
    }));
    const electron = new FakeElectron(userData, dir);
    await start(electron);
    const win = electron.windows[0]!;
    const ipc = ipcFrom(electron, win.webContents.id, 'app://studio/index.html');
    const queue = (await ipc('queue.get', {})) as { ok: true; value: { jobs: Array<{ clip: { url: string } }> } };
    expect(queue.value.jobs[0]!.clip.url).toBe('hyv-media://project/media/take.mp4');
    expect(await ipc('clip.startDrag', { jobId: 'job-done' })).toEqual({ ok: true, value: { started: true } });
    expect(win.webContents.drags).toEqual([{ file: clip, icon: 'drag.png' }]);
    expect(await ipc('clip.startDrag', { jobId: 'job-missing' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
