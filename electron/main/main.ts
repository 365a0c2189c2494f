// The Electron entry point (package.json "main", compiled to dist/electron/main/main.js). The only file that loads
// 'electron' at run time: it adapts the real module to ElectronLike and hands over to startDesktopApp.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, net, protocol, screen, session, shell, utilityProcess } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startDesktopApp } from './app.js';
import { readClipRecord } from './clip-record.js';
import { DRAG_ICON_DATA_URL } from './drag-icon.js';
import type { ElectronLike } from './electron-like.js';

const electron: ElectronLike = {
  app,
  createWindow: (options) => new BrowserWindow(options),
  setApplicationMenu: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
  dialog: {
    showOpenDialog: (window, options) => dialog.showOpenDialog(window as BrowserWindow, options),
    showSaveDialog: (window, options) => dialog.showSaveDialog(window as BrowserWindow, options),
  },
  ipcMain,
  protocol,
  defaultSession: () => session.defaultSession,
  shell,
  utilityProcess,
  screen,
  fetchFile: (file, request) => net.fetch(pathToFileURL(file).href, { headers: request.headers }),
};

// The app's folder: the repository in development, app.asar when packaged.
const appRoot = app.getAppPath();
const resources = app.isPackaged ? process.resourcesPath : path.join(appRoot, 'native-models');
if (app.isPackaged) {
  // The bundled ffmpeg is an extra resource (it cannot run from inside app.asar). electron/media reads its path from
  // here, in this process (reading dropped clips) and in the engine process, which inherits the environment.
  process.env.HYVIDEO_FFMPEG ??= path.join(process.resourcesPath, 'ffmpeg', process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
}

startDesktopApp(electron, {
  argv: process.argv,
  platform: process.platform,
  rendererDir: path.join(appRoot, 'dist', 'renderer'),
  preloadPath: path.join(appRoot, 'dist', 'electron', 'preload', 'preload.cjs'),
  engineEntry: path.join(appRoot, 'dist', 'electron', 'engine-host', 'engine-process.js'),
  dragIcon: nativeImage.createFromDataURL(DRAG_ICON_DATA_URL),
  packDirs: [path.join(resources, 'packs'), path.join(app.getPath('userData'), 'packs')],
  readClipRecord,
}).catch((error: unknown) => {
  console.error(error);
  app.quit();
});
