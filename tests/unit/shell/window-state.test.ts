import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState, restoreWindowState, saveWindowState } from '../../../electron/main/window-state.js';

const laptop = { x: 0, y: 0, width: 1920, height: 1080 };
const external = { x: 1920, y: 0, width: 2560, height: 1440 };

describe('window state', () => {
  it('puts the window back where it was when a display still shows it', () => {
    const saved = { bounds: { x: 2200, y: 100, width: 1400, height: 900 }, maximized: false };
    expect(restoreWindowState(saved, [laptop, external])).toEqual(saved);
  });

  it('centres a default window when the display it was on is gone, keeping the maximised flag', () => {
    const saved = { bounds: { x: 2200, y: 100, width: 1400, height: 900 }, maximized: true };
    expect(restoreWindowState(saved, [laptop])).toEqual({ bounds: { x: 240, y: 90, width: 1440, height: 900 }, maximized: true });
  });

  it('ignores garbage and a window that only peeks onto the screen', () => {
    expect(restoreWindowState({ bounds: { x: 'a' } }, [laptop]).bounds.width).toBe(1440);
    expect(restoreWindowState(null, [laptop]).maximized).toBe(false);
    expect(restoreWindowState({ bounds: { x: 1900, y: 1070, width: 800, height: 600 }, maximized: false }, [laptop]).bounds.x).toBe(240);
  });

  it('fits the default into a small screen', () => {
    expect(restoreWindowState(undefined, [{ x: 0, y: 0, width: 1280, height: 720 }]).bounds).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
  });

  it('saves and loads through an atomic file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hyv-ws-'));
    try {
      const file = path.join(dir, 'window-state.json');
      const state = { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false };
      await saveWindowState(file, state);
      expect(await loadWindowState(file, [laptop])).toEqual(state);
      expect(readdirSync(dir)).toEqual(['window-state.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
