// The application menu: the usual roles (edit, view, window) with their platform shortcuts, plus the studio's own
// commands. Built as plain data so the tests can read it without Electron.
import path from 'node:path';
import type { MenuCommand, RecentProject } from '../shared/ipc/contract.js';
import type { MenuTemplate } from './electron-like.js';

export interface MenuActions {
  openProject(): void;
  openRecent(file: string): void;
  saveProjectAs(): void;
  command(command: MenuCommand): void;
}

export interface MenuInput {
  platform: NodeJS.Platform;
  appName: string;
  recent: RecentProject[];
  isPackaged: boolean;
  actions: MenuActions;
}

export function buildMenuTemplate({ platform, appName, recent, isPackaged, actions }: MenuInput): MenuTemplate {
  const mac = platform === 'darwin';
  const template: MenuTemplate = [];
  if (mac) {
    template.push({
      label: appName,
      submenu: [
        { role: 'about' }, { type: 'separator' }, { role: 'services' }, { type: 'separator' },
        { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' },
      ],
    });
  }
  template.push({
    label: '&File',
    submenu: [
      { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => actions.openProject() },
      {
        label: 'Open Recent',
        enabled: recent.length > 0,
        submenu: recent.length > 0
          ? recent.map((item) => ({ label: `${item.name} — ${path.dirname(item.file)}`, click: () => actions.openRecent(item.file) }))
          : [{ label: 'No recent projects', enabled: false }],
      },
      { label: 'Save Project As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.saveProjectAs() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', accelerator: 'Ctrl+Q' },
    ],
  });
  template.push({
    label: '&Edit',
    submenu: [
      { role: 'undo' }, { role: 'redo' }, { type: 'separator' },
      { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'delete' }, { type: 'separator' }, { role: 'selectAll' },
    ],
  });
  template.push({
    label: '&Generate',
    submenu: [
      { label: 'Generate', accelerator: 'CmdOrCtrl+Enter', click: () => actions.command('generate') },
      { label: 'New Seed', accelerator: 'CmdOrCtrl+Shift+R', click: () => actions.command('new-seed') },
      { label: 'Focus Prompt', accelerator: 'CmdOrCtrl+L', click: () => actions.command('focus-prompt') },
      { type: 'separator' },
      { label: 'Pause or Resume Queue', accelerator: 'CmdOrCtrl+Shift+P', click: () => actions.command('toggle-queue-pause') },
    ],
  });
  template.push({
    label: '&View',
    submenu: [
      ...(isPackaged ? [] : [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }]),
      { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
    ],
  });
  template.push({ role: 'windowMenu' });
  return template;
}
