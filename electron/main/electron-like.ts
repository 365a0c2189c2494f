// The part of Electron's API the main process uses, and nothing more. main.ts hands in the real module (the
// compiler checks that it fits); the tests hand in a recording fake, so every decision of the shell runs under
// plain Node. Only main.ts may import 'electron' at run time.
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';

export type WindowOptions = BrowserWindowConstructorOptions;
export type MenuTemplate = MenuItemConstructorOptions[];

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FrameLike {
  readonly url: string;
  /** null for a main frame. */
  readonly parent: FrameLike | null;
}

export interface WebContentsLike {
  readonly id: number;
  getURL(): string;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void; url: string }, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): this;
  send(channel: string, ...args: unknown[]): void;
  startDrag(item: { file: string; icon: object | string }): void;
  isDestroyed(): boolean;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  isFullScreen(): boolean;
  isMinimized(): boolean;
  maximize(): void;
  restore(): void;
  focus(): void;
  show(): void;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): this;
  on(event: 'close' | 'closed' | 'resize' | 'move', listener: () => void): this;
}

export interface IpcMainEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  on(event: 'error', listener: (type: string, location: string, report: string) => void): this;
  kill(): boolean;
  readonly stderr: NodeJS.ReadableStream | null;
}

export type PermissionRequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
export type PermissionCheckHandler = (webContents: unknown, permission: string, requestingOrigin: string, details: unknown) => boolean;

export interface SessionLike {
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void;
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void;
  protocol: {
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
}

export interface ElectronLike {
  app: {
    readonly isPackaged: boolean;
    getVersion(): string;
    getPath(name: 'userData' | 'documents' | 'temp'): string;
    requestSingleInstanceLock(): boolean;
    quit(): void;
    whenReady(): Promise<void>;
    addRecentDocument(path: string): void;
    on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string) => void): unknown;
    on(event: 'open-file', listener: (event: { preventDefault(): void }, path: string) => void): unknown;
    on(event: 'window-all-closed' | 'before-quit' | 'activate', listener: () => void): unknown;
    on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
  };
  createWindow(options: WindowOptions): BrowserWindowLike;
  setApplicationMenu(template: MenuTemplate): void;
  dialog: {
    showOpenDialog(window: BrowserWindowLike, options: { title?: string; properties: Array<'openFile'>; filters: Array<{ name: string; extensions: string[] }> }): Promise<{ canceled: boolean; filePaths: string[] }>;
    showSaveDialog(window: BrowserWindowLike, options: { title?: string; defaultPath?: string; filters: Array<{ name: string; extensions: string[] }> }): Promise<{ canceled: boolean; filePath?: string }>;
  };
  ipcMain: {
    handle(channel: string, listener: (event: IpcMainEventLike, ...args: unknown[]) => Promise<unknown>): void;
  };
  protocol: {
    registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>): void;
  };
  defaultSession(): SessionLike;
  shell: { openExternal(url: string): Promise<void> };
  utilityProcess: {
    fork(modulePath: string, args: string[], options: { serviceName: string; stdio: 'pipe' | 'inherit' | Array<'pipe' | 'inherit' | 'ignore'>; env?: NodeJS.ProcessEnv }): UtilityProcessLike;
  };
  screen: { getAllDisplays(): Array<{ workArea: Rectangle }> };
  fetchFile(file: string, request: Request): Promise<Response>;
}
