// The desktop app's main process, written against ElectronLike so that it runs (and is tested) under plain Node.
// One window; a single instance (a second launch hands its project file to the first); the app:// and hyv-media://
// protocols; every IPC request checked for its sender and validated by the router before a handler runs.
import path from 'node:path';
import type { GenerationRecord } from '../engine/api.js';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_REQUEST_CHANNEL } from '../shared/ipc/contract.js';
import { createRouter, type Router } from '../shared/ipc/router.js';
import { mediaProtocolHandler, rendererProtocolHandler } from './app-protocol.js';
import type { BrowserWindowLike, ElectronLike, IpcMainEventLike } from './electron-like.js';
import { projectFileFromArgv } from './file-association.js';
import { buildMenuTemplate } from './menu.js';
import { PROJECT_EXTENSION } from './project-file.js';
import { Studio, type NativeShell } from './studio.js';
import { utilityProcessLauncher } from './utility-launcher.js';
import {
  APP_ENTRY_URL, APP_SCHEME, MEDIA_SCHEME, denyAllPermissions, guardWebContents, isAppUrl, mainWindowOptions, privilegedSchemes,
} from './window.js';
import { loadWindowState, saveWindowState, type WindowState } from './window-state.js';

export interface DesktopAppOptions {
  argv: string[];
  platform: NodeJS.Platform;
  rendererDir: string;
  preloadPath: string;
  engineEntry: string;
  /** Icon shown under the cursor while a clip is dragged out. */
  dragIcon: object | string;
  packDirs: string[];
  /** Extra environment for the engine process (e.g. the bundled ffmpeg's path). */
  engineEnv?: NodeJS.ProcessEnv;
  readClipRecord?: (bytes: Uint8Array) => Promise<GenerationRecord | null>;
  log?: (line: string) => void;
}

export interface DesktopApp {
  studio: Studio;
  window: BrowserWindowLike;
  router: Router<IpcMainEventLike>;
}

/** Only the main frame of the studio's own window may call the host. */
export function isTrustedIpcSender(event: IpcMainEventLike, window: BrowserWindowLike | null): boolean {
  if (!window || window.isDestroyed()) return false;
  const frame = event.senderFrame;
  return event.sender.id === window.webContents.id && frame !== null && frame.parent === null && isAppUrl(frame.url);
}

/** Starts the app; resolves to null when another instance already runs (this one then quits). */
export async function startDesktopApp(electron: ElectronLike, options: DesktopAppOptions): Promise<DesktopApp | null> {
  const { app } = electron;
  const log = options.log ?? ((line: string) => console.log(line));

  electron.protocol.registerSchemesAsPrivileged(privilegedSchemes);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  let window: BrowserWindowLike | null = null;
  let studio: Studio | null = null;
  let pendingProject = projectFileFromArgv(options.argv);

  const openProject = (file: string) => {
    if (!studio) {
      pendingProject = file;
      return;
    }
    studio.openProjectFile(file).catch((error: Error) => log(`[project] ${error.message}`));
  };

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (window && !window.isDestroyed()) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
    const file = projectFileFromArgv(argv, workingDirectory);
    if (file) openProject(file);
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openProject(file);
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();

  const session = electron.defaultSession();
  denyAllPermissions(session);
  session.protocol.handle(APP_SCHEME, rendererProtocolHandler(options.rendererDir));
  session.protocol.handle(MEDIA_SCHEME, mediaProtocolHandler(() => studio?.mediaRoots() ?? {}, electron.fetchFile));

  const userData = app.getPath('userData');
  const native: NativeShell = {
    async chooseProjectToOpen() {
      if (!window) return null;
      const result = await electron.dialog.showOpenDialog(window, {
        title: 'Open Project',
        properties: ['openFile'],
        filters: [{ name: 'HyVideo projects', extensions: [PROJECT_EXTENSION.slice(1)] }],
      });
      return result.canceled ? null : result.filePaths[0] ?? null;
    },
    async chooseProjectSaveFile(defaultName) {
      if (!window) return null;
      const result = await electron.dialog.showSaveDialog(window, {
        title: 'Save Project As',
        defaultPath: path.join(app.getPath('documents'), `${defaultName}${PROJECT_EXTENSION}`),
        filters: [{ name: 'HyVideo projects', extensions: [PROJECT_EXTENSION.slice(1)] }],
      });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    startDrag(file) {
      window?.webContents.startDrag({ file, icon: options.dragIcon });
    },
    noteRecentDocument(file) {
      app.addRecentDocument(file);
    },
  };

  studio = new Studio({
    mode: 'electron',
    version: app.getVersion(),
    platform: `${options.platform}-${process.arch}`,
    userDataDir: userData,
    packDirs: options.packDirs,
    launcher: utilityProcessLauncher(electron, options.engineEntry, options.engineEnv),
    // The desktop app uses the GPU where there is one (CUDA, DirectML on Windows) and falls back to the CPU.
    provider: 'auto',
    mediaUrl: (mediaPath) => `${MEDIA_SCHEME}://${mediaPath}`,
    native,
    ...(options.readClipRecord ? { readClipRecord: options.readClipRecord } : {}),
    ...(pendingProject ? { projectFile: pendingProject } : {}),
    warmEngine: true,
    log,
  });
  pendingProject = null;
  await studio.start();

  const stateFile = path.join(userData, 'window-state.json');
  const state = await loadWindowState(stateFile, electron.screen.getAllDisplays().map((d) => d.workArea));
  const win = electron.createWindow(mainWindowOptions({ bounds: state.bounds, preloadPath: options.preloadPath, isPackaged: app.isPackaged }));
  window = win;
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  let saveTimer: NodeJS.Timeout | null = null;
  const currentState = (): WindowState => ({ bounds: win.getNormalBounds(), maximized: win.isMaximized() });
  const scheduleSave = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void saveWindowState(stateFile, currentState()).catch(() => undefined), 500);
  };
  win.on('resize', scheduleSave);
  win.on('move', scheduleSave);
  win.on('close', () => {
    if (saveTimer) clearTimeout(saveTimer);
    if (!win.isDestroyed()) void saveWindowState(stateFile, currentState()).catch(() => undefined);
  });
  win.on('closed', () => {
    window = null;
  });

  const router = createRouter<IpcMainEventLike>({
    handlers: studio.handlers,
    isTrustedSender: (event) => isTrustedIpcSender(event, window),
    onInternalError: (channel, error) => log(`[ipc] ${channel}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`),
  });
  electron.ipcMain.handle(ELECTRON_REQUEST_CHANNEL, (event, channel, payload) => router.dispatch(channel, payload, event));
  studio.subscribe((name, payload) => {
    if (window && !window.isDestroyed() && !window.webContents.isDestroyed()) window.webContents.send(ELECTRON_EVENT_CHANNEL, name, payload);
  });

  const s = studio;
  const refreshMenu = () =>
    electron.setApplicationMenu(buildMenuTemplate({
      platform: options.platform,
      appName: 'HyVideo Studio',
      recent: s.recent.list(),
      isPackaged: app.isPackaged,
      actions: {
        openProject: () => void native.chooseProjectToOpen().then((file) => {
          if (file) openProject(file);
        }),
        openRecent: (file) => openProject(file),
        saveProjectAs: () => void native.chooseProjectSaveFile(s.project.name).then((file) => (file ? s.saveProjectAs(file) : null)).catch((error: Error) => log(`[project] ${error.message}`)),
        command: (command) => s.sendMenuCommand(command),
      },
    }));
  refreshMenu();
  studio.subscribe((name) => {
    if (name === 'project.changed') refreshMenu();
  });

  app.on('before-quit', () => void s.dispose());
  await win.loadURL(APP_ENTRY_URL);
  return { studio, window: win, router };
}
