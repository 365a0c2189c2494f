// A recording stand-in for the few Electron calls the main process makes (ElectronLike). The Electron runtime
// cannot run on this machine; everything the shell decides is still checked, through what it asks of this fake.
import { EventEmitter } from 'node:events';
import type {
  BrowserWindowLike, ElectronLike, IpcMainEventLike, MenuTemplate, PermissionCheckHandler, PermissionRequestHandler,
  Rectangle, SessionLike, UtilityProcessLike, WebContentsLike, WindowOptions,
} from '../../../electron/main/electron-like.js';

let nextId = 1;

export class FakeWebContents extends EventEmitter implements WebContentsLike {
  readonly id = nextId++;
  url = '';
  sent: unknown[][] = [];
  drags: Array<{ file: string; icon: unknown }> = [];
  openHandler: ((details: { url: string }) => { action: 'deny' } | { action: 'allow' }) | null = null;
  getURL() {
    return this.url;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }) {
    this.openHandler = handler;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
  startDrag(item: { file: string; icon: object | string }) {
    this.drags.push(item);
  }
  isDestroyed() {
    return false;
  }
  /** Fires a navigation event the way Chromium would; true when the page was allowed to go. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true), url }, url);
    return !prevented;
  }
}

export class FakeWindow extends EventEmitter implements BrowserWindowLike {
  readonly webContents = new FakeWebContents();
  bounds: Rectangle;
  maximized = false;
  shown = false;
  focused = 0;
  destroyed = false;
  constructor(readonly options: WindowOptions) {
    super();
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
  }
  async loadURL(url: string) {
    this.webContents.url = url;
    this.emit('ready-to-show');
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  isMaximized() {
    return this.maximized;
  }
  isFullScreen() {
    return false;
  }
  isMinimized() {
    return false;
  }
  maximize() {
    this.maximized = true;
  }
  restore() {}
  focus() {
    this.focused++;
  }
  show() {
    this.shown = true;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export class FakeUtilityProcess extends EventEmitter implements UtilityProcessLike {
  readonly pid = 4242;
  readonly stderr = null;
  posted: unknown[] = [];
  constructor(readonly modulePath: string) {
    super();
  }
  postMessage(message: unknown) {
    this.posted.push(message);
    const m = message as { type: string };
    if (m.type === 'init') queueMicrotask(() => this.emit('message', { type: 'ready' }));
    if (m.type === 'shutdown') queueMicrotask(() => this.emit('exit', 0));
  }
  kill() {
    queueMicrotask(() => this.emit('exit', 1));
    return true;
  }
}

export class FakeElectron implements ElectronLike {
  readonly appEvents = new EventEmitter();
  lockGranted = true;
  quitCalls = 0;
  registeredSchemes: Array<{ scheme: string; privileges: Record<string, boolean> }> = [];
  readyBeforeSchemes = false;
  ready = false;
  windows: FakeWindow[] = [];
  menus: MenuTemplate[] = [];
  ipcHandlers = new Map<string, (event: IpcMainEventLike, ...args: unknown[]) => Promise<unknown>>();
  protocolHandlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  permissionRequest: PermissionRequestHandler | null = null;
  permissionCheck: PermissionCheckHandler | null = null;
  recentDocuments: string[] = [];
  openDialogAnswer: string | null = null;
  saveDialogAnswer: string | null = null;
  utilityForks: FakeUtilityProcess[] = [];
  displays: Rectangle[] = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  constructor(readonly userData: string, readonly documents: string) {}

  app = {
    isPackaged: true,
    getVersion: () => '9.9.9',
    getPath: (name: 'userData' | 'documents' | 'temp') => (name === 'userData' ? this.userData : this.documents),
    requestSingleInstanceLock: () => this.lockGranted,
    quit: () => void this.quitCalls++,
    whenReady: async () => {
      this.ready = true;
    },
    addRecentDocument: (file: string) => void this.recentDocuments.push(file),
    on: (event: string, listener: (...args: never[]) => void) => this.appEvents.on(event, listener as (...args: unknown[]) => void),
  } as ElectronLike['app'];

  createWindow(options: WindowOptions) {
    const window = new FakeWindow(options);
    this.windows.push(window);
    this.appEvents.emit('web-contents-created', {}, window.webContents);
    return window;
  }
  setApplicationMenu(template: MenuTemplate) {
    this.menus.push(template);
  }
  dialog = {
    showOpenDialog: async () => ({ canceled: this.openDialogAnswer === null, filePaths: this.openDialogAnswer ? [this.openDialogAnswer] : [] }),
    showSaveDialog: async () => (this.saveDialogAnswer === null ? { canceled: true } : { canceled: false, filePath: this.saveDialogAnswer }),
  };
  ipcMain = {
    handle: (channel: string, listener: (event: IpcMainEventLike, ...args: unknown[]) => Promise<unknown>) => {
      this.ipcHandlers.set(channel, listener);
    },
  };
  protocol = {
    registerSchemesAsPrivileged: (schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>) => {
      if (this.ready) this.readyBeforeSchemes = true;
      this.registeredSchemes.push(...schemes);
    },
  };
  private session: SessionLike = {
    setPermissionRequestHandler: (handler) => (this.permissionRequest = handler),
    setPermissionCheckHandler: (handler) => (this.permissionCheck = handler),
    protocol: { handle: (scheme, handler) => void this.protocolHandlers.set(scheme, handler) },
  };
  defaultSession() {
    return this.session;
  }
  shell = { openExternal: async () => {} };
  utilityProcess = {
    fork: (modulePath: string) => {
      const child = new FakeUtilityProcess(modulePath);
      this.utilityForks.push(child);
      return child;
    },
  };
  screen = { getAllDisplays: () => this.displays.map((workArea) => ({ workArea })) };
  fetchFile = async (file: string) => new Response(`file:${file}`, { status: 200 });
}
