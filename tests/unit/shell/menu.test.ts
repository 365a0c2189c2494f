import { describe, expect, it, vi } from 'vitest';
import type { MenuTemplate } from '../../../electron/main/electron-like.js';
import { buildMenuTemplate } from '../../../electron/main/menu.js';

type Item = MenuTemplate[number];
function flatten(items: MenuTemplate): Item[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu as MenuTemplate) : [])]);
}

function build(platform: NodeJS.Platform, isPackaged = true) {
  const actions = { openProject: vi.fn(), openRecent: vi.fn(), saveProjectAs: vi.fn(), command: vi.fn() };
  const template = buildMenuTemplate({
    platform, appName: 'HyVideo Studio', isPackaged, actions,
    recent: [{ file: '/p/a/a.hyvproj', name: 'a', openedAt: 2 }, { file: '/p/b/b.hyvproj', name: 'b', openedAt: 1 }],
  });
  return { template, items: flatten(template), actions };
}

describe('application menu', () => {
  it('has the usual menus and shortcuts, wired to the studio', () => {
    const { template, items, actions } = build('win32');
    expect(template.map((m) => m.label ?? m.role)).toEqual(['&File', '&Edit', '&Generate', '&View', 'windowMenu']);
    const byLabel = (label: string) => items.find((i) => i.label === label)!;
    expect(byLabel('Open Project…').accelerator).toBe('CmdOrCtrl+O');
    expect(byLabel('Save Project As…').accelerator).toBe('CmdOrCtrl+Shift+S');
    expect(byLabel('Generate').accelerator).toBe('CmdOrCtrl+Enter');
    expect(byLabel('Pause or Resume Queue').accelerator).toBe('CmdOrCtrl+Shift+P');
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'quit', 'togglefullscreen', 'zoomIn', 'zoomOut', 'resetZoom']) {
      expect(items.some((i) => i.role === role), role).toBe(true);
    }
    (byLabel('Open Project…').click as () => void)();
    (byLabel('Generate').click as () => void)();
    expect(actions.openProject).toHaveBeenCalledOnce();
    expect(actions.command).toHaveBeenCalledWith('generate');
    const recent = byLabel('Open Recent').submenu as MenuTemplate;
    expect(recent.map((r) => r.label)).toEqual(['a — /p/a', 'b — /p/b']);
    (recent[1]!.click as () => void)();
    expect(actions.openRecent).toHaveBeenCalledWith('/p/b/b.hyvproj');
  });

  it('accelerators are unique', () => {
    const accelerators = build('linux').items.map((i) => i.accelerator).filter(Boolean);
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });

  it('on macOS starts with the app menu and closes the window from File', () => {
    const { template, items } = build('darwin');
    expect(template[0]!.label).toBe('HyVideo Studio');
    expect(items.some((i) => i.role === 'hideOthers')).toBe(true);
    expect(items.filter((i) => i.role === 'quit')).toHaveLength(1);
  });

  it('keeps reload and dev tools out of the packaged app', () => {
    expect(build('linux', true).items.some((i) => i.role === 'toggleDevTools' || i.role === 'reload')).toBe(false);
    expect(build('linux', false).items.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });
});
